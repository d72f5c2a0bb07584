//! One builder per program instruction. Builders take typed arguments, derive every PDA, and
//! append an obligation's position accounts where the instruction reads its health.
use {
    crate::{error::ClientError, pda},
    anchor_lang::{system_program, InstructionData, ToAccountMetas},
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        accounts as accs, instruction as ixs,
        instructions::{
            BorrowArgs, DepositArgs, DepositCollateralArgs, InitMarketArgs, InitObligationArgs,
            InitReserveArgs, LiquidateArgs, LiquidationPayout, RedeemArgs, RepayArgs, SetPauseArgs,
            SupplyArgs, TransferAdminArgs, UpdateMarketArgs, UpdateReserveArgs, WithdrawArgs,
            WithdrawCollateralArgs, WithdrawProtocolFeesArgs,
        },
        state::{MarketChange, Obligation, Reserve, ReserveChange},
    },
    solana_sdk::{
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
    },
};

/// The keys of a reserve that instructions need. Vaults and the cToken mint are PDAs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReserveKeys {
    pub address: Pubkey,
    pub market: Pubkey,
    pub liquidity_mint: Pubkey,
    /// Token program of the liquidity mint.
    pub token_program: Pubkey,
    pub oracle: Pubkey,
}

impl ReserveKeys {
    /// Keys of a reserve that does not exist yet (for `init_reserve`) or is known by its parts.
    pub fn new(
        market: Pubkey,
        liquidity_mint: Pubkey,
        token_program: Pubkey,
        oracle: Pubkey,
    ) -> Self {
        ReserveKeys {
            address: pda::reserve(&market, &liquidity_mint),
            market,
            liquidity_mint,
            token_program,
            oracle,
        }
    }

    /// Keys of a decoded reserve account.
    pub fn from_reserve(address: Pubkey, reserve: &Reserve) -> Self {
        ReserveKeys {
            address,
            market: reserve.market,
            liquidity_mint: reserve.liquidity_mint,
            token_program: reserve.token_program,
            oracle: reserve.oracle.account,
        }
    }

    pub fn liquidity_vault(&self) -> Pubkey {
        pda::liquidity_vault(&self.address)
    }

    pub fn fee_vault(&self) -> Pubkey {
        pda::fee_vault(&self.address)
    }

    pub fn collateral_mint(&self) -> Pubkey {
        pda::collateral_mint(&self.address)
    }

    pub fn collateral_vault(&self) -> Pubkey {
        pda::collateral_vault(&self.address)
    }
}

/// An obligation's address and its position accounts (each position's reserve and oracle, in
/// the obligation's order), as instructions that read its health need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationKeys {
    pub address: Pubkey,
    pub market: Pubkey,
    pub owner: Pubkey,
    pub position_accounts: Vec<AccountMeta>,
}

impl ObligationKeys {
    /// A new obligation, with no positions yet.
    pub fn new(market: Pubkey, owner: Pubkey, obligation_id: u16) -> Self {
        ObligationKeys {
            address: pda::obligation(&market, &owner, obligation_id),
            market,
            owner,
            position_accounts: Vec::new(),
        }
    }

    /// Keys of a decoded obligation. `oracle_of` gives each position reserve's oracle account.
    pub fn from_obligation(
        address: Pubkey,
        obligation: &Obligation,
        oracle_of: impl Fn(&Pubkey) -> Option<Pubkey>,
    ) -> Result<Self, ClientError> {
        let reserves = obligation
            .collaterals()
            .iter()
            .map(|p| p.reserve)
            .chain(obligation.borrows().iter().map(|p| p.reserve));
        let mut position_accounts = Vec::with_capacity(obligation.position_count() * 2);
        for reserve in reserves {
            let oracle = oracle_of(&reserve).ok_or(ClientError::UnknownReserve(reserve))?;
            position_accounts.push(AccountMeta::new_readonly(reserve, false));
            position_accounts.push(AccountMeta::new_readonly(oracle, false));
        }
        Ok(ObligationKeys {
            address,
            market: obligation.market,
            owner: obligation.owner,
            position_accounts,
        })
    }
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ballast::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

fn with_positions(mut ix: Instruction, obligation: &ObligationKeys) -> Instruction {
    ix.accounts
        .extend(obligation.position_accounts.iter().cloned());
    ix
}

pub fn init_market(creator: &Pubkey, args: InitMarketArgs) -> Instruction {
    let market = pda::market(creator, args.market_id);
    build(
        accs::InitMarket {
            creator: *creator,
            market,
            market_authority: pda::market_authority(&market),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::InitMarket { args },
    )
}

pub fn update_market(admin: &Pubkey, market: &Pubkey, change: MarketChange) -> Instruction {
    build(
        accs::UpdateMarket {
            admin: *admin,
            market: *market,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::UpdateMarket {
            args: UpdateMarketArgs { change },
        },
    )
}

/// Lists `reserve` (built with `ReserveKeys::new`); the seed comes from `seed_source`, owned by
/// the admin; `payer` pays rent.
pub fn init_reserve(
    payer: &Pubkey,
    admin: &Pubkey,
    reserve: &ReserveKeys,
    seed_source: &Pubkey,
    args: InitReserveArgs,
) -> Instruction {
    build(
        accs::InitReserve {
            payer: *payer,
            admin: *admin,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            fee_vault: reserve.fee_vault(),
            collateral_mint: reserve.collateral_mint(),
            collateral_vault: reserve.collateral_vault(),
            oracle: reserve.oracle,
            seed_source: *seed_source,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::InitReserve { args },
    )
}

pub fn update_reserve(admin: &Pubkey, reserve: &ReserveKeys, change: ReserveChange) -> Instruction {
    build(
        accs::UpdateReserve {
            admin: *admin,
            market: reserve.market,
            reserve: reserve.address,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::UpdateReserve {
            args: UpdateReserveArgs { change },
        },
    )
}

pub fn withdraw_protocol_fees(
    admin: &Pubkey,
    reserve: &ReserveKeys,
    destination: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accs::WithdrawProtocolFees {
            admin: *admin,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            fee_vault: reserve.fee_vault(),
            collateral_mint: reserve.collateral_mint(),
            collateral_vault: reserve.collateral_vault(),
            destination: *destination,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::WithdrawProtocolFees {
            args: WithdrawProtocolFeesArgs { amount },
        },
    )
}

pub fn init_obligation(
    payer: &Pubkey,
    obligation: &ObligationKeys,
    obligation_id: u16,
) -> Instruction {
    build(
        accs::InitObligation {
            payer: *payer,
            owner: obligation.owner,
            market: obligation.market,
            obligation: obligation.address,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::InitObligation {
            args: InitObligationArgs { obligation_id },
        },
    )
}

/// Liquidity from `user_liquidity` in; cTokens to `user_collateral`.
pub fn deposit(
    user: &Pubkey,
    reserve: &ReserveKeys,
    user_liquidity: &Pubkey,
    user_collateral: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accs::Deposit {
            user: *user,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            collateral_mint: reserve.collateral_mint(),
            user_liquidity: *user_liquidity,
            user_collateral: *user_collateral,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Deposit {
            args: DepositArgs { amount },
        },
    )
}

/// cTokens from `user_collateral` burned; liquidity to `user_liquidity`.
pub fn redeem(
    user: &Pubkey,
    reserve: &ReserveKeys,
    user_collateral: &Pubkey,
    user_liquidity: &Pubkey,
    collateral_amount: u64,
) -> Instruction {
    build(
        accs::Redeem {
            user: *user,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            collateral_mint: reserve.collateral_mint(),
            user_collateral: *user_collateral,
            user_liquidity: *user_liquidity,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Redeem {
            args: RedeemArgs { collateral_amount },
        },
    )
}

pub fn deposit_collateral(
    reserve: &ReserveKeys,
    obligation: &ObligationKeys,
    user_collateral: &Pubkey,
    collateral_amount: u64,
) -> Instruction {
    build(
        accs::DepositCollateral {
            owner: obligation.owner,
            market: reserve.market,
            reserve: reserve.address,
            obligation: obligation.address,
            collateral_vault: reserve.collateral_vault(),
            user_collateral: *user_collateral,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::DepositCollateral {
            args: DepositCollateralArgs { collateral_amount },
        },
    )
}

/// `collateral_amount` of `u64::MAX` withdraws the whole position.
pub fn withdraw_collateral(
    reserve: &ReserveKeys,
    obligation: &ObligationKeys,
    user_collateral: &Pubkey,
    collateral_amount: u64,
) -> Instruction {
    let ix = build(
        accs::WithdrawCollateral {
            owner: obligation.owner,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            obligation: obligation.address,
            collateral_vault: reserve.collateral_vault(),
            user_collateral: *user_collateral,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::WithdrawCollateral {
            args: WithdrawCollateralArgs { collateral_amount },
        },
    );
    with_positions(ix, obligation)
}

pub fn supply(
    reserve: &ReserveKeys,
    obligation: &ObligationKeys,
    user_liquidity: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accs::Supply {
            owner: obligation.owner,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            obligation: obligation.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            collateral_mint: reserve.collateral_mint(),
            collateral_vault: reserve.collateral_vault(),
            user_liquidity: *user_liquidity,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Supply {
            args: SupplyArgs { amount },
        },
    )
}

/// `collateral_amount` of `u64::MAX` withdraws the whole position.
pub fn withdraw(
    reserve: &ReserveKeys,
    obligation: &ObligationKeys,
    user_liquidity: &Pubkey,
    collateral_amount: u64,
) -> Instruction {
    let ix = build(
        accs::Withdraw {
            owner: obligation.owner,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            obligation: obligation.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            collateral_mint: reserve.collateral_mint(),
            collateral_vault: reserve.collateral_vault(),
            user_liquidity: *user_liquidity,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Withdraw {
            args: WithdrawArgs { collateral_amount },
        },
    );
    with_positions(ix, obligation)
}

pub fn borrow(
    reserve: &ReserveKeys,
    obligation: &ObligationKeys,
    user_liquidity: &Pubkey,
    amount: u64,
) -> Instruction {
    let ix = build(
        accs::Borrow {
            owner: obligation.owner,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            obligation: obligation.address,
            oracle: reserve.oracle,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            user_liquidity: *user_liquidity,
            token_program: reserve.token_program,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Borrow {
            args: BorrowArgs { amount },
        },
    );
    with_positions(ix, obligation)
}

/// `amount` of `u64::MAX` repays the whole debt.
pub fn repay(
    repayer: &Pubkey,
    reserve: &ReserveKeys,
    obligation: &Pubkey,
    repayer_liquidity: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accs::Repay {
            repayer: *repayer,
            market: reserve.market,
            reserve: reserve.address,
            obligation: *obligation,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            repayer_liquidity: *repayer_liquidity,
            token_program: reserve.token_program,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Repay {
            args: RepayArgs { amount },
        },
    )
}

pub fn refresh_reserve(reserve: &ReserveKeys) -> Instruction {
    build(
        accs::RefreshReserve {
            market: reserve.market,
            reserve: reserve.address,
            oracle: reserve.oracle,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::RefreshReserve {},
    )
}

/// Liquidates `obligation`: repays up to `max_repay_amount` of its debt in `repay` from
/// `source`, and seizes collateral in `withdraw`, paid to `destination` as cTokens or, with
/// `LiquidationPayout::Liquidity`, as `withdraw`'s liquidity.
pub fn liquidate(
    liquidator: &Pubkey,
    obligation: &ObligationKeys,
    repay: &ReserveKeys,
    withdraw: &ReserveKeys,
    source: &Pubkey,
    destination: &Pubkey,
    args: LiquidateArgs,
) -> Instruction {
    let payout = args.payout;
    let ix = build(
        accs::Liquidate {
            liquidator: *liquidator,
            market: obligation.market,
            market_authority: pda::market_authority(&obligation.market),
            obligation: obligation.address,
            repay_reserve: repay.address,
            repay_liquidity_mint: repay.liquidity_mint,
            repay_liquidity_vault: repay.liquidity_vault(),
            liquidator_repay_source: *source,
            repay_token_program: repay.token_program,
            withdraw_reserve: withdraw.address,
            withdraw_collateral_vault: withdraw.collateral_vault(),
            liquidator_destination: *destination,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::Liquidate { args },
    );
    let mut ix = with_positions(ix, obligation);
    if payout == LiquidationPayout::Liquidity {
        ix.accounts.extend([
            AccountMeta::new(withdraw.collateral_mint(), false),
            AccountMeta::new(withdraw.liquidity_vault(), false),
            AccountMeta::new_readonly(withdraw.liquidity_mint, false),
            AccountMeta::new_readonly(withdraw.token_program, false),
        ]);
    }
    ix
}

/// Writes off `obligation`'s debt in `reserve` once it has no collateral left.
pub fn socialize_bad_debt(
    signer: &Pubkey,
    reserve: &ReserveKeys,
    obligation: &Pubkey,
) -> Instruction {
    build(
        accs::SocializeBadDebt {
            signer: *signer,
            market: reserve.market,
            reserve: reserve.address,
            obligation: *obligation,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::SocializeBadDebt {},
    )
}

/// Pauses (the admin or the emergency authority) or unpauses (the admin) the market.
pub fn set_pause(authority: &Pubkey, market: &Pubkey, paused: bool) -> Instruction {
    build(
        accs::SetPause {
            authority: *authority,
            market: *market,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::SetPause {
            args: SetPauseArgs { paused },
        },
    )
}

/// The admin proposes `new_admin`; it takes over when it signs `accept_admin`.
pub fn transfer_admin(admin: &Pubkey, market: &Pubkey, new_admin: &Pubkey) -> Instruction {
    build(
        accs::TransferAdmin {
            admin: *admin,
            market: *market,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::TransferAdmin {
            args: TransferAdminArgs {
                new_admin: *new_admin,
            },
        },
    )
}

pub fn accept_admin(pending_admin: &Pubkey, market: &Pubkey) -> Instruction {
    build(
        accs::AcceptAdmin {
            pending_admin: *pending_admin,
            market: *market,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::AcceptAdmin {},
    )
}

/// Closes an empty obligation; its rent goes to `rent_receiver`.
pub fn close_obligation(obligation: &ObligationKeys, rent_receiver: &Pubkey) -> Instruction {
    build(
        accs::CloseObligation {
            owner: obligation.owner,
            rent_receiver: *rent_receiver,
            market: obligation.market,
            obligation: obligation.address,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        },
        ixs::CloseObligation {},
    )
}
