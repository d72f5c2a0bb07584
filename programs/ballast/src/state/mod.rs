//! Program accounts and their config types.
mod emode;
mod market;
mod obligation;
mod oracle_sources;
mod payout;
mod reserve;
mod reserve_config;

pub use {
    emode::{emode_bit, emode_group, EmodeGroup, EmodeGroupConfig},
    market::{Market, MarketChange, MarketConfig, MAX_ORACLE_GRACE_PERIOD_SECS},
    obligation::{BorrowPosition, CollateralPosition, Obligation},
    oracle_sources::{
        OracleSource, OracleSources, PriceAccounts, PriceRate, PriceSource, MAX_PRICE_ACCOUNTS,
    },
    payout::LiquidationPayout,
    reserve::{RateCache, Reserve, ReserveLiquidity, ThresholdRamp},
    reserve_config::{ReserveChange, ReserveConfig},
};

// Layouts are fixed: a change here is a change to every client and to stored accounts.
const _: () = assert!(std::mem::size_of::<Market>() == 256 + 32 * 32);
const _: () = assert!(std::mem::size_of::<ReserveConfig>() == 176);
const _: () = assert!(std::mem::size_of::<Reserve>() == 1_056);
const _: () = assert!(std::mem::size_of::<Obligation>() == 776);
// Obligation budget: at most 1,200 bytes on chain (discriminator included), at least 10 positions.
const _: () = assert!(Obligation::SPACE <= 1_200);
const _: () = assert!(crate::constants::MAX_POSITIONS >= 10);

/// `$t` is exactly its fields (listed by type): no padding, as `#[derive(bytemuck::Pod)]` would
/// check, for the accounts declared `zero_copy(unsafe)`.
macro_rules! assert_no_padding {
    ($t:ty: $($field:ty),+ $(,)?) => {
        const _: () = assert!(std::mem::size_of::<$t>() == 0 $(+ std::mem::size_of::<$field>())+);
    };
}
assert_no_padding!(Market: [anchor_lang::prelude::Pubkey; 5], u64, MarketConfig, [u8; 3], [u8; 5], [u8; 64], [EmodeGroup; 32]);
assert_no_padding!(OracleSources: [PriceSource; 3], [i64; 3], u16, [u8; 3], [u8; 3]);
assert_no_padding!(PriceSource: [anchor_lang::prelude::Pubkey; 3], u64, [u8; 2], [u8; 6]);
assert_no_padding!(EmodeGroup: EmodeGroupConfig, ThresholdRamp);
assert_no_padding!(
    Reserve: [anchor_lang::prelude::Pubkey; 7],
    OracleSources,
    ReserveLiquidity,
    ReserveConfig,
    [u64; 7],
    [u8; 2],
    [u8; 6],
    [u8; 16],
    RateCache,
    ThresholdRamp,
    [u8; 56],
);
// SBF aligns to 8 at most; x86_64 must not need more, or native tests would see other layouts.
const _: () =
    assert!(std::mem::align_of::<Reserve>() == 8 && std::mem::align_of::<Obligation>() == 8);

#[cfg(test)]
pub(crate) use {
    emode::tests::sample as sample_emode_group,
    reserve_config::tests::sample as sample_reserve_config,
};
