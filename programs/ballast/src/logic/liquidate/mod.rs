//! Liquidation: how much of an unhealthy obligation's debt a liquidator may repay, and how much
//! collateral they take for it. `liquidate` is the whole instruction on state; within it, `plan`
//! decides and `apply` changes state.
use {
    super::{
        accrue,
        bad_debt::{write_off_uncovered, WrittenOff},
        deposit::redeem,
        health::{find, find_near, Limits},
        prices::{check_grace_period, observe_price},
        settle,
        unpriced::counted_positions,
        Health, ReservePricing, Unpriced,
    },
    crate::{
        errors::{BallastError, OrOverflow},
        math::Fixed,
        state::{LiquidationPayout, MarketConfig, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    std::borrow::Cow,
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
    /// The bonus applied: between the withdraw reserve's min and max (or its group's max).
    pub bonus: Fixed,
    /// The obligation before and after, valued for liquidation (at spot, without the borrow
    /// limit, which is left 0).
    pub health_before: Health,
    pub health_after: Health,
}

/// What a liquidator asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    /// Most liquidity to repay; `u64::MAX` for as much as the rules allow.
    pub max_repay: u64,
    /// Least payout accepted (cTokens or liquidity, per `payout`).
    pub min_payout: u64,
    pub payout: LiquidationPayout,
}

/// What one liquidation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub plan: Liquidation,
    /// Paid to the liquidator: `plan.liquidator_collateral` cTokens, or the liquidity they
    /// were redeemed for.
    pub payout_amount: u64,
    /// When it took the last collateral: the debt left, written off in each of its reserves.
    pub written_off: Vec<WrittenOff>,
}

/// A reserve the instruction writes, with its address.
pub struct Held<'a> {
    pub key: Pubkey,
    pub reserve: &'a mut Reserve,
}

/// The whole `liquidate` instruction on state: accrues both reserves, records their fresh
/// prices, waits out any oracle grace period, plans and applies the liquidation, redeems the
/// liquidator's cTokens for a liquidity payout, and refuses a payout below `order.min_payout`.
/// When it takes the obligation's last collateral, the debt left is written off at once in each
/// debt reserve (`debts`: the obligation's other debt reserves, as far as the caller could
/// write them), so no supplier can redeem at the rate from before the loss.
///
/// `pricing` prices every position but the collateral in `unpriced`, whose oracles are
/// unusable now. Only the debts' and the seized collateral's prices must be usable, and only
/// they wait out a grace period: an unpriced collateral position worth less than the market's
/// dust value at its last usable price is left out (worth nothing, not seizable, and not
/// counted as covering debt), and one worth more makes the liquidation wait, so a stale minute
/// of a large position's feed never exposes the rest of a healthy obligation.
#[allow(clippy::too_many_arguments)]
pub fn liquidate(
    obligation: &mut Obligation,
    repay: Held,
    withdraw: Held,
    debts: &mut [Held],
    pricing: &[ReservePricing],
    unpriced: &[Unpriced],
    order: &Order,
    market: &MarketConfig,
    now: i64,
) -> Result<Outcome> {
    let policy = LiquidationPolicy::from(market);
    let counted = counted_positions(obligation, unpriced, Some(&withdraw.key), policy.dust_value)?;
    // Collateral left out for want of a price (dust): it covers no debt.
    let left_out: Vec<Pubkey> = match &counted {
        Cow::Borrowed(_) => Vec::new(),
        Cow::Owned(counted) => (obligation.collaterals().iter())
            .filter(|c| counted.find_collateral(&c.reserve).is_none())
            .map(|c| c.reserve)
            .collect(),
    };
    for (key, reserve) in [
        (repay.key, &mut *repay.reserve),
        (withdraw.key, &mut *withdraw.reserve),
    ] {
        accrue(reserve, now)?;
        if let Some(p) = pricing.iter().find(|p| p.reserve == key) {
            observe_price(reserve, &p.price, market.oracle_outage_threshold_secs);
        }
    }
    let collaterals = obligation.collaterals().len();
    let must_be_usable = std::iter::once(find(pricing, &withdraw.key))
        .chain(
            (obligation.borrows().iter().enumerate())
                .map(|(i, b)| find_near(pricing, collaterals + i, &b.reserve)),
        )
        .collect::<Result<Vec<&ReservePricing>>>()?;
    check_grace_period(
        must_be_usable,
        market.oracle_outage_threshold_secs,
        market.oracle_grace_period_secs,
        now,
    )?;
    let plan = plan(
        &counted,
        pricing,
        &repay.key,
        &withdraw.key,
        withdraw.reserve,
        order.max_repay,
        &policy,
    )?;
    apply(
        &plan,
        repay.reserve,
        &repay.key,
        withdraw.reserve,
        &withdraw.key,
        obligation,
    )?;
    let payout_amount = match order.payout {
        LiquidationPayout::Collateral => plan.liquidator_collateral,
        LiquidationPayout::Liquidity => {
            let amount = redeem(&mut withdraw.reserve.liquidity, plan.liquidator_collateral)?;
            withdraw.reserve.record_outflow(amount, now)?;
            amount
        }
    };
    require!(
        payout_amount >= order.min_payout,
        BallastError::LiquidationBelowMinimum
    );
    settle(repay.reserve)?;
    settle(withdraw.reserve)?;
    let mut written_off = Vec::new();
    // No collateral left but dust that was left out: nothing covers the debt any more.
    let uncovered = obligation
        .collaterals()
        .iter()
        .all(|c| left_out.contains(&c.reserve));
    if uncovered {
        let owed: Vec<Pubkey> = obligation.borrows().iter().map(|p| p.reserve).collect();
        for key in owed {
            let reserve = if key == repay.key {
                &mut *repay.reserve
            } else {
                let held = debts.iter_mut().find(|h| h.key == key);
                &mut *held
                    .ok_or(BallastError::WriteOffReserveNotWritable)?
                    .reserve
            };
            written_off.push(write_off_uncovered(reserve, &key, obligation, now)?);
        }
    }
    Ok(Outcome {
        plan,
        payout_amount,
        written_off,
    })
}

/// Plans the liquidation of `obligation` (priced by `pricing`, which covers every position):
/// repay up to `requested` of its debt in `repay_reserve`, seize collateral in
/// `withdraw_reserve` (whose state is `withdraw`).
///
/// Everything here is at one neutral price per asset, its validated spot: eligibility, the
/// bonus, the repay-to-seize conversion and the margin check. The conservative pair (collateral
/// at the lower of spot and EMA, debt at the higher) guards borrowing; it never decides who is
/// liquidated or what a liquidator is paid.
pub fn plan(
    obligation: &Obligation,
    pricing: &[ReservePricing],
    repay_reserve: &Pubkey,
    withdraw_reserve: &Pubkey,
    withdraw: &Reserve,
    requested: u64,
    policy: &LiquidationPolicy,
) -> Result<Liquidation> {
    // Copies only when some price is not at spot already (the instruction sets them so).
    let neutral: Cow<[ReservePricing]> = if pricing.iter().all(ReservePricing::is_at_spot) {
        Cow::Borrowed(pricing)
    } else {
        Cow::Owned(pricing.iter().map(ReservePricing::at_spot).collect())
    };
    let pricing = &*neutral;
    let (health_before, terms) = Health::liquidation_terms(obligation, pricing)?;
    require!(
        health_before.is_liquidatable(),
        BallastError::ObligationHealthy
    );
    let health_factor = health_before.health_factor().or_overflow()?;
    let withdraw_pricing = find(pricing, withdraw_reserve)?;
    // The bonus grows with how far below 1 the health factor is, within the collateral's range
    // (its reserve's, or its e-mode group's), and never exceeds the obligation's equity
    // (collateral / debt - 1, at least 0): seizing all the debt's worth at this bonus never
    // takes more than there is, so a solvent obligation never becomes bad debt.
    let equity = health_before
        .collateral_value
        .div_floor(health_before.debt_value)?
        .saturating_sub(Fixed::ONE);
    let bonus = Fixed::ONE
        .saturating_sub(health_factor)
        .max(Fixed::from_bps(
            withdraw_pricing.liquidation_bonus_min_bps.into(),
        ))
        .min(Fixed::from_bps(
            withdraw_pricing.liquidation_bonus_max_bps.into(),
        ))
        .min(equity);

    let repay_pricing = find(pricing, repay_reserve)?;
    let debt_index = obligation
        .borrows()
        .iter()
        .position(|p| p.reserve == *repay_reserve)
        .ok_or(BallastError::BorrowPositionNotFound)?;
    let debt_position = &obligation.borrows()[debt_index];
    let debt = repay_pricing.debt(debt_position)?;
    let debt_owed = debt.to_ceil()?;
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
        // At least one unit: a high-priced asset with few decimals can owe less than a unit's
        // worth per close factor.
        repay_pricing
            .tokens_for_debt_value(close_value)?
            .max(1)
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
        // (The position's value as health valued it above.)
        let covered = terms[collateral_index]
            .collateral_value
            .div_ceil(Fixed::ONE.checked_add(bonus)?)?;
        repay_amount = repay_amount.min(repay_pricing.tokens_for_debt_value_ceil(covered)?);
    }
    let debt_reduction = if repay_amount >= debt_owed {
        debt
    } else {
        Fixed::from_u64(repay_amount)
    };

    // The protocol's share of the bonus part of the seized cTokens (seized x bonus / (1 +
    // bonus)), rounded once, up: the liquidator receives what is left, rounded down.
    let protocol_collateral = Fixed::from_u64(seized)
        .mul_div_ceil(bonus, Fixed::ONE.checked_add(bonus)?)?
        .mul_bps_ceil(withdraw.config.protocol_liquidation_fee_bps.into())?
        .to_ceil()?
        .min(seized);

    // Only the two positions change: health after is health before with their terms
    // recomputed (the same sum `Health::of` would make, without valuing every position again).
    let left = debt.checked_sub(debt_reduction)?;
    let debt_after = if left.is_zero() {
        Health::default()
    } else {
        // What `Obligation::remove_debt` leaves: `left` at the current index.
        Health::of_debt_amount(repay_pricing, left)?
    };
    let old_debt_term = &terms[obligation.collaterals().len() + debt_index];
    let health_after = health_before
        .minus(&terms[collateral_index])?
        .minus(old_debt_term)?
        .plus(&Health::of_collateral_at(
            withdraw_pricing,
            deposited - seized,
            Limits::LiquidationOnly,
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
        .or_overflow()?;
    Ok(())
}

#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod rounding_tests;
#[cfg(test)]
mod tests;
