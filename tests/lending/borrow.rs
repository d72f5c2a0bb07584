//! Borrow and repay, and the borrow limit that guards borrows and withdrawals.
use {
    ballast::{
        errors::BallastError,
        events::{Borrowed, Repaid},
        math::Fixed,
        state::ReserveChange,
    },
    ballast_client::events,
    ballast_testkit::pyth::PythPrice,
    ballast_tests::{specs::USD, *},
};

async fn setup() -> (TestMarket, ReserveId, ReserveId, User, User) {
    TestMarket::with_borrower().await
}

#[tokio::test]
async fn borrow_sends_liquidity_and_records_the_debt() {
    let (m, usdc, _, _, borrower) = setup().await;
    let k = m.keys(usdc);
    let vault_before = m.balance(&k.liquidity_vault()).await;

    let out = m.try_borrow(&borrower, usdc, 500_000_000).await.unwrap();

    assert_eq!(
        m.balance(&borrower.account(&k.liquidity_mint)).await,
        500_000_000
    );
    assert_eq!(
        m.balance(&k.liquidity_vault()).await,
        vault_before - 500_000_000
    );
    let r = m.reserve_state(usdc).await;
    assert_eq!(r.liquidity.available_amount, vault_before - 500_000_000);
    assert_eq!(r.liquidity.borrowed(), Fixed::from_u64(500_000_000));
    let o = m.obligation_state(&borrower).await;
    assert_eq!(o.borrow_count, 1);
    assert_eq!(o.borrows[0].reserve, k.address);
    assert_eq!(
        o.borrows[0].debt(r.liquidity.index()).unwrap(),
        Fixed::from_u64(500_000_000)
    );
    let event = &events::decode::<Borrowed>(&out.event_data)[0];
    assert_eq!(event.header.obligation, borrower.obligation);
    assert_eq!(event.header.signer, borrower.key());
    assert_eq!((event.amount, event.fee_sf), (500_000_000, 0));
}

#[tokio::test]
async fn origination_fee_is_added_to_the_debt_and_owed_to_the_protocol() {
    let (m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    let borrower = m.new_user().await;
    m.fund(&lender, sol, 50_000_000_000).await;
    m.try_deposit(&lender, sol, 50_000_000_000).await.unwrap();
    m.fund(&borrower, usdc, 1_000_000_000).await;
    m.try_supply(&borrower, usdc, 1_000_000_000).await.unwrap();

    // 1 SOL at 0.1%: receive 1 SOL, owe 1.001 SOL.
    let out = m.try_borrow(&borrower, sol, 1_000_000_000).await.unwrap();
    let k = m.keys(sol);
    assert_eq!(
        m.balance(&borrower.account(&k.liquidity_mint)).await,
        1_000_000_000
    );
    let r = m.reserve_state(sol).await.liquidity;
    assert_eq!(r.borrowed(), Fixed::from_u64(1_001_000_000));
    assert_eq!(r.protocol_fees(), Fixed::from_u64(1_000_000));
    let o = m.obligation_state(&borrower).await;
    assert_eq!(
        o.borrows[0].debt(r.index()).unwrap(),
        Fixed::from_u64(1_001_000_000)
    );
    assert_eq!(
        events::decode::<Borrowed>(&out.event_data)[0].fee_sf,
        Fixed::from_u64(1_000_000).raw()
    );
    // Suppliers' claim is unchanged by the fee: it belongs to the protocol.
    assert_eq!(
        r.total_supply().unwrap(),
        Fixed::from_u64(50_000_000_000 + 1_000_000)
    );
}

#[tokio::test]
async fn borrow_up_to_the_limit_and_not_one_unit_more() {
    let (m, usdc, _, _, borrower) = setup().await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 750_000_001).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 750_000_000).await.unwrap();
    // At the limit, no collateral can leave.
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_withdraw_collateral(&borrower, ReserveId(1), 1).await,
        BallastError::ObligationUnhealthy
    );
    assert_error!(
        m.try_withdraw(&borrower, ReserveId(1), 1).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn withdrawing_collateral_is_limited_by_the_remaining_borrow_limit() {
    let (m, usdc, sol, _, borrower) = setup().await;
    m.try_borrow(&borrower, usdc, 600_000_000).await.unwrap();
    // Limit must stay >= 600: at most (750 - 600) / 0.75 = $200 = 2 SOL may leave.
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_withdraw_collateral(&borrower, sol, 2_000_000_001)
            .await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_withdraw_collateral(&borrower, sol, 2_000_000_000)
        .await
        .unwrap();
    assert_eq!(
        m.obligation_state(&borrower).await.collaterals[0].deposited_amount,
        8_000_000_000
    );
}

#[tokio::test]
async fn debt_is_valued_at_the_higher_of_spot_and_ema() {
    let (mut m, usdc, _, _, borrower) = setup().await;
    // USDC spot $1.00, EMA $1.02: a borrow of x costs 1.02x of the $750 limit.
    let now = m.now().await;
    let mut usdc_price = PythPrice::new(m.reserve(usdc).feed_id, USD, -8, now);
    usdc_price.ema_price = 102_000_000;
    m.set_oracle(usdc, usdc_price).await;
    // 735.294118 x 1.02 = 750.0000004 > 750; 735.294117 x 1.02 = 749.99999934.
    assert_error!(
        m.try_borrow(&borrower, usdc, 735_294_118).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&borrower, usdc, 735_294_117).await.unwrap();
}

#[tokio::test]
async fn borrow_caps_and_available_liquidity_are_enforced_to_the_unit() {
    let (m, usdc, sol, _, borrower) = setup().await;
    m.fund(&borrower, sol, 1_000_000_000_000).await;
    m.try_supply(&borrower, sol, 1_000_000_000_000)
        .await
        .unwrap();
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    // 10,000 supplied + the 1 USDC seed.
    assert_error!(
        m.try_borrow(&borrower, usdc, 10_001_000_001).await,
        BallastError::InsufficientLiquidity
    );
    m.assert_unchanged(&before, &touched).await;

    m.try_update_reserve(usdc, ReserveChange::BorrowCap(500_000_000))
        .await
        .unwrap();
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 500_000_001).await,
        BallastError::BorrowCapExceeded
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 500_000_000).await.unwrap();

    m.try_update_reserve(usdc, ReserveChange::BorrowCap(0))
        .await
        .unwrap();
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1).await,
        BallastError::BorrowingDisabled
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn repay_reduces_debt_exactly_and_anyone_may_repay() {
    let (m, usdc, _, _, borrower) = setup().await;
    let k = m.keys(usdc);
    m.try_borrow(&borrower, usdc, 750_000_000).await.unwrap();
    let vault = m.balance(&k.liquidity_vault()).await;

    let out = m
        .try_repay(&borrower, &borrower, usdc, 300_000_000)
        .await
        .unwrap();
    assert_eq!(
        m.balance(&borrower.account(&k.liquidity_mint)).await,
        450_000_000
    );
    assert_eq!(m.balance(&k.liquidity_vault()).await, vault + 300_000_000);
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(r.borrowed(), Fixed::from_u64(450_000_000));
    let o = m.obligation_state(&borrower).await;
    assert_eq!(
        o.borrows[0].debt(r.index()).unwrap(),
        Fixed::from_u64(450_000_000)
    );
    let event = &events::decode::<Repaid>(&out.event_data)[0];
    assert_eq!((event.amount, event.closed), (300_000_000, false));

    // A stranger repays the rest; asking for more than is owed takes only the debt.
    let carol = m.new_user().await;
    m.fund(&carol, usdc, 1_000_000_000).await;
    let out = m
        .try_repay(&carol, &borrower, usdc, 999_000_000)
        .await
        .unwrap();
    assert_eq!(
        m.balance(&carol.account(&k.liquidity_mint)).await,
        550_000_000
    );
    assert_eq!(m.balance(&k.liquidity_vault()).await, vault + 750_000_000);
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
    assert_eq!(
        m.reserve_state(usdc).await.liquidity.borrowed(),
        Fixed::ZERO
    );
    let event = &events::decode::<Repaid>(&out.event_data)[0];
    assert_eq!(
        (event.amount, event.closed, event.header.signer),
        (450_000_000, true, carol.key())
    );

    // Nothing left to repay.
    assert_error!(
        m.try_repay(&carol, &borrower, usdc, 1).await,
        BallastError::BorrowPositionNotFound
    );
}
