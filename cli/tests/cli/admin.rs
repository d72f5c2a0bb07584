//! `ballast market ...` and `ballast reserve ...`
use {
    crate::harness::{Harness, SOL, USDC},
    ballast::state::{MarketChange, MarketConfig},
    ballast_client::pda,
    ballast_client::presets,
    base64::Engine,
    solana_sdk::{message::Message, pubkey::Pubkey},
};

#[tokio::test]
async fn market_create_show_update_pause() {
    let mut h = Harness::new().await;
    let out = h
        .ok(
            &h.admin,
            &["market", "create", "--close-factor-bps", "4000"],
        )
        .await;
    let market = pda::market(&h.admin.key(), 0);
    assert!(
        out.starts_with(&format!("create market {market}: done")),
        "{out}"
    );
    h.market = Some(market);
    let state = h.market_state().await;
    assert_eq!(state.admin, h.admin.key());
    assert_eq!(
        state.config,
        MarketConfig {
            close_factor_bps: 4_000,
            ..MarketConfig::default()
        }
    );
    let again = h.fails(&h.admin, &["market", "create"]).await;
    assert_eq!(
        again,
        format!(
            "market {market} (creator {}, id 0) already exists",
            h.admin.key()
        )
    );

    let shown = h.json(&h.admin, &["market", "show"]).await;
    assert_eq!(shown["admin"], h.admin.key().to_string());
    assert_eq!(shown["config"]["close_factor_bps"], 4_000);
    assert_eq!(shown["paused"], false);
    assert_eq!(shown["reserves"], serde_json::json!([]));
    let text = h.ok(&h.admin, &["market", "show"]).await;
    assert!(
        text.contains("close factor                   40.00%"),
        "{text}"
    );

    let guardian = Pubkey::new_unique();
    let out = h
        .ok(
            &h.admin,
            &[
                "market",
                "update",
                "--close-factor-bps",
                "5000",
                "--oracle-grace-period-secs",
                "600",
                "--emergency-authority",
                &guardian.to_string(),
            ],
        )
        .await;
    assert_eq!(out.matches("\n  - market ").count(), 3, "{out}");
    let state = h.market_state().await;
    assert_eq!(
        (
            state.config.close_factor_bps,
            state.config.oracle_grace_period_secs
        ),
        (5_000, 600)
    );
    assert_eq!(state.emergency_authority, guardian);
    let out = h
        .ok(
            &h.admin,
            &["market", "update", "--close-factor-bps", "5000"],
        )
        .await;
    assert_eq!(out, "update market: nothing to change\n");

    h.ok(&h.admin, &["market", "pause"]).await;
    assert!(h.market_state().await.is_paused());
    h.ok(&h.admin, &["market", "unpause"]).await;
    assert!(!h.market_state().await.is_paused());
}

#[tokio::test]
async fn admin_commands_print_the_unsigned_message_for_a_multisig() {
    let h = Harness::with_market().await;
    let multisig = Pubkey::new_unique();
    let before = h.market_state().await;
    let out = h
        .json(
            &h.admin,
            &[
                "market",
                "update",
                "--close-factor-bps",
                "3000",
                "--print-message",
                "--authority",
                &multisig.to_string(),
            ],
        )
        .await;
    // Nothing was sent.
    assert_eq!(h.market_state().await.config, before.config);
    assert_eq!(out["authority"], multisig.to_string());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["message"].as_str().unwrap())
        .unwrap();
    let message: Message = bincode::deserialize(&bytes).unwrap();
    assert_eq!(message.header.num_required_signatures, 1);
    assert_eq!(message.account_keys[0], multisig);
    assert_eq!(message.instructions.len(), 1);
    assert_eq!(
        message.account_keys[message.instructions[0].program_id_index as usize],
        ballast::ID
    );
    let expected = ballast_client::instructions::update_market(
        &multisig,
        &h.market.unwrap(),
        MarketChange::CloseFactorBps(3_000),
    );
    assert_eq!(message.instructions[0].data, expected.data);
    assert_eq!(
        out["instructions"][0]["accounts"][0]["pubkey"],
        multisig.to_string()
    );
    assert_eq!(out["instructions"][0]["accounts"][0]["is_signer"], true);
}

#[tokio::test]
async fn reserve_add_show_update() {
    let h = Harness::with_market().await;
    let usdc = h.reserve("USDC").await;
    assert_eq!(usdc.config, presets::stablecoin());
    assert_eq!(usdc.liquidity.available_amount, USDC);
    assert_eq!(usdc.oracle.account, h.assets[0].oracle);
    assert_eq!(usdc.oracle.feed_id, h.assets[0].oracle.to_bytes());
    // The seed left the admin's wallet.
    assert_eq!(h.balance(&h.admin.key(), "USDC").await, 0);
    assert_eq!(h.reserve("SOL").await.config, presets::volatile());

    let all = h.json(&h.admin, &["reserve", "show"]).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let sol = h.json(&h.admin, &["reserve", "show", "SOL"]).await;
    assert_eq!(sol["price_usd"], "150.00000000");
    assert_eq!(sol["supplied"], "1");
    assert_eq!(sol["config"]["loan_to_value_bps"], 7_500);
    // By reserve address and by mint address alike.
    let by_key = h
        .json(
            &h.admin,
            &["reserve", "show", &h.reserve_key("SOL").to_string()],
        )
        .await;
    let by_mint = h
        .json(
            &h.admin,
            &["reserve", "show", &h.assets[1].mint.to_string()],
        )
        .await;
    assert_eq!(by_key, sol);
    assert_eq!(by_mint, sol);

    let out = h
        .ok(
            &h.admin,
            &[
                "reserve",
                "update",
                "SOL",
                "--loan-to-value-bps",
                "6500",
                "--liquidation-threshold-bps",
                "7000",
                "--threshold-ramp-secs",
                "86400",
                "--borrow-cap",
                "250.5",
                "--rate-curve",
                "0:100,5000:600,10000:9000",
            ],
        )
        .await;
    assert_eq!(out.matches("\n  - reserve SOL: ").count(), 3, "{out}");
    let config = h.reserve("SOL").await.config;
    assert_eq!(
        (config.loan_to_value_bps, config.liquidation_threshold_bps),
        (6_500, 7_000)
    );
    assert_eq!(config.borrow_cap, 250 * SOL + SOL / 2);
    assert_eq!(config.rate_curve.used().len(), 3);
    // The threshold ramps down from 80% over the day asked; the config holds its target.
    let shown = h.ok(&h.admin, &["reserve", "show", "SOL"]).await;
    assert!(shown.contains("now, ramping down to 70"), "{shown}");
    let err = h
        .fails(
            &h.admin,
            &[
                "reserve",
                "update",
                "SOL",
                "--liquidation-threshold-bps",
                "6900",
            ],
        )
        .await;
    assert!(err.contains("ThresholdLoweringTooFast"), "{err}");
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--borrow-cap", "250.5"],
        )
        .await;
    assert_eq!(out, "update reserve SOL: nothing to change\n");
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--isolated", "true"],
        )
        .await;
    assert_eq!(out.matches("\n  - reserve SOL: ").count(), 1, "{out}");
    assert_eq!(h.reserve("SOL").await.config.isolated, 1);
    let shown = h.ok(&h.admin, &["reserve", "show", "SOL"]).await;
    assert!(
        shown.contains("borrowed only as an obligation's only debt"),
        "{shown}"
    );
    let reset = [
        "reserve",
        "update",
        "SOL",
        "--isolated",
        "false",
        "--min-debt-usd",
        "10",
    ];
    h.ok(&h.admin, &reset).await;
    assert_eq!(h.reserve("SOL").await.config.min_debt_usd, 10);
    let shown = h.ok(&h.admin, &["reserve", "show", "SOL"]).await;
    assert!(shown.contains("$10"), "{shown}");
    h.ok(
        &h.admin,
        &["reserve", "update", "SOL", "--min-debt-usd", "0"],
    )
    .await;
    assert_eq!(h.reserve("SOL").await.config, config);

    // A config the program would refuse is refused before sending, with the rule.
    let err = h
        .fails(
            &h.admin,
            &["reserve", "update", "SOL", "--loan-to-value-bps", "7000"],
        )
        .await;
    assert_eq!(
        err,
        "invalid reserve config: loan_to_value_bps must be below liquidation_threshold_bps"
    );
    assert_eq!(h.reserve("SOL").await.config, config);
}

#[tokio::test]
async fn only_the_admin_may_update() {
    let h = Harness::with_market().await;
    let mallory = h.user("mallory").await;
    let err = h
        .fails(&mallory, &["market", "update", "--close-factor-bps", "100"])
        .await;
    assert_eq!(
        err,
        "transaction failed: NotMarketAdmin: signer is not the market admin (error 6100)"
    );
    assert_eq!(h.market_state().await.config, MarketConfig::default());
}

/// The two-step handover: only the admin proposes, only the proposed key accepts.
#[tokio::test]
async fn market_transfer_admin_and_accept_admin() {
    let h = Harness::with_market().await;
    let (alice, mallory) = (h.user("alice").await, h.user("mallory").await);
    let market = h.market.unwrap();
    let err = h.fails(&alice, &["market", "accept-admin"]).await;
    assert_eq!(
        err,
        format!(
            "market {market} has no pending admin: its admin proposes one with `market \
             transfer-admin`"
        )
    );
    let err = h
        .fails(
            &mallory,
            &["market", "transfer-admin", &mallory.key().to_string()],
        )
        .await;
    assert_eq!(
        err,
        format!(
            "{} is not the admin of market {market} (its admin is {})",
            mallory.key(),
            h.admin.key()
        )
    );
    let alice_key = alice.key().to_string();
    h.ok(&h.admin, &["market", "transfer-admin", &alice_key])
        .await;
    assert_eq!(h.market_state().await.pending_admin, alice.key());
    let err = h.fails(&mallory, &["market", "accept-admin"]).await;
    assert_eq!(
        err,
        format!(
            "{} is not the proposed admin of market {market} (the proposal is for {})",
            mallory.key(),
            alice.key()
        )
    );
    assert_eq!(h.market_state().await.admin, h.admin.key());
    h.ok(&alice, &["market", "accept-admin"]).await;
    let state = h.market_state().await;
    assert_eq!(
        (state.admin, state.pending_admin),
        (alice.key(), Pubkey::default())
    );
    // The old admin no longer is one.
    let err = h
        .fails(
            &h.admin,
            &["market", "transfer-admin", &h.admin.key().to_string()],
        )
        .await;
    assert!(err.contains("is not the admin of market"), "{err}");
}

#[tokio::test]
async fn reserve_update_points_a_reserve_at_a_new_oracle() {
    let mut h = Harness::with_market().await;
    let sol = h.asset_index("SOL");
    let old = h.assets[sol].oracle;
    let new = Pubkey::new_unique();
    // A stale new account is refused by the program; nothing changes.
    h.assets[sol].oracle = new;
    h.set_price_aged(sol, 15_000_000_000, 61).await;
    let err = h
        .fails(
            &h.admin,
            &["reserve", "update", "SOL", "--oracle", &new.to_string()],
        )
        .await;
    assert_eq!(
        err,
        "transaction failed: OraclePriceStale: oracle price is older than the reserve's max age \
         (error 6305)"
    );
    assert_eq!(h.reserve("SOL").await.oracle.account, old);
    // A live one: the feed id comes from the account.
    h.set_price(sol, 15_000_000_000).await;
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--oracle", &new.to_string()],
        )
        .await;
    assert!(out.starts_with("update reserve SOL: done\n"), "{out}");
    let r = h.reserve("SOL").await;
    assert_eq!((r.oracle.account, r.oracle.feed_id), (new, new.to_bytes()));
    // The same oracle again: nothing to change.
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--oracle", &new.to_string()],
        )
        .await;
    assert_eq!(out, "update reserve SOL: nothing to change\n");
}
