//! Limits on debt: an isolated asset is borrowed only as an obligation's only debt (it neither
//! joins other debt nor lets other debt join it), and a borrow leaves no debt below its
//! reserve's minimum.
use {
    ballast::{errors::BallastError, state::ReserveChange},
    ballast_tests::*,
};

/// A borrower with 10 SOL pledged ($1,000: $750 to borrow), USDC to borrow, and an isolated pool (a $1
/// stablecoin listed isolated, with a loan-to-value and threshold of 0: borrowable, not
/// collateral).
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let (mut m, usdc, _sol, _lender, borrower) = TestMarket::with_borrower().await;
    let long_tail = m.add_pool(ReserveSpec::usdc(), 10_000_000_000).await;
    for change in [
        ReserveChange::LoanToValue {
            loan_to_value_bps: 0,
            liquidation_threshold_bps: 0,
            ramp_secs: 3_600,
        },
        ReserveChange::Isolated(true),
    ] {
        m.try_update_reserve(long_tail, change).await.unwrap();
    }
    let borrower = m.with_accounts_for(borrower).await;
    (m, usdc, long_tail, borrower)
}

/// `borrow` of `amount` from `reserve` is refused as isolated, and changes nothing.
async fn refused(m: &TestMarket, borrower: &User, reserve: ReserveId, amount: u64) {
    let touched = m.touched_accounts(borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(borrower, reserve, amount).await,
        BallastError::IsolatedAssetNotOnlyDebt
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn attack_an_isolated_asset_as_a_second_debt() {
    let (m, usdc, long_tail, borrower) = setup().await;
    m.try_borrow(&borrower, usdc, 500_000_000).await.unwrap();
    refused(&m, &borrower, long_tail, 100_000_000).await;
    // Repaid in full, the isolated asset may be borrowed, and only it.
    m.fund(&borrower, usdc, 10_000_000).await;
    m.try_repay(&borrower, &borrower, usdc, u64::MAX)
        .await
        .unwrap();
    m.try_borrow(&borrower, long_tail, 100_000_000)
        .await
        .unwrap();
    assert_eq!(
        m.balance(&borrower.account(&m.keys(long_tail).liquidity_mint))
            .await,
        100_000_000
    );
    refused(&m, &borrower, usdc, 1_000_000).await;
}

#[tokio::test]
async fn an_isolated_asset_backs_nothing() {
    let (m, usdc, long_tail, _) = setup().await;
    // Its liquidity, pledged by another user, is worth nothing to borrow against.
    let holder = m.new_user().await;
    m.fund(&holder, long_tail, 1_000_000_000).await;
    m.try_supply(&holder, long_tail, 1_000_000_000)
        .await
        .unwrap();
    assert_error!(
        m.try_borrow(&holder, usdc, 1).await,
        BallastError::ObligationUnhealthy
    );
}

/// A reserve's minimum debt: a borrow that would leave a dust debt nobody would liquidate is
/// refused, and changes nothing; at the minimum it lands.
#[tokio::test]
async fn attack_a_dust_debt_below_the_minimum() {
    let (m, usdc, _, borrower) = setup().await;
    m.try_update_reserve(usdc, ReserveChange::MinDebtUsd(25))
        .await
        .unwrap();
    // The stablecoin preset's origination fee is 0: the debt is what is borrowed.
    let fee = m.reserve_state(usdc).await.config.borrow_fee_bps;
    assert_eq!(fee, 0);
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 24_999_999).await,
        BallastError::DebtBelowMinimum
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 25_000_000).await.unwrap();
    // Once above it, any further borrow leaves more.
    m.try_borrow(&borrower, usdc, 1).await.unwrap();
}

/// #USD caps: a pumped price does not lend more than the reserve's USD collateral cap allows.
/// 10 SOL pledged at $100 ($750 to borrow); the SOL reserve counts at most $1,500 of collateral
/// toward borrow limits. SOL pumps to $1,000: without the cap the borrower could take $7,500.
#[tokio::test]
async fn attack_a_price_pump_past_the_usd_collateral_cap() {
    let (mut m, usdc, sol, _lender, borrower) = TestMarket::with_borrower().await;
    let caps = |collateral_usd| ReserveChange::UsdCaps {
        collateral_usd,
        borrow_usd: 0,
    };
    m.try_update_reserve(sol, caps(1_500)).await.unwrap();
    m.set_price(sol, 1_000 * specs::USD).await;
    // The supply (10.001 SOL with the seed) is worth $10,001: loan-to-value scaled by
    // 1,500 / 10,001, so $7,500 of borrowing power is $1,124.89.
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 2_000_000_000).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 1_124_000_000).await.unwrap();
    assert_error!(
        m.try_borrow(&borrower, usdc, 1_000_000).await,
        BallastError::ObligationUnhealthy
    );
    // Lifted, the pumped price lends (the cap was what held it).
    m.try_update_reserve(sol, caps(0)).await.unwrap();
    m.try_borrow(&borrower, usdc, 2_000_000_000).await.unwrap();
}

/// The USD borrow cap: a borrow that would take the reserve's borrowed value past it is
/// refused, and changes nothing.
#[tokio::test]
async fn a_borrow_past_the_usd_borrow_cap_is_refused() {
    let (m, usdc, _, borrower) = setup().await;
    let cap = ReserveChange::UsdCaps {
        collateral_usd: 0,
        borrow_usd: 300,
    };
    m.try_update_reserve(usdc, cap).await.unwrap();
    m.try_borrow(&borrower, usdc, 300_000_000).await.unwrap();
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1).await,
        BallastError::BorrowCapUsdExceeded
    );
    m.assert_unchanged(&before, &touched).await;
}
