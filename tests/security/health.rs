//! Health: borrows and withdrawals within the limit (#16; the withdrawn collateral's own weight
//! is `incidents::port_finance`); no liquidation of a healthy obligation (#17); a liquidation is clamped to the
//! close factor, never seizes more than repaid x (1 + bonus), and never lowers health (#18).
use {
    ballast::{
        errors::BallastError, events::Liquidated, instructions::LiquidateArgs, logic::Health,
    },
    ballast_client::{events, health},
    ballast_tests::{
        expect::{mul_div_floor, WAD},
        specs::USD,
        *,
    },
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// #16: a borrow or a withdrawal that would leave debt above the borrow limit.
#[tokio::test]
async fn attack_16_borrow_or_withdraw_past_the_limit() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    // Limit: 10 SOL x $100 x 75% = $750.
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let too_much = ballast_client::instructions::borrow(
        &k,
        &o,
        &borrower.account(&k.liquidity_mint),
        750 * USDC + 1,
    );
    m.assert_refused(
        too_much,
        &borrower.keypair,
        BallastError::ObligationUnhealthy,
    )
    .await;
    m.try_borrow(&borrower, usdc, 600 * USDC).await.unwrap();
    // (750 - 600) / 0.75 = $200 = 2 SOL may leave; not one unit more, by either path.
    let o = m.obligation_keys(&borrower).await;
    let out = ballast_client::instructions::withdraw_collateral(
        &s,
        &o,
        &borrower.account(&s.collateral_mint()),
        2 * SOL + 1,
    );
    m.assert_refused(out, &borrower.keypair, BallastError::ObligationUnhealthy)
        .await;
    let out = ballast_client::instructions::withdraw(
        &s,
        &o,
        &borrower.account(&s.liquidity_mint),
        2 * SOL + 1,
    );
    m.assert_refused(out, &borrower.keypair, BallastError::ObligationUnhealthy)
        .await;
    m.try_withdraw(&borrower, sol, 2 * SOL).await.unwrap();
}

#[tokio::test]
async fn attack_17_a_healthy_obligation_cannot_be_liquidated() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    // $87.50: limit exactly 700, not above the debt.
    m.set_price(sol, 8_750_000_000).await;
    let touched = [
        m.touched_accounts(&borrower),
        m.touched_accounts(&liquidator),
    ]
    .concat();
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_liquidate(
            &liquidator,
            &borrower,
            usdc,
            sol,
            ballast_tests::specs::seize_all()
        )
        .await,
        BallastError::ObligationHealthy
    );
    m.assert_unchanged(&before, &touched).await;
}

/// The obligation of `user` valued as liquidation values it: every position at spot.
async fn neutral_health(m: &TestMarket, user: &User) -> Health {
    let h = health::obligation_health(&m.bank, &user.obligation)
        .await
        .unwrap();
    Health::for_liquidation(&h.obligation, &h.pricing).unwrap()
}

/// #18: across health levels, requested amounts and an EMA below, at or above the spot price,
/// every liquidation repays at most what the close factor allows (unless full liquidation
/// applies), seizes SOL worth at most repaid x (1 + bonus) at the neutral spot price, and
/// leaves the health margin (liquidation limit - weighted debt, at spot) no lower.
#[tokio::test]
async fn attack_18_liquidations_are_clamped_bounded_and_never_worsen_health() {
    for (price, ema_pct, requested) in [87u64, 85, 82, 79, 75, 70, 62, 55]
        .into_iter()
        .flat_map(|p| [85i64, 100, 115].map(move |e| (p, e)))
        .flat_map(|(p, e)| [1, 100 * USDC, 400 * USDC, u64::MAX].map(move |r| (p, e, r)))
    {
        let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
        m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
        let liquidator = m.new_user().await;
        m.fund(&liquidator, usdc, 1_000 * USDC).await;
        let spot = price as i64 * USD;
        m.set_prices(sol, spot, spot * ema_pct / 100).await;
        let before = neutral_health(&m, &borrower).await;
        let args = LiquidateArgs {
            max_repay_amount: requested,
            ..ballast_tests::specs::seize_all()
        };
        let out = m
            .try_liquidate(&liquidator, &borrower, usdc, sol, args)
            .await
            .unwrap();
        let e = &events::decode::<Liquidated>(&out.event_data)[0];
        let after = neutral_health(&m, &borrower).await;
        let health_factor = mul_div_floor(
            before.liquidation_limit.raw(),
            WAD,
            before.weighted_debt_value.raw(),
        );
        assert!(e.repaid_amount <= requested);
        if health_factor >= WAD * 9 / 10 {
            assert!(
                e.repaid_amount <= 350 * USDC,
                "close factor: ${price}, EMA {ema_pct}%, {requested}"
            );
        }
        let repaid_value = u128::from(e.repaid_amount) * (WAD / u128::from(USDC));
        // Seized (the protocol's share included) at spot.
        let seized_value = mul_div_floor(
            e.seized_collateral.into(),
            u128::from(price) * WAD,
            SOL.into(),
        );
        assert!(
            seized_value <= repaid_value + mul_div_floor(repaid_value, e.bonus_sf, WAD),
            "${price}, EMA {ema_pct}%, {requested}"
        );
        assert!(
            e.bonus_sf <= WAD / 10,
            "bonus over the 10% maximum: ${price}, EMA {ema_pct}%"
        );
        assert!(
            after.liquidation_limit.raw() + before.weighted_debt_value.raw()
                >= before.liquidation_limit.raw() + after.weighted_debt_value.raw(),
            "margin fell at ${price}, EMA {ema_pct}%, {requested}"
        );
    }
}
