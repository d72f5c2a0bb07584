//! Liquidation: how much of an unhealthy obligation's debt a liquidator may repay, and how much
//! collateral they take for it. `liquidate` is the whole instruction on state; within it, `plan`
//! decides and `apply` changes state.
use {
    super::{
        accrue_interest,
        bad_debt::{write_off_uncovered, WrittenOff},
        deposit::redeem,
        health::find,
        prices::{check_grace_period, observe_price},
        unpriced::counted_positions,
        Health, ReservePricing, Unpriced,
    },
    crate::{
        errors::{BallastError, OrOverflow},
        math::Fixed,
        state::{LiquidationPayout, MarketConfig, Obligation, Reserve},
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
    let counted = counted_positions(obligation, unpriced, &withdraw.key, policy.dust_value)?;
    for (key, reserve) in [
        (repay.key, &mut *repay.reserve),
        (withdraw.key, &mut *withdraw.reserve),
    ] {
        accrue_interest(&mut reserve.liquidity, &reserve.config, now)?;
        if let Some(p) = pricing.iter().find(|p| p.reserve == key) {
            observe_price(reserve, &p.price, market.oracle_outage_threshold_secs);
        }
    }
    let must_be_usable: Vec<ReservePricing> = pricing
        .iter()
        .filter(|p| p.reserve == withdraw.key || obligation.find_borrow(&p.reserve).is_some())
        .copied()
        .collect();
    check_grace_period(
        &must_be_usable,
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
    repay.reserve.check_invariants()?;
    withdraw.reserve.check_invariants()?;
    let mut written_off = Vec::new();
    // No collateral left but dust that was left out: nothing covers the debt any more.
    let uncovered = obligation
        .collaterals()
        .iter()
        .all(|c| counted.find_collateral(&c.reserve).is_none());
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
    let neutral: Vec<ReservePricing> = pricing.iter().map(ReservePricing::at_spot).collect();
    let pricing = neutral.as_slice();
    let (health_before, terms) = Health::with_terms(obligation, pricing)?;
    require!(
        health_before.is_liquidatable(),
        BallastError::ObligationHealthy
    );
    let health_factor = health_before.health_factor().or_overflow()?;
    let config = &withdraw.config;
    // The bonus grows with how far below 1 the health factor is, within the reserve's range,
    // and never exceeds the obligation's equity (collateral / debt - 1, at least 0): seizing
    // all the debt's worth at this bonus never takes more than there is, so a solvent
    // obligation never becomes bad debt.
    let equity = health_before
        .collateral_value
        .div_floor(health_before.debt_value)?
        .saturating_sub(Fixed::ONE);
    let bonus = Fixed::ONE
        .saturating_sub(health_factor)
        .max(Fixed::from_bps(config.liquidation_bonus_min_bps.into()))
        .min(Fixed::from_bps(config.liquidation_bonus_max_bps.into()))
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

    // The protocol's share of the bonus part of the seized cTokens (seized x bonus / (1 +
    // bonus)), rounded once, up: the liquidator receives what is left, rounded down.
    let protocol_collateral = Fixed::from_u64(seized)
        .mul_div_ceil(bonus, Fixed::ONE.checked_add(bonus)?)?
        .mul_bps_ceil(config.protocol_liquidation_fee_bps.into())?
        .to_ceil()?
        .min(seized);

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
        .or_overflow()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use {
        super::{super::fixtures::*, *},
        crate::oracle::OraclePrice,
    };

    const MAX: u64 = u64::MAX;

    /// 10 SOL pledged (cSOL at 1 SOL) against `debt` USDC; SOL at `sol` USD, USDC at $1. Both
    /// reserves have the sample config: threshold 80%, bonus 2-10%, protocol 10% of the bonus.
    struct World {
        obligation: Obligation,
        sol: Reserve,
        usdc: Reserve,
        keys: (Pubkey, Pubkey),
        pricing: Vec<ReservePricing>,
    }

    fn world(sol_price: OraclePrice, debt: u64) -> World {
        let keys = (Pubkey::new_unique(), Pubkey::new_unique());
        let (sol, mut usdc) = (reserve(tokens(1_000)), reserve(tokens(100_000)));
        usdc.liquidity.borrowed_amount_sf.set(Fixed::from_u64(debt));
        let mut obligation = pledged(&keys.0, tokens(10));
        obligation
            .add_debt(&keys.1, Fixed::from_u64(debt), Fixed::ONE)
            .unwrap();
        let pricing = vec![
            pricing(keys.0, &sol, sol_price),
            pricing(keys.1, &usdc, usd(1, 1)),
        ];
        World {
            obligation,
            sol,
            usdc,
            keys,
            pricing,
        }
    }

    fn plan_of(w: &World, requested: u64) -> Result<Liquidation> {
        plan(
            &w.obligation,
            &w.pricing,
            &w.keys.1,
            &w.keys.0,
            &w.sol,
            requested,
            &LiquidationPolicy::from(&MarketConfig::default()),
        )
    }

    #[test]
    fn close_factor_caps_the_repay_and_the_bonus_follows_the_health_factor() {
        // $850 of SOL x 80% = $680 against $700: health 0.9714..., bonus 1 - 0.9714... = 2.857%.
        let w = world(usd(85, 85), tokens(700));
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.bonus, Fixed::from_raw(28_571_428_571_428_572));
        // Half of the $700 debt; SOL worth $350 x 1.02857... = $360 at $85: 4.235294 SOL.
        assert_eq!(p.repay_amount, tokens(350));
        assert_eq!(p.debt_reduction, Fixed::from_u64(tokens(350)));
        assert_eq!(p.seized_collateral, 4_235_294);
        // Bonus part: 4,235,294 x 0.02857... / 1.02857... = 117,647.06; the protocol's 10% of it,
        // 11,764.7, rounded once, up.
        assert_eq!(p.protocol_collateral, 11_765);
        assert_eq!(p.liquidator_collateral, 4_223_529);
        assert_eq!(p.health_before.weighted_debt_value, Fixed::from_u64(700));
        assert_eq!(p.health_after.debt_value, Fixed::from_u64(350));
        // 5.764706 SOL left x $85 = $490.00001; x 80% = $392.000008.
        assert_eq!(
            p.health_after.liquidation_limit,
            Fixed::from_raw(392_000_008_000_000_000_000)
        );
        // A smaller request is taken as asked.
        let small = plan_of(&w, tokens(100)).unwrap();
        assert_eq!(small.repay_amount, tokens(100));
        assert_eq!(small.seized_collateral, 1_210_084);
        assert_eq!(small.protocol_collateral, 3_362);
    }

    #[test]
    fn below_the_full_liquidation_health_the_bonus_is_capped_at_the_equity() {
        // $750 of SOL, $600 limit against $700: health 0.857 < 0.9, so the whole debt may be
        // repaid. The bonus would be 10%, but the equity is only 750 / 700 - 1 = 7.14%: at that,
        // the whole debt takes 9.999999 SOL and no debt is left without collateral.
        let w = world(usd(75, 75), tokens(700));
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.bonus, Fixed::from_raw(71_428_571_428_571_428));
        assert_eq!(p.repay_amount, tokens(700));
        assert_eq!(p.seized_collateral, 9_999_999);
        assert_eq!(p.protocol_collateral, 66_667);
        assert_eq!(p.liquidator_collateral, 9_933_332);
        assert_eq!(p.health_after.debt_value, Fixed::ZERO);
        // At par ($700 against $700) there is no equity and so no bonus: all the debt for all
        // the collateral.
        let w = world(usd(70, 70), tokens(700));
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.bonus, Fixed::ZERO);
        assert_eq!(
            (p.repay_amount, p.seized_collateral, p.protocol_collateral),
            (tokens(700), tokens(10), 0)
        );
        assert_eq!(p.health_after.collateral_value, Fixed::ZERO);
        assert_eq!(p.health_after.debt_value, Fixed::ZERO);
    }

    #[test]
    fn repaying_all_of_a_dust_debt_clears_its_fraction_of_a_unit() {
        // $0.5 of debt (with a fraction) is dust: all of it may be repaid, rounded up.
        let mut w = world(usd(1, 1), 0);
        w.obligation = pledged(&w.keys.0, 1_000_000);
        w.obligation
            .add_debt(&w.keys.1, Fixed::from_bps(5_000_000_500), Fixed::ONE) // 500,000.05 units
            .unwrap();
        // $1 x 80% = $0.8 against $0.50000005: healthy, so nothing to do.
        assert_eq!(
            plan_of(&w, MAX).unwrap_err(),
            BallastError::ObligationHealthy.into()
        );
        w.pricing[0].price = OraclePrice {
            spot: Fixed::from_bps(6_000),
            ema: Fixed::from_bps(6_000),
            ..usd(1, 1)
        };
        // $0.6 x 80% = $0.48 < $0.50000005: liquidatable, and the debt is dust: all of it.
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.repay_amount, 500_001);
        assert_eq!(p.debt_reduction, Fixed::from_bps(5_000_000_500));
    }

    #[test]
    fn eligibility_and_the_seize_are_at_spot_whatever_the_ema() {
        // The V of a dip: SOL back at $100, its EMA still $85. At spot the obligation is healthy
        // ($800 limit against $700); the lagging EMA does not make it liquidatable.
        let w = world(usd(100, 85), tokens(700));
        assert_eq!(
            plan_of(&w, MAX).unwrap_err(),
            BallastError::ObligationHealthy.into()
        );
        // The other way (spot $85, EMA $100), and USDC's EMA above its $1 spot: every value is
        // at spot, so the liquidator gets exactly what spot = EMA would give.
        let mut w = world(usd(85, 100), tokens(700));
        w.pricing[1].price.ema = Fixed::from_bps(10_500);
        let p = plan_of(&w, MAX).unwrap();
        let at_spot = plan_of(&world(usd(85, 85), tokens(700)), MAX).unwrap();
        assert_eq!(p, at_spot);
        assert_eq!(
            (p.repay_amount, p.seized_collateral),
            (tokens(350), 4_235_294)
        );
        // At spot, the seized SOL is worth at most the repaid USDC x (1 + bonus).
        let seized_value = Fixed::from_u64(p.seized_collateral)
            .mul_div_floor(Fixed::from_u64(85), Fixed::from_u64(tokens(1)))
            .unwrap();
        let cap = Fixed::from_u64(350)
            .mul_floor(Fixed::ONE.checked_add(p.bonus).unwrap())
            .unwrap();
        assert!(seized_value <= cap, "{seized_value:?} > {cap:?}");
    }

    #[test]
    fn the_close_factor_repays_at_least_one_unit_of_a_high_priced_asset() {
        // One unit of a 0-decimal asset at $100,000 owed against 10 SOL at $12,000: health
        // 96,000 / 100,000 = 0.96, so half the debt ($50,000) is 0.5 unit: one unit, capped at
        // the debt.
        let keys = (Pubkey::new_unique(), Pubkey::new_unique());
        let sol = reserve(tokens(1_000));
        let mut gold = reserve(1_000);
        gold.decimals = 0;
        let mut obligation = pledged(&keys.0, tokens(10));
        obligation
            .add_debt(&keys.1, Fixed::from_u64(1), Fixed::ONE)
            .unwrap();
        let pricing = vec![
            pricing(keys.0, &sol, usd(12_000, 12_000)),
            pricing(keys.1, &gold, usd(100_000, 100_000)),
        ];
        let w = World {
            obligation,
            sol,
            usdc: gold,
            keys,
            pricing,
        };
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.repay_amount, 1);
        assert_eq!(p.debt_reduction, Fixed::from_u64(1));
    }

    #[test]
    fn the_margin_never_falls_though_the_health_factor_may() {
        // 10 SOL at $76 (threshold 85%, bonus 10%) and $300 of an asset that counts for nothing
        // (threshold 0) against 700 USDC: limit $646, health 0.923; the equity is large, so
        // the bonus is the full 10%. Half the debt for SOL: the liquidation limit falls by
        // 385 x 85% = 327.25 while the debt falls by 350. The margin (limit - debt) rises from
        // -54 to -31.25; the health factor falls from 0.923 to 0.911, because 85% x 1.1 = 0.935
        // is above it. The program guarantees the margin, not the health factor.
        let mut w = world(usd(76, 76), tokens(700));
        w.sol.config.liquidation_threshold_bps = 8_500;
        w.sol.config.liquidation_bonus_min_bps = 1_000;
        w.pricing[0] = pricing(w.keys.0, &w.sol, usd(76, 76));
        let inert_key = Pubkey::new_unique();
        let mut inert = reserve(tokens(1_000));
        inert.config.loan_to_value_bps = 0;
        inert.config.liquidation_threshold_bps = 0;
        w.obligation
            .deposit_collateral(&inert_key, tokens(300))
            .unwrap();
        w.pricing.push(pricing(inert_key, &inert, usd(1, 1)));
        let p = plan_of(&w, MAX).unwrap();
        assert_eq!(p.bonus, Fixed::from_bps(1_000));
        assert_eq!(p.repay_amount, tokens(350));
        let (before, after) = (p.health_before, p.health_after);
        assert_eq!(before.liquidation_limit, Fixed::from_u64(646));
        let margin = |h: &Health| {
            i128::try_from(h.liquidation_limit.raw()).unwrap()
                - i128::try_from(h.weighted_debt_value.raw()).unwrap()
        };
        assert!(margin(&after) > margin(&before));
        assert!(after.health_factor().unwrap() < before.health_factor().unwrap());
    }

    #[test]
    fn refuses_healthy_obligations_and_pairs_it_does_not_hold() {
        let w = world(usd(100, 100), tokens(700)); // $800 limit against $700
        assert_eq!(
            plan_of(&w, MAX).unwrap_err(),
            BallastError::ObligationHealthy.into()
        );
        let w = world(usd(85, 85), tokens(700));
        let policy = LiquidationPolicy::from(&MarketConfig::default());
        let swapped = plan(
            &w.obligation,
            &w.pricing,
            &w.keys.0,
            &w.keys.1,
            &w.usdc,
            MAX,
            &policy,
        );
        assert_eq!(
            swapped.unwrap_err(),
            BallastError::BorrowPositionNotFound.into()
        );
        let stranger = Pubkey::new_unique();
        let unknown = plan(
            &w.obligation,
            &w.pricing,
            &w.keys.1,
            &stranger,
            &w.sol,
            MAX,
            &policy,
        );
        assert_eq!(
            unknown.unwrap_err(),
            BallastError::MissingPositionAccounts.into()
        );
        assert_eq!(
            plan_of(&w, 0).unwrap_err(),
            BallastError::AmountTooSmall.into()
        );
    }

    fn run(w: &mut World, order: Order, now: i64) -> Result<Outcome> {
        let (sol_key, usdc_key) = w.keys;
        liquidate(
            &mut w.obligation,
            Held {
                key: usdc_key,
                reserve: &mut w.usdc,
            },
            Held {
                key: sol_key,
                reserve: &mut w.sol,
            },
            &mut [],
            &w.pricing,
            &[],
            &order,
            &MarketConfig::default(),
            now,
        )
    }

    #[test]
    fn the_whole_instruction_moves_the_planned_amounts() {
        let mut w = world(usd(85, 85), tokens(700));
        let collateral = Order {
            max_repay: MAX,
            min_payout: 4_223_529,
            payout: LiquidationPayout::Collateral,
        };
        let done = run(&mut w, collateral, 0).unwrap();
        assert_eq!(done.payout_amount, 4_223_529);
        assert_eq!(w.usdc.liquidity.available_amount, tokens(100_350));
        assert_eq!(w.usdc.liquidity.borrowed(), Fixed::from_u64(tokens(350)));
        assert_eq!(w.sol.protocol_collateral, 11_765);
        assert_eq!(
            w.obligation.collaterals()[0].deposited_amount,
            tokens(10) - 4_235_294
        );
        assert_eq!(
            w.obligation.borrows()[0].debt(Fixed::ONE).unwrap(),
            Fixed::from_u64(tokens(350))
        );
    }

    #[test]
    fn a_liquidity_payout_redeems_and_the_minimum_is_enforced() {
        let mut w = world(usd(85, 85), tokens(700));
        let order = |min_payout| Order {
            max_repay: MAX,
            min_payout,
            payout: LiquidationPayout::Liquidity,
        };
        assert_eq!(
            run(&mut w, order(4_223_530), 0).unwrap_err(),
            BallastError::LiquidationBelowMinimum.into()
        );
        // A payout the outflow window cannot take is refused.
        let mut w = world(usd(85, 85), tokens(700));
        w.sol.config.outflow_limit = 4_223_528;
        assert_eq!(
            run(&mut w, order(0), 0).unwrap_err(),
            BallastError::OutflowLimitExceeded.into()
        );
        let mut w = world(usd(85, 85), tokens(700));
        w.sol.config.outflow_limit = tokens(5);
        let done = run(&mut w, order(4_223_529), 0).unwrap();
        assert_eq!(done.payout_amount, 4_223_529); // cSOL at 1 SOL
        assert_eq!(w.sol.liquidity.available_amount, tokens(1_000) - 4_223_529);
        assert_eq!(w.sol.liquidity.collateral_supply, tokens(1_000) - 4_223_529);
        assert_eq!(w.sol.outflow_in_window, 4_223_529);
    }

    #[test]
    fn waits_out_the_grace_period_after_an_outage() {
        let mut w = world(usd(85, 85), tokens(700));
        // SOL's feed came back at 10,000 after a 1,000 s gap; the market waits 900 s.
        w.pricing[0].price.publish_time = 10_000;
        w.pricing[0].price.prev_publish_time = 9_000;
        let order = Order {
            max_repay: MAX,
            min_payout: 0,
            payout: LiquidationPayout::Collateral,
        };
        assert_eq!(
            run(&mut w, order, 10_899).unwrap_err(),
            BallastError::LiquidationGracePeriod.into()
        );
        let mut w = world(usd(85, 85), tokens(700));
        w.pricing[0].price.publish_time = 10_000;
        w.pricing[0].price.prev_publish_time = 9_000;
        assert_eq!(
            run(&mut w, order, 10_900).unwrap().plan.repay_amount,
            tokens(350)
        );
    }
}
