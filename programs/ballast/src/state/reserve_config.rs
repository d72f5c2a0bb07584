//! A reserve's risk config and the typed changes `update_reserve` accepts.
use {
    crate::{
        constants::{BPS, MAX_LIQUIDATION_BONUS_BPS, MAX_ORACLE_AGE_SECS, MAX_OUTFLOW_WINDOW_SECS},
        errors::BallastError,
        math::RateCurve,
        state::PriceSource,
    },
    anchor_lang::prelude::*,
};

/// Risk and fee parameters of one reserve. All ratios are basis points (10,000 = 100%).
// Borsh in the IDL (instruction arguments and events carry it) and plain old data in the
// accounts that embed it: `declare_program!` cannot generate a type that is both.
#[derive(Clone, Copy, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct ReserveConfig {
    /// Largest total supply (available + borrowed, in liquidity base units) deposits may reach.
    pub deposit_cap: u64,
    /// Largest total borrowed amount (liquidity base units). Zero disables borrowing.
    pub borrow_cap: u64,
    /// Share of collateral value that may be borrowed against. Zero: not usable to borrow.
    pub loan_to_value_bps: u16,
    /// Share of collateral value above which debt may be liquidated. Above `loan_to_value_bps`.
    pub liquidation_threshold_bps: u16,
    /// Liquidation bonus for a barely unhealthy obligation.
    pub liquidation_bonus_min_bps: u16,
    /// Liquidation bonus for a deeply unhealthy obligation.
    pub liquidation_bonus_max_bps: u16,
    /// Share of the liquidation bonus taken by the protocol.
    pub protocol_liquidation_fee_bps: u16,
    /// Origination fee added to the debt on each borrow.
    pub borrow_fee_bps: u16,
    /// Share of interest taken by the protocol.
    pub protocol_take_rate_bps: u16,
    /// Debt in this reserve counts this much toward borrowing power (>= 10,000).
    pub borrow_factor_bps: u16,
    /// Oracle prices older than this are rejected.
    pub oracle_max_age_secs: u32,
    /// Oracle prices whose confidence interval exceeds this share of the price are rejected.
    pub oracle_max_confidence_bps: u16,
    /// 1 to list a Token-2022 mint with a permanent delegate (who can move any holder's
    /// tokens, the vaults' included): an explicit acknowledgement of that risk. Else 0.
    pub permanent_delegate_acknowledged: u8,
    /// Explicit padding; must be zero.
    pub padding: u8,
    pub rate_curve: RateCurve,
    /// Length of the outflow window.
    pub outflow_window_secs: u32,
    /// Most liquidity that may leave the pool (borrows, redemptions, liquidity payouts) per
    /// window. `u64::MAX`: no limit.
    pub outflow_limit: u64,
    /// Fee on flash loans, paid into the fee vault with the repayment.
    pub flash_loan_fee_bps: u16,
    /// 1 to allow flash loans of this reserve's liquidity, else 0.
    pub flash_loans_enabled: u8,
    /// 1 for an isolated asset: its liquidity may only be borrowed as an obligation's only
    /// debt (with a loan-to-value and threshold of 0 it is borrowable, never collateral), so a
    /// long-tail asset neither backs nor joins other debt. Else 0.
    pub isolated: u8,
    /// Smallest debt a borrow may leave in this reserve, in whole USD at the debt price (0:
    /// none): no dust debt that no liquidator would take.
    pub min_debt_usd: u32,
    /// Smallest collateral position an owner may hold, in liquidity base units at the exchange
    /// rate (0: none): a position must be this big or empty after a pledge or a withdrawal, so
    /// nobody can pledge dust whose oracle would have to be read by every liquidation.
    pub min_collateral_amount: u64,
    /// Most collateral value, in whole USD at the collateral price, that counts toward borrow
    /// limits across all of the reserve's supply (0: no cap). Past it every position's
    /// loan-to-value is scaled by cap / supply value (marginfi's "init limit"): a pumped price
    /// lends nothing more. Liquidation thresholds are not scaled.
    pub collateral_cap_usd: u64,
    /// Most borrowed value, in whole USD at the debt price, a borrow may leave (0: no cap).
    pub borrow_cap_usd: u64,
    /// The e-mode groups this reserve belongs to: bit `id - 1` for group `id`.
    pub emode_groups: u32,
    /// Of those, the groups that list it as debt (a debt-restricted group lends only these).
    pub emode_debt_groups: u32,
    /// Sanity bounds on the oracle's price of one whole token, in 10^-8 USD (0: none): a price
    /// (spot or EMA) outside them is unusable, as a stale one is.
    pub price_band_min: u64,
    pub price_band_max: u64,
}

const CURVE_RULE: &str = "rate_curve needs 2 to 8 points, utilization rising from 0 to 10000 \
     bps, rates never falling and at most 100000 bps";

impl ReserveConfig {
    /// Every rule a stored config obeys; logs the first one broken.
    pub fn validate(&self) -> Result<()> {
        match self.broken_rule() {
            None => Ok(()),
            // Keeps the curve's own error, `InvalidRateCurve`.
            Some(CURVE_RULE) => self.rate_curve.validate(),
            Some(rule) => {
                msg!("invalid reserve config: {}", rule);
                err!(BallastError::InvalidReserveConfig)
            }
        }
    }

    /// The first rule this config breaks, in words (clients show it before sending).
    pub fn broken_rule(&self) -> Option<&'static str> {
        let bps = |v: u16| u64::from(v);
        let rules = [
            (
                (self.loan_to_value_bps == 0 && self.liquidation_threshold_bps == 0)
                    || bps(self.loan_to_value_bps) < bps(self.liquidation_threshold_bps),
                "loan_to_value_bps must be below liquidation_threshold_bps",
            ),
            (
                bps(self.liquidation_threshold_bps) <= BPS,
                "liquidation_threshold_bps must be at most 10000",
            ),
            (
                self.liquidation_bonus_min_bps <= self.liquidation_bonus_max_bps
                    && self.liquidation_bonus_max_bps <= MAX_LIQUIDATION_BONUS_BPS,
                "liquidation bonus must satisfy min <= max <= 5000",
            ),
            (
                bps(self.liquidation_threshold_bps) * (BPS + bps(self.liquidation_bonus_max_bps))
                    <= BPS * BPS,
                "liquidation_threshold x (1 + max bonus) must be at most 100%",
            ),
            (
                [
                    self.protocol_liquidation_fee_bps,
                    self.borrow_fee_bps,
                    self.protocol_take_rate_bps,
                ]
                .iter()
                .all(|&fee| bps(fee) <= BPS),
                "fees must be at most 10000 bps",
            ),
            (
                bps(self.borrow_factor_bps) >= BPS,
                "borrow_factor_bps must be at least 10000",
            ),
            (
                (1..=MAX_ORACLE_AGE_SECS).contains(&self.oracle_max_age_secs),
                "oracle_max_age_secs must be 1..=86400",
            ),
            (
                (1..=BPS).contains(&bps(self.oracle_max_confidence_bps)),
                "oracle_max_confidence_bps must be 1..=10000",
            ),
            (
                self.permanent_delegate_acknowledged <= 1 && self.padding == 0,
                "permanent_delegate_acknowledged must be 0 or 1; padding must be zero",
            ),
            (
                (1..=MAX_OUTFLOW_WINDOW_SECS).contains(&self.outflow_window_secs),
                "outflow_window_secs must be 1..=2592000 (30 days)",
            ),
            (
                bps(self.flash_loan_fee_bps) <= BPS && self.flash_loans_enabled <= 1,
                "flash_loan_fee_bps must be at most 10000, flash_loans_enabled 0 or 1",
            ),
            (self.isolated <= 1, "isolated must be 0 or 1"),
            (
                self.emode_debt_groups & !self.emode_groups == 0,
                "emode_debt_groups must be among the reserve's emode_groups",
            ),
            (
                self.price_band_max == 0 || self.price_band_min < self.price_band_max,
                "price_band_min must be below price_band_max",
            ),
            (self.rate_curve.validate().is_ok(), CURVE_RULE),
        ];
        rules.iter().find(|(ok, _)| !ok).map(|(_, rule)| *rule)
    }
}

/// One change to a reserve's config, applied to a copy and validated before it is stored.
#[derive(Clone, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub enum ReserveChange {
    /// The loan-to-value applies at once, as does a higher threshold; a lower threshold ramps
    /// down from the current one over `ramp_secs` (at least `MIN_THRESHOLD_RAMP_SECS`).
    LoanToValue {
        loan_to_value_bps: u16,
        liquidation_threshold_bps: u16,
        ramp_secs: u32,
    },
    LiquidationBonus {
        min_bps: u16,
        max_bps: u16,
    },
    ProtocolLiquidationFeeBps(u16),
    BorrowFeeBps(u16),
    ProtocolTakeRateBps(u16),
    BorrowFactorBps(u16),
    DepositCap(u64),
    BorrowCap(u64),
    OracleLimits {
        max_age_secs: u32,
        max_confidence_bps: u16,
    },
    RateCurve(RateCurve),
    OutflowLimit {
        limit: u64,
        window_secs: u32,
    },
    FlashLoans {
        enabled: bool,
        fee_bps: u16,
    },
    MinCollateralAmount(u64),
    /// Marks the reserve isolated (its liquidity borrowed only as an obligation's only debt),
    /// or lifts it. Obligations already holding it with other debt keep it; they cannot add
    /// to either.
    Isolated(bool),
    /// Smallest debt a borrow may leave, in whole USD (0: none).
    MinDebtUsd(u32),
    /// The USD caps: collateral counted toward borrow limits, and borrowed value (0: none).
    UsdCaps {
        collateral_usd: u64,
        borrow_usd: u64,
    },
    /// The e-mode groups the reserve belongs to (`member`, bit `id - 1` per group) and those it
    /// may be borrowed in when the group restricts debt (`debt`, within `member`). Takes effect
    /// at once: a reserve taken out of a group values its positions in the group's obligations
    /// with its own parameters from then on (ramp the group's threshold down to them first).
    EmodeGroups {
        member: u32,
        debt: u32,
    },
    /// Sanity bounds on the oracle's price, in 10^-8 USD per whole token (0: none; `min` below
    /// `max` when a maximum is set): a price outside them is unusable.
    PriceBand {
        min: u64,
        max: u64,
    },
    /// New price sources (1 to 3, in priority order: a fallback, a sunset feed, a re-sharded
    /// sponsored account) and the most the first two usable ones may differ (bps of the first;
    /// 0: unchecked). Their accounts come as the remaining accounts, in order, and every source
    /// must give a live price the reserve's limits accept, the first two agreeing.
    OracleSources {
        sources: Vec<PriceSource>,
        max_divergence_bps: u16,
    },
}

impl ReserveChange {
    /// The config with this change applied, validated.
    pub fn apply(&self, config: &ReserveConfig) -> Result<ReserveConfig> {
        let mut next = *config;
        match self.clone() {
            ReserveChange::LoanToValue {
                loan_to_value_bps,
                liquidation_threshold_bps,
                ..
            } => {
                next.loan_to_value_bps = loan_to_value_bps;
                next.liquidation_threshold_bps = liquidation_threshold_bps;
            }
            ReserveChange::LiquidationBonus { min_bps, max_bps } => {
                next.liquidation_bonus_min_bps = min_bps;
                next.liquidation_bonus_max_bps = max_bps;
            }
            ReserveChange::ProtocolLiquidationFeeBps(v) => next.protocol_liquidation_fee_bps = v,
            ReserveChange::BorrowFeeBps(v) => next.borrow_fee_bps = v,
            ReserveChange::ProtocolTakeRateBps(v) => next.protocol_take_rate_bps = v,
            ReserveChange::BorrowFactorBps(v) => next.borrow_factor_bps = v,
            ReserveChange::DepositCap(v) => next.deposit_cap = v,
            ReserveChange::BorrowCap(v) => next.borrow_cap = v,
            ReserveChange::OracleLimits {
                max_age_secs,
                max_confidence_bps,
            } => {
                next.oracle_max_age_secs = max_age_secs;
                next.oracle_max_confidence_bps = max_confidence_bps;
            }
            ReserveChange::RateCurve(curve) => next.rate_curve = curve,
            ReserveChange::OutflowLimit { limit, window_secs } => {
                next.outflow_limit = limit;
                next.outflow_window_secs = window_secs;
            }
            ReserveChange::FlashLoans { enabled, fee_bps } => {
                next.flash_loans_enabled = u8::from(enabled);
                next.flash_loan_fee_bps = fee_bps;
            }
            ReserveChange::MinCollateralAmount(v) => next.min_collateral_amount = v,
            ReserveChange::Isolated(v) => next.isolated = u8::from(v),
            ReserveChange::MinDebtUsd(v) => next.min_debt_usd = v,
            ReserveChange::UsdCaps {
                collateral_usd,
                borrow_usd,
            } => {
                next.collateral_cap_usd = collateral_usd;
                next.borrow_cap_usd = borrow_usd;
            }
            ReserveChange::EmodeGroups { member, debt } => {
                next.emode_groups = member;
                next.emode_debt_groups = debt;
            }
            ReserveChange::PriceBand { min, max } => {
                next.price_band_min = min;
                next.price_band_max = max;
            }
            // Not part of the config: `logic::prices::change_sources` validates and applies it.
            ReserveChange::OracleSources { .. } => {}
        }
        next.validate()?;
        Ok(next)
    }

    /// Changes that alter how interest accrues: interest up to now must be accrued under the
    /// old config first.
    pub fn affects_interest(&self) -> bool {
        matches!(
            self,
            ReserveChange::RateCurve(_) | ReserveChange::ProtocolTakeRateBps(_)
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A plausible config for a volatile collateral asset.
    pub fn sample() -> ReserveConfig {
        ReserveConfig {
            deposit_cap: u64::MAX,
            borrow_cap: u64::MAX,
            loan_to_value_bps: 7_500,
            liquidation_threshold_bps: 8_000,
            liquidation_bonus_min_bps: 200,
            liquidation_bonus_max_bps: 1_000,
            protocol_liquidation_fee_bps: 1_000,
            borrow_fee_bps: 10,
            protocol_take_rate_bps: 1_000,
            borrow_factor_bps: 10_000,
            oracle_max_age_secs: 60,
            oracle_max_confidence_bps: 200,
            permanent_delegate_acknowledged: 0,
            padding: 0,
            rate_curve: RateCurve::new(&[(0, 0), (8_000, 800), (10_000, 10_000)]).unwrap(),
            outflow_window_secs: 86_400,
            outflow_limit: u64::MAX,
            flash_loan_fee_bps: 9,
            flash_loans_enabled: 1,
            isolated: 0,
            min_debt_usd: 0,
            collateral_cap_usd: 0,
            borrow_cap_usd: 0,
            min_collateral_amount: 0,
            emode_groups: 0,
            emode_debt_groups: 0,
            price_band_min: 0,
            price_band_max: 0,
        }
    }

    #[test]
    fn sample_is_valid() {
        sample().validate().unwrap();
    }

    #[test]
    fn each_rule_rejects() {
        let base = sample();
        let bad = [
            ReserveChange::LoanToValue {
                loan_to_value_bps: 8_000,
                liquidation_threshold_bps: 8_000,
                ramp_secs: 0,
            },
            ReserveChange::LoanToValue {
                loan_to_value_bps: 9_000,
                liquidation_threshold_bps: 10_001,
                ramp_secs: 0,
            },
            ReserveChange::LiquidationBonus {
                min_bps: 600,
                max_bps: 500,
            },
            ReserveChange::LiquidationBonus {
                min_bps: 0,
                max_bps: MAX_LIQUIDATION_BONUS_BPS + 1,
            },
            // 80% x (1 + 30%) = 104% > 100%.
            ReserveChange::LiquidationBonus {
                min_bps: 0,
                max_bps: 3_000,
            },
            ReserveChange::ProtocolLiquidationFeeBps(10_001),
            ReserveChange::BorrowFeeBps(10_001),
            ReserveChange::ProtocolTakeRateBps(10_001),
            ReserveChange::BorrowFactorBps(9_999),
            ReserveChange::OracleLimits {
                max_age_secs: 0,
                max_confidence_bps: 100,
            },
            ReserveChange::OracleLimits {
                max_age_secs: 60,
                max_confidence_bps: 0,
            },
            ReserveChange::OutflowLimit {
                limit: 1,
                window_secs: 0,
            },
            ReserveChange::FlashLoans {
                enabled: true,
                fee_bps: 10_001,
            },
        ];
        for change in bad {
            assert_eq!(
                change.apply(&base).unwrap_err(),
                BallastError::InvalidReserveConfig.into(),
                "{change:?}"
            );
        }
        // The isolated flag is a boolean.
        let isolated = ReserveChange::Isolated(true).apply(&base).unwrap();
        assert_eq!(isolated.isolated, 1);
        assert_eq!(
            ReserveChange::Isolated(false).apply(&isolated).unwrap(),
            base
        );
        let broken = ReserveConfig {
            isolated: 2,
            ..base
        };
        assert_eq!(broken.broken_rule(), Some("isolated must be 0 or 1"));
        let min_debt = ReserveChange::MinDebtUsd(25).apply(&base).unwrap();
        assert_eq!(min_debt.min_debt_usd, 25);
        let mut falling = base.rate_curve;
        falling.points[1].borrow_rate_bps = 20_000;
        assert_eq!(
            ReserveChange::RateCurve(falling).apply(&base).unwrap_err(),
            BallastError::InvalidRateCurve.into()
        );
    }

    #[test]
    fn threshold_times_bonus_at_exactly_100_percent_is_allowed() {
        // 80% x 125% = 100%.
        let next = ReserveChange::LiquidationBonus {
            min_bps: 0,
            max_bps: 2_500,
        }
        .apply(&sample())
        .unwrap();
        assert_eq!(next.liquidation_bonus_max_bps, 2_500);
    }

    #[test]
    fn non_collateral_asset_may_set_both_weights_to_zero() {
        ReserveChange::LoanToValue {
            loan_to_value_bps: 0,
            liquidation_threshold_bps: 0,
            ramp_secs: 0,
        }
        .apply(&sample())
        .unwrap();
    }
}
