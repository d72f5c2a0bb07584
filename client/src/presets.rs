//! Reserve configs for common asset types, used by `ballast demo` and as examples for operators.
use ballast::{
    math::RateCurve,
    state::{EmodeGroupConfig, ReserveConfig},
};

/// A USD stablecoin: LTV 80%, liquidation at 85%, bonus 2-5%, no borrow fee, a kinked curve
/// (0% -> 8% at 80% utilization -> 50% at 100%).
pub fn stablecoin() -> ReserveConfig {
    ReserveConfig {
        loan_to_value_bps: 8_000,
        liquidation_threshold_bps: 8_500,
        liquidation_bonus_min_bps: 200,
        liquidation_bonus_max_bps: 500,
        rate_curve: RateCurve::new(&[(0, 0), (8_000, 800), (10_000, 5_000)]).expect("valid curve"),
        ..base()
    }
}

/// A volatile asset: LTV 75%, liquidation at 80%, bonus 5-10%, 0.1% borrow fee, a steeper curve
/// (1% -> 7% at 70% -> 150% at 100%).
pub fn volatile() -> ReserveConfig {
    ReserveConfig {
        loan_to_value_bps: 7_500,
        liquidation_threshold_bps: 8_000,
        liquidation_bonus_min_bps: 500,
        liquidation_bonus_max_bps: 1_000,
        borrow_fee_bps: 10,
        rate_curve: RateCurve::new(&[(0, 100), (7_000, 700), (10_000, 15_000)])
            .expect("valid curve"),
        ..base()
    }
}

/// No caps and no outflow limit, 60 s oracle age, 2% confidence cap, 10% protocol take rate and
/// liquidation share, borrow factor 1, flash loans at 0.09%, not usable as collateral, a flat
/// 10% curve, no minimum collateral position (it is in base units: set it per asset), in no
/// e-mode group, no price band.
pub fn base() -> ReserveConfig {
    ReserveConfig {
        deposit_cap: u64::MAX,
        borrow_cap: u64::MAX,
        loan_to_value_bps: 0,
        liquidation_threshold_bps: 0,
        liquidation_bonus_min_bps: 0,
        liquidation_bonus_max_bps: 0,
        protocol_liquidation_fee_bps: 1_000,
        borrow_fee_bps: 0,
        protocol_take_rate_bps: 1_000,
        borrow_factor_bps: 10_000,
        oracle_max_age_secs: 60,
        oracle_max_confidence_bps: 200,
        permanent_delegate_acknowledged: 0,
        padding: 0,
        rate_curve: RateCurve::new(&[(0, 1_000), (10_000, 1_000)]).expect("valid curve"),
        outflow_window_secs: 24 * 60 * 60,
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

/// An e-mode group for a correlated pair (SOL and its staking tokens, two stablecoins): LTV 90%
/// (loops to about 10x), liquidation at 93%, a bonus of at most 2%, every member lent.
pub const fn correlated_group() -> EmodeGroupConfig {
    EmodeGroupConfig {
        loan_to_value_bps: 9_000,
        liquidation_threshold_bps: 9_300,
        liquidation_bonus_max_bps: 200,
        debt_restricted: 0,
        padding: 0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn presets_are_valid() {
        for config in [super::stablecoin(), super::volatile(), super::base()] {
            config.validate().unwrap();
        }
    }
}
