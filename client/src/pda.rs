//! One function per program address, from the program's own seed constants.
use {
    ballast::constants::{
        AUTHORITY_SEED, COLLATERAL_MINT_SEED, COLLATERAL_VAULT_SEED, FEE_VAULT_SEED,
        LIQUIDITY_VAULT_SEED, MARKET_SEED, OBLIGATION_SEED, RESERVE_SEED,
    },
    solana_sdk::pubkey::Pubkey,
};

fn find(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &crate::program_id::get()).0
}

pub fn market(creator: &Pubkey, market_id: u64) -> Pubkey {
    find(&[MARKET_SEED, creator.as_ref(), &market_id.to_le_bytes()])
}

pub fn market_authority(market: &Pubkey) -> Pubkey {
    find(&[AUTHORITY_SEED, market.as_ref()])
}

pub fn reserve(market: &Pubkey, liquidity_mint: &Pubkey) -> Pubkey {
    find(&[RESERVE_SEED, market.as_ref(), liquidity_mint.as_ref()])
}

pub fn liquidity_vault(reserve: &Pubkey) -> Pubkey {
    find(&[LIQUIDITY_VAULT_SEED, reserve.as_ref()])
}

pub fn fee_vault(reserve: &Pubkey) -> Pubkey {
    find(&[FEE_VAULT_SEED, reserve.as_ref()])
}

pub fn collateral_mint(reserve: &Pubkey) -> Pubkey {
    find(&[COLLATERAL_MINT_SEED, reserve.as_ref()])
}

pub fn collateral_vault(reserve: &Pubkey) -> Pubkey {
    find(&[COLLATERAL_VAULT_SEED, reserve.as_ref()])
}

pub fn obligation(market: &Pubkey, owner: &Pubkey, obligation_id: u16) -> Pubkey {
    find(&[
        OBLIGATION_SEED,
        market.as_ref(),
        owner.as_ref(),
        &obligation_id.to_le_bytes(),
    ])
}

/// The PDA that signs `#[event_cpi]` self-invocations.
pub fn event_authority() -> Pubkey {
    find(&[b"__event_authority"])
}
