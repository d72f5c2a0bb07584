//! Risk config validation (#19) and caps enforced to the unit: deposit cap, borrow cap, and the
//! outflow limit per window (#20).
use {
    ballast::{errors::BallastError, instructions::InitReserveArgs, state::ReserveChange},
    ballast_client::instructions as ix,
    ballast_tests::*,
    solana_sdk::signer::Signer,
};

const USDC: u64 = 1_000_000;

/// #19: every broken rule is refused, by `update_reserve` and by `init_reserve` alike.
#[tokio::test]
async fn attack_19_invalid_risk_configs_are_refused() {
    let (m, usdc, _) = TestMarket::standard().await;
    let k = m.keys(usdc);
    let mut falling_curve = m.reserve_state(usdc).await.config.rate_curve;
    falling_curve.points[2].borrow_rate_bps = 700; // 8% at 80%, then 7% at 100%
    let cases: Vec<(ReserveChange, BallastError)> = vec![
        (
            ReserveChange::LoanToValue {
                loan_to_value_bps: 8_500,
                liquidation_threshold_bps: 8_500,
                ramp_secs: 0,
            },
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::LoanToValue {
                loan_to_value_bps: 9_000,
                liquidation_threshold_bps: 8_500,
                ramp_secs: 0,
            },
            BallastError::InvalidReserveConfig,
        ),
        // 85% x (1 + 20%) = 102%.
        (
            ReserveChange::LiquidationBonus {
                min_bps: 200,
                max_bps: 2_000,
            },
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::RateCurve(falling_curve),
            BallastError::InvalidRateCurve,
        ),
        (
            ReserveChange::BorrowFeeBps(10_001),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::ProtocolTakeRateBps(10_001),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::ProtocolLiquidationFeeBps(10_001),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::BorrowFactorBps(9_999),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::OutflowLimit {
                limit: 1,
                window_secs: 0,
            },
            BallastError::InvalidReserveConfig,
        ),
    ];
    for (change, error) in cases {
        m.assert_refused(
            ix::update_reserve(&m.admin.pubkey(), &k, change),
            &m.admin,
            error,
        )
        .await;
    }

    // The same rules at listing.
    let mut m = m;
    let mut spec = ReserveSpec::usdc();
    spec.config.liquidation_bonus_max_bps = 2_000;
    let args = InitReserveArgs {
        config: spec.config,
        oracle_sources: Vec::new(),
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    };
    assert_error!(
        m.try_add_reserve(spec, args).await,
        BallastError::InvalidReserveConfig
    );
}

/// #20: the deposit cap, to the unit.
#[tokio::test]
async fn attack_20_deposit_cap_to_the_unit() {
    let (m, usdc, _) = TestMarket::standard().await;
    // The 1 USDC seed is already in: room for exactly 4 more.
    m.try_update_reserve(usdc, ReserveChange::DepositCap(5 * USDC))
        .await
        .unwrap();
    let user = m.new_user().await;
    m.fund(&user, usdc, 10 * USDC).await;
    let k = m.keys(usdc);
    let over = ix::deposit(
        &user.key(),
        &k,
        &user.account(&k.liquidity_mint),
        &user.account(&k.collateral_mint()),
        4 * USDC + 1,
    );
    m.assert_refused(over, &user.keypair, BallastError::DepositCapExceeded)
        .await;
    let o = m.obligation_keys(&user).await;
    m.assert_refused(
        ix::supply(&k, &o, &user.account(&k.liquidity_mint), 4 * USDC + 1),
        &user.keypair,
        BallastError::DepositCapExceeded,
    )
    .await;
    m.try_supply(&user, usdc, 4 * USDC).await.unwrap();
}

/// #20: the borrow cap, to the unit (the origination fee counts toward it).
#[tokio::test]
async fn attack_20_borrow_cap_to_the_unit() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_update_reserve(usdc, ReserveChange::BorrowCap(500 * USDC))
        .await
        .unwrap();
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    m.assert_refused(
        ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 500 * USDC + 1),
        &borrower.keypair,
        BallastError::BorrowCapExceeded,
    )
    .await;
    m.try_borrow(&borrower, usdc, 500 * USDC).await.unwrap();
    // SOL charges 0.1%: 1,000 units borrowed count as 1,001.
    let lender = m.new_user().await;
    m.fund(&lender, sol, 10_000).await;
    m.try_deposit(&lender, sol, 10_000).await.unwrap();
    let sol_borrower = m.new_user().await;
    m.fund(&sol_borrower, usdc, 1_000 * USDC).await;
    m.try_supply(&sol_borrower, usdc, 1_000 * USDC)
        .await
        .unwrap();
    m.try_update_reserve(sol, ReserveChange::BorrowCap(1_001))
        .await
        .unwrap();
    let s = m.keys(sol);
    let o = m.obligation_keys(&sol_borrower).await;
    m.assert_refused(
        ix::borrow(&s, &o, &sol_borrower.account(&s.liquidity_mint), 1_001),
        &sol_borrower.keypair,
        BallastError::BorrowCapExceeded,
    )
    .await;
    m.try_borrow(&sol_borrower, sol, 1_000).await.unwrap();
}

/// #20: the outflow limit: borrows, redemptions and withdrawals together, per window, to the
/// unit; the window restarts when it has run out.
#[tokio::test]
async fn attack_20_outflow_limit_per_window_to_the_unit() {
    let (mut m, usdc, _, lender, borrower) = TestMarket::with_borrower().await;
    let limit = 300 * USDC;
    m.try_update_reserve(
        usdc,
        ReserveChange::OutflowLimit {
            limit,
            window_secs: 3_600,
        },
    )
    .await
    .unwrap();
    let k = m.keys(usdc);
    m.try_borrow(&borrower, usdc, 100 * USDC).await.unwrap();
    m.try_redeem(&lender, usdc, 150 * USDC).await.unwrap();
    // 250 of 300 gone: 50 more, not 50 and one.
    let o = m.obligation_keys(&borrower).await;
    m.assert_refused(
        ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 50 * USDC + 1),
        &borrower.keypair,
        BallastError::OutflowLimitExceeded,
    )
    .await;
    m.assert_refused(
        ix::redeem(
            &lender.key(),
            &k,
            &lender.account(&k.collateral_mint()),
            &lender.account(&k.liquidity_mint),
            50 * USDC + 1,
        ),
        &lender.keypair,
        BallastError::OutflowLimitExceeded,
    )
    .await;
    m.try_redeem(&lender, usdc, 50 * USDC).await.unwrap();
    let r = m.reserve_state(usdc).await;
    assert_eq!(r.outflow_in_window, limit);
    // Repays and deposits are inflows: never limited.
    m.try_repay(&borrower, &borrower, usdc, 100 * USDC)
        .await
        .unwrap();
    // An hour on, a new window.
    m.advance_time(3_600).await;
    m.try_redeem(&lender, usdc, limit).await.unwrap();
    let r = m.reserve_state(usdc).await;
    assert_eq!(
        (r.outflow_in_window, r.outflow_window_start),
        (limit, m.now().await)
    );
}

/// A ramp that tries to jump: lowering SOL's liquidation threshold (80% -> 60%) at once, or
/// over less than an hour, is refused and changes nothing; over 10 days the threshold walks down
/// linearly, so the borrower (10 SOL at $100, owing 700 USDC: health factor 1.14 at 80%) is not
/// liquidatable when the change lands, and is once the ramp has passed 70%.
#[tokio::test]
async fn attack_a_threshold_lowering_that_tries_to_jump() {
    let (mut m, usdc, sol, borrower, liquidator) = TestMarket::with_debt().await;
    let lower = |ramp_secs| ReserveChange::LoanToValue {
        loan_to_value_bps: 5_000,
        liquidation_threshold_bps: 6_000,
        ramp_secs,
    };
    let reserve = [m.keys(sol).address];
    let before = m.snapshot(&reserve).await;
    for too_fast in [0, 3_599] {
        assert_error!(
            m.try_update_reserve(sol, lower(too_fast)).await,
            BallastError::ThresholdLoweringTooFast
        );
    }
    m.assert_unchanged(&before, &reserve).await;

    m.try_update_reserve(sol, lower(10 * 86_400)).await.unwrap();
    let at =
        |r: &ballast::state::Reserve, now| ballast::logic::ramp::liquidation_threshold_at(r, now);
    let start = m.now().await;
    let state = m.reserve_state(sol).await;
    assert_eq!(state.config.liquidation_threshold_bps, 6_000);
    assert_eq!(
        [0, 5, 10].map(|days| at(&state, start + days * 86_400)),
        [8_000, 7_000, 6_000]
    );
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, specs::seize_all())
            .await,
        BallastError::ObligationHealthy
    );
    // Six days on (a keeper refreshing hourly) the threshold is 68%: $680 of limit against
    // $700 and its interest.
    // (Then 20 minutes of 5-minute refreshes: past the grace period of the hourly gaps.)
    m.crank(6 * 24, 3_600).await;
    m.crank(4, 300).await;
    m.try_liquidate(&liquidator, &borrower, usdc, sol, specs::seize_all())
        .await
        .unwrap();
    // A rise applies at once and ends the ramp.
    let raise = ReserveChange::LoanToValue {
        loan_to_value_bps: 7_500,
        liquidation_threshold_bps: 8_000,
        ramp_secs: 0,
    };
    m.try_update_reserve(sol, raise).await.unwrap();
    let state = m.reserve_state(sol).await;
    assert_eq!(at(&state, m.now().await), 8_000);
    assert_eq!(state.threshold_ramp, Default::default());
}
