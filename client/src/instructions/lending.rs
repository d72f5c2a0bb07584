//! Builders of the instructions of lenders and borrowers.
use {
    super::{build, with_positions, ObligationKeys, ReserveKeys},
    crate::pda,
    anchor_lang::system_program,
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{accounts as accs, instruction as ixs, instructions::*},
    solana_sdk::{instruction::Instruction, pubkey::Pubkey},
};

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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
        },
        ixs::WithdrawCollateral {
            args: WithdrawCollateralArgs { collateral_amount },
        },
    );
    with_positions(ix, obligation)
}

/// Moves the obligation into e-mode `group` (1..=32), or out of e-mode (0).
pub fn set_obligation_emode(obligation: &ObligationKeys, group: u8) -> Instruction {
    let ix = build(
        accs::SetObligationEmode {
            owner: obligation.owner,
            market: obligation.market,
            obligation: obligation.address,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::SetObligationEmode {
            args: SetObligationEmodeArgs { group },
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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
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
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            user_liquidity: *user_liquidity,
            token_program: reserve.token_program,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::Borrow {
            args: BorrowArgs { amount },
        },
    );
    let mut ix = with_positions(ix, obligation);
    // A new position: its price accounts follow the positions'.
    if !obligation.has_position_in(&reserve.address) {
        ix.accounts.extend(reserve.price_metas());
    }
    ix
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
            program: crate::program_id::get(),
        },
        ixs::Repay {
            args: RepayArgs { amount },
        },
    )
}

/// Followed by the reserve's price accounts.
pub fn refresh_reserve(reserve: &ReserveKeys) -> Instruction {
    let mut ix = build(
        accs::RefreshReserve {
            market: reserve.market,
            reserve: reserve.address,
        },
        ixs::RefreshReserve {},
    );
    ix.accounts.extend(reserve.price_metas());
    ix
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
            program: crate::program_id::get(),
        },
        ixs::CloseObligation {},
    )
}
