//! Interest accrual: the borrow rate from the curve, compounded per second.
use {
    crate::{
        constants::{BPS, SECONDS_PER_YEAR},
        math::Fixed,
        state::{RateCache, Reserve, ReserveConfig, ReserveLiquidity},
    },
    anchor_lang::prelude::*,
};

/// The most a reserve's debt, and its borrow index, may grow to: what a `u64` amount repays.
/// Past it interest stops (saturates) instead of overflowing, so a reserve left idle for
/// decades at the highest rate still accrues, and every instruction on it still works.
pub const MAX_DEBT: Fixed = Fixed::from_u64(u64::MAX);

/// Accrues interest on `liquidity` from its last update to `now`: debt and the borrow index
/// grow by `(1 + rate / year)^seconds`, and the protocol takes its share of the interest.
/// The growth saturates so that neither the debt nor the index passes `MAX_DEBT` (at the
/// highest rate, 700 units of debt reach it after about 2.4 idle years, $100M after about
/// 1.5). A `now` at or before the last update changes nothing.
pub fn accrue_interest(
    liquidity: &mut ReserveLiquidity,
    config: &ReserveConfig,
    now: i64,
) -> Result<()> {
    accrue_at_rate(liquidity, config, None, now)
}

/// `accrue_interest` on a reserve, at the rate its last write stored when the pool is still in
/// that state (see `RateCache`): the same result, without utilization and the curve.
pub fn accrue(reserve: &mut Reserve, now: i64) -> Result<()> {
    if now <= reserve.liquidity.last_update_ts {
        return Ok(());
    }
    let cached = reserve.rate_cache.rate_at(&reserve.liquidity);
    accrue_at_rate(&mut reserve.liquidity, &reserve.config, cached, now)
}

/// What a projection brings up to date: a read-only reserve backs one kind of position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Projection {
    /// Everything.
    Full,
    /// The pool (debt and protocol fees: the exchange rate), for a collateral position; the
    /// borrow index is left as last written.
    Pool,
    /// The borrow index, for a debt position; the pool is left as last written.
    Index,
}

/// A copy of `reserve`'s accounting with interest accrued to `now`, as `accrue` would leave
/// it (what a read-only reserve is worth), bringing up to date only what `projection` names:
/// each field it brings is exactly what the full projection computes.
pub fn projected_for(
    reserve: &Reserve,
    now: i64,
    projection: Projection,
) -> Result<ReserveLiquidity> {
    let mut copy = reserve.liquidity;
    if now <= copy.last_update_ts {
        return Ok(copy);
    }
    let cached = reserve.rate_cache.rate_at(&copy);
    if projection != Projection::Full && project_part(&mut copy, reserve, cached, now, projection)?
    {
        return Ok(copy);
    }
    accrue_at_rate(&mut copy, &reserve.config, cached, now)?;
    Ok(copy)
}

/// The part of the accrual `projection` needs, when the growth cannot saturate (growth at most
/// 2 and both the debt and the index at most half of `MAX_DEBT`: then the full accrual grows
/// each by exactly this growth). `false`, changing nothing, when it might.
fn project_part(
    liquidity: &mut ReserveLiquidity,
    reserve: &Reserve,
    cached: Option<Fixed>,
    now: i64,
    projection: Projection,
) -> Result<bool> {
    let elapsed = now.saturating_sub(liquidity.last_update_ts);
    let (borrowed, index) = (liquidity.borrowed(), liquidity.index());
    if elapsed <= 0 || borrowed.is_zero() {
        return Ok(false);
    }
    let half = MAX_DEBT.raw() / 2;
    if borrowed.raw() > half || index.raw() > half {
        return Ok(false);
    }
    let rate = match cached {
        Some(rate) => rate,
        None => borrow_rate_per_second(&reserve.config, liquidity.utilization()?)?,
    };
    // (Where the growth cannot be computed, the full accrual saturates.)
    let Ok(growth) = rate.compound_ceil(elapsed as u64) else {
        return Ok(false);
    };
    if growth > Fixed::from_u64(2) {
        return Ok(false);
    }
    match projection {
        Projection::Index => liquidity
            .cumulative_borrow_index_sf
            .set(index.mul_ceil(growth)?),
        _ => {
            let new_borrowed = borrowed.mul_ceil(growth)?;
            let share = new_borrowed
                .checked_sub(borrowed)?
                .mul_bps_floor(reserve.config.protocol_take_rate_bps.into())?;
            liquidity.borrowed_amount_sf.set(new_borrowed);
            liquidity
                .accumulated_protocol_fees_sf
                .set(liquidity.protocol_fees().checked_add(share)?);
        }
    }
    liquidity.last_update_ts = now;
    Ok(true)
}

/// The end of every write to a reserve: its invariants hold, and the rate at the state it
/// leaves is stored for the next accrual and for projections until then.
pub fn settle(reserve: &mut Reserve) -> Result<()> {
    reserve.check_invariants()?;
    // Without debt no interest accrues, whatever the rate.
    if !reserve.liquidity.borrowed().is_zero() {
        let rate = borrow_rate_per_second(&reserve.config, reserve.liquidity.utilization()?)?;
        reserve.rate_cache = RateCache::new(&reserve.liquidity, rate);
    }
    Ok(())
}

/// `accrue_interest` at `rate` per second when given (the rate at `liquidity`'s state), else
/// at the rate computed from its utilization.
fn accrue_at_rate(
    liquidity: &mut ReserveLiquidity,
    config: &ReserveConfig,
    rate: Option<Fixed>,
    now: i64,
) -> Result<()> {
    let elapsed = now.saturating_sub(liquidity.last_update_ts);
    if elapsed <= 0 {
        return Ok(());
    }
    let (borrowed, index) = (liquidity.borrowed(), liquidity.index());
    if !borrowed.is_zero() {
        let rate = match rate {
            Some(rate) => rate,
            None => borrow_rate_per_second(config, liquidity.utilization()?)?,
        };
        let grown =
            |growth: Fixed| Ok::<_, Error>((borrowed.mul_ceil(growth)?, index.mul_ceil(growth)?));
        let within = rate
            .compound_ceil(elapsed as u64)
            .and_then(grown)
            .ok()
            .filter(|(b, i)| *b <= MAX_DEBT && *i <= MAX_DEBT);
        let (new_borrowed, new_index) = match within {
            Some(grown) => grown,
            // Saturated: the largest growth that keeps both within range (computed only here:
            // two 256-bit divisions are not free on SBF).
            None => {
                let cap = MAX_DEBT
                    .div_floor(borrowed)
                    .unwrap_or(Fixed::from_raw(u128::MAX))
                    .min(MAX_DEBT.div_floor(index)?)
                    .max(Fixed::ONE);
                grown(cap)?
            }
        };
        let interest = new_borrowed.checked_sub(borrowed)?;
        let protocol_share = interest.mul_bps_floor(config.protocol_take_rate_bps.into())?;
        liquidity.borrowed_amount_sf.set(new_borrowed);
        liquidity
            .accumulated_protocol_fees_sf
            .set(liquidity.protocol_fees().checked_add(protocol_share)?);
        liquidity.cumulative_borrow_index_sf.set(new_index);
    }
    liquidity.last_update_ts = now;
    Ok(())
}

/// A copy of `liquidity` with interest accrued to `now`: what a read-only reserve is worth.
pub fn projected(
    liquidity: &ReserveLiquidity,
    config: &ReserveConfig,
    now: i64,
) -> Result<ReserveLiquidity> {
    let mut copy = *liquidity;
    accrue_interest(&mut copy, config, now)?;
    Ok(copy)
}

/// Per-second borrow rate at `utilization`: the annual rate over a 365-day year, rounded down.
pub fn borrow_rate_per_second(config: &ReserveConfig, utilization: Fixed) -> Result<Fixed> {
    // Exactly the annual rate (bps / 10,000, rounded down) over the year's seconds, rounded
    // down: one division by both.
    config
        .rate_curve
        .borrow_rate_bps(utilization)?
        .div_int_floor(BPS * SECONDS_PER_YEAR)
}

/// A reserve's annual rates at its utilization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rates {
    pub utilization: Fixed,
    /// From the rate curve.
    pub borrow_apr: Fixed,
    /// What suppliers earn: borrow APR x utilization x (1 - protocol take rate), rounded down.
    pub supply_apr: Fixed,
}

/// The annual rates of a reserve whose accounting is `liquidity` (projected to the moment
/// wanted).
pub fn rates(liquidity: &ReserveLiquidity, config: &ReserveConfig) -> Result<Rates> {
    let utilization = liquidity.utilization()?;
    let borrow_apr = config.rate_curve.borrow_rate(utilization)?;
    let lenders_share =
        Fixed::ONE.checked_sub(Fixed::from_bps(config.protocol_take_rate_bps.into()))?;
    let supply_apr = borrow_apr
        .mul_floor(utilization)?
        .mul_floor(lenders_share)?;
    Ok(Rates {
        utilization,
        borrow_apr,
        supply_apr,
    })
}

/// `(1 + per-second rate)^seconds`.
#[cfg(test)]
fn compound_growth(config: &ReserveConfig, utilization: Fixed, seconds: u64) -> Result<Fixed> {
    borrow_rate_per_second(config, utilization)?.compound_ceil(seconds)
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        crate::{math::RateCurve, state::sample_reserve_config},
    };

    #[test]
    fn an_accrual_rounds_toward_the_pool_at_every_step() {
        // 7.3 units (and 10^-18) lent of 10.3, the index at 1.1 (and 10^-18), an hour at the
        // sample curve: the debt and the index grow rounded up, the protocol's 10% of the
        // interest rounds down; checked against integer arithmetic on the raw values.
        const B: u128 = 7_300_000_000_000_000_001;
        const I: u128 = 1_100_000_000_000_000_001;
        const W: u128 = 1_000_000_000_000_000_000;
        let mut l = ReserveLiquidity {
            available_amount: 3,
            collateral_supply: 10,
            ..Default::default()
        };
        l.borrowed_amount_sf.set(Fixed::from_raw(B));
        l.cumulative_borrow_index_sf.set(Fixed::from_raw(I));
        let config = sample_reserve_config();
        let growth = compound_growth(&config, l.utilization().unwrap(), 3_600)
            .unwrap()
            .raw();
        accrue_interest(&mut l, &config, 3_600).unwrap();
        let borrowed = (B * growth).div_ceil(W);
        assert_eq!(l.borrowed().raw(), borrowed);
        assert_eq!(l.index().raw(), (I * growth).div_ceil(W));
        assert_eq!(l.protocol_fees().raw(), (borrowed - B) / 10);
        // Each of the three roundings was a real one (else flipping it would show nothing).
        assert_ne!(B * growth % W, 0);
        assert_ne!(I * growth % W, 0);
        assert_ne!((borrowed - B) % 10, 0);
    }

    /// A reserve of the sample config holding `available`, `borrowed` lent and `fees` of it
    /// the protocol's, last written at time 0.
    fn written(available: u64, borrowed: u128, fees: u128) -> Reserve {
        let mut r = crate::logic::fixtures::reserve(available);
        r.liquidity
            .borrowed_amount_sf
            .set(Fixed::from_raw(borrowed));
        r.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_raw(fees));
        r
    }

    proptest::proptest! {
        /// With the rate its last write stored or without it, a reserve accrues (and projects)
        /// exactly as `accrue_interest` does.
        #[test]
        fn the_stored_rate_changes_no_amount(
            available in 0u64..=1_000_000_000_000,
            borrowed in 1u128..=1_000_000_000_000_000_000_000_000_000,
            fees_share in 0u128..=100,
            gap in 0i64..=400_000_000,
            settled: bool,
        ) {
            let mut r = written(available, borrowed, borrowed * fees_share / 1_000);
            if settled {
                settle(&mut r).unwrap();
                proptest::prop_assert!(r.rate_cache.rate_at(&r.liquidity).is_some());
            }
            let mut expected = r.liquidity;
            accrue_interest(&mut expected, &r.config, gap).unwrap();
            proptest::prop_assert_eq!(projected_for(&r, gap, Projection::Full).unwrap(), expected);
            accrue(&mut r, gap).unwrap();
            proptest::prop_assert_eq!(r.liquidity, expected);
        }
    }

    proptest::proptest! {
        /// One division by 10,000 x the year's seconds is the annual rate (rounded down)
        /// over the year's seconds (rounded down), at any utilization, on a kinked curve.
        #[test]
        fn the_per_second_rate_rounds_as_the_annual_one_then_the_year(
            utilization in 0u128..=1_500_000_000_000_000_000,
            top in 1_000u32..=100_000,
        ) {
            let config = ReserveConfig {
                rate_curve: RateCurve::new(&[(0, 17), (7_777, 913), (10_000, top)]).unwrap(),
                ..sample_reserve_config()
            };
            let u = Fixed::from_raw(utilization);
            let annual = config.rate_curve.borrow_rate(u).unwrap();
            proptest::prop_assert_eq!(
                borrow_rate_per_second(&config, u).unwrap(),
                annual.mul_div_int_floor(1, SECONDS_PER_YEAR).unwrap()
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_000))]
        /// A projection for one kind of position brings its part exactly where the full one
        /// does, and leaves the other as last written: from dust to the saturation cap, gaps
        /// up to 60 idle years at rates up to the highest.
        #[test]
        fn a_partial_projection_is_the_full_one_where_it_reads(
            available in 0u64..=u64::MAX,
            borrowed in 1u128..=u128::MAX / 4,
            index in 1_000_000_000_000_000_000u128..=u128::MAX / 4,
            gap in proptest::prop_oneof![0i64..=3_600, 0i64..=2_000_000_000],
            top in proptest::prop_oneof![0u32..=2_000, 0u32..=100_000],
        ) {
            let mut r = written(available, borrowed, 0);
            r.liquidity.cumulative_borrow_index_sf.set(Fixed::from_raw(index));
            r.config.rate_curve = RateCurve::new(&[(0, 0), (10_000, top)]).unwrap();
            let full = projected_for(&r, gap, Projection::Full);
            let pool = projected_for(&r, gap, Projection::Pool);
            let idx = projected_for(&r, gap, Projection::Index);
            match full {
                Err(_) => {
                    proptest::prop_assert!(pool.is_err() && idx.is_err());
                }
                Ok(full) => {
                    proptest::prop_assert_eq!(full, projected_for(&r, gap, Projection::Full).unwrap());
                    let pool = pool.unwrap();
                    proptest::prop_assert_eq!(pool.borrowed_amount_sf, full.borrowed_amount_sf);
                    proptest::prop_assert_eq!(
                        pool.accumulated_protocol_fees_sf,
                        full.accumulated_protocol_fees_sf
                    );
                    proptest::prop_assert_eq!(pool.total_supply().unwrap(), full.total_supply().unwrap());
                    proptest::prop_assert_eq!(idx.unwrap().index(), full.index());
                }
            }
        }
    }

    #[test]
    fn projected_is_an_accrual_on_a_copy() {
        let r = written(5_000, 5_000 * 1_000_000_000_000_000_000, 0);
        let mut accrued = r.liquidity;
        accrue_interest(&mut accrued, &r.config, 86_400).unwrap();
        assert_eq!(projected(&r.liquidity, &r.config, 86_400).unwrap(), accrued);
        assert!(accrued.borrowed() > r.liquidity.borrowed());
    }

    #[test]
    fn a_stored_rate_is_used_only_at_the_state_it_was_computed_at() {
        // 5,000 of 10,000 lent: 5% a year on the sample curve.
        let mut r = written(5_000, 5_000 * 1_000_000_000_000_000_000, 0);
        settle(&mut r).unwrap();
        let at_half = borrow_rate_per_second(&r.config, Fixed::from_bps(5_000)).unwrap();
        assert_eq!(r.rate_cache.rate_at(&r.liquidity), Some(at_half));
        // A stored rate of zero at this very state: no interest (the stored rate is the one
        // used).
        r.rate_cache.rate_per_second_sf.set(Fixed::ZERO);
        let mut frozen = r;
        accrue(&mut frozen, 86_400).unwrap();
        assert_eq!(frozen.liquidity.borrowed(), r.liquidity.borrowed());
        // Once the pool moves (a unit more available), it is not.
        r.liquidity.available_amount += 1;
        assert_eq!(r.rate_cache.rate_at(&r.liquidity), None);
        let mut expected = r.liquidity;
        accrue_interest(&mut expected, &r.config, 86_400).unwrap();
        accrue(&mut r, 86_400).unwrap();
        assert_eq!(r.liquidity, expected);
        assert!(expected.borrowed() > Fixed::from_u64(5_000));
    }

    #[test]
    fn settling_after_a_new_rate_curve_stores_the_new_rate() {
        let mut r = written(5_000, 5_000 * 1_000_000_000_000_000_000, 0);
        settle(&mut r).unwrap();
        r.config.rate_curve = RateCurve::new(&[(0, 2_000), (10_000, 2_000)]).unwrap();
        settle(&mut r).unwrap();
        assert_eq!(
            r.rate_cache.rate_at(&r.liquidity),
            Some(
                Fixed::from_bps(2_000)
                    .mul_div_int_floor(1, SECONDS_PER_YEAR)
                    .unwrap()
            )
        );
        // An empty pool stores nothing: no interest accrues whatever the rate.
        let mut idle = written(5_000, 0, 0);
        settle(&mut idle).unwrap();
        assert_eq!(idle.rate_cache, RateCache::default());
    }

    /// A pool of 1,000,000 units with `borrowed` lent out, at time 0.
    fn pool(borrowed: u64) -> ReserveLiquidity {
        let mut l = ReserveLiquidity {
            available_amount: 1_000_000 - borrowed,
            collateral_supply: 1_000_000,
            ..Default::default()
        };
        l.borrowed_amount_sf.set(Fixed::from_u64(borrowed));
        l.cumulative_borrow_index_sf.set(Fixed::ONE);
        l
    }

    fn flat(rate_bps: u32) -> ReserveConfig {
        ReserveConfig {
            rate_curve: RateCurve::new(&[(0, rate_bps), (10_000, rate_bps)]).unwrap(),
            ..sample_reserve_config()
        }
    }

    #[test]
    fn supply_rate_is_the_borrow_rate_shared_by_utilization_less_the_protocols_take() {
        // Sample curve: 0% at 0, 8% at 80%, 100% at 100%. At 50% utilization: 5% to borrowers,
        // 5% x 50% x 90% = 2.25% to suppliers.
        let r = rates(&pool(500_000), &sample_reserve_config()).unwrap();
        assert_eq!(
            r,
            Rates {
                utilization: Fixed::from_bps(5_000),
                borrow_apr: Fixed::from_bps(500),
                supply_apr: Fixed::from_bps(225),
            }
        );
        // An idle pool earns nothing.
        let idle = rates(&pool(0), &sample_reserve_config()).unwrap();
        assert_eq!(
            (idle.borrow_apr, idle.supply_apr),
            (Fixed::ZERO, Fixed::ZERO)
        );
    }

    #[test]
    fn the_supply_rate_rounds_down_at_each_step() {
        // 1 unit lent of 7: utilization 1/7 (rounded down), the sample curve's rate there,
        // then x utilization and x 90%, each product rounded down (a supplier is never shown
        // more than is paid).
        const W: u128 = 1_000_000_000_000_000_000;
        let mut l = ReserveLiquidity {
            available_amount: 6,
            collateral_supply: 7,
            ..Default::default()
        };
        l.borrowed_amount_sf.set(Fixed::ONE);
        let r = rates(&l, &sample_reserve_config()).unwrap();
        let (b, u) = (r.borrow_apr.raw(), r.utilization.raw());
        assert_eq!(u, W / 7);
        let shared = b * u / W;
        assert_eq!(r.supply_apr.raw(), shared * 9 / 10);
        // Both roundings were real ones.
        assert_ne!(b * u % W, 0);
        assert_ne!(shared % 10, 0);
    }

    #[test]
    fn one_year_compounds_per_second() {
        let config = flat(1_000);
        let mut l = pool(500_000);
        accrue_interest(&mut l, &config, SECONDS_PER_YEAR as i64).unwrap();
        // Closed form: 500,000 x (1 + r)^year with r = 0.1 / year (rounded down to 18 places).
        let r = (Fixed::SCALE / 10 / SECONDS_PER_YEAR as u128) as f64 / 1e18;
        let expected = 500_000.0 * (SECONDS_PER_YEAR as f64 * r.ln_1p()).exp();
        let got = l.borrowed().raw() as f64 / 1e18;
        assert!((got - expected).abs() < 1e-8, "{got} vs {expected}");
        // The index grew by the same factor.
        let index = l.index().raw() as f64 / 1e18;
        assert!((index * 500_000.0 - expected).abs() < 1e-8);
        // The protocol took exactly its 10% of the interest (rounded down).
        let interest = l.borrowed().checked_sub(Fixed::from_u64(500_000)).unwrap();
        assert_eq!(
            l.protocol_fees(),
            interest.mul_floor(Fixed::from_bps(1_000)).unwrap()
        );
        assert_eq!(l.last_update_ts, SECONDS_PER_YEAR as i64);
    }

    #[test]
    fn splitting_time_gives_the_same_growth_within_rounding() {
        let config = flat(2_500);
        let mut once = pool(250_000);
        accrue_interest(&mut once, &config, 86_400).unwrap();
        let mut twice = pool(250_000);
        accrue_interest(&mut twice, &config, 43_200).unwrap();
        // Utilization rises after the first half, so the rate is the same only on a flat curve.
        accrue_interest(&mut twice, &config, 86_400).unwrap();
        let diff = once.borrowed().raw().abs_diff(twice.borrowed().raw());
        assert!(diff < 1_000_000, "diff {diff} raw units");
    }

    #[test]
    fn nothing_changes_without_debt_or_time() {
        let config = flat(1_000);
        let mut l = pool(0);
        accrue_interest(&mut l, &config, 1_000).unwrap();
        assert_eq!(
            l,
            ReserveLiquidity {
                last_update_ts: 1_000,
                ..pool(0)
            }
        );
        let before = l;
        accrue_interest(&mut l, &config, 999).unwrap();
        assert_eq!(l, before);
    }

    #[test]
    fn fifty_idle_years_at_the_highest_rate_saturate_instead_of_overflowing() {
        let config = flat(crate::constants::MAX_BORROW_RATE_BPS);
        let mut l = pool(900_000);
        accrue_interest(&mut l, &config, 50 * SECONDS_PER_YEAR as i64).unwrap();
        // The debt stops at what a u64 repays; the index grew by the same factor.
        let growth = MAX_DEBT.div_floor(Fixed::from_u64(900_000)).unwrap();
        assert_eq!(
            l.borrowed(),
            Fixed::from_u64(900_000).mul_ceil(growth).unwrap()
        );
        assert!(l.borrowed() <= MAX_DEBT);
        assert_eq!(l.index(), growth);
        // Protocol's share: 10% of the interest, as always.
        let interest = l.borrowed().checked_sub(Fixed::from_u64(900_000)).unwrap();
        assert_eq!(l.protocol_fees(), interest.mul_bps_floor(1_000).unwrap());
        // 3.2 years: the grown debt (900,000 x e^32, about 7 x 10^19) still fits the arithmetic
        // but passes the cap: saturated the same.
        let mut shorter = pool(900_000);
        accrue_interest(&mut shorter, &config, 32 * SECONDS_PER_YEAR as i64 / 10).unwrap();
        assert_eq!(
            (shorter.borrowed(), shorter.index()),
            (l.borrowed(), l.index())
        );
        // Where the index is the larger (half a unit lent at an index of 3 and 10^-18), its
        // cap binds: the index stops at or under what a u64 repays, rounded so it never passes.
        let mut small = pool(0);
        small
            .borrowed_amount_sf
            .set(Fixed::from_raw(500_000_000_000_000_000));
        let index = Fixed::from_raw(3_000_000_000_000_000_001);
        small.cumulative_borrow_index_sf.set(index);
        accrue_interest(&mut small, &config, 50 * SECONDS_PER_YEAR as i64).unwrap();
        let cap = MAX_DEBT.div_floor(index).unwrap();
        assert_eq!(small.index(), index.mul_ceil(cap).unwrap());
        assert!(small.index() <= MAX_DEBT);
        // Saturated, it stays put, and later accruals still work.
        let before = l;
        accrue_interest(&mut l, &config, 51 * SECONDS_PER_YEAR as i64).unwrap();
        assert_eq!(
            (l.borrowed(), l.index()),
            (before.borrowed(), before.index())
        );
        assert_eq!(l.last_update_ts, 51 * SECONDS_PER_YEAR as i64);
        // Below the cap nothing changed: a year at the highest rate is (1 + r)^year, about e^10.
        let mut year = pool(900_000);
        accrue_interest(&mut year, &config, SECONDS_PER_YEAR as i64).unwrap();
        let got = year.borrowed().raw() as f64 / 1e18 / 900_000.0;
        let r = (Fixed::SCALE * 10 / SECONDS_PER_YEAR as u128) as f64 / 1e18;
        let closed = (SECONDS_PER_YEAR as f64 * r.ln_1p()).exp();
        assert!((got - closed).abs() < 1e-9 * closed, "{got} vs {closed}");
    }

    #[test]
    fn decade_without_a_crank_at_a_normal_rate_computes() {
        let config = flat(1_000);
        let mut l = pool(500_000);
        accrue_interest(&mut l, &config, 10 * SECONDS_PER_YEAR as i64).unwrap();
        // e^(0.1 x 10) = 2.718...: debt about 1,359,141.
        let got = l.borrowed().to_floor().unwrap();
        assert_eq!(got, 1_359_140);
    }
}
