//! Issue 16, item 6: an obligation with debt and no collateral is bad debt, not a liquidation
//! error; `ballast obligation socialize-bad-debt` writes it off; a fee payer without the SOL for
//! a transaction makes the liquidator send nothing, and say so.
use {
    crate::{
        backoffice::{bob_owes_600, lines},
        harness::{Harness, User, SOL, USDC},
    },
    anchor_lang::solana_program::system_instruction,
    ballast::state::Obligation,
    ballast_cli::{
        backoffice::{liquidator::pass, metrics::LiquidatorMetrics, LiquidatorConfig, Snapshot},
        format::{decimal, units},
    },
    ballast_client::Transport,
    solana_sdk::pubkey::Pubkey,
};

/// The only obligation of the market.
async fn only_obligation(h: &Harness) -> Pubkey {
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    assert_eq!(snapshot.obligations.len(), 1);
    snapshot.obligations[0].address
}

async fn stored(h: &Harness, obligation: &Pubkey) -> Obligation {
    ballast_client::fetch::obligation(&h.bank, obligation)
        .await
        .unwrap()
}

/// Rewrites `obligation` without its collateral, as an obligation emptied before the program
/// wrote off what a liquidation left would be.
async fn strip_collateral(h: &Harness, obligation: &Pubkey) {
    let mut account = h.bank.account(obligation).await.unwrap().unwrap();
    let size = std::mem::size_of::<Obligation>();
    let body = &mut account.data[8..8 + size];
    let mut o: Obligation = bytemuck::pod_read_unaligned(body);
    while let Some(c) = o.collaterals().first().copied() {
        o.withdraw_collateral(&c.reserve, c.deposited_amount)
            .unwrap();
    }
    body.copy_from_slice(bytemuck::bytes_of(&o));
    h.bank.set_account(obligation, account).await;
}

#[tokio::test]
async fn debt_without_collateral_is_bad_debt_and_socialize_bad_debt_writes_it_off() {
    let h = bob_owes_600().await;
    let bob = only_obligation(&h).await;
    strip_collateral(&h, &bob).await;
    let liz = h.user("liz").await;
    h.give(&liz, 0, 1_000 * USDC).await;

    // The liquidator counts it apart, every pass, and leaves it alone.
    let before = h.bank.account(&bob).await.unwrap().unwrap().data;
    let line = "pass 1: scanned 1, unhealthy 0, liquidated 0, repaid $0.00, seized $0.00, \
                skipped 0, no inventory 0, bad debt 1, errors 0\n";
    assert_eq!(h.ok(&liz, &["liquidator", "--once"]).await, line);
    let json = lines(
        &h.ok(&liz, &["--output", "json", "liquidator", "--once"])
            .await,
    );
    assert_eq!(
        (
            &json[0]["bad_debt"],
            &json[0]["errors"],
            &json[0]["unhealthy"]
        ),
        (&1.into(), &0.into(), &0.into())
    );
    assert_eq!(h.bank.account(&bob).await.unwrap().unwrap().data, before);
    // The monitor says what to do about it.
    let alerts = lines(&h.ok(&h.admin, &["monitor", "--once"]).await);
    let bad = alerts.iter().find(|a| a["kind"] == "bad_debt").unwrap();
    assert_eq!(
        bad["message"],
        format!(
            "obligation {bob}: debt of $600.00 and no collateral left \
             (`ballast obligation socialize-bad-debt {bob}` writes it off)"
        )
    );

    // Refused where there is collateral, or no debt.
    let dan = h.user("dan").await;
    h.give(&dan, 1, SOL).await;
    h.ok(&dan, &["supply", "SOL", "1"]).await;
    let dans = h.obligation_key(&dan.key()).to_string();
    assert_eq!(
        h.fails(&liz, &["obligation", "socialize-bad-debt", &dans])
            .await,
        format!(
            "obligation {dans} still has collateral (SOL): only debt with no collateral left is \
             written off; liquidate it instead"
        )
    );

    // Anyone writes it off: a dry run first, then for real.
    let usdc = h.reserve("USDC").await;
    let o = stored(&h, &bob).await;
    let debt = o.borrows()[0]
        .debt(usdc.liquidity.index())
        .unwrap()
        .to_ceil()
        .unwrap();
    let rate_before = decimal(usdc.liquidity.exchange_rate().unwrap(), 6);
    let bob_arg = bob.to_string();
    let write_off = ["obligation", "socialize-bad-debt", &bob_arg];
    let dry = h
        .ok(&liz, &[&["--dry-run"][..], &write_off[..]].concat())
        .await;
    assert_eq!(h.bank.account(&bob).await.unwrap().unwrap().data, before);
    let done = h.ok(&liz, &write_off).await;
    let usdc_after = h.reserve("USDC").await;
    let rate_after = decimal(usdc_after.liquidity.exchange_rate().unwrap(), 6);
    assert_eq!(
        (rate_before.as_str(), rate_after.as_str()),
        ("1.000000", "0.940005")
    );
    let item = format!(
        "  - {} USDC in the USDC reserve: 1 cUSDC now worth {rate_after} USDC (was {rate_before})",
        units(debt, 6)
    );
    assert_eq!(
        dry,
        format!(
            "dry run: would write off the bad debt of obligation {bob} (nothing was sent):\n\
             {item}\n"
        )
    );
    let done: Vec<&str> = done.lines().collect();
    assert_eq!(
        done[..2],
        [
            format!("wrote off the bad debt of obligation {bob}:").as_str(),
            item.as_str()
        ]
    );
    assert!(done[2].starts_with("signature "), "{done:?}");
    assert_eq!(done.len(), 3);
    assert!(!stored(&h, &bob).await.has_debt());
    assert_eq!(
        usdc.liquidity
            .borrowed()
            .saturating_sub(usdc_after.liquidity.borrowed()),
        ballast::math::Fixed::from_u64(debt)
    );
    assert_eq!(
        h.fails(&liz, &write_off).await,
        format!("obligation {bob} has no debt: nothing to write off")
    );
    // Nothing left for the liquidator to count.
    assert_eq!(
        h.ok(&liz, &["liquidator", "--once"]).await,
        "pass 1: scanned 2, unhealthy 0, liquidated 0, repaid $0.00, seized $0.00, skipped 0, \
         no inventory 0, bad debt 0, errors 0\n"
    );
}

/// Alice lends 10,000 USDC; Bob borrows 1,100 USDC against 10 SOL, which falls to $130.
async fn bob_liquidatable() -> (Harness, User) {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, 1, 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "1100"]).await;
    h.set_price(1, 13_000_000_000).await;
    (h, bob)
}

async fn lamports(h: &Harness, key: &Pubkey) -> u64 {
    h.bank.account(key).await.unwrap().map_or(0, |a| a.lamports)
}

#[tokio::test]
async fn a_fee_payer_short_of_sol_sends_nothing_and_says_so() {
    let (h, bob) = bob_liquidatable().await;
    let liz = h.user("liz").await;
    h.give(&liz, 0, 5_000 * USDC).await;
    // Liz keeps 1,000,000 lamports, less the transfer's fee.
    let away =
        system_instruction::transfer(&liz.key(), &Pubkey::new_unique(), 10 * SOL - 1_000_000);
    h.bank.send(&[away], &[&liz.keypair]).await.unwrap();
    assert_eq!(lamports(&h, &liz.key()).await, 995_000);
    let before = h.bank.account(&h.obligation_key(&bob.key())).await.unwrap();

    // One liquidation may cost two signatures, a token account's rent and, priced by the relay
    // from recent fees, at most --max-priority-fee (1,000,000 micro-lamports, one lamport) on
    // each of its 400,000 compute units: 10,000 + 2,039,280 + 400,000 lamports.
    assert_eq!(
        h.ok(&liz, &["liquidator", "--once"]).await,
        "pass 1: scanned 1, unhealthy 1, liquidated 0, repaid $0.00, seized $0.00, skipped 0, \
         no inventory 0, bad debt 0, errors 0; fee payer holds 0.000995 SOL, under the \
         0.00244928 SOL one liquidation may cost: nothing sent\n"
    );
    // A fixed price counts instead: 1 micro-lamport on each of 400,000 units is 0.4 lamport,
    // rounded up to 1.
    let fixed = h
        .ok(
            &liz,
            &["--with-compute-unit-price", "1", "liquidator", "--once"],
        )
        .await;
    assert!(
        fixed.contains("under the 0.002049281 SOL one liquidation may cost"),
        "{fixed}"
    );
    assert_eq!(
        h.bank.account(&h.obligation_key(&bob.key())).await.unwrap(),
        before
    );
    assert_eq!(lamports(&h, &liz.key()).await, 995_000);
    let metrics = LiquidatorMetrics::default();
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    let config = LiquidatorConfig::default();
    let short = pass(&h.bank, &snapshot, &liz.keypair, &config).await;
    assert!(short.underfunded);
    assert_eq!((short.liquidated, short.errors), (0, 0));
    metrics.record(&short);
    let text = metrics.encode();
    for line in [
        "ballast_liquidator_underfunded_passes_total 1",
        "ballast_liquidator_fee_payer_lamports 995000",
        "ballast_liquidator_errors_total 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing:\n{text}");
    }

    // Topped up, it liquidates.
    let top_up = system_instruction::transfer(&h.admin.key(), &liz.key(), SOL);
    h.bank.send(&[top_up], &[&h.admin.keypair]).await.unwrap();
    let json = lines(
        &h.ok(&liz, &["--output", "json", "liquidator", "--once"])
            .await,
    );
    assert_eq!(
        (&json[0]["liquidated"], &json[0]["underfunded"]),
        (&1.into(), &false.into())
    );
}
