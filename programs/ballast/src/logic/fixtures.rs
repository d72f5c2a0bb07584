//! Test fixtures for the logic: reserves with plain round numbers and their pricing.
use {
    super::ReservePricing,
    crate::{
        math::Fixed,
        oracle::OraclePrice,
        state::{sample_reserve_config, Market, MarketConfig, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    bytemuck::Zeroable,
};

/// A reserve of a 6-decimal asset holding `available` units for as many cTokens (rate 1), one
/// of them locked as the seed, the sample config (LTV 75%, threshold 80%, bonus 2-10%, 10%
/// of the bonus to the protocol, borrow fee 10 bps), last accrued at time 0.
pub fn reserve(available: u64) -> Reserve {
    let mut r = Reserve::zeroed();
    r.config = sample_reserve_config();
    r.decimals = 6;
    r.locked_collateral = 1;
    r.liquidity.available_amount = available;
    r.liquidity.collateral_supply = available;
    r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
    r
}

/// A price of `spot` and `ema` USD per whole token, published at time 0.
pub fn usd(spot: u64, ema: u64) -> OraclePrice {
    OraclePrice {
        spot: Fixed::from_u64(spot),
        ema: Fixed::from_u64(ema),
        publish_time: 0,
        prev_publish_time: 0,
        ..OraclePrice::default()
    }
}

/// `reserve` priced at `price` at time 0.
pub fn pricing(key: Pubkey, reserve: &Reserve, price: OraclePrice) -> ReservePricing {
    ReservePricing::new(key, reserve, price, 0).unwrap()
}

/// Whole tokens of a 6-decimal asset, in base units.
pub const fn tokens(n: u64) -> u64 {
    n * 1_000_000
}

/// An obligation with `collateral` cTokens in `reserve`.
pub fn pledged(reserve: &Pubkey, collateral: u64) -> Obligation {
    let mut o = Obligation::zeroed();
    o.deposit_collateral(reserve, collateral).unwrap();
    o
}

/// A market with the default config and no e-mode group configured.
pub fn market() -> Market {
    let mut m = Market::zeroed();
    m.config = MarketConfig::default();
    m
}
