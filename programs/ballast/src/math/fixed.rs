//! `Fixed`: the one fixed-point number of the program, an unsigned decimal with 18 places.
//!
//! Every operation is checked and names its rounding: `*_floor` rounds toward zero, `*_ceil`
//! away from it. The rule of the protocol: what a user receives rounds down, what a user owes
//! rounds up. Products are taken in 256 bits (`wide`) so no intermediate overflows.
use {
    crate::errors::{math_overflow, OrOverflow},
    anchor_lang::prelude::*,
    std::fmt,
};

/// An unsigned fixed-point decimal: `raw / 10^18`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed(u128);

impl Fixed {
    /// Decimal places.
    pub const DECIMALS: u32 = 18;
    /// `10^DECIMALS`: the raw value of one.
    pub const SCALE: u128 = 1_000_000_000_000_000_000;
    pub const ZERO: Fixed = Fixed(0);
    pub const ONE: Fixed = Fixed(Self::SCALE);
    /// Raw value of one basis point.
    const BPS_RAW: u128 = Self::SCALE / 10_000;

    pub const fn from_raw(raw: u128) -> Self {
        Fixed(raw)
    }

    pub const fn raw(self) -> u128 {
        self.0
    }

    /// A whole number of units. Cannot overflow: `u64::MAX * 10^18 < u128::MAX`. (A 64x64-bit
    /// product, not a 128-bit one: that is a software call on SBF.)
    pub const fn from_u64(units: u64) -> Self {
        let (hi, lo) = super::wide::mul_64(units, Self::SCALE as u64);
        Fixed(((hi as u128) << 64) | lo as u128)
    }

    /// A basis-point ratio (10,000 = 1). Cannot overflow for any `u64`.
    pub const fn from_bps(bps: u64) -> Self {
        Fixed(bps as u128 * Self::BPS_RAW)
    }

    /// `numerator / denominator`, rounded down.
    #[track_caller]
    pub fn ratio_floor(numerator: u64, denominator: u64) -> Result<Self> {
        Fixed::from_u64(numerator).div_floor(Fixed::from_u64(denominator))
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    #[track_caller]
    pub fn checked_add(self, other: Fixed) -> Result<Fixed> {
        self.0.checked_add(other.0).map(Fixed).or_overflow()
    }

    #[track_caller]
    pub fn checked_sub(self, other: Fixed) -> Result<Fixed> {
        self.0.checked_sub(other.0).map(Fixed).or_overflow()
    }

    pub fn saturating_sub(self, other: Fixed) -> Fixed {
        Fixed(self.0.saturating_sub(other.0))
    }

    /// `self * bps / 10,000`, rounded down: exactly `self.mul_floor(Fixed::from_bps(bps))`,
    /// without the 256-bit intermediate that the 10^14 factor of `from_bps` forces on values
    /// above a few hundred units (on SBF, 128-bit arithmetic is software and costs CU).
    #[track_caller]
    pub fn mul_bps_floor(self, bps: u64) -> Result<Fixed> {
        self.mul_div_small(bps, BPS_DENOMINATOR, Rounding::Down)
    }

    /// `self * bps / 10,000`, rounded up: exactly `self.mul_ceil(Fixed::from_bps(bps))`.
    #[track_caller]
    pub fn mul_bps_ceil(self, bps: u64) -> Result<Fixed> {
        self.mul_div_small(bps, BPS_DENOMINATOR, Rounding::Up)
    }

    /// `self * numerator / denominator` for whole-number factors, rounded down: exactly
    /// `self.mul_div_floor(Fixed::from_u64(numerator), Fixed::from_u64(denominator))`.
    #[track_caller]
    pub fn mul_div_int_floor(self, numerator: u64, denominator: u64) -> Result<Fixed> {
        self.mul_div_small(numerator, denominator, Rounding::Down)
    }

    /// `self / divisor` for a whole-number divisor, rounded down (two normalized digit steps).
    #[track_caller]
    pub fn div_int_floor(self, divisor: u64) -> Result<Fixed> {
        if divisor == 0 {
            return Err(crate::errors::error_at(
                crate::errors::BallastError::DivisionByZero,
            ));
        }
        Ok(Fixed(super::wide::div_rem_u64(self.0, divisor).0))
    }

    /// `self * numerator / denominator` for whole-number factors, rounded up.
    #[track_caller]
    pub fn mul_div_int_ceil(self, numerator: u64, denominator: u64) -> Result<Fixed> {
        self.mul_div_small(numerator, denominator, Rounding::Up)
    }

    /// 32-bit factors take the cheap path (`wide::mul_div_small`), others the general one.
    #[track_caller]
    fn mul_div_small(self, numerator: u64, denominator: u64, rounding: Rounding) -> Result<Fixed> {
        let (q, r) = match (u32::try_from(numerator), u32::try_from(denominator)) {
            (Ok(n), Ok(d)) => {
                super::wide::mul_div_small(self.0, n, d).map(|(q, r)| (q, u128::from(r)))
            }
            _ => super::wide::mul_div_rem(self.0, numerator.into(), denominator.into()),
        }
        .ok_or_else(|| {
            if denominator == 0 {
                crate::errors::error_at(crate::errors::BallastError::DivisionByZero)
            } else {
                math_overflow()
            }
        })?;
        match rounding {
            Rounding::Up if r != 0 => q.checked_add(1).map(Fixed).or_overflow(),
            _ => Ok(Fixed(q)),
        }
    }

    /// `self * other`, rounded down.
    #[track_caller]
    pub fn mul_floor(self, other: Fixed) -> Result<Fixed> {
        mul_div(self.0, other.0, Self::SCALE, Rounding::Down).map(Fixed)
    }

    /// `self * other`, rounded up.
    #[track_caller]
    pub fn mul_ceil(self, other: Fixed) -> Result<Fixed> {
        mul_div(self.0, other.0, Self::SCALE, Rounding::Up).map(Fixed)
    }

    /// `self / other`, rounded down.
    #[track_caller]
    pub fn div_floor(self, other: Fixed) -> Result<Fixed> {
        mul_div(self.0, Self::SCALE, other.0, Rounding::Down).map(Fixed)
    }

    /// `self / other`, rounded up.
    #[track_caller]
    pub fn div_ceil(self, other: Fixed) -> Result<Fixed> {
        mul_div(self.0, Self::SCALE, other.0, Rounding::Up).map(Fixed)
    }

    /// `self * numerator / denominator` with one rounding, down.
    #[track_caller]
    pub fn mul_div_floor(self, numerator: Fixed, denominator: Fixed) -> Result<Fixed> {
        mul_div(self.0, numerator.0, denominator.0, Rounding::Down).map(Fixed)
    }

    /// `self * numerator / denominator` with one rounding, up.
    #[track_caller]
    pub fn mul_div_ceil(self, numerator: Fixed, denominator: Fixed) -> Result<Fixed> {
        mul_div(self.0, numerator.0, denominator.0, Rounding::Up).map(Fixed)
    }

    /// Whole units, rounded down.
    #[track_caller]
    pub fn to_floor(self) -> Result<u64> {
        let (units, _) = super::wide::div_rem_u64(self.0, Self::SCALE as u64);
        u64::try_from(units).map_err(|_| math_overflow())
    }

    /// Whole units, rounded up.
    #[track_caller]
    pub fn to_ceil(self) -> Result<u64> {
        let (units, rest) = super::wide::div_rem_u64(self.0, Self::SCALE as u64);
        u64::try_from(units + u128::from(rest != 0)).map_err(|_| math_overflow())
    }

    /// `(1 + self)^periods`, rounded up: compounding at rate `self` per period.
    ///
    /// Sums the binomial series `sum C(n, k) self^k` term by term. Each term rounds up by at
    /// most one raw unit and the terms shrink quickly for the small per-second rates of
    /// lending, so this is exact to a few raw units, unlike repeated squaring, which doubles
    /// the rounding error at each step.
    #[track_caller]
    pub fn compound_ceil(self, periods: u64) -> Result<Fixed> {
        if let Some(sum) = u64::try_from(self.0)
            .ok()
            .and_then(|rate| compound_ceil_64(rate, periods))
        {
            return Ok(Fixed(sum));
        }
        let mut sum = Fixed::ONE;
        let mut term = Fixed::ONE;
        let mut k: u64 = 1;
        while k <= periods && !self.is_zero() {
            // term_k = term_{k-1} x rate x (n - k + 1) / k
            let remaining = periods - k + 1;
            // A 64x64-bit product when the rate fits 64 bits (every rate a curve allows).
            let rate_times_remaining = match u64::try_from(self.0) {
                Ok(rate) => {
                    let (hi, lo) = super::wide::mul_64(rate, remaining);
                    (u128::from(hi) << 64) | u128::from(lo)
                }
                Err(_) => self.0.checked_mul(u128::from(remaining)).or_overflow()?,
            };
            term = term.mul_div_ceil(Fixed(rate_times_remaining), Fixed::from_u64(k))?;
            sum = sum.checked_add(term)?;
            if term.0 <= 1 {
                break;
            }
            k += 1;
        }
        Ok(sum)
    }
}

/// `k x 10^18` and its leading zeros, for the series' terms (`k` up to 18 fits 64 bits):
/// normalizing once here saves each term a count of leading zeros (no native one on SBF).
const SERIES_DIVISORS: [(u64, u32); 19] = {
    let mut table = [(0u64, 0u32); 19];
    let mut k = 1;
    while k < 19 {
        let d = k as u64 * Fixed::SCALE as u64;
        table[k] = (d, d.leading_zeros());
        k += 1;
    }
    table
};

/// `compound_ceil` when every factor fits 64 bits (short gaps at lending rates), on raw
/// integers: the same terms, each rounded up the same way, at a fraction of the general path's
/// cost; `None` as soon as one does not fit (the general path then computes the series).
fn compound_ceil_64(rate: u64, periods: u64) -> Option<u128> {
    if rate == 0 || periods == 0 {
        return Some(Fixed::SCALE);
    }
    // The first term, 1 x rate x n / 1, is exact.
    let mut term = rate.checked_mul(periods)?;
    let mut sum = Fixed::SCALE.checked_add(term.into())?;
    let mut k: u64 = 2;
    while term > 1 && k <= periods {
        let factor = rate.checked_mul(periods - k + 1)?;
        term = match SERIES_DIVISORS.get(k as usize) {
            Some(&(d, shift)) => super::wide::mul_div_ceil_64_normalized(term, factor, d, shift)?,
            None => {
                super::wide::mul_div_ceil_64(term, factor, k.checked_mul(Fixed::SCALE as u64)?)?
            }
        };
        sum = sum.checked_add(term.into())?;
        k += 1;
    }
    Some(sum)
}

impl fmt::Debug for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Self::SCALE;
        let frac = self.0 % Self::SCALE;
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{frac:018}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// 10^0 ..= 10^38, every power of ten a `u128` holds: scales looked up rather than computed
/// (`pow` is a loop of software 128-bit multiplications on SBF).
pub const POW10: [u128; 39] = {
    let mut table = [1u128; 39];
    let mut i = 1;
    while i < table.len() {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// 10,000 basis points are one.
const BPS_DENOMINATOR: u64 = 10_000;

#[derive(Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

/// `a * b / d` with a 256-bit intermediate and one rounding. Errors on `d == 0` and when the
/// result does not fit 128 bits.
#[track_caller]
fn mul_div(a: u128, b: u128, d: u128, rounding: Rounding) -> Result<u128> {
    if d == 0 {
        return Err(crate::errors::error_at(
            crate::errors::BallastError::DivisionByZero,
        ));
    }
    let (quotient, remainder) = super::wide::mul_div_rem(a, b, d).or_overflow()?;
    match rounding {
        Rounding::Up if remainder != 0 => quotient.checked_add(1).or_overflow(),
        _ => Ok(quotient),
    }
}

/// A `Fixed` as stored in zero-copy accounts: 16 little-endian bytes, so the struct has
/// alignment 1 on every target (x86_64 aligns `u128` to 16 bytes, SBF to 8).
#[zero_copy]
#[derive(Default, PartialEq, Eq, Debug)]
pub struct Sf {
    pub le_bytes: [u8; 16],
}

impl Sf {
    pub fn get(&self) -> Fixed {
        Fixed(u128::from_le_bytes(self.le_bytes))
    }

    pub fn set(&mut self, value: Fixed) {
        self.le_bytes = value.0.to_le_bytes();
    }
}

impl From<Fixed> for Sf {
    fn from(value: Fixed) -> Self {
        Sf {
            le_bytes: value.0.to_le_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use {super::*, proptest::prelude::*, reference::U256};

    // Its own module: the macro's code must not see Anchor's `Result` alias; its generated
    // code predates `div_ceil`.
    #[allow(clippy::manual_div_ceil)]
    mod reference {
        uint::construct_uint! {
            pub struct U256(4);
        }
    }

    fn f(units: u64) -> Fixed {
        Fixed::from_u64(units)
    }

    #[test]
    fn one_third_rounds_both_ways() {
        let third_floor = f(1).div_floor(f(3)).unwrap();
        let third_ceil = f(1).div_ceil(f(3)).unwrap();
        assert_eq!(third_floor.raw(), 333_333_333_333_333_333);
        assert_eq!(third_ceil.raw(), 333_333_333_333_333_334);
    }

    #[test]
    fn to_whole_units() {
        let x = Fixed::from_raw(2 * Fixed::SCALE + 1);
        assert_eq!(x.to_floor().unwrap(), 2);
        assert_eq!(x.to_ceil().unwrap(), 3);
        assert_eq!(f(7).to_ceil().unwrap(), 7);
        assert!(Fixed::from_raw(u128::MAX).to_floor().is_err());
    }

    #[test]
    fn wide_products_do_not_overflow_early() {
        // 1.8e19 units times a price of 1e6: the raw product needs more than 128 bits, the
        // result does not.
        let amount = f(u64::MAX);
        let scaled = amount
            .mul_div_floor(f(1_000_000), f(1_000_000_000))
            .unwrap();
        assert_eq!(scaled.to_floor().unwrap(), u64::MAX / 1000);
    }

    #[test]
    fn a_zero_whole_number_denominator_is_a_division_by_zero() {
        // Both paths: 32-bit factors and wider ones.
        for n in [3u64, u64::MAX] {
            assert_eq!(
                Fixed::ONE.mul_div_int_floor(n, 0).unwrap_err(),
                crate::errors::BallastError::DivisionByZero.into()
            );
        }
        // 2 x 10^-18 x 3 / 4 = 1.5 x 10^-18: down to 1, up to 2.
        assert_eq!(
            Fixed::from_raw(2).mul_div_int_floor(3, 4),
            Ok(Fixed::from_raw(1))
        );
        assert_eq!(
            Fixed::from_raw(3).mul_bps_ceil(5_000),
            Ok(Fixed::from_raw(2))
        );
        assert_eq!(
            Fixed::from_raw(3).mul_bps_floor(5_000),
            Ok(Fixed::from_raw(1))
        );
    }

    #[test]
    fn overflow_and_division_by_zero_are_errors() {
        let big = Fixed::from_raw(u128::MAX);
        assert!(big.mul_floor(f(2)).is_err());
        assert!(big.checked_add(Fixed::from_raw(1)).is_err());
        assert!(Fixed::ZERO.checked_sub(Fixed::from_raw(1)).is_err());
        assert!(f(1).div_floor(Fixed::ZERO).is_err());
    }

    /// The series as computed before its 64-bit path, every term through `mul_div_ceil`.
    fn compound_general(rate: Fixed, periods: u64) -> Fixed {
        let (mut sum, mut term, mut k) = (Fixed::ONE, Fixed::ONE, 1u64);
        while k <= periods && !rate.is_zero() {
            let times = Fixed(rate.0 * u128::from(periods - k + 1));
            term = term.mul_div_ceil(times, Fixed::from_u64(k)).unwrap();
            sum = sum.checked_add(term).unwrap();
            if term.0 <= 1 {
                break;
            }
            k += 1;
        }
        sum
    }

    proptest! {
        /// The 64-bit path changes no result: per-second rates up to the highest a curve
        /// allows (1,000% a year), gaps from none to three years.
        #[test]
        fn the_64_bit_series_path_is_exact(
            rate in 0u128..=320_000_000_000,
            periods in prop_oneof![0u64..=3_600, 0u64..=100_000_000],
        ) {
            let rate = Fixed(rate);
            prop_assert_eq!(rate.compound_ceil(periods).unwrap(), compound_general(rate, periods));
        }
    }

    #[test]
    fn compounding_matches_repeated_multiplication() {
        let rate = Fixed::from_raw(3_170_979_198); // ~10% a year, per second
        let mut slow = Fixed::ONE;
        for _ in 0..1_000 {
            slow = slow
                .mul_ceil(Fixed::ONE.checked_add(rate).unwrap())
                .unwrap();
        }
        let fast = rate.compound_ceil(1_000).unwrap();
        // Each of the 1,000 slow steps rounds up by < 1 raw unit; the series by a few in all.
        assert!(
            fast <= slow && slow.raw() - fast.raw() <= 1_000,
            "{fast} vs {slow}"
        );
        assert_eq!(rate.compound_ceil(0).unwrap(), Fixed::ONE);
        assert_eq!(
            rate.compound_ceil(1).unwrap(),
            Fixed::ONE.checked_add(rate).unwrap()
        );
        assert_eq!(Fixed::ZERO.compound_ceil(1_000_000).unwrap(), Fixed::ONE);
        // Doubling every period: 2^10.
        assert_eq!(Fixed::ONE.compound_ceil(10).unwrap(), f(1_024));
    }

    #[test]
    fn compounding_a_year_per_second_matches_the_closed_form() {
        let rate = Fixed::from_raw(Fixed::SCALE / 10 / 31_536_000);
        let got = rate.compound_ceil(31_536_000).unwrap();
        let r = rate.raw() as f64 / 1e18;
        let expected = (31_536_000.0 * r.ln_1p()).exp();
        assert!(
            ((got.raw() as f64 / 1e18) - expected).abs() < 1e-15,
            "{got} vs {expected}"
        );
    }

    #[test]
    fn display_trims_trailing_zeros() {
        assert_eq!(Fixed::from_bps(15_000).to_string(), "1.5");
        assert_eq!(f(3).to_string(), "3");
        assert_eq!(Fixed::from_raw(1).to_string(), "0.000000000000000001");
    }

    #[test]
    fn stored_form_round_trips() {
        let x = Fixed::from_raw(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        assert_eq!(Sf::from(x).get(), x);
        assert_eq!(std::mem::align_of::<Sf>(), 1);
    }

    proptest! {
        /// Basis points and whole-number factors (the cheap 32-bit path and the general one)
        /// against a 256-bit reference, both roundings.
        #[test]
        fn small_factor_products_round_as_named(
            a in any::<u128>(), n in any::<u64>(), d in 1..u64::MAX, bps in 0..=20_000u64
        ) {
            let exact = |n: u64, d: u64| {
                let p = U256::from(a) * U256::from(n);
                (p / U256::from(d), p % U256::from(d) != U256::zero())
            };
            for (n, d) in [(n, d), (n as u32 as u64, (d as u32).max(1) as u64)] {
                let (q, _) = exact(n, d);
                if q <= U256::from(u128::MAX) {
                    let floor = Fixed::from_raw(a).mul_div_int_floor(n, d).unwrap();
                    prop_assert_eq!(U256::from(floor.raw()), q);
                }
            }
            let (q, inexact) = exact(bps, 10_000);
            if q < U256::from(u128::MAX - 1) {
                let (lo, hi) = (
                    Fixed::from_raw(a).mul_bps_floor(bps).unwrap(),
                    Fixed::from_raw(a).mul_bps_ceil(bps).unwrap(),
                );
                prop_assert_eq!(U256::from(lo.raw()), q);
                prop_assert_eq!(hi.raw() - lo.raw(), u128::from(inexact));
            }
        }

        #[test]
        fn floor_never_exceeds_ceil_and_they_differ_by_at_most_one_raw_unit(
            a in any::<u64>(), b in 1..u128::MAX, c in 1..u128::MAX
        ) {
            let a = Fixed::from_raw(a as u128 * 1_000_003);
            let (b, c) = (Fixed::from_raw(b), Fixed::from_raw(c));
            if let (Ok(lo), Ok(hi)) = (a.mul_div_floor(b, c), a.mul_div_ceil(b, c)) {
                prop_assert!(lo <= hi);
                prop_assert!(hi.raw() - lo.raw() <= 1);
            }
        }

        #[test]
        fn mul_floor_rounds_down_and_mul_ceil_rounds_up(a in any::<u128>(), b in any::<u64>()) {
            let (fa, fb) = (Fixed::from_raw(a), Fixed::from_raw(b as u128));
            let exact = U256::from(a) * U256::from(b); // = (fa * fb) * SCALE, exactly
            let scale = U256::from(Fixed::SCALE);
            if let (Ok(lo), Ok(hi)) = (fa.mul_floor(fb), fa.mul_ceil(fb)) {
                prop_assert!(U256::from(lo.raw()) * scale <= exact);
                prop_assert!(exact < (U256::from(lo.raw()) + 1) * scale);
                prop_assert!(U256::from(hi.raw()) * scale >= exact);
                prop_assert_eq!(hi.raw() - lo.raw(), u128::from(exact % scale != U256::zero()));
            }
        }

        #[test]
        fn division_rounding_brackets_the_true_quotient(n in any::<u64>(), d in 1..u64::MAX) {
            let q_floor = Fixed::ratio_floor(n, d).unwrap();
            let q_ceil = f(n).div_ceil(f(d)).unwrap();
            // q_floor * d <= n <= q_ceil * d, compared exactly in raw units.
            prop_assert!(U256::from(q_floor.raw()) * U256::from(d) <= U256::from(n as u128 * Fixed::SCALE));
            prop_assert!(U256::from(q_ceil.raw()) * U256::from(d) >= U256::from(n as u128 * Fixed::SCALE));
            prop_assert!(q_ceil.raw() - q_floor.raw() <= 1);
        }

        #[test]
        fn to_floor_and_to_ceil_bracket_the_value(raw in 0..(u64::MAX as u128 * Fixed::SCALE)) {
            let x = Fixed::from_raw(raw);
            let lo = x.to_floor().unwrap() as u128 * Fixed::SCALE;
            prop_assert!(lo <= raw && raw - lo < Fixed::SCALE);
            if let Ok(hi) = x.to_ceil() {
                let hi = hi as u128 * Fixed::SCALE;
                prop_assert!(hi >= raw && hi - raw < Fixed::SCALE);
            }
        }
    }
}
