//! Liquidation: how much of an unhealthy obligation's debt a liquidator may repay, and how much
//! collateral they take for it. Pure: `plan` decides, `apply` changes state.
use {
    super::{Health, ReservePricing},
    crate::{
        errors::{math_overflow, BallastError},
        math::Fixed,
        state::{MarketConfig, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// Rounding slack allowed when health is recomputed after a liquidation: each position's
/// value rounds (floor or ceil) twice, so the two changed positions may move the margin by a
/// few units of 10^-18 USD against the exact result.
const MARGIN_ROUNDING_RAW: u128 = 4;

/// The market's liquidation policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidationPolicy {
    /// Largest share of the obligation's debt value one liquidation may repay.
    pub close_factor: Fixed,
    /// Below this health factor the whole position may be repaid.
    pub full_liquidation_health: Fixed,
    /// Debt worth less than this (USD), before or after a liquidation, may be repaid in full.
    pub dust_value: Fixed,
}

impl From<&MarketConfig> for LiquidationPolicy {
    fn from(c: &MarketConfig) -> Self {
        LiquidationPolicy {
            close_factor: Fixed::from_bps(c.close_factor_bps.into()),
            full_liquidation_health: Fixed::from_bps(c.full_liquidation_health_bps.into()),
            dust_value: Fixed::from_u64(c.liquidation_dust_usd.into()),
        }
    }
}

/// What one liquidation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liquidation {
    /// Liquidity the liquidator pays into the repay reserve.
    pub repay_amount: u64,
    /// Debt removed from the obligation: `repay_amount`, or the whole debt (its fraction of a
    /// unit included) when the repayment covers it.
    pub debt_reduction: Fixed,
    /// cTokens taken from the obligation's collateral in the withdraw reserve.
    pub seized_collateral: u64,
    /// Of those, the protocol's share of the bonus (kept in the collateral vault).
    pub protocol_collateral: u64,
    /// Of those, the liquidator's.
    pub liquidator_collateral: u64,
    /// The bonus applied: between the withdraw reserve's min and max.
    pub bonus: Fixed,
    pub health_before: Health,
    pub health_after: Health,
}

/// Plans the liquidation of `obligation` (priced by `pricing`, which covers every position):
/// repay up to `requested` of its debt in `repay_reserve`, seize collateral in
/// `withdraw_reserve` (whose state is `withdraw`).
pub fn plan(
    obligation: &Obligation,
    pricing: &[ReservePricing],
    repay_reserve: &Pubkey,
    withdraw_reserve: &Pubkey,
    withdraw: &Reserve,
    requested: u64,
    policy: &LiquidationPolicy,
) -> Result<Liquidation> {
    let (health_before, terms) = Health::with_terms(obligation, pricing)?;
    require!(
        health_before.is_liquidatable(),
        BallastError::ObligationHealthy
    );
    let health_factor = health_before.health_factor().ok_or_else(math_overflow)?;
    let config = &withdraw.config;
    // The bonus grows with how far below 1 the health factor is, within the reserve's range.
    let bonus = Fixed::ONE
        .saturating_sub(health_factor)
        .max(Fixed::from_bps(config.liquidation_bonus_min_bps.into()))
        .min(Fixed::from_bps(config.liquidation_bonus_max_bps.into()));

    let repay_pricing = find(pricing, repay_reserve)?;
    let debt_index = obligation
        .borrows()
        .iter()
        .position(|p| p.reserve == *repay_reserve)
        .ok_or(BallastError::BorrowPositionNotFound)?;
    let debt_position = &obligation.borrows()[debt_index];
    let debt = repay_pricing.debt(debt_position)?;
    let debt_owed = debt.to_ceil()?;
    let withdraw_pricing = find(pricing, withdraw_reserve)?;
    let collateral_index = obligation
        .collaterals()
        .iter()
        .position(|p| p.reserve == *withdraw_reserve)
        .ok_or(BallastError::CollateralPositionNotFound)?;
    let deposited = obligation.collaterals()[collateral_index].deposited_amount;

    // Close factor, unless the obligation is deep under water or what would remain is dust.
    let close_value = health_before.debt_value.mul_floor(policy.close_factor)?;
    let full = health_factor < policy.full_liquidation_health
        || health_before.debt_value <= policy.dust_value
        || health_before.debt_value.saturating_sub(close_value) < policy.dust_value;
    let max_repay = if full {
        debt_owed
    } else {
        repay_pricing
            .tokens_for_debt_value(close_value)?
            .min(debt_owed)
    };
    let mut repay_amount = requested.min(max_repay);
    require!(repay_amount > 0, BallastError::AmountTooSmall);

    // Collateral worth the repaid value plus the bonus, never more than there is.
    let repaid_value = repay_pricing.debt_value_of(repay_amount)?;
    let seize_value = repaid_value.mul_floor(Fixed::ONE.checked_add(bonus)?)?;
    let mut seized = withdraw_pricing.collateral_for_value(seize_value)?;
    if seized >= deposited {
        // All of it: repay only what that collateral covers at this bonus (rounded up, so the
        // seized value never exceeds the repaid value times one plus the bonus).
        seized = deposited;
        let covered = withdraw_pricing
            .collateral_value(deposited)?
            .div_ceil(Fixed::ONE.checked_add(bonus)?)?;
        repay_amount = repay_amount.min(repay_pricing.tokens_for_debt_value_ceil(covered)?);
    }
    let debt_reduction = if repay_amount >= debt_owed {
        debt
    } else {
        Fixed::from_u64(repay_amount)
    };

    // The protocol takes its share of the bonus part of the seized cTokens.
    let base = Fixed::from_u64(seized)
        .div_ceil(Fixed::ONE.checked_add(bonus)?)?
        .to_ceil()?
        .min(seized);
    let protocol_collateral = Fixed::from_u64(seized - base)
        .mul_bps_floor(config.protocol_liquidation_fee_bps.into())?
        .to_floor()?;

    // Only the two positions change: health after is health before with their terms
    // recomputed (the same sum `Health::of` would make, without valuing every position again).
    let mut after = *obligation;
    after.withdraw_collateral(withdraw_reserve, seized)?;
    after.remove_debt(
        repay_reserve,
        debt_reduction,
        repay_pricing.liquidity.index(),
    )?;
    let debt_after = after
        .borrows()
        .iter()
        .find(|p| p.reserve == *repay_reserve)
        .map(|p| Health::of_debt(repay_pricing, p))
        .transpose()?
        .unwrap_or_default();
    let old_debt_term = &terms[obligation.collaterals().len() + debt_index];
    let health_after = health_before
        .minus(&terms[collateral_index])?
        .minus(old_debt_term)?
        .plus(&Health::of_collateral(
            withdraw_pricing,
            deposited - seized,
        )?)?
        .plus(&debt_after)?;
    // Health margin (liquidation limit - weighted debt) never falls. The config rule
    // threshold x (1 + max bonus) <= 100% <= borrow factor is what guarantees it.
    require!(
        health_after.liquidation_limit.raw()
            + health_before.weighted_debt_value.raw()
            + MARGIN_ROUNDING_RAW
            >= health_before.liquidation_limit.raw() + health_after.weighted_debt_value.raw(),
        BallastError::LiquidationWorsensHealth
    );
    Ok(Liquidation {
        repay_amount,
        debt_reduction,
        seized_collateral: seized,
        protocol_collateral,
        liquidator_collateral: seized - protocol_collateral,
        bonus,
        health_before,
        health_after,
    })
}

/// Applies `plan` (cToken payout): the repay reserve gets the liquidity, the obligation loses
/// debt and collateral, the protocol's share stays in the collateral vault.
pub fn apply(
    plan: &Liquidation,
    repay: &mut Reserve,
    repay_key: &Pubkey,
    withdraw: &mut Reserve,
    withdraw_key: &Pubkey,
    obligation: &mut Obligation,
) -> Result<()> {
    obligation.remove_debt(repay_key, plan.debt_reduction, repay.liquidity.index())?;
    obligation.withdraw_collateral(withdraw_key, plan.seized_collateral)?;
    let liquidity = &mut repay.liquidity;
    liquidity
        .borrowed_amount_sf
        .set(liquidity.borrowed().saturating_sub(plan.debt_reduction));
    liquidity.add_available(plan.repay_amount)?;
    withdraw.protocol_collateral = withdraw
        .protocol_collateral
        .checked_add(plan.protocol_collateral)
        .ok_or_else(math_overflow)?;
    Ok(())
}

/// Errors with `LiquidationGracePeriod` while any priced oracle is within `grace_secs` of coming
/// back from an outage: recorded on its reserve, or visible in the price itself (a gap since the
/// feed's previous publish longer than `outage_threshold_secs`).
pub fn check_grace_period(
    pricing: &[ReservePricing],
    outage_threshold_secs: u32,
    grace_secs: u32,
    now: i64,
) -> Result<()> {
    for p in pricing {
        let recovered = p
            .price
            .recovery_time(outage_threshold_secs)
            .unwrap_or(0)
            .max(p.oracle_recovered_at);
        require!(
            recovered == 0 || now >= recovered.saturating_add(grace_secs.into()),
            BallastError::LiquidationGracePeriod
        );
    }
    Ok(())
}

fn find<'a>(pricing: &'a [ReservePricing], reserve: &Pubkey) -> Result<&'a ReservePricing> {
    pricing
        .iter()
        .find(|p| p.reserve == *reserve)
        .ok_or_else(|| error!(BallastError::MissingPositionAccounts))
}
