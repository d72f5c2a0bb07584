//! Exact integer arithmetic for the values tests expect, computed independently of the
//! program's own math (a separate 256-bit type; plain integer rounding).

// The macro's generated code predates `div_ceil`.
#[allow(clippy::manual_div_ceil)]
mod wide {
    uint::construct_uint! {
        pub struct U256(4);
    }
}
pub use wide::U256;

/// 10^18: the program's fixed-point scale, for reading raw values.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// floor(a x b / c)
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> u128 {
    (U256::from(a) * U256::from(b) / U256::from(c)).as_u128()
}

/// ceil(a x b / c)
pub fn mul_div_ceil(a: u128, b: u128, c: u128) -> u128 {
    let (q, r) = (U256::from(a) * U256::from(b)).div_mod(U256::from(c));
    (q + U256::from(u8::from(!r.is_zero()))).as_u128()
}

/// The protocol's share of `seized` cTokens at `bonus` (raw, 18 decimals) with `fee_bps` of the
/// bonus part: seized x bonus / (1 + bonus) x fee, rounded once, up, at most `seized`.
pub fn protocol_share(seized: u64, bonus: u128, fee_bps: u128) -> u64 {
    let bonus_part = mul_div_ceil(u128::from(seized) * WAD, bonus, WAD + bonus);
    let share = mul_div_ceil(bonus_part, fee_bps, 10_000);
    (share.div_ceil(WAD) as u64).min(seized)
}
