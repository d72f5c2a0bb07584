//! Builders of the admin instructions.
use {
    super::{build, ReserveKeys},
    crate::pda,
    anchor_lang::system_program,
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{accounts as accs, instruction as ixs, instructions::*, state::*},
    solana_sdk::{
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
    },
};

pub fn init_market(creator: &Pubkey, args: InitMarketArgs) -> Instruction {
    let market = pda::market(creator, args.market_id);
    build(
        accs::InitMarket {
            creator: *creator,
            market,
            market_authority: pda::market_authority(&market),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
        },
        ixs::UpdateMarket {
            args: UpdateMarketArgs { change },
        },
    )
}

/// Lists `reserve` (built with `ReserveKeys::new`) priced by `args.oracle_sources`, whose accounts
/// follow; the seed comes from `seed_source`, owned by the admin; `payer` pays rent.
pub fn init_reserve(
    payer: &Pubkey,
    admin: &Pubkey,
    reserve: &ReserveKeys,
    seed_source: &Pubkey,
    args: InitReserveArgs,
) -> Instruction {
    let keys: Vec<Pubkey> = args
        .oracle_sources
        .iter()
        .flat_map(PriceSource::accounts)
        .collect();
    let mut ix = build(
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
            seed_source: *seed_source,
            token_program: reserve.token_program,
            collateral_token_program: TOKEN_PROGRAM_ID,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::InitReserve { args },
    );
    // The sources' accounts, whose live prices the program checks.
    ix.accounts.extend(
        keys.into_iter()
            .map(|key| AccountMeta::new_readonly(key, false)),
    );
    ix
}

/// A change of price sources also passes their accounts, whose live prices the program checks.
pub fn update_reserve(admin: &Pubkey, reserve: &ReserveKeys, change: ReserveChange) -> Instruction {
    let mut ix = build(
        accs::UpdateReserve {
            admin: *admin,
            market: reserve.market,
            reserve: reserve.address,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::UpdateReserve {
            args: UpdateReserveArgs {
                change: change.clone(),
            },
        },
    );
    if let ReserveChange::OracleSources { sources, .. } = &change {
        let keys = sources.iter().flat_map(PriceSource::accounts);
        ix.accounts
            .extend(keys.map(|key| AccountMeta::new_readonly(key, false)));
    }
    ix
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
            program: crate::program_id::get(),
        },
        ixs::WithdrawProtocolFees {
            args: WithdrawProtocolFeesArgs { amount },
        },
    )
}

/// Pauses (the admin or the emergency authority) or unpauses (the admin) the market.
pub fn set_pause(authority: &Pubkey, market: &Pubkey, paused: bool) -> Instruction {
    build(
        accs::SetPause {
            authority: *authority,
            market: *market,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
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
            program: crate::program_id::get(),
        },
        ixs::AcceptAdmin {},
    )
}
