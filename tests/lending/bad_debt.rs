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
async fn the_liquidation_that_takes_the_last_collateral_writes_off_the_rest() {
    let (mut m, usdc, sol, _lender, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    // $60: the collateral ($600) is worth less than the debt: no equity, no bonus. All of it
    // is seized for 600 USDC and the 100 USDC left is written off in the same instruction.
    m.set_price(sol, 60 * USD).await;
    let all = LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };
    let out = m
        .try_liquidate(&liquidator, &borrower, usdc, sol, all)
        .await
        .unwrap();
    let o = m.obligation_state(&borrower).await;
    assert_eq!((o.collateral_count, o.borrow_count), (0, 0));
    let bad_debt = 100 * USDC;
    // 10,000 supplied + the 1 USDC seed, no interest: 10,001 cTokens now worth 9,901 USDC.
    let supply = 10_001 * USDC;
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(r.collateral_supply, supply);
    assert_eq!(r.borrowed(), Fixed::ZERO);
    let total_after = u128::from(supply - bad_debt);
    assert_eq!(r.total_supply().unwrap().raw(), total_after * WAD);
    let rate_after = mul_div_floor(total_after, WAD, supply.into());
    assert_eq!(r.exchange_rate().unwrap().raw(), rate_after);
    let event = &events::decode::<BadDebtSocialized>(&out.event_data)[0];
    assert_eq!(event.written_off_sf, u128::from(bad_debt) * WAD);
    assert_eq!(
        (event.exchange_rate_before_sf, event.exchange_rate_after_sf),
        (WAD, rate_after)
    );
    assert_eq!(event.header.obligation, borrower.obligation);
    // Nothing left to write off.
    assert_error!(
        m.try_socialize_bad_debt(&borrower, usdc).await,
        BallastError::BorrowPositionNotFound
    );
}

#[tokio::test]
async fn debt_left_without_collateral_by_older_code_is_written_off_exactly() {
    let (m, usdc, _sol, _lender, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();

    // While collateral remains, nothing can be written off.
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_socialize_bad_debt(&borrower, usdc).await,
        BallastError::ObligationHasCollateral
    );
    m.assert_unchanged(&before, &touched).await;

    m.strip_collateral(&borrower).await;
    let bad_debt = 700 * USDC;
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
