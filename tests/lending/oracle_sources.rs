//! Reserves priced by several sources, on the bank with real account bytes (times rewritten
//! where a price must be fresh): fallback when the primary is stale, too wide, gone or out of
//! its band; divergence refusing what adds risk and nothing else; the source in use recorded
//! with its event.
use {
    ballast::{
        errors::BallastError,
        events::Liquidated,
        instructions::LiquidateArgs,
        state::{LiquidationPayout, PriceSource, ReserveChange},
    },
    ballast_client::events,
    ballast_tests::{
        real_accounts::{switchboard_hash, switchboard_sol},
        specs::USD,
        *,
    },
    solana_sdk::{account::Account, pubkey::Pubkey},
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;
/// Switchboard's SOL price in the real feed: $155.594045270 (10^-8 USD, truncated).
const FEED_SOL: i64 = 15_559_404_527;
/// The most 10 SOL at the feed's price lend at 75%: 10 x 155.59404527 x 0.75 = 1,166.955339525
/// USDC, rounded down.
const MAX_AT_FEED: u64 = 1_166_955_339;

struct World {
    m: TestMarket,
    usdc: ReserveId,
    sol: ReserveId,
    borrower: User,
    feed: Pubkey,
}

impl World {
    /// The Switchboard feed, updated at `at`.
    async fn publish_feed(&self, at: i64) {
        self.m
            .bank
            .set_account(&self.feed, switchboard_sol(at).1)
            .await;
    }

    /// The primary's price, published `age` seconds ago, with a confidence of `conf_bps`.
    async fn publish_primary(&mut self, price: i64, age: i64, conf_bps: u64) {
        let now = self.m.now().await;
        let mut update = self.m.reserve(self.sol).price;
        (update.price, update.ema_price) = (price, price);
        update.conf = price as u64 * conf_bps / 10_000;
        update.ema_conf = update.conf;
        (update.publish_time, update.prev_publish_time) = (now - age, now - age - 1);
        self.m.set_oracle(self.sol, update).await;
    }

    async fn source_in_use(&self) -> u8 {
        self.m.reserve_state(self.sol).await.oracles.in_use
    }

    /// `refresh_reserve` on SOL, and the source in use it records. (Its `PriceSourceChanged`
    /// event is logged with `emit!`, which the native bank does not capture: `scripts/cu-bench`
    /// checks it on the SBF build.)
    async fn refresh(&self) -> u8 {
        self.m.try_refresh_reserve(self.sol).await.unwrap();
        self.source_in_use().await
    }
}

/// USDC to borrow; SOL priced first by a Pyth pull feed at `primary`, then by the real
/// Switchboard SOL feed, at most `max_divergence_bps` apart; 10 SOL pledged by the borrower.
async fn world(primary: i64, max_divergence_bps: u16) -> World {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let sol = m.add_reserve(ReserveSpec::sol().with_price(primary)).await;
    let now = m.now().await;
    let (feed, account) = switchboard_sol(now);
    let hash = switchboard_hash(&account);
    m.bank.set_account(&feed, account).await;
    let first = PriceSource::pyth_pull(m.keys(sol).oracle(), m.reserve(sol).feed_id);
    m.try_set_sources(
        sol,
        vec![first, PriceSource::switchboard(feed, hash)],
        max_divergence_bps,
    )
    .await
    .unwrap();
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10 * SOL).await;
    m.try_supply(&borrower, sol, 10 * SOL).await.unwrap();
    World {
        m,
        usdc,
        sol,
        borrower,
        feed,
    }
}

#[tokio::test]
async fn the_primary_prices_while_usable_and_the_fallback_when_it_is_stale() {
    // Primary $150: 10 SOL lend 1,125 USDC at 75%.
    let mut w = world(150 * USD, 0).await;
    assert_eq!(w.m.keys(w.sol).prices.len(), 2);
    assert_error!(
        w.m.try_borrow(&w.borrower, w.usdc, 1_125 * USDC + 1).await,
        BallastError::ObligationUnhealthy
    );
    assert_eq!(w.refresh().await, 0);
    // The primary goes stale (61 s against 60 s): the feed's $155.594045270 takes over.
    w.m.advance_time(120).await;
    let now = w.m.now().await;
    w.publish_feed(now).await;
    w.publish_primary(150 * USD, 61, 10).await;
    assert_error!(
        w.m.try_borrow(&w.borrower, w.usdc, MAX_AT_FEED + 1).await,
        BallastError::ObligationUnhealthy
    );
    w.m.try_borrow(&w.borrower, w.usdc, MAX_AT_FEED)
        .await
        .unwrap();
    // Recorded by the next write of the reserve.
    assert_eq!(w.source_in_use().await, 0);
    assert_eq!(w.refresh().await, 1);
    let r = w.m.reserve_state(w.sol).await;
    assert_eq!(r.oracles.publish_times[1], now);
    // The primary back: in use again, and no grace period (the reserve always had a price).
    w.publish_primary(150 * USD, 0, 10).await;
    assert_eq!(w.refresh().await, 0);
    let r = w.m.reserve_state(w.sol).await;
    assert_eq!((r.oracles.in_use, r.oracle_recovered_at), (0, 0));
}

#[tokio::test]
async fn a_wide_gone_or_out_of_band_primary_falls_back_too() {
    for case in ["wide", "gone", "band"] {
        let mut w = world(150 * USD, 0).await;
        match case {
            // 3% confidence against 2%.
            "wide" => w.publish_primary(150 * USD, 0, 300).await,
            // The account closed.
            "gone" => {
                let oracle = w.m.keys(w.sol).oracle();
                w.m.bank.set_account(&oracle, Account::default()).await
            }
            // $150 under a band of $152..=$160.
            _ => {
                let band = ReserveChange::PriceBand {
                    min: 152 * USD as u64,
                    max: 160 * USD as u64,
                };
                w.m.try_update_reserve(w.sol, band).await.unwrap();
            }
        }
        assert_error!(
            w.m.try_borrow(&w.borrower, w.usdc, MAX_AT_FEED + 1).await,
            BallastError::ObligationUnhealthy
        );
        w.m.try_borrow(&w.borrower, w.usdc, MAX_AT_FEED)
            .await
            .unwrap();
        assert_eq!(w.refresh().await, 1, "{case}");
    }
}

#[tokio::test]
async fn with_no_usable_source_the_primarys_reason_refuses_and_nothing_moves() {
    let mut w = world(FEED_SOL, 0).await;
    w.m.try_borrow(&w.borrower, w.usdc, 100 * USDC)
        .await
        .unwrap();
    w.m.advance_time(300).await;
    w.publish_primary(FEED_SOL, 61, 10).await;
    // The feed last updated 300 s ago.
    let touched = w.m.touched_accounts(&w.borrower);
    let before = w.m.snapshot(&touched).await;
    assert_error!(
        w.m.try_borrow(&w.borrower, w.usdc, USDC).await,
        BallastError::OraclePriceStale
    );
    w.m.assert_unchanged(&before, &touched).await;
    // Repaying needs no price.
    w.m.try_repay(&w.borrower, &w.borrower, w.usdc, USDC)
        .await
        .unwrap();
}

#[tokio::test]
async fn sources_that_disagree_refuse_what_adds_risk_and_nothing_else() {
    // At most 1% apart; both at $155.594045270 now.
    let mut w = world(FEED_SOL, 100).await;
    w.m.try_borrow(&w.borrower, w.usdc, 100 * USDC)
        .await
        .unwrap();
    // The primary at $158: $2.40595473 from the feed, 1.52% of the primary's price.
    w.publish_primary(158 * USD, 0, 10).await;
    let touched = w.m.touched_accounts(&w.borrower);
    let before = w.m.snapshot(&touched).await;
    assert_error!(
        w.m.try_borrow(&w.borrower, w.usdc, USDC).await,
        BallastError::OracleSourcesDiverge
    );
    assert_error!(
        w.m.try_withdraw(&w.borrower, w.sol, SOL).await,
        BallastError::OracleSourcesDiverge
    );
    w.m.assert_unchanged(&before, &touched).await;
    // Repay and deposit go on.
    w.m.try_repay(&w.borrower, &w.borrower, w.usdc, USDC)
        .await
        .unwrap();
    w.m.fund(&w.borrower, w.sol, SOL).await;
    w.m.try_supply(&w.borrower, w.sol, SOL).await.unwrap();
    // Within 1% again ($157: 0.90%): borrowing resumes.
    w.publish_primary(157 * USD, 0, 10).await;
    w.m.try_borrow(&w.borrower, w.usdc, USDC).await.unwrap();
}

#[tokio::test]
async fn liquidation_goes_on_at_the_primarys_price_when_the_sources_disagree() {
    let mut w = world(FEED_SOL, 100).await;
    w.m.try_borrow(&w.borrower, w.usdc, MAX_AT_FEED)
        .await
        .unwrap();
    let liquidator = w.m.new_user().await;
    w.m.fund(&liquidator, w.usdc, 10_000 * USDC).await;
    // SOL at $140 by the primary (10% under the feed): 10 x 140 x 80% = $1,120 < $1,166.96.
    w.publish_primary(140 * USD, 0, 10).await;
    let args = LiquidateArgs {
        max_repay_amount: 100 * USDC,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };
    let debt_before = w.m.obligation_state(&w.borrower).await.borrows()[0].borrowed_amount_sf;
    let out =
        w.m.try_liquidate(&liquidator, &w.borrower, w.usdc, w.sol, args)
            .await
            .unwrap();
    let event = &events::decode::<Liquidated>(&out.event_data)[0];
    assert_eq!(event.repaid_amount, 100 * USDC);
    // $100 repaid buys $100 x (1 + bonus) of SOL at $140, not at the feed's $155.59: the
    // liquidation read the primary alone.
    let bonus = ballast::math::Fixed::from_raw(event.bonus_sf);
    let expected = ballast_tests::expect::mul_div_floor(
        u128::from(100 * USDC) * 1_000,
        (ballast::math::Fixed::ONE.raw() + bonus.raw()) * u128::from(SOL),
        u128::from(140 * USDC) * 1_000 * ballast::math::Fixed::ONE.raw(),
    );
    assert_eq!(u128::from(event.seized_collateral), expected);
    let debt_after = w.m.obligation_state(&w.borrower).await.borrows()[0].borrowed_amount_sf;
    assert!(debt_after.get() < debt_before.get());
}
