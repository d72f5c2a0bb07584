//! The Ballast accounts the vault passes through to supply into or withdraw from its reserve.
//! Ballast checks every one of them; the vault only reads its obligation.
use {
    crate::ballast::{accounts::Obligation, program::Ballast},
    anchor_lang::prelude::*,
    anchor_spl::token::Token,
};

#[derive(Accounts)]
pub struct BallastReserve<'info> {
    /// CHECK: Ballast checks it is the reserve's market.
    pub market: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it is the market's authority.
    pub market_authority: UncheckedAccount<'info>,
    /// CHECK: Ballast checks the reserve (and the vault checks it is its own).
    #[account(mut)]
    pub reserve: UncheckedAccount<'info>,
    /// Not checked against the vault here: Ballast refuses any obligation the vault's PDA does
    /// not own.
    #[account(mut)]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: Ballast checks it is the reserve's.
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it is the reserve's.
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it is the reserve's.
    #[account(mut)]
    pub collateral_mint: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it is the reserve's.
    #[account(mut)]
    pub collateral_vault: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    /// CHECK: Ballast's event authority (Ballast checks it).
    pub event_authority: UncheckedAccount<'info>,
    pub program: Program<'info, Ballast>,
}

impl BallastReserve<'_> {
    /// cTokens the obligation holds in the reserve.
    pub fn pledged(&self) -> Result<u64> {
        let obligation = self.obligation.load()?;
        Ok(
            obligation.collaterals[..usize::from(obligation.collateral_count)]
                .iter()
                .find(|p| p.reserve == self.reserve.key())
                .map_or(0, |p| p.deposited_amount),
        )
    }
}
