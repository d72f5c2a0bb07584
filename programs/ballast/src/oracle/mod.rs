//! Oracle adapters. Each source decodes its account into a `RawPrice`; `reserve_price` takes a
//! reserve's first usable source, checked against the reserve's limits, and returns one
//! validated `OraclePrice`. Nothing outside this module reads a price account.
pub mod marinade;
pub mod pyth_legacy;
mod pyth_pull;
pub(crate) mod sources;
pub mod stake_pool;
pub mod switchboard;

pub use sources::{
    price_of_counted, raw_source_price, require_accounts, require_every_source,
    require_reserve_price, reserve_price, source_price, AccountParts, Check, PriceAccount,
    PriceClock,
};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod sources_tests;

use {
    crate::{errors::BallastError, math::Fixed},
    anchor_lang::prelude::*,
};

/// Exponents outside this range are refused: they are outside what Pyth publishes and what
/// the fixed-point type can hold without losing the price.
pub const MIN_EXPONENT: i32 = -18;
pub const MAX_EXPONENT: i32 = 6;

/// A price as an oracle account states it, before any check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawPrice {
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
    /// False when the source says the price is not live (a legacy account halted, in auction
    /// or of unknown status).
    pub trading: bool,
}

impl RawPrice {
    /// This price times `numerator / denominator` (a token worth that many of this one, as a
    /// liquid staking token is of SOL): prices rounded down, confidences up; times and status
    /// kept.
    pub fn at_rate(&self, numerator: u128, denominator: u128) -> Result<RawPrice> {
        require!(denominator > 0, BallastError::InvalidOracleData);
        let scaled = |v: u128, up: bool| {
            let product = v.checked_mul(numerator).ok_or(BallastError::MathOverflow)?;
            Ok::<u128, BallastError>(if up {
                product.div_ceil(denominator)
            } else {
                product / denominator
            })
        };
        let price = |v: i64| -> Result<i64> {
            let v = u128::try_from(v).map_err(|_| error!(BallastError::OraclePriceNotPositive))?;
            i64::try_from(scaled(v, false)?).map_err(|_| error!(BallastError::MathOverflow))
        };
        let conf = |c: u64| -> Result<u64> {
            u64::try_from(scaled(u128::from(c), true)?)
                .map_err(|_| error!(BallastError::MathOverflow))
        };
        Ok(RawPrice {
            price: price(self.price)?,
            conf: conf(self.conf)?,
            ema_price: price(self.ema_price)?,
            ema_conf: conf(self.ema_conf)?,
            ..*self
        })
    }
}

/// A checked price of one whole token, in USD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OraclePrice {
    pub spot: Fixed,
    pub ema: Fixed,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    /// The reserve's source it came from (0: the primary).
    pub source: u8,
    /// The next usable source disagrees by more than the reserve allows (read only for
    /// actions that add risk, which then refuse).
    pub diverged: bool,
}

impl OraclePrice {
    /// Collateral is valued at the lower of spot and EMA: a pumped spot cannot be borrowed against.
    pub fn collateral_price(&self) -> Fixed {
        self.spot.min(self.ema)
    }

    /// Debt is valued at the higher of spot and EMA.
    pub fn debt_price(&self) -> Fixed {
        self.spot.max(self.ema)
    }
}

/// `OraclePriceOutsideBand` unless `price`'s spot and EMA are within `min..=max` (10^-8 USD; 0:
/// no bound): an admin's sanity bounds, a price outside them is unusable.
pub fn require_within_band(
    price: &OraclePrice,
    min: u64,
    max: u64,
) -> std::result::Result<(), BallastError> {
    if min == 0 && max == 0 {
        return Ok(());
    }
    let bound = |v: u64| Fixed::from_raw(u128::from(v) * 10_000_000_000);
    let (low, high) = (bound(min), bound(max));
    let inside = |p: Fixed| p >= low && (max == 0 || p <= high);
    if inside(price.spot) && inside(price.ema) {
        Ok(())
    } else {
        Err(BallastError::OraclePriceOutsideBand)
    }
}

/// The checks every source's price must pass, in the order their errors are reported.
pub fn validate(
    raw: &RawPrice,
    max_age_secs: u32,
    max_confidence_bps: u16,
    newest_seen: i64,
    now: i64,
) -> Result<OraclePrice> {
    Ok(check_price(
        raw,
        max_age_secs,
        max_confidence_bps,
        newest_seen,
        now,
    )?)
}

/// `validate`, failing with the bare error code.
pub(crate) fn check_price(
    raw: &RawPrice,
    max_age_secs: u32,
    max_confidence_bps: u16,
    newest_seen: i64,
    now: i64,
) -> std::result::Result<OraclePrice, BallastError> {
    let fail = |ok: bool, error: BallastError| if ok { Ok(()) } else { Err(error) };
    fail(raw.trading, BallastError::OracleNotTrading)?;
    fail(
        now.saturating_sub(raw.publish_time) <= i64::from(max_age_secs),
        BallastError::OraclePriceStale,
    )?;
    fail(
        raw.publish_time >= newest_seen,
        BallastError::OraclePriceWentBackwards,
    )?;
    fail(
        raw.price > 0 && raw.ema_price > 0,
        BallastError::OraclePriceNotPositive,
    )?;
    fail(
        (MIN_EXPONENT..=MAX_EXPONENT).contains(&raw.exponent),
        BallastError::OracleExponentOutOfRange,
    )?;
    // conf / price <= max_confidence_bps / 10_000, for the spot and for the EMA, compared
    // without division (both prices are positive here): in 64 bits when both are under 2^48
    // (Pyth's mantissas; the products then fit), else in 128. A source without an EMA of its
    // own (Switchboard's is its spot) is checked and converted once.
    let within = |conf: u64, price: i64| {
        let price = price as u64;
        if (conf | price) >> 48 == 0 {
            conf * 10_000 <= price * u64::from(max_confidence_bps)
        } else {
            wide_product(conf, 10_000) <= wide_product(price, max_confidence_bps.into())
        }
    };
    let no_ema = raw.ema_price == raw.price && raw.ema_conf == raw.conf;
    fail(
        within(raw.conf, raw.price),
        BallastError::OracleConfidenceTooWide,
    )?;
    fail(
        no_ema || within(raw.ema_conf, raw.ema_price),
        BallastError::OracleConfidenceTooWide,
    )?;
    let spot = to_fixed(raw.price as u64, raw.exponent)?;
    Ok(OraclePrice {
        spot,
        ema: if no_ema {
            spot
        } else {
            to_fixed(raw.ema_price as u64, raw.exponent)?
        },
        publish_time: raw.publish_time,
        prev_publish_time: raw.prev_publish_time,
        ..OraclePrice::default()
    })
}

/// `mantissa x 10^exponent` as a `Fixed`; the exponent is already range-checked.
fn to_fixed(mantissa: u64, exponent: i32) -> std::result::Result<Fixed, BallastError> {
    let shift = (Fixed::DECIMALS as i32 + exponent) as usize; // 0..=24
    let scale = crate::math::POW10[shift];
    let raw = match u64::try_from(scale) {
        Ok(scale) => wide_product(mantissa, scale),
        Err(_) => u128::from(mantissa)
            .checked_mul(scale)
            .ok_or(BallastError::MathOverflow)?,
    };
    Ok(Fixed::from_raw(raw))
}

/// `a * b` exactly, from 64-bit operations.
fn wide_product(a: u64, b: u64) -> u128 {
    let (hi, lo) = crate::math::mul_64(a, b);
    (u128::from(hi) << 64) | u128::from(lo)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_price_outside_the_band_is_unusable() {
        let at = |spot: u64, ema: u64| OraclePrice {
            spot: Fixed::from_u64(spot),
            ema: Fixed::from_u64(ema),
            ..OraclePrice::default()
        };
        // $100..=$200, in 10^-8 USD.
        let (min, max) = (100 * 100_000_000, 200 * 100_000_000);
        let outside = Err(BallastError::OraclePriceOutsideBand);
        let band = |p: OraclePrice, min, max| require_within_band(&p, min, max);
        assert_eq!(band(at(150, 150), min, max), Ok(()));
        assert_eq!(band(at(100, 200), min, max), Ok(()));
        assert_eq!(band(at(250, 150), min, max), outside);
        assert_eq!(band(at(150, 99), min, max), outside);
        // A floor alone; no band at all.
        assert_eq!(band(at(5_000, 5_000), min, 0), Ok(()));
        assert_eq!(band(at(99, 99), min, 0), outside);
        assert_eq!(band(at(1, 1), 0, 0), Ok(()));
    }

    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn raw() -> RawPrice {
        RawPrice {
            price: 150_000_000, // 1.5 with exponent -8
            conf: 150_000,      // 0.1% of the price
            exponent: -8,
            publish_time: NOW - 10,
            prev_publish_time: NOW - 11,
            ema_price: 140_000_000,
            ema_conf: 140_000,
            trading: true,
        }
    }

    fn check(raw: &RawPrice) -> Result<OraclePrice> {
        validate(raw, 60, 100, NOW - 30, NOW)
    }

    #[test]
    fn valid_price_converts_exactly() {
        let p = check(&raw()).unwrap();
        assert_eq!(p.spot, Fixed::from_bps(15_000));
        assert_eq!(p.ema, Fixed::from_bps(14_000));
        assert_eq!(p.collateral_price(), Fixed::from_bps(14_000));
        assert_eq!(p.debt_price(), Fixed::from_bps(15_000));
    }

    #[test]
    fn each_failure_has_its_error() {
        let cases: Vec<(RawPrice, BallastError)> = vec![
            (
                RawPrice {
                    trading: false,
                    ..raw()
                },
                BallastError::OracleNotTrading,
            ),
            (
                RawPrice {
                    publish_time: NOW - 61,
                    ..raw()
                },
                BallastError::OraclePriceStale,
            ),
            (
                RawPrice {
                    publish_time: NOW - 31,
                    ..raw()
                },
                BallastError::OraclePriceWentBackwards,
            ),
            (
                RawPrice { price: 0, ..raw() },
                BallastError::OraclePriceNotPositive,
            ),
            (
                RawPrice { price: -5, ..raw() },
                BallastError::OraclePriceNotPositive,
            ),
            (
                RawPrice {
                    ema_price: 0,
                    ..raw()
                },
                BallastError::OraclePriceNotPositive,
            ),
            (
                RawPrice {
                    conf: 1_500_001,
                    ..raw()
                },
                BallastError::OracleConfidenceTooWide,
            ),
            // The EMA's confidence is capped too (1% of 1.4).
            (
                RawPrice {
                    ema_conf: 1_400_001,
                    ..raw()
                },
                BallastError::OracleConfidenceTooWide,
            ),
            (
                RawPrice {
                    exponent: -19,
                    ..raw()
                },
                BallastError::OracleExponentOutOfRange,
            ),
            (
                RawPrice {
                    exponent: 7,
                    ..raw()
                },
                BallastError::OracleExponentOutOfRange,
            ),
        ];
        for (raw, expected) in cases {
            assert_eq!(check(&raw).unwrap_err(), expected.into(), "{raw:?}");
        }
    }

    #[test]
    fn confidence_exactly_at_the_cap_passes() {
        check(&RawPrice {
            conf: 1_500_000,
            ema_conf: 1_400_000,
            ..raw()
        })
        .unwrap();
    }

    #[test]
    fn the_confidence_cap_is_exact_in_64_and_in_128_bits() {
        // 1% of the price: the largest confidence that passes, and one more, with mantissas
        // just under 2^48 (64-bit products) and at 2^50 (128-bit).
        for price in [(1i64 << 48) - 1, 1 << 50] {
            let cap = price as u64 / 100;
            let at = |conf: u64| RawPrice {
                price,
                ema_price: price,
                conf,
                ema_conf: 0,
                ..raw()
            };
            check(&at(cap)).unwrap();
            assert_eq!(
                check(&at(cap + 1)).unwrap_err(),
                BallastError::OracleConfidenceTooWide.into(),
                "{price}"
            );
        }
    }

    #[test]
    fn exponent_edges_convert_or_fail_cleanly() {
        let tiny = check(&RawPrice {
            price: 1,
            ema_price: 1,
            conf: 0,
            ema_conf: 0,
            exponent: -18,
            ..raw()
        })
        .unwrap();
        assert_eq!(tiny.spot, Fixed::from_raw(1));
        let big = check(&RawPrice {
            price: 1,
            ema_price: 1,
            conf: 0,
            ema_conf: 0,
            exponent: 6,
            ..raw()
        })
        .unwrap();
        assert_eq!(big.spot, Fixed::from_u64(1_000_000));
        let huge = RawPrice {
            price: i64::MAX,
            ema_price: i64::MAX,
            conf: 0,
            ema_conf: 0,
            exponent: 6,
            ..raw()
        };
        assert_eq!(check(&huge).unwrap_err(), BallastError::MathOverflow.into());
    }
}
