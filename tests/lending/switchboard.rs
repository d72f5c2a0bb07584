//! Reserves priced by Switchboard On-Demand pull feeds: the same validated price, the same
//! rules; an empty or stale feed refuses what needs its price.
use {
    ballast::{errors::BallastError, oracle::switchboard, state::OracleSource},
    ballast_tests::{specs::USD, *},
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// USDC (Pyth pull) to borrow, SOL priced by a Switchboard feed as collateral.
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let spec = ReserveSpec {
        oracle_source: OracleSource::SwitchboardOnDemand,
        ..ReserveSpec::sol()
    };
    let sol = m.add_reserve(spec).await;
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10 * SOL).await;
    m.try_supply(&borrower, sol, 10 * SOL).await.unwrap();
    (m, usdc, sol, borrower)
}

#[tokio::test]
async fn a_switchboard_priced_reserve_lends_like_any_other() {
    let (m, usdc, sol, borrower) = setup().await;
    let r = m.reserve_state(sol).await;
    assert_eq!(
        r.oracles.primary().kind().unwrap(),
        OracleSource::SwitchboardOnDemand
    );
    let owner = m.account(&m.keys(sol).oracle()).await.unwrap().owner;
    assert_eq!(owner, switchboard::OWNER);
    // $1,000 of SOL at 75%: the same limit as with Pyth.
    assert_error!(
        m.try_borrow(&borrower, usdc, 750 * USDC + 1).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&borrower, usdc, 750 * USDC).await.unwrap();
}

#[tokio::test]
async fn a_stale_feed_refuses_a_borrow_and_a_fresh_one_lends_again() {
    let (mut m, usdc, sol, borrower) = setup().await;
    // The feed's last update older than the reserve's max age (collateral without a usable
    // price counts as nothing: the borrow is refused with the price's error).
    let max_age = m.reserve_state(sol).await.config.oracle_max_age_secs;
    let mut stale = m.reserve(sol).price;
    stale.publish_time -= i64::from(max_age) + 1;
    m.set_oracle(sol, stale).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, USDC).await,
        BallastError::OraclePriceStale
    );
    m.assert_unchanged(&before, &touched).await;
    m.set_price(sol, 100 * USD).await;
    m.try_borrow(&borrower, usdc, USDC).await.unwrap();
}
