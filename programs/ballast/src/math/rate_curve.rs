//! The borrow-rate curve: piecewise linear over utilization, from 0% to 100%.
use {
    super::Fixed,
    crate::{
        constants::{BPS, MAX_BORROW_RATE_BPS, MAX_CURVE_POINTS},
        errors::BallastError,
    },
    anchor_lang::prelude::*,
};

/// One point of the curve: at `utilization_bps`, borrowers pay `borrow_rate_bps` a year.
// Borsh in the IDL (instruction arguments and events carry it) and plain old data in the
// accounts that embed it: `declare_program!` cannot generate a type that is both.
#[derive(Clone, Copy, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
#[derive(Default, Debug, PartialEq, Eq)]
pub struct CurvePoint {
    pub utilization_bps: u32,
    pub borrow_rate_bps: u32,
}

/// The first `num_points` of `points` define the curve; the rest are zero.
// Borsh in the IDL (instruction arguments and events carry it) and plain old data in the
// accounts that embed it: `declare_program!` cannot generate a type that is both.
#[derive(Clone, Copy, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
#[derive(Default, Debug, PartialEq, Eq)]
pub struct RateCurve {
    pub points: [CurvePoint; MAX_CURVE_POINTS],
    pub num_points: u32,
}

impl RateCurve {
    /// A curve through `(utilization_bps, borrow_rate_bps)` points; validated.
    pub fn new(points: &[(u32, u32)]) -> Result<Self> {
        require!(
            points.len() <= MAX_CURVE_POINTS,
            BallastError::InvalidRateCurve
        );
        let mut curve = RateCurve {
            num_points: points.len() as u32,
            ..Default::default()
        };
        for (slot, &(utilization_bps, borrow_rate_bps)) in curve.points.iter_mut().zip(points) {
            *slot = CurvePoint {
                utilization_bps,
                borrow_rate_bps,
            };
        }
        curve.validate()?;
        Ok(curve)
    }

    /// The points in use.
    pub fn used(&self) -> &[CurvePoint] {
        let n = (self.num_points as usize).min(MAX_CURVE_POINTS);
        &self.points[..n]
    }

    /// At least two points; utilization strictly increasing from 0% to exactly 100%; rates
    /// non-decreasing and at most `MAX_BORROW_RATE_BPS`; unused points zero.
    pub fn validate(&self) -> Result<()> {
        let n = self.num_points as usize;
        require!(
            (2..=MAX_CURVE_POINTS).contains(&n),
            BallastError::InvalidRateCurve
        );
        let used = self.used();
        require!(
            used[0].utilization_bps == 0 && used[n - 1].utilization_bps == BPS as u32,
            BallastError::InvalidRateCurve
        );
        for pair in used.windows(2) {
            require!(
                pair[0].utilization_bps < pair[1].utilization_bps
                    && pair[0].borrow_rate_bps <= pair[1].borrow_rate_bps,
                BallastError::InvalidRateCurve
            );
        }
        require!(
            used[n - 1].borrow_rate_bps <= MAX_BORROW_RATE_BPS,
            BallastError::InvalidRateCurve
        );
        require!(
            self.points[n..].iter().all(|p| *p == CurvePoint::default()),
            BallastError::InvalidRateCurve
        );
        Ok(())
    }

    /// Annual borrow rate at `utilization` (a ratio in [0, 1]; above 1 is treated as 1),
    /// interpolated linearly between the neighbouring points and rounded down.
    pub fn borrow_rate(&self, utilization: Fixed) -> Result<Fixed> {
        self.borrow_rate_bps(utilization)?.mul_div_int_floor(1, BPS)
    }

    /// The annual rate at `utilization` in basis points, before its rounding to a ratio (so
    /// that a caller dividing further rounds once: nested floors compose).
    pub fn borrow_rate_bps(&self, utilization: Fixed) -> Result<Fixed> {
        let used = self.used();
        // Utilization x 10,000 exactly (at most 10^22 raw): a 64x64-bit product.
        let capped = utilization.min(Fixed::ONE).raw() as u64;
        let (hi, lo) = super::wide::mul_64(capped, BPS);
        let utilization_bps = Fixed::from_raw((u128::from(hi) << 64) | u128::from(lo));
        // The segment whose end is the first point at or above the utilization.
        let end = used
            .iter()
            .position(|p| Fixed::from_u64(p.utilization_bps.into()) >= utilization_bps)
            .unwrap_or(used.len() - 1)
            .max(1);
        let (a, b) = (used[end - 1], used[end]);
        let into_segment =
            utilization_bps.checked_sub(Fixed::from_u64(a.utilization_bps.into()))?;
        let rise = u64::from(b.borrow_rate_bps - a.borrow_rate_bps);
        let run = u64::from(b.utilization_bps - a.utilization_bps);
        Fixed::from_u64(a.borrow_rate_bps.into())
            .checked_add(into_segment.mul_div_int_floor(rise, run)?)
    }
}

#[cfg(test)]
mod tests {
    use {super::*, proptest::prelude::*};

    fn kinked() -> RateCurve {
        // 0% -> 2%, 80% -> 10%, 100% -> 150%.
        RateCurve::new(&[(0, 200), (8_000, 1_000), (10_000, 15_000)]).unwrap()
    }

    fn util(bps: u64) -> Fixed {
        Fixed::from_bps(bps)
    }

    #[test]
    fn rate_at_each_point_is_the_point() {
        let c = kinked();
        assert_eq!(c.borrow_rate(util(0)).unwrap(), Fixed::from_bps(200));
        assert_eq!(c.borrow_rate(util(8_000)).unwrap(), Fixed::from_bps(1_000));
        assert_eq!(
            c.borrow_rate(util(10_000)).unwrap(),
            Fixed::from_bps(15_000)
        );
    }

    #[test]
    fn rate_between_points_is_interpolated() {
        let c = kinked();
        // Halfway along the first segment: 2% + (10% - 2%) / 2 = 6%.
        assert_eq!(c.borrow_rate(util(4_000)).unwrap(), Fixed::from_bps(600));
        // 90%: halfway along the second segment: 10% + 140% / 2 = 80%.
        assert_eq!(c.borrow_rate(util(9_000)).unwrap(), Fixed::from_bps(8_000));
        // 1 bp into the second segment: 10% + 140% / 2000 = 10.07%.
        assert_eq!(c.borrow_rate(util(8_001)).unwrap(), Fixed::from_bps(1_007));
    }

    #[test]
    fn utilization_above_one_is_capped() {
        let c = kinked();
        assert_eq!(
            c.borrow_rate(Fixed::from_u64(3)).unwrap(),
            Fixed::from_bps(15_000)
        );
    }

    #[test]
    fn invalid_curves_are_rejected() {
        let bad: &[&[(u32, u32)]] = &[
            &[(0, 100)],                                            // one point
            &[(100, 100), (10_000, 200)],                           // does not start at 0%
            &[(0, 100), (9_000, 200)],                              // does not end at 100%
            &[(0, 100), (5_000, 300), (5_000, 400), (10_000, 500)], // utilization repeats
            &[(0, 500), (5_000, 300), (10_000, 600)],               // rate falls
            &[(0, 0), (10_000, MAX_BORROW_RATE_BPS + 1)],           // rate too high
            &[
                (0, 0),
                (1, 1),
                (2, 2),
                (3, 3),
                (4, 4),
                (5, 5),
                (6, 6),
                (7, 7),
                (10_000, 8),
            ], // 9 points
        ];
        for points in bad {
            assert_eq!(
                RateCurve::new(points).unwrap_err(),
                BallastError::InvalidRateCurve.into(),
                "{points:?}"
            );
        }
        let mut stray = kinked();
        stray.points[5].borrow_rate_bps = 1;
        assert!(stray.validate().is_err());
    }

    proptest! {
        #[test]
        fn rate_is_monotonic_and_within_the_curve(u1 in 0u64..=10_000, u2 in 0u64..=10_000) {
            let c = kinked();
            let (lo, hi) = (u1.min(u2), u1.max(u2));
            let r_lo = c.borrow_rate(util(lo)).unwrap();
            let r_hi = c.borrow_rate(util(hi)).unwrap();
            prop_assert!(r_lo <= r_hi);
            prop_assert!(r_lo >= Fixed::from_bps(200) && r_hi <= Fixed::from_bps(15_000));
        }
    }
}
