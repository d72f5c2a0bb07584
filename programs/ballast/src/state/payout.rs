//! `LiquidationPayout`: an argument of `liquidate` that its event also carries.
use anchor_lang::prelude::*;

/// What the liquidator receives for the seized collateral.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiquidationPayout {
    /// The withdraw reserve's cTokens.
    Collateral,
    /// The cTokens redeemed for the withdraw reserve's liquidity (needs it available).
    Liquidity,
}
