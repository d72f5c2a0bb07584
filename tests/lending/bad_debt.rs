//! Bad debt: an obligation left with debt and no collateral is written off against the
//! suppliers of that reserve, exactly.
use {
    ballast::{
        errors::BallastError,
        events::BadDebtSocialized,
        instructions::{LiquidateArgs, LiquidationPayout},
        math::Fixed,
    },
    ballast_client::events,
    ballast_tests::{
        expect::{mul_div_floor, WAD},
        specs::USD,
        *,
    },
};

const USDC: u64 = 1_000_000;

#[tokio::test]
async fn liquidated_to_nothing_then_written_off_exactly() {
    let (mut m, usdc, sol, _lender, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    // $60: the collateral ($600) cannot cover the debt plus the bonus: all of it is seized
    // for 600 / 1.1 = 545.454546 USDC and 154.545454 USDC of debt stays, uncovered.
    m.set_price(sol, 60 * USD).await;
    let all = LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };

    // While collateral remains, nothing can be written off.
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_socialize_bad_debt(&borrower, usdc).await,
        BallastError::ObligationHasCollateral
    );
    m.assert_unchanged(&before, &touched).await;

    m.try_liquidate(&liquidator, &borrower, usdc, sol, all)
        .await
        .unwrap();
    let o = m.obligation_state(&borrower).await;
    assert_eq!((o.collateral_count, o.borrow_count), (0, 1));
    let bad_debt = 700 * USDC - 545_454_546;

    let r = m.reserve_state(usdc).await.liquidity;
    // 10,000 supplied + the 1 USDC seed, no interest (no time passed): one unit per cToken.
    let supply = 10_001 * USDC;
    assert_eq!(r.collateral_supply, supply);
    assert_eq!(r.total_supply().unwrap(), Fixed::from_u64(supply));
    assert_eq!(r.borrowed(), Fixed::from_u64(bad_debt));
    let rate_before = r.exchange_rate().unwrap();
    assert_eq!(rate_before.raw(), WAD);

    let out = m.try_socialize_bad_debt(&borrower, usdc).await.unwrap();

    let after = m.reserve_state(usdc).await.liquidity;
    assert_eq!(after.borrowed(), Fixed::ZERO);
    assert_eq!(after.available_amount, r.available_amount);
    let total_after = u128::from(supply - bad_debt);
    assert_eq!(after.total_supply().unwrap().raw(), total_after * WAD);
    let rate_after = mul_div_floor(total_after, WAD, supply.into());
    assert_eq!(after.exchange_rate().unwrap().raw(), rate_after);
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
    let event = &events::decode::<BadDebtSocialized>(&out.event_data)[0];
    assert_eq!(event.written_off_sf, u128::from(bad_debt) * WAD);
    assert_eq!(
        (event.exchange_rate_before_sf, event.exchange_rate_after_sf),
        (WAD, rate_after)
    );
    assert_eq!(event.header.obligation, borrower.obligation);

    // Suppliers now redeem at the lower rate: 100 cTokens pay floor(100 x rate).
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 100 * USDC).await;
    m.try_deposit(&lender, usdc, 100 * USDC).await.unwrap();
    let minted = mul_div_floor(100 * u128::from(USDC), supply.into(), total_after) as u64;
    assert_eq!(
        m.balance(&lender.account(&m.keys(usdc).collateral_mint()))
            .await,
        minted
    );

    // Nothing left to write off.
    assert_error!(
        m.try_socialize_bad_debt(&borrower, usdc).await,
        BallastError::BorrowPositionNotFound
    );
}
