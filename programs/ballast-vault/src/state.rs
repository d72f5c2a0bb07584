//! The vault's one account.
use anchor_lang::prelude::*;

/// PDA `["vault", reserve, manager]`. It owns the vault's Ballast obligation, its idle
/// liquidity account and its share mint, and signs for all three with its seeds.
#[account]
#[derive(InitSpace, Debug)]
pub struct Vault {
    /// May borrow against the vault's collateral and repay.
    pub manager: Pubkey,
    /// The Ballast market and reserve the vault supplies into.
    pub market: Pubkey,
    pub reserve: Pubkey,
    pub liquidity_mint: Pubkey,
    /// PDA `["shares", vault]`: one share is one cToken pledged in `obligation`.
    pub share_mint: Pubkey,
    /// PDA `["idle", vault]`: liquidity passes through it on the way in and out.
    pub idle: Pubkey,
    /// The Ballast obligation (id 0) owned by this vault's PDA.
    pub obligation: Pubkey,
    pub bump: u8,
}

impl Vault {
    pub const SEED: &'static [u8] = b"vault";

    /// Signer seeds of the vault PDA.
    pub fn seeds(&self) -> [&[u8]; 4] {
        [
            Self::SEED,
            self.reserve.as_ref(),
            self.manager.as_ref(),
            std::slice::from_ref(&self.bump),
        ]
    }
}
