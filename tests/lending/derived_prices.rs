//! Prices no feed publishes directly: a liquid staking token from its stake pool and SOL's
//! feed (real Jito pool and Pyth bytes), and a fixed price set by the admin.
use {
    ballast::{
        errors::BallastError,
        instructions::InitReserveArgs,
        state::{OracleSource, PriceRate, PriceSource},
    },
    ballast_tests::{
        real_accounts::{jito_pool, pyth_feed_id, pyth_sol},
        specs::USD,
        *,
    },
};

const USDC: u64 = 1_000_000;
const JITO: u64 = 1_000_000_000;

/// USDC to borrow and jitoSOL priced as Pyth's SOL ($215.68137069) x the Jito pool's rate,
/// with 10 jitoSOL pledged by a borrower.
async fn jito_world() -> (TestMarket, ReserveId, ReserveId, User) {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let spec = ReserveSpec::sol();
    let mint = m.create_mint(9, &spec.token_program).await;
    let now = m.now().await;
    let (sol_feed, sol_account) = pyth_sol(now);
    let feed_id = pyth_feed_id(&sol_account);
    m.bank.set_account(&sol_feed, sol_account).await;
    let (pool, pool_account) = jito_pool(&mint);
    m.bank.set_account(&pool, pool_account).await;
    let args = InitReserveArgs {
        config: spec.config,
        oracle_sources: vec![
            PriceSource::pyth_pull(sol_feed, feed_id).at_rate(PriceRate::SplStakePool, pool)
        ],
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    };
    let jito = m.try_list(spec, args, mint).await.unwrap();
    let borrower = m.new_user().await;
    m.fund(&borrower, jito, 10 * JITO).await;
    m.try_supply(&borrower, jito, 10 * JITO).await.unwrap();
    (m, usdc, jito, borrower)
}

#[tokio::test]
async fn jito_sol_lends_at_its_pools_rate_times_sol_to_the_unit() {
    let (m, usdc, jito, borrower) = jito_world().await;
    let r = m.reserve_state(jito).await;
    assert_eq!(r.oracles.accounts().len(), 2);
    // Spot 21,568,137,069 x 6,636,671,656,500,264 / 6,182,849,530,219,135 = 23,151,241,716
    // (10^-8 USD, down); the EMA 21,616,020,100 gives 23,202,639,369: collateral is worth the
    // lower, $231.51241716. 10 of them at 75%: $1,736.3431287, 1,736,343,128 USDC units.
    assert_eq!(r.last_price_sf.get().raw(), 231_512_417_160_000_000_000);
    let max = 1_736_343_128;
    assert_error!(
        m.try_borrow(&borrower, usdc, max + 1).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&borrower, usdc, max).await.unwrap();
    assert_eq!(
        m.obligation_state(&borrower).await.borrows()[0]
            .borrowed_amount_sf
            .get(),
        ballast::math::Fixed::from_u64(max)
    );
}

#[tokio::test]
async fn a_pool_more_than_an_epoch_behind_prices_nothing() {
    let (m, usdc, _, borrower) = jito_world().await;
    // The pool was updated in epoch 539: good through epoch 540.
    m.bank.set_epoch(540).await.unwrap();
    m.try_borrow(&borrower, usdc, USDC).await.unwrap();
    m.bank.set_epoch(541).await.unwrap();
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, USDC).await,
        BallastError::StakePoolNotUpdated
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn a_fixed_price_lends_at_that_price_and_never_goes_stale() {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let pegged = ReserveSpec {
        oracle_source: OracleSource::Fixed,
        ..ReserveSpec::usdc().with_price(USD / 2)
    };
    let peg = m.add_reserve(pegged).await;
    let r = m.reserve_state(peg).await;
    assert_eq!(r.oracles.primary().kind().unwrap(), OracleSource::Fixed);
    assert_eq!(r.oracles.primary().fixed_price, 50_000_000);
    assert!(m.keys(peg).prices.is_empty());
    let borrower = m.new_user().await;
    m.fund(&borrower, peg, 1_000 * USDC).await;
    m.try_supply(&borrower, peg, 1_000 * USDC).await.unwrap();
    // A week later, no feed having published anything: 1,000 at $0.50 x 80% = 400 USDC.
    m.advance_time(7 * 24 * 3_600).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 400 * USDC + 1).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&borrower, usdc, 400 * USDC).await.unwrap();
    m.try_refresh_reserve(peg).await.unwrap();
    assert_eq!(
        m.reserve_state(peg).await.last_oracle_publish_time,
        m.now().await
    );
}
