//! `plan` and `liquidate` on plain state, with exact amounts.
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
