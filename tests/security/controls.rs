//! Market controls: no write-off while collateral remains (#23); the pause policy (#24); the
//! two-step admin transfer (#25).
use {
    ballast::{
        errors::BallastError,
        events::{AdminChanged, PauseSet},
        instructions::{LiquidateArgs, LiquidationPayout},
        state::{MarketChange, ReserveChange},
    },
    ballast_client::{events, instructions as ix},
    ballast_tests::{specs::USD, *},
    solana_sdk::{signature::Keypair, signer::Signer},
};

const USDC: u64 = 1_000_000;

/// #23: `socialize_bad_debt` on an obligation that still has collateral.
#[tokio::test]
async fn attack_23_no_write_off_while_collateral_remains() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.set_price(sol, USD).await; // deep under water, but the SOL is still there
    let write_off = ix::socialize_bad_debt(&m.payer.pubkey(), &m.keys(usdc), &borrower.obligation);
    m.assert_refused(write_off, &m.payer, BallastError::ObligationHasCollateral)
        .await;
}

/// #24: while paused, only repays, collateral top-ups, obligation bookkeeping, the crank and
/// admin configuration go through; the emergency authority pauses, only the admin unpauses.
#[tokio::test]
async fn attack_24_everything_but_the_allowed_is_refused_while_paused() {
    let (mut m, usdc, sol, lender, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    // cTokens in the borrower's wallet, to pledge during the pause.
    m.fund(&borrower, sol, 1_000).await;
    m.try_deposit(&borrower, sol, 500).await.unwrap();
    let guardian = Keypair::new();
    m.try_update_market(MarketChange::EmergencyAuthority(guardian.pubkey()))
        .await
        .unwrap();
    let stranger = Keypair::new();
    m.assert_refused(
        ix::set_pause(&stranger.pubkey(), &m.market, true),
        &stranger,
        BallastError::NotPauseAuthority,
    )
    .await;
    let out = m.try_set_pause(&guardian, true).await.unwrap();
    assert!(events::decode::<PauseSet>(&out.event_data)[0].paused);
    assert!(m.market_state().await.is_paused());
    m.assert_refused(
        ix::set_pause(&guardian.pubkey(), &m.market, false),
        &guardian,
        BallastError::OnlyAdminUnpauses,
    )
    .await;

    let (k, s) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    m.set_price(sol, 80 * USD).await;
    let liquidate = ix::liquidate(
        &liquidator.key(),
        &o,
        &k,
        &s,
        &liquidator.account(&k.liquidity_mint),
        &liquidator.account(&s.collateral_mint()),
        LiquidateArgs {
            max_repay_amount: u64::MAX,
            min_payout: 0,
            payout: LiquidationPayout::Collateral,
        },
    );
    let lender_usdc = lender.account(&k.liquidity_mint);
    let lender_cusdc = lender.account(&k.collateral_mint());
    let blocked = [
        (
            ix::deposit(&lender.key(), &k, &lender_usdc, &lender_cusdc, 1),
            &lender.keypair,
        ),
        (
            ix::redeem(&lender.key(), &k, &lender_cusdc, &lender_usdc, 1),
            &lender.keypair,
        ),
        (
            ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1),
            &borrower.keypair,
        ),
        (
            ix::withdraw_collateral(&s, &o, &borrower.account(&s.collateral_mint()), 1),
            &borrower.keypair,
        ),
        (
            ix::withdraw(&s, &o, &borrower.account(&s.liquidity_mint), 1),
            &borrower.keypair,
        ),
        (liquidate, &liquidator.keypair),
        (
            ix::socialize_bad_debt(&m.payer.pubkey(), &k, &borrower.obligation),
            &m.payer,
        ),
        (
            ix::withdraw_protocol_fees(&m.admin.pubkey(), &k, &lender_usdc, 1),
            &m.admin,
        ),
        (ix::set_obligation_emode(&o, 1), &borrower.keypair),
    ];
    for (instruction, signer) in blocked {
        m.assert_refused(instruction, signer, BallastError::MarketPaused)
            .await;
    }

    // What the pause policy allows.
    m.fund(&borrower, usdc, 100 * USDC).await;
    m.try_repay(&borrower, &borrower, usdc, 100 * USDC)
        .await
        .unwrap();
    m.try_supply(&borrower, sol, 500).await.unwrap();
    m.try_deposit_collateral(&borrower, sol, 500).await.unwrap();
    m.try_refresh_reserve(usdc).await.unwrap();
    let newcomer = m.new_user().await;
    m.try_close_obligation(&newcomer).await.unwrap();
    m.try_update_reserve(usdc, ReserveChange::BorrowCap(1_000_000 * USDC))
        .await
        .unwrap();

    // The admin unpauses; borrowing works again.
    m.try_set_pause(&m.admin, false).await.unwrap();
    m.set_price(sol, 100 * USD).await;
    m.try_borrow(&borrower, usdc, 1).await.unwrap();
}

/// #25: a key other than the pending admin cannot accept; after the transfer the old admin is
/// refused and the new one obeyed; withdrawing a proposal stops it.
#[tokio::test]
async fn attack_25_two_step_admin_transfer() {
    let m = TestMarket::new().await;
    let (next, impostor) = (Keypair::new(), Keypair::new());
    let out = m
        .send(
            ix::transfer_admin(&m.admin.pubkey(), &m.market, &next.pubkey()),
            &m.admin,
        )
        .await
        .unwrap();
    assert_eq!(
        events::decode::<AdminChanged>(&out.event_data)[0].pending_admin,
        next.pubkey()
    );
    assert_eq!(m.market_state().await.pending_admin, next.pubkey());
    m.assert_refused(
        ix::accept_admin(&impostor.pubkey(), &m.market),
        &impostor,
        BallastError::NotPendingAdmin,
    )
    .await;
    // Only the admin proposes.
    m.assert_refused(
        ix::transfer_admin(&impostor.pubkey(), &m.market, &impostor.pubkey()),
        &impostor,
        BallastError::NotMarketAdmin,
    )
    .await;

    m.send(ix::accept_admin(&next.pubkey(), &m.market), &next)
        .await
        .unwrap();
    let market = m.market_state().await;
    assert_eq!(
        (market.admin, market.pending_admin),
        (next.pubkey(), Default::default())
    );
    let old = ix::update_market(
        &m.admin.pubkey(),
        &m.market,
        MarketChange::CloseFactorBps(100),
    );
    m.assert_refused(old, &m.admin, BallastError::NotMarketAdmin)
        .await;
    m.send(
        ix::update_market(&next.pubkey(), &m.market, MarketChange::CloseFactorBps(100)),
        &next,
    )
    .await
    .unwrap();

    // A withdrawn proposal cannot be accepted.
    let later = Keypair::new();
    m.send(
        ix::transfer_admin(&next.pubkey(), &m.market, &later.pubkey()),
        &next,
    )
    .await
    .unwrap();
    m.send(
        ix::transfer_admin(&next.pubkey(), &m.market, &Default::default()),
        &next,
    )
    .await
    .unwrap();
    m.assert_refused(
        ix::accept_admin(&later.pubkey(), &m.market),
        &later,
        BallastError::NotPendingAdmin,
    )
    .await;
}
