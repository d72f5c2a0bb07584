//! Economic attacks on liquidation (#26, #28, #29 and the findings of issue 12), each set up as
//! the attacker would, with exact amounts. The market: USDC at $1, SOL at $100 (threshold 80%,
//! bonus 5-10%, 10% of the bonus to the protocol); the borrower pledges 10 SOL and owes 700
//! USDC.
use {
    ballast::{
        errors::BallastError,
        events::{BadDebtSocialized, Liquidated},
        math::Fixed,
    },
    ballast_client::events,
    ballast_tests::{
        expect::{mul_div_floor, protocol_share, WAD},
        specs::USD,
        *,
    },
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

use ballast_tests::specs::seize_all as all;

/// The borrower owes 700 USDC against 10 SOL; a liquidator holds 1,000 USDC.
async fn indebted() -> (TestMarket, ReserveId, ReserveId, User, User) {
    TestMarket::with_debt().await
}

/// SOL's oracle at `spot` and `ema` USD.
async fn sol_at(m: &mut TestMarket, sol: ReserveId, spot: i64, ema: i64) {
    m.set_prices(sol, spot * USD, ema * USD).await;
}

/// #26, finding 1: the V of a dip. SOL is back at $100 but its EMA still says $85. At the
/// market price the owner is healthy ($800 limit against $700); the lagging EMA must not hand
/// a liquidator 22.9% (repay 350 USDC, take SOL worth $430 at spot).
#[tokio::test]
async fn attack_26_a_lagging_ema_does_not_liquidate_an_owner_healthy_at_spot() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    sol_at(&mut m, sol, 100, 85).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::ObligationHealthy
    );
    m.assert_unchanged(&before, &touched).await;
    // Borrowing still looks at the conservative price: at $85 x 75% the limit is $637.50, so
    // not one more unit may be borrowed against the EMA's view.
    assert_error!(
        m.try_borrow(&borrower, usdc, 1).await,
        BallastError::ObligationUnhealthy
    );
}

/// #26, finding 1: liquidatable at spot ($87: $696 limit against $700) while the EMA says $80.
/// The seize converts at spot: the liquidator receives SOL worth at most repaid x (1 + bonus)
/// at the market price, not the spot/EMA gap on top.
#[tokio::test]
async fn attack_26_the_seize_never_pays_the_spot_ema_gap() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    sol_at(&mut m, sol, 87, 80).await;
    let out = m
        .try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
    let e = &events::decode::<Liquidated>(&out.event_data)[0];
    // Health 696 / 700 = 0.994: the 5% minimum bonus, half of the debt.
    assert_eq!(e.bonus_sf, WAD / 20);
    assert_eq!(e.repaid_amount, 350 * USDC);
    // $350 x 1.05 = $367.50 of SOL at $87 = 4.224137931 SOL (at the EMA's $80 it would have
    // been 4.59375 SOL).
    assert_eq!(e.seized_collateral, 4_224_137_931);
    let protocol = protocol_share(e.seized_collateral, WAD / 20, 1_000);
    assert_eq!(e.protocol_collateral, protocol);
    let received = e.seized_collateral - protocol;
    let sk = m.keys(sol);
    assert_eq!(
        m.balance(&liquidator.account(&sk.collateral_mint())).await,
        received
    );
    let received_usd = mul_div_floor(received.into(), 87 * WAD, SOL.into());
    assert!(received_usd <= 350 * WAD + 350 * WAD / 20);
}

/// #28, finding 3: near insolvency ($750 of SOL against $700). The 10% bonus a health of 0.857
/// asks for would take more than there is and leave debt without collateral; capped at the
/// equity (750 / 700 - 1 = 7.14%), the whole debt is repaid and nothing is written off. The owner
/// who liquidates himself ends with less than one who repays: the protocol's share is gone.
#[tokio::test]
async fn attack_28_a_solvent_obligation_never_becomes_bad_debt() {
    let (mut m, usdc, sol, borrower, _) = indebted().await;
    sol_at(&mut m, sol, 75, 75).await;
    // The owner liquidates himself with the 700 USDC he borrowed.
    let out = m
        .try_liquidate(&borrower, &borrower, usdc, sol, all())
        .await
        .unwrap();
    assert!(events::decode::<BadDebtSocialized>(&out.event_data).is_empty());
    let e = &events::decode::<Liquidated>(&out.event_data)[0];
    let bonus = mul_div_floor(750 * WAD, WAD, 700 * WAD) - WAD;
    assert_eq!(e.bonus_sf, bonus);
    assert_eq!(e.repaid_amount, 700 * USDC);
    assert_eq!(e.seized_collateral, 9_999_999_999);
    assert_eq!(e.protocol_collateral, 66_666_667);
    let o = m.obligation_state(&borrower).await;
    assert_eq!(
        (o.borrow_count, o.collaterals()[0].deposited_amount),
        (0, 1)
    );
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(r.borrowed(), Fixed::ZERO);
    // He holds 9.933333332 cSOL and 1 unit pledged (cSOL is 1 SOL): 9.933333333 SOL, where
    // repaying the 700 USDC would have left him all 10.
    let sk = m.keys(sol);
    let held = m.balance(&borrower.account(&sk.collateral_mint())).await;
    assert_eq!(held, 9_933_333_332);
    assert_eq!(held + 1, 10 * SOL - 66_666_667);
    assert_eq!(
        m.balance(&borrower.account(&m.keys(usdc).liquidity_mint))
            .await,
        0
    );
}

/// #29, finding 4: the bad-debt race. SOL falls to $60 ($600 against $700). The liquidation
/// that takes the last collateral writes the $100 left off in the same instruction, so the
/// first supplier to redeem afterwards already bears their share of the loss, as a late one
/// does.
#[tokio::test]
async fn attack_29_no_supplier_redeems_at_the_rate_from_before_the_loss() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 1_000 * USDC).await;
    m.try_deposit(&lender, usdc, 1_000 * USDC).await.unwrap();
    sol_at(&mut m, sol, 60, 60).await;
    let out = m
        .try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
    let written = &events::decode::<BadDebtSocialized>(&out.event_data)[0];
    assert_eq!(written.written_off_sf, u128::from(100 * USDC) * WAD);
    let o = m.obligation_state(&borrower).await;
    assert_eq!((o.collateral_count, o.borrow_count), (0, 0));
    // 11,001 cTokens (10,000 + 1,000 + the seed) now share 10,901 USDC.
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(
        (r.available_amount, r.collateral_supply),
        (10_901 * USDC, 11_001 * USDC)
    );
    assert_eq!(r.borrowed(), Fixed::ZERO);
    // The informed supplier redeems right after: 1,000 cTokens pay 1,000 x 10,901 / 11,001 =
    // 990.909917 (where the rate from before the loss would have paid 1,000).
    let k = m.keys(usdc);
    m.try_redeem(&lender, usdc, 1_000 * USDC).await.unwrap();
    assert_eq!(
        m.balance(&lender.account(&k.liquidity_mint)).await,
        1_000 * USDC * 10_901 / 11_001
    );
}

/// Finding 8: an outage the feed's own message does not show. SOL's feed is silent for 20
/// minutes and comes back with a message whose previous publish is one second earlier; against
/// the last price the reserves used, that is a 20-minute gap: liquidations wait the market's
/// grace period (15 minutes) from it, as for a gap Pythnet reports.
#[tokio::test]
async fn finding_8_a_gap_since_the_reserves_last_price_starts_the_grace_period() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    m.advance_time(20 * 60).await;
    sol_at(&mut m, sol, 80, 80).await; // $640 limit against $700
    let recovered = m.now().await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::LiquidationGracePeriod
    );
    m.assert_unchanged(&before, &touched).await;
    // The crank records the recovery; the feeds then publish normally.
    for reserve in [usdc, sol] {
        m.try_refresh_reserve(reserve).await.unwrap();
        assert_eq!(
            m.reserve_state(reserve).await.oracle_recovered_at,
            recovered
        );
    }
    m.crank(3, 5 * 60 - 1).await;
    sol_at(&mut m, sol, 80, 80).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::LiquidationGracePeriod
    );
    m.advance_time(3).await;
    sol_at(&mut m, sol, 80, 80).await;
    assert_eq!(m.now().await, recovered + 15 * 60);
    m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
}

/// Finding 5: a reserve's oracle can be changed. SOL's feed is sunset (it stops publishing);
/// the admin points the reserve at a new account, checked against a live price from it. The
/// change counts as the end of an outage: liquidations wait the grace period.
#[tokio::test]
async fn finding_5_a_sunset_feed_is_replaced_by_a_live_one() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    let old = m.keys(sol).oracle();
    // The old feed goes quiet: its last price is 2 minutes old, over the 60 s max age.
    let stale = m.reserve(sol).price;
    m.advance_time(120).await;
    m.set_oracle(sol, stale).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 1).await,
        BallastError::OraclePriceStale
    );
    let now = m.now().await;
    let new_feed = [9; 32];
    // Refused, each changing nothing: a stale new price, a wrong signer, a missing account.
    let touched = [m.keys(sol).address];
    let before = m.snapshot(&touched).await;
    let mut dead = ballast_testkit::pyth::PythPrice::new(new_feed, 80 * USD, -8, now - 61);
    dead.prev_publish_time = dead.publish_time - 1;
    assert_error!(
        m.try_change_oracle(sol, dead).await,
        BallastError::OraclePriceStale
    );
    let live = ballast_testkit::pyth::PythPrice::new(new_feed, 80 * USD, -8, now);
    let stranger = m.new_user().await;
    let change = ballast::state::ReserveChange::OracleSources {
        sources: vec![ballast::state::PriceSource::pyth_pull(old, new_feed)],
        max_divergence_bps: 0,
    };
    let mut by_stranger =
        ballast_client::instructions::update_reserve(&stranger.key(), &m.keys(sol), change.clone());
    by_stranger
        .accounts
        .truncate(by_stranger.accounts.len() - 1);
    assert_error!(
        m.send(by_stranger, &stranger.keypair).await,
        BallastError::NotMarketAdmin
    );
    let mut missing = ballast_client::instructions::update_reserve(
        &solana_sdk::signer::Signer::pubkey(&m.admin),
        &m.keys(sol),
        change.clone(),
    );
    missing.accounts.pop();
    assert_error!(
        m.send(missing, &m.admin).await,
        BallastError::MissingOracleAccount
    );
    m.assert_unchanged(&before, &touched).await;

    m.try_change_oracle(sol, live).await.unwrap();
    let r = m.reserve_state(sol).await;
    assert_eq!(r.oracles.primary().feed_id, new_feed);
    assert_eq!(r.oracles.primary().account, m.keys(sol).oracle());
    assert_ne!(r.oracles.primary().account, old);
    assert_eq!(
        (r.last_oracle_publish_time, r.oracle_recovered_at),
        (now, now)
    );
    // Priced again ($800 x 80% = $640 against $700): liquidatable, after the grace period.
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::LiquidationGracePeriod
    );
    m.crank(3, 5 * 60).await;
    m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
        .await
        .unwrap();
}

/// A third asset, JUP ($1, 6 decimals, the volatile preset), with a minimum collateral position
/// of `min` base units.
async fn list_jup(m: &mut TestMarket, min: u64) -> ReserveId {
    let mut config = ballast_client::presets::volatile();
    config.min_collateral_amount = min;
    let spec = specs::ReserveSpec {
        symbol: "JUP",
        ..specs::ReserveSpec::usdc()
    };
    m.add_reserve(spec.with_config(config)).await
}

/// JUP's feed stops publishing: 61 s later its last price is over the 60 s max age, while the
/// other feeds go on.
async fn jup_goes_stale(m: &mut TestMarket, jup: ReserveId) {
    let last = m.reserve(jup).price;
    m.advance_time(61).await;
    m.set_oracle(jup, last).await;
}

/// Finding 2, the owner's side: a pledge of dust is refused (a minimum of 5 JUP, 1 unit
/// offered), and a dust position left from before (here: pledged while the minimum was 0)
/// whose feed is dead no longer blocks liquidation. The liquidation is the one the same
/// obligation without the dust gets, to the unit, and the dust is left where it was.
#[tokio::test]
async fn finding_2_dust_with_a_dead_feed_no_longer_shields_an_obligation() {
    let liquidate = |dust: bool| async move {
        let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
        let jup = list_jup(&mut m, 5 * USDC).await;
        let borrower = m.with_accounts_for(borrower).await;
        m.fund(&borrower, jup, 1).await;
        if dust {
            let touched = m.touched_accounts(&borrower);
            let before = m.snapshot(&touched).await;
            assert_error!(
                m.try_supply(&borrower, jup, 1).await,
                BallastError::CollateralBelowMinimum
            );
            m.assert_unchanged(&before, &touched).await;
            let no_minimum = ballast::state::ReserveChange::MinCollateralAmount(0);
            m.try_update_reserve(jup, no_minimum).await.unwrap();
            m.try_supply(&borrower, jup, 1).await.unwrap();
        }
        jup_goes_stale(&mut m, jup).await;
        sol_at(&mut m, sol, 80, 80).await; // $640 limit against $700
        let out = m
            .try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await
            .unwrap();
        let e = events::decode::<Liquidated>(&out.event_data).remove(0);
        let received = m
            .balance(&liquidator.account(&m.keys(sol).collateral_mint()))
            .await;
        let o = m.obligation_state(&borrower).await;
        let jup_held: Vec<u64> = o
            .collaterals()
            .iter()
            .filter(|c| c.reserve == m.keys(jup).address)
            .map(|c| c.deposited_amount)
            .collect();
        (e, received, jup_held)
    };
    let (clean, clean_received, none) = liquidate(false).await;
    let (shielded, received, jup_held) = liquidate(true).await;
    assert_eq!(none, Vec::<u64>::new());
    // Half the debt (700 USDC and 8 units of interest), at the bonus the health asks for (1 -
    // 640 / 700.000008 = 8.57%): about $380 of SOL at $80, to the unit as the rule says.
    assert_eq!(clean.repaid_amount, 350_000_004);
    let seize_value = mul_div_floor(
        u128::from(clean.repaid_amount) * 1_000_000_000_000,
        WAD + clean.bonus_sf,
        WAD,
    );
    assert_eq!(
        u128::from(clean.seized_collateral),
        seize_value * u128::from(SOL) / (80 * WAD)
    );
    assert_eq!(clean.seized_collateral, 4_750_000_108);
    assert_eq!(
        (shielded.repaid_amount, shielded.seized_collateral),
        (clean.repaid_amount, clean.seized_collateral)
    );
    assert_eq!(shielded.protocol_collateral, clean.protocol_collateral);
    assert_eq!(received, clean_received);
    assert_eq!(
        received,
        clean.seized_collateral - clean.protocol_collateral
    );
    assert_eq!(jup_held, vec![1]);
}

/// Finding 2, the other side: $10,000 of JUP beside the 10 SOL. SOL falls to $50, so without
/// JUP the obligation is under water ($400 limit against $700), but with it far from it. JUP's
/// feed goes stale for a minute: nobody may liquidate the SOL meanwhile, and once the feed is
/// back the obligation is healthy.
#[tokio::test]
async fn finding_2_a_stale_minute_on_a_large_position_exposes_nothing() {
    let (mut m, usdc, sol, borrower, liquidator) = indebted().await;
    let jup = list_jup(&mut m, 5 * USDC).await;
    let borrower = m.with_accounts_for(borrower).await;
    m.fund(&borrower, jup, 10_000 * USDC).await;
    m.try_supply(&borrower, jup, 10_000 * USDC).await.unwrap();
    jup_goes_stale(&mut m, jup).await;
    sol_at(&mut m, sol, 50, 50).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::CollateralPriceUnavailable
    );
    m.assert_unchanged(&before, &touched).await;
    // The borrow limit counts the unpriced JUP as nothing: $500 of SOL x 75% is below $700,
    // and the stale price is what stands in the way.
    assert_error!(
        m.try_borrow(&borrower, usdc, 1).await,
        BallastError::OraclePriceStale
    );
    m.set_price(jup, USD).await;
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, all())
            .await,
        BallastError::ObligationHealthy
    );
}

/// Finding 2 for the owner: a stale feed on one collateral freezes nothing else. JUP ($10,000)
/// goes stale beside 10 SOL at $100 ($750 of limit) against 700 USDC and the minute of
/// interest since: JUP counts as nothing, so 50 USDC more is over the limit (with JUP it would
/// be far within; refused with the stale price's error, what stands in the way), 49 is not,
/// and the JUP itself may be withdrawn, as the SOL alone covers the debt.
#[tokio::test]
async fn finding_2_a_stale_collateral_counts_as_nothing_for_the_borrow_limit() {
    let (mut m, usdc, _sol, borrower, _) = indebted().await;
    let jup = list_jup(&mut m, 5 * USDC).await;
    let borrower = m.with_accounts_for(borrower).await;
    m.fund(&borrower, jup, 10_000 * USDC).await;
    m.try_supply(&borrower, jup, 10_000 * USDC).await.unwrap();
    jup_goes_stale(&mut m, jup).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, 50 * USDC).await,
        BallastError::OraclePriceStale
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_borrow(&borrower, usdc, 49 * USDC).await.unwrap();
    let wallet = borrower.account(&m.keys(jup).liquidity_mint);
    m.try_withdraw(&borrower, jup, u64::MAX).await.unwrap();
    assert_eq!(m.balance(&wallet).await, 10_000 * USDC);
    assert_eq!(m.obligation_state(&borrower).await.collateral_count, 1);
}
