//! Oracle outage grace period: right after a feed comes back from an outage, liquidations wait
//! the market's grace period so users can top up. Market defaults: an outage is a gap of more
//! than 10 minutes between publishes; the grace period is 15 minutes.
use {
    ballast::{errors::BallastError, state::MarketConfig},
    ballast_tests::{specs::USD, *},
};

const USDC: u64 = 1_000_000;
const GRACE: i64 = 15 * 60;

use ballast_tests::specs::seize_all as all;

/// A borrower owing 700 USDC against 10 SOL, and a liquidator with USDC.
async fn setup() -> (TestMarket, ReserveId, ReserveId, User, User) {
    assert_eq!(
        MarketConfig::default().oracle_grace_period_secs as i64,
        GRACE
    );
    TestMarket::with_debt().await
}

/// SOL's feed returns after an 11-minute silence with a price of $80 (unhealthy).
async fn outage_ends(m: &mut TestMarket, sol: ReserveId) {
    m.set_price(sol, 80 * USD).await;
    let mut back = m.reserve(sol).price;
    back.prev_publish_time = back.publish_time - 11 * 60;
    m.set_oracle(sol, back).await;
}

#[tokio::test]
async fn liquidation_waits_while_the_recovered_price_is_fresh_from_an_outage() {
    let (mut m, usdc, sol, borrower, liquidator) = setup().await;
    outage_ends(&mut m, sol).await;
    let touched = [
        m.touched_accounts(&borrower),
        m.touched_accounts(&liquidator),
    ]
    .concat();
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::LiquidationGracePeriod
    );
    m.assert_unchanged(&before, &touched).await;
    // Repays and top-ups still go through during the grace period.
    m.fund(&borrower, usdc, 50 * USDC).await;
    m.try_repay(&borrower, &borrower, usdc, 50 * USDC)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_recorded_outage_keeps_liquidations_waiting_until_the_grace_period_ends() {
    let (mut m, usdc, sol, borrower, liquidator) = setup().await;
    outage_ends(&mut m, sol).await;
    // The crank sees the recovery and records it on the reserve.
    m.try_refresh_reserve(sol).await.unwrap();
    let recovered = m.reserve(sol).price.publish_time;
    assert_eq!(m.reserve_state(sol).await.oracle_recovered_at, recovered);
    // The feed then publishes normally and the crank keeps the reserve current (a reserve that
    // sees no price for longer than the threshold counts that as an outage too); one second
    // before the grace period ends, still waiting.
    m.crank(2, 5 * 60).await;
    m.advance_time(GRACE - 10 * 60 - 1).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::LiquidationGracePeriod
    );
    m.advance_time(1).await;
    m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_normal_gap_is_no_outage() {
    let (mut m, usdc, sol, borrower, liquidator) = setup().await;
    m.set_price(sol, 80 * USD).await;
    // Ten minutes exactly between publishes: at the threshold, not above it.
    let mut price = m.reserve(sol).price;
    price.prev_publish_time = price.publish_time - 10 * 60;
    m.set_oracle(sol, price).await;
    m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_market_can_turn_detection_off() {
    let (mut m, usdc, sol, borrower, liquidator) = setup().await;
    m.try_update_market(ballast::state::MarketChange::OracleOutageThresholdSecs(0))
        .await
        .unwrap();
    outage_ends(&mut m, sol).await;
    m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
}
