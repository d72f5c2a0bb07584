//! `ballast deposit | redeem | supply | withdraw | borrow | repay | obligation`
use {
    crate::harness::{Harness, SOL, USDC},
    ballast::math::Fixed,
    ballast_client::health,
    serde_json::json,
};

#[tokio::test]
async fn deposit_and_redeem_in_token_units() {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, h.asset_index("USDC"), 100 * USDC).await;
    let out = h.ok(&alice, &["deposit", "USDC", "1.5"]).await;
    assert!(
        out.starts_with("deposit 1.5 USDC: done\n  - deposit 1.5 USDC for 1.5 cUSDC\nsignature "),
        "{out}"
    );
    assert_eq!(h.balance(&alice.key(), "USDC").await, 98_500_000);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 1_500_000);
    assert_eq!(
        h.reserve("USDC").await.liquidity.available_amount,
        USDC + 1_500_000
    );

    h.ok(&alice, &["redeem", "USDC", "0.5"]).await;
    assert_eq!(h.balance(&alice.key(), "USDC").await, 99 * USDC);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, USDC);

    h.ok(&alice, &["deposit", "USDC", "max"]).await;
    assert_eq!(h.balance(&alice.key(), "USDC").await, 0);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 100 * USDC);
    h.ok(&alice, &["redeem", "USDC", "max"]).await;
    assert_eq!(h.balance(&alice.key(), "USDC").await, 100 * USDC);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 0);
    assert_eq!(h.reserve("USDC").await.liquidity.available_amount, USDC);
}

#[tokio::test]
async fn supply_borrow_show_withdraw_repay() {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 1_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "1000"]).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;

    // Supply opens the obligation in the same transaction.
    let out = h.ok(&bob, &["supply", "SOL", "10"]).await;
    let obligation = h.obligation_key(&bob.key());
    assert!(
        out.contains(&format!("  - open obligation {obligation} (id 0)")),
        "{out}"
    );
    assert!(
        out.contains("  - deposit 10 SOL for 10 cSOL, pledged as collateral"),
        "{out}"
    );
    assert_eq!(h.balance(&bob.key(), "SOL").await, 0);
    assert_eq!(
        h.obligation(&bob.key()).await.collaterals()[0].deposited_amount,
        10 * SOL
    );

    h.ok(&bob, &["borrow", "USDC", "100"]).await;
    assert_eq!(h.balance(&bob.key(), "USDC").await, 100 * USDC);
    let index = h.reserve("USDC").await.liquidity.index();
    let debt = h.obligation(&bob.key()).await.borrows()[0]
        .debt(index)
        .unwrap();
    assert_eq!(debt, Fixed::from_u64(100 * USDC));

    // The health table: $1,500 of SOL weighted at 80% against $100 of debt.
    let shown = h.json(&bob, &["obligation", "show"]).await;
    assert_eq!(shown["address"], obligation.to_string());
    assert_eq!(shown["positions"][0]["side"], "collateral");
    assert_eq!(shown["positions"][0]["symbol"], "SOL");
    assert_eq!(shown["positions"][0]["amount"], "10");
    assert_eq!(shown["positions"][0]["value_usd"], "1500.000000");
    assert_eq!(shown["positions"][0]["weighted_usd"], "1200.000000");
    // SOL may fall to $12.50 before $100 of debt is past the 80% line.
    assert_eq!(
        shown["positions"][0]["liquidation_price_usd"],
        "12.50000000"
    );
    assert_eq!(shown["positions"][1]["side"], "borrow");
    assert_eq!(shown["positions"][1]["amount"], "100");
    // USDC may rise to $12.
    assert_eq!(
        shown["positions"][1]["liquidation_price_usd"],
        "12.00000000"
    );
    assert_eq!(shown["health_factor"], "12.000000");
    assert_eq!(shown["borrow_limit_usd"], "1125.000000");
    assert_eq!(shown["liquidatable"], false);
    let text = h.ok(&bob, &["obligation", "show"]).await;
    assert!(text.contains("health factor      12.00"), "{text}");
    assert!(
        text.contains("liquidatable if collateral falls 91.66%"),
        "{text}"
    );
    // Anyone may look at anyone's obligation.
    let by_owner = h
        .json(
            &alice,
            &["obligation", "show", "--owner", &bob.key().to_string()],
        )
        .await;
    assert_eq!(by_owner, shown);

    h.ok(&bob, &["withdraw", "SOL", "2.5"]).await;
    assert_eq!(h.balance(&bob.key(), "SOL").await, 2_500_000_000);
    assert_eq!(
        h.obligation(&bob.key()).await.collaterals()[0].deposited_amount,
        7_500_000_000
    );

    h.ok(&bob, &["repay", "USDC", "40"]).await;
    assert_eq!(h.balance(&bob.key(), "USDC").await, 60 * USDC);
    let debt = h.obligation(&bob.key()).await.borrows()[0]
        .debt(index)
        .unwrap();
    assert_eq!(debt, Fixed::from_u64(60 * USDC));
    let out = h.ok(&bob, &["repay", "USDC", "max"]).await;
    assert!(
        out.contains("  - repay 60 USDC, debt fully repaid"),
        "{out}"
    );
    assert_eq!(h.balance(&bob.key(), "USDC").await, 0);
    assert_eq!(h.obligation(&bob.key()).await.borrows().len(), 0);

    h.ok(&bob, &["withdraw", "SOL", "max"]).await;
    assert_eq!(h.balance(&bob.key(), "SOL").await, 10 * SOL);
    assert_eq!(h.obligation(&bob.key()).await.collaterals().len(), 0);
    let text = h.ok(&bob, &["obligation", "show"]).await;
    assert!(
        text.ends_with("status             no debt\n(no positions)\n"),
        "{text}"
    );
}

#[tokio::test]
async fn obligation_create_opens_a_numbered_obligation() {
    let h = Harness::with_market().await;
    let carol = h.user("carol").await;
    h.ok(&carol, &["obligation", "create", "--id", "3"]).await;
    let address = ballast_client::pda::obligation(&h.market.unwrap(), &carol.key(), 3);
    let shown = h
        .json(&carol, &["obligation", "show", &address.to_string()])
        .await;
    assert_eq!(shown["obligation_id"], 3);
    assert_eq!(shown["owner"], carol.key().to_string());
    assert_eq!(shown["positions"], json!([]));
    let again = h
        .fails(&carol, &["obligation", "create", "--id", "3"])
        .await;
    assert_eq!(again, format!("obligation {address} (id 3) already exists"));
}

#[tokio::test]
async fn dry_run_simulates_and_changes_nothing() {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, h.asset_index("USDC"), 10 * USDC).await;
    let out = h.ok(&alice, &["--dry-run", "deposit", "USDC", "2"]).await;
    assert_eq!(
        out,
        "dry run: deposit 2 USDC would succeed (nothing was sent)\n  - deposit 2 USDC for 2 cUSDC\n"
    );
    assert_eq!(h.balance(&alice.key(), "USDC").await, 10 * USDC);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 0);
    assert_eq!(h.reserve("USDC").await.liquidity.available_amount, USDC);

    let report = h.json(&alice, &["deposit", "USDC", "2"]).await;
    assert_eq!(report["action"], "deposit 2 USDC");
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["effects"], json!(["deposit 2 USDC for 2 cUSDC"]));
    let signature: solana_sdk::signature::Signature =
        report["signature"].as_str().unwrap().parse().unwrap();
    assert_ne!(signature, solana_sdk::signature::Signature::default());
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 2 * USDC);
}

#[tokio::test]
async fn anyone_may_repay_and_withdraw_pays_at_least_what_was_asked() {
    let h = Harness::with_market().await;
    let (alice, bob, carol) = (
        h.user("alice").await,
        h.user("bob").await,
        h.user("carol").await,
    );
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    h.give(&carol, h.asset_index("SOL"), 100 * SOL).await;
    // Carol's SOL is lent to Alice, who pledged USDC: a year of interest lifts the cSOL rate.
    h.ok(&carol, &["deposit", "SOL", "100"]).await;
    h.ok(&alice, &["supply", "USDC", "9000"]).await;
    h.ok(&alice, &["borrow", "SOL", "30"]).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.bank.advance_time(365 * 86_400).await.unwrap();
    h.set_price(h.asset_index("USDC"), 100_000_000).await;
    h.set_price(h.asset_index("SOL"), 15_000_000_000).await;

    let rate = h.json(&bob, &["reserve", "show", "SOL"]).await["exchange_rate"].clone();
    assert!(rate.as_str().unwrap() > "1.008", "{rate}");
    h.ok(&bob, &["withdraw", "SOL", "2.5"]).await;
    let received = h.balance(&bob.key(), "SOL").await;
    // cTokens rounded up: at least 2.5 SOL, and less than one more cToken's worth above it.
    assert!(
        (2_500_000_000..=2_500_000_002).contains(&received),
        "{received}"
    );

    // Bob repays part of Alice's debt.
    h.give(&bob, h.asset_index("SOL"), SOL).await;
    let index = h.reserve("SOL").await.liquidity.index();
    let before = h.obligation(&alice.key()).await.borrows()[0]
        .debt(index)
        .unwrap();
    let alice_ob = h.obligation_key(&alice.key()).to_string();
    h.ok(&bob, &["repay", "SOL", "1", "--obligation", &alice_ob])
        .await;
    let after = h.obligation(&alice.key()).await.borrows()[0]
        .debt(index)
        .unwrap();
    assert_eq!(before.checked_sub(after).unwrap(), Fixed::from_u64(SOL));
    assert_eq!(h.balance(&bob.key(), "SOL").await, received);
}

#[tokio::test]
async fn borrow_max_and_withdraw_max_are_what_the_programs_rules_allow() {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;

    // 10 SOL at $150 x 75% = $1,125 of borrowing power; USDC has no borrow fee.
    let out = h.ok(&bob, &["borrow", "USDC", "max"]).await;
    assert!(out.starts_with("borrow 1,125 USDC: done\n"), "{out}");
    assert_eq!(h.balance(&bob.key(), "USDC").await, 1_125 * USDC);
    let err = h.fails(&bob, &["borrow", "USDC", "0.000001"]).await;
    assert_eq!(
        err,
        "transaction failed: ObligationUnhealthy: obligation would be unhealthy: borrowed value \
         would exceed the collateral's borrowing power (error 6502)"
    );
    let err = h.fails(&bob, &["borrow", "USDC", "max"]).await;
    assert_eq!(
        err,
        "nothing of USDC can be borrowed: no liquidity, cap or borrowing power left"
    );

    // At the limit no collateral can go.
    let err = h.fails(&bob, &["withdraw", "SOL", "max"]).await;
    assert_eq!(
        err,
        "nothing of the SOL collateral can be withdrawn: the obligation's debt needs it"
    );
    assert_eq!(
        h.obligation(&bob.key()).await.collaterals()[0].deposited_amount,
        10 * SOL
    );

    // With $750 of debt, $1,000 of SOL must stay: 3.333333333 SOL may go now, a few units less
    // when the next minute's interest is counted (the CLI asks for what holds for a minute).
    h.ok(&bob, &["repay", "USDC", "375"]).await;
    let obligation = h.obligation_key(&bob.key());
    let valued = health::obligation_health(&h.bank, &obligation)
        .await
        .unwrap();
    let expected = valued
        .max_withdraw(&h.reserve_key("SOL"), valued.now)
        .unwrap();
    assert!(
        (3_333_333_000..=3_333_333_333).contains(&expected),
        "{expected}"
    );
    let out = h.ok(&bob, &["withdraw", "SOL", "max"]).await;
    assert!(
        out.starts_with("withdraw the most the debt allows: "),
        "{out}"
    );
    // cSOL is still worth exactly 1 SOL (nothing borrowed from the SOL pool).
    assert_eq!(h.balance(&bob.key(), "SOL").await, expected);
    let after = health::obligation_health(&h.bank, &obligation)
        .await
        .unwrap();
    assert!(after.health.is_within_borrow_limit());
    assert_eq!(
        after.obligation.collaterals()[0].deposited_amount,
        10 * SOL - expected
    );
}

#[tokio::test]
async fn withdrawing_more_than_the_position_is_refused_with_the_most() {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    let obligation = h.obligation_key(&bob.key());

    // Without debt: all 10 SOL, but not 1,000.
    let err = h.fails(&bob, &["withdraw", "SOL", "1000"]).await;
    assert_eq!(
        err,
        format!(
            "insufficient collateral: obligation {obligation} holds 10 SOL of collateral, 1,000 \
             SOL asked; the most that can be withdrawn is 10 SOL"
        )
    );
    let err = h.fails(&bob, &["withdraw", "SOL", "10.000000001"]).await;
    assert!(
        err.ends_with("the most that can be withdrawn is 10 SOL"),
        "{err}"
    );
    assert_eq!(h.balance(&bob.key(), "SOL").await, 0);

    // With debt: what the debt leaves free (cSOL is worth exactly 1 SOL: nobody borrows SOL).
    h.ok(&bob, &["borrow", "USDC", "750"]).await;
    let valued = health::obligation_health(&h.bank, &obligation)
        .await
        .unwrap();
    let most = valued
        .max_withdraw(&h.reserve_key("SOL"), valued.now)
        .unwrap();
    let err = h.fails(&bob, &["withdraw", "SOL", "11"]).await;
    assert_eq!(
        err,
        format!(
            "insufficient collateral: obligation {obligation} holds 10 SOL of collateral, 11 SOL \
             asked; the most that can be withdrawn is {} SOL (its debt needs the rest)",
            ballast_cli::format::units(most, 9)
        )
    );
    assert_eq!(
        h.obligation(&bob.key()).await.collaterals()[0].deposited_amount,
        10 * SOL
    );
    // Exactly the position, without debt, still withdraws it all.
    h.give(&bob, h.asset_index("USDC"), USDC).await;
    h.ok(&bob, &["repay", "USDC", "max"]).await;
    h.ok(&bob, &["withdraw", "SOL", "10"]).await;
    assert_eq!(h.balance(&bob.key(), "SOL").await, 10 * SOL);
}
