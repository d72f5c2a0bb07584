//! Interest: compounded per second from the curve; checked against the closed form.
use {
    ballast::{
        constants::SECONDS_PER_YEAR,
        events::ReserveRefreshed,
        math::{Fixed, RateCurve},
    },
    ballast_client::events,
    ballast_tests::{specs::base_config, *},
};

/// A stablecoin reserve with a flat 10% borrow rate, so the rate does not depend on utilization.
fn flat_ten_percent() -> ReserveSpec {
    let mut spec = ReserveSpec::usdc();
    spec.config = ballast::state::ReserveConfig {
        loan_to_value_bps: 8_000,
        liquidation_threshold_bps: 8_500,
        rate_curve: RateCurve::new(&[(0, 1_000), (10_000, 1_000)]).unwrap(),
        ..base_config()
    };
    spec
}

/// 1,000 USDC supplied at a flat 10% and 500 of it borrowed against SOL, at the current time.
async fn lent_out() -> (TestMarket, ReserveId, User, User) {
    let mut m = TestMarket::new().await;
    let usdc = m.add_reserve(flat_ten_percent()).await;
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let lender = m.new_user().await;
    let borrower = m.new_user().await;
    m.fund(&lender, usdc, 1_000_000_000).await;
    m.try_deposit(&lender, usdc, 1_000_000_000).await.unwrap();
    m.fund(&borrower, sol, 10_000_000_000).await;
    m.try_supply(&borrower, sol, 10_000_000_000).await.unwrap();
    m.try_borrow(&borrower, usdc, 500_000_000).await.unwrap();
    (m, usdc, lender, borrower)
}

/// `(1 + r)^seconds` with `r` the per-second rate the program uses: 10% / year, rounded down
/// to 18 decimals.
fn growth(seconds: u64) -> f64 {
    let per_second_raw = Fixed::SCALE / 10 / u128::from(SECONDS_PER_YEAR);
    let r = per_second_raw as f64 / 1e18;
    (seconds as f64 * r.ln_1p()).exp()
}

/// The whole units of `exact`, rounded up, asserting the value is not so close to a whole number
/// that floating point could put it on the wrong side.
fn ceil_checked(exact: f64) -> u64 {
    let frac = exact.fract();
    assert!(
        frac > 1e-6 && frac < 1.0 - 1e-6,
        "{exact} too close to a whole unit"
    );
    exact.ceil() as u64
}

#[tokio::test]
async fn three_idle_days_of_interest_match_the_closed_form() {
    let (mut m, usdc, lender, borrower) = lent_out().await;

    let seconds = 3 * 86_400;
    m.advance_time(seconds as i64).await;
    let out = m.try_refresh_reserve(usdc).await.unwrap();

    let r = m.reserve_state(usdc).await.liquidity;
    let g = growth(seconds);
    let index = r.index().raw() as f64 / 1e18;
    assert!(
        (index - g).abs() < 1e-15,
        "index {index} vs closed form {g}"
    );
    let debt = 500_000_000.0 * g;
    assert!((r.borrowed().raw() as f64 / 1e18 - debt).abs() < 1e-6);
    // The protocol took exactly 10% of the interest, rounded down.
    let interest = r
        .borrowed()
        .checked_sub(Fixed::from_u64(500_000_000))
        .unwrap();
    assert_eq!(
        r.protocol_fees(),
        interest.mul_floor(Fixed::from_bps(1_000)).unwrap()
    );
    // The crank logs its event (emit!) instead of a self-CPI: nothing in the inner
    // instructions. (`scripts/cu-bench` checks on the SBF build that it is logged.)
    assert!(events::decode::<ReserveRefreshed>(&out.event_data).is_empty());
    assert!(out.event_data.is_empty());
    assert_eq!(r.last_update_ts, m.now().await);

    // Repaying everything costs the closed-form debt, rounded up, to the unit.
    let k = m.keys(usdc);
    m.fund(&borrower, usdc, 1_000_000_000).await;
    let wallet = borrower.account(&k.liquidity_mint);
    let before = m.balance(&wallet).await;
    m.try_repay(&borrower, &borrower, usdc, u64::MAX)
        .await
        .unwrap();
    let paid = before - m.balance(&wallet).await;
    assert_eq!(paid, ceil_checked(debt));

    // Suppliers get the rest: redeeming every cToken pays floor(ctokens x total / supply).
    let after = m.reserve_state(usdc).await.liquidity;
    let total_raw = after.total_supply().unwrap().raw();
    let expected = 1_000_000_000u128 * total_raw / (after.collateral_supply as u128 * Fixed::SCALE);
    let wallet = lender.account(&k.liquidity_mint);
    m.try_redeem(&lender, usdc, 1_000_000_000).await.unwrap();
    assert_eq!(m.balance(&wallet).await as u128, expected);
    // Interest net of the protocol's share, pro rata over 1,000 + 1 (seed) units supplied.
    let lender_gain = expected as f64 - 1_000_000_000.0;
    let net_interest = (paid as f64 - 500_000_000.0) - r.protocol_fees().raw() as f64 / 1e18;
    assert!((lender_gain - net_interest * 1_000.0 / 1_001.0).abs() < 1.0);
}

#[tokio::test]
async fn accrual_without_debt_only_moves_the_timestamp() {
    let (mut m, usdc, _) = TestMarket::standard().await;
    let before = m.reserve_state(usdc).await.liquidity;
    m.advance_time(86_400).await;
    m.try_refresh_reserve(usdc).await.unwrap();
    let after = m.reserve_state(usdc).await.liquidity;
    assert_eq!(after.last_update_ts, before.last_update_ts + 86_400);
    assert_eq!(after.index(), Fixed::ONE);
    assert_eq!(after.available_amount, before.available_amount);
}

#[tokio::test]
async fn a_decade_without_any_activity_still_accrues() {
    let (mut m, usdc, _, _) = lent_out().await;
    let seconds = 10 * SECONDS_PER_YEAR + 3 * 86_400;
    m.advance_time(seconds as i64).await;
    m.try_refresh_reserve(usdc).await.unwrap();
    let index = m.reserve_state(usdc).await.liquidity.index().raw() as f64 / 1e18;
    let g = growth(seconds);
    assert!(
        (index - g).abs() / g < 1e-14,
        "index {index} vs closed form {g}"
    );
}
