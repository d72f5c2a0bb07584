//! #14: every way a price can be unusable has its own error and changes nothing. #15: a spot
//! price pumped above its EMA cannot be borrowed against.
use {
    ballast::errors::BallastError,
    ballast_client::instructions as ix,
    ballast_testkit::pyth::PythPrice,
    ballast_tests::{specs::USD, *},
    solana_sdk::pubkey::Pubkey,
};

/// A borrower with 10 SOL pledged and a USDC pool to borrow from.
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    (m, usdc, sol, borrower)
}

/// Writes `reserve`'s current price changed by `edit`, then expects a borrow of USDC to fail
/// with `error` and leave every account as it was.
async fn expect_borrow_refused(
    reserve_to_break: fn(ReserveId, ReserveId) -> ReserveId,
    edit: impl FnOnce(&mut PythPrice),
    error: BallastError,
) {
    let (mut m, usdc, sol, borrower) = setup().await;
    let target = reserve_to_break(usdc, sol);
    let mut price = m.reserve(target).price;
    edit(&mut price);
    m.set_oracle(target, price).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(m.try_borrow(&borrower, usdc, 1_000_000).await, error);
    m.assert_unchanged(&before, &touched).await;
}

fn borrowed(usdc: ReserveId, _: ReserveId) -> ReserveId {
    usdc
}

fn collateral(_: ReserveId, sol: ReserveId) -> ReserveId {
    sol
}

#[tokio::test]
async fn attack_14_stale_price_of_the_borrowed_reserve() {
    expect_borrow_refused(
        borrowed,
        |p| p.publish_time -= 61,
        BallastError::OraclePriceStale,
    )
    .await;
}

#[tokio::test]
async fn attack_14_stale_price_of_a_collateral_position() {
    expect_borrow_refused(
        collateral,
        |p| p.publish_time -= 61,
        BallastError::OraclePriceStale,
    )
    .await;
}

#[tokio::test]
async fn price_exactly_at_the_max_age_is_accepted() {
    let (mut m, usdc, sol, borrower) = setup().await;
    // 60 s on, the price the reserve was listed with is exactly 60 s old.
    m.advance_time(60).await;
    let mut price = m.reserve(sol).price;
    price.publish_time -= 60;
    assert_eq!(
        price.publish_time,
        m.reserve_state(sol).await.last_oracle_publish_time
    );
    m.set_oracle(sol, price).await;
    m.try_borrow(&borrower, usdc, 1_000_000).await.unwrap();
}

#[tokio::test]
async fn attack_14_confidence_wider_than_the_cap() {
    // Cap 2%; 2.01% of $100.
    expect_borrow_refused(
        collateral,
        |p| p.conf = 201_000_000,
        BallastError::OracleConfidenceTooWide,
    )
    .await;
}

#[tokio::test]
async fn attack_14_ema_confidence_wider_than_the_cap() {
    // A sell-off: the spot interval is tight, the EMA's is 2.01% of its $100 (finding 10).
    expect_borrow_refused(
        collateral,
        |p| p.ema_conf = 201_000_000,
        BallastError::OracleConfidenceTooWide,
    )
    .await;
}

#[tokio::test]
async fn attack_14_wrong_feed_id() {
    expect_borrow_refused(
        collateral,
        |p| p.feed_id = [7; 32],
        BallastError::WrongOracleFeed,
    )
    .await;
}

#[tokio::test]
async fn attack_14_partially_verified_update() {
    expect_borrow_refused(
        collateral,
        |p| p.partial_signatures = Some(12),
        BallastError::OracleNotFullyVerified,
    )
    .await;
}

#[tokio::test]
async fn attack_14_zero_price() {
    expect_borrow_refused(
        borrowed,
        |p| {
            p.price = 0;
            p.conf = 0;
        },
        BallastError::OraclePriceNotPositive,
    )
    .await;
}

#[tokio::test]
async fn attack_14_negative_ema() {
    expect_borrow_refused(
        collateral,
        |p| p.ema_price = -1,
        BallastError::OraclePriceNotPositive,
    )
    .await;
}

#[tokio::test]
async fn attack_14_exponent_out_of_range() {
    expect_borrow_refused(
        collateral,
        |p| p.exponent = -19,
        BallastError::OracleExponentOutOfRange,
    )
    .await;
}

#[tokio::test]
async fn attack_14_wrong_owner() {
    let (m, usdc, sol, borrower) = setup().await;
    let oracle = m.keys(sol).oracle();
    let mut forged = m.account(&oracle).await.unwrap();
    forged.owner = Pubkey::new_unique();
    m.bank.set_account(&oracle, forged).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1_000_000).await,
        BallastError::WrongOracleOwner
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn attack_14_undecodable_data() {
    let (m, usdc, sol, borrower) = setup().await;
    let oracle = m.keys(sol).oracle();
    let mut garbage = m.account(&oracle).await.unwrap();
    garbage.data = vec![1; 40];
    m.bank.set_account(&oracle, garbage).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1_000_000).await,
        BallastError::InvalidOracleData
    );
}

#[tokio::test]
async fn attack_14_another_reserves_oracle_account() {
    let (m, usdc, sol, borrower) = setup().await;
    let o = m.obligation_keys(&borrower).await;
    let mut k = m.keys(usdc);
    k.prices = m.keys(sol).prices;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1_000_000);
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.send(borrow, &borrower.keypair).await,
        BallastError::WrongOracleAccount
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn attack_14_an_older_update_after_a_newer_one() {
    let (mut m, usdc, _, borrower) = setup().await;
    m.advance_time(30).await;
    // The borrow reads USDC's current price and records its publish time.
    m.try_borrow(&borrower, usdc, 1_000_000).await.unwrap();
    let seen = m.reserve_state(usdc).await.last_oracle_publish_time;
    assert_eq!(seen, m.reserve(usdc).price.publish_time);
    // An update published 5 s earlier, still within the max age, now arrives.
    let mut older = m.reserve(usdc).price;
    older.publish_time = seen - 5;
    m.set_oracle(usdc, older).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1_000_000).await,
        BallastError::OraclePriceWentBackwards
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn withdrawals_stay_blocked_while_a_price_is_stale() {
    let (mut m, usdc, sol, borrower) = setup().await;
    m.try_borrow(&borrower, usdc, 100_000_000).await.unwrap();
    let mut stale = m.reserve(sol).price;
    stale.publish_time -= 61;
    m.set_oracle(sol, stale).await;
    assert_error!(
        m.try_withdraw_collateral(&borrower, sol, 1).await,
        BallastError::OraclePriceStale
    );
    assert_error!(
        m.try_withdraw(&borrower, sol, 1).await,
        BallastError::OraclePriceStale
    );
}

#[tokio::test]
async fn deposits_repays_and_debt_free_withdrawals_need_no_price() {
    let (mut m, usdc, sol, borrower) = setup().await;
    m.try_borrow(&borrower, usdc, 100_000_000).await.unwrap();
    for r in [usdc, sol] {
        let mut stale = m.reserve(r).price;
        stale.publish_time -= 3_600;
        m.set_oracle(r, stale).await;
    }
    m.fund(&borrower, sol, 1_000_000_001).await;
    m.try_supply(&borrower, sol, 1_000_000_000).await.unwrap();
    m.try_deposit(&borrower, sol, 1).await.unwrap();
    m.try_repay(&borrower, &borrower, usdc, u64::MAX)
        .await
        .unwrap();
    // No debt left: collateral may leave without a price.
    m.try_withdraw(&borrower, sol, u64::MAX).await.unwrap();
    assert_eq!(m.obligation_state(&borrower).await.position_count(), 0);
}

#[tokio::test]
async fn attack_15_a_pumped_spot_price_cannot_be_borrowed_against() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    // Spot pumped to $200; EMA still $100. At spot the limit would be $1,500.
    let now = m.now().await;
    let mut pumped = PythPrice::new(m.reserve(sol).feed_id, 200 * USD, -8, now);
    pumped.ema_price = 100 * USD;
    m.set_oracle(sol, pumped).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 750_000_001).await,
        BallastError::ObligationUnhealthy
    );
    assert_error!(
        m.try_borrow(&borrower, usdc, 1_000_000_000).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 750_000_000).await.unwrap();
}
