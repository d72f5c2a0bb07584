//! `ballast market ...` and `ballast reserve ...`
use {
    crate::harness::{Harness, SOL, USDC},
    ballast::state::{MarketChange, MarketConfig, PriceSource},
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
    let oracle = h.assets[0].oracle;
    assert_eq!(
        usdc.oracles.configured(),
        [PriceSource::pyth_pull(oracle, oracle.to_bytes())]
    );
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
    assert_eq!(h.reserve("SOL").await.oracles.primary().account, old);
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
    assert_eq!(
        r.oracles.configured(),
        [PriceSource::pyth_pull(new, new.to_bytes())]
    );
    // The same oracle again: nothing to change.
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--oracle", &new.to_string()],
        )
        .await;
    assert_eq!(out, "update reserve SOL: nothing to change\n");
}

/// USDC with the stablecoin preset, priced by a pull oracle whose feed id is all ones.
fn usdc_before() -> (ballast::state::ReserveConfig, ballast::state::OracleSources) {
    let source = PriceSource::pyth_pull(Pubkey::new_from_array([1; 32]), [1; 32]);
    let oracles = ballast::state::OracleSources::new(&[source], 0).unwrap();
    (presets::stablecoin(), oracles)
}

#[test]
fn every_reserve_change_reads_field_old_new_in_token_units() {
    use ballast::{math::RateCurve, state::PriceRate, state::ReserveChange as C};
    let (config, oracle) = usdc_before();
    let usdc = ballast_cli::effects::AssetInfo {
        reserve: Pubkey::new_unique(),
        symbol: "USDC".into(),
        decimals: 6,
    };
    let new_oracle = Pubkey::new_from_array([2; 32]);
    let cases = [
        (
            C::LoanToValue {
                loan_to_value_bps: 7_000,
                liquidation_threshold_bps: 7_500,
                ramp_secs: 86_400,
            },
            "loan to value: 80.00% -> 70.00%, liquidation threshold: 85.00% -> 75.00% \
             (ramping down over 86,400 s)"
                .to_string(),
        ),
        (
            C::LiquidationBonus {
                min_bps: 200,
                max_bps: 800,
            },
            "max liquidation bonus: 5.00% -> 8.00%".into(),
        ),
        (
            C::ProtocolLiquidationFeeBps(2_000),
            "protocol liquidation fee: 10.00% -> 20.00%".into(),
        ),
        (C::BorrowFeeBps(10), "borrow fee: 0.00% -> 0.10%".into()),
        (
            C::ProtocolTakeRateBps(1_500),
            "protocol take rate: 10.00% -> 15.00%".into(),
        ),
        (
            C::BorrowFactorBps(12_000),
            "borrow factor: x1.00 -> x1.20".into(),
        ),
        (
            C::DepositCap(5 * USDC),
            "deposit cap: unlimited -> 5 USDC".into(),
        ),
        (C::BorrowCap(0), "borrow cap: unlimited -> 0 USDC".into()),
        (
            C::OracleLimits {
                max_age_secs: 120,
                max_confidence_bps: 200,
            },
            "oracle max age: 60 s -> 120 s".into(),
        ),
        (
            C::RateCurve(RateCurve::new(&[(0, 100), (10_000, 2_000)]).unwrap()),
            "rate curve: 0:0,8000:800,10000:5000 -> 0:100,10000:2000".into(),
        ),
        (
            C::OutflowLimit {
                limit: 1_000 * USDC,
                window_secs: 3_600,
            },
            "outflow limit: unlimited -> 1,000 USDC, outflow window: 86,400 s -> 3,600 s".into(),
        ),
        (
            C::FlashLoans {
                enabled: false,
                fee_bps: 9,
            },
            "flash loans: yes -> no".into(),
        ),
        (
            C::MinCollateralAmount(USDC / 2),
            "min collateral: 0 USDC -> 0.5 USDC".into(),
        ),
        (C::Isolated(true), "isolated: no -> yes".into()),
        (C::MinDebtUsd(25), "min debt: none -> $25.00".into()),
        (
            C::UsdCaps {
                collateral_usd: 5_000_000,
                borrow_usd: 0,
            },
            "collateral cap (USD): none -> $5,000,000.00".into(),
        ),
        (
            C::EmodeGroups {
                member: 0b11,
                debt: 0b10,
            },
            "e-mode groups: none -> 1,2, e-mode debt groups: none -> 2".into(),
        ),
        (
            C::OracleSources {
                sources: vec![
                    PriceSource::pyth_legacy(new_oracle)
                        .at_rate(PriceRate::SplStakePool, new_oracle),
                    PriceSource::fixed(100_000_000),
                ],
                max_divergence_bps: 150,
            },
            format!(
                "price sources: pyth-pull:{} -> pyth-legacy:{new_oracle} x stake-pool:{new_oracle}, \
                 fixed:$1 (admin-set), max divergence: unchecked -> 1.50%",
                oracle.primary().account,
            ),
        ),
    ];
    for (change, expected) in cases {
        let said = ballast_cli::changes::reserve_change(&change, Some((&config, &oracle)), &usdc);
        assert_eq!(said, expected, "{change:?}");
    }
    // Without the state before (a transaction the CLI did not build): the new values.
    assert_eq!(
        ballast_cli::changes::reserve_change(&C::DepositCap(u64::MAX), None, &usdc),
        "deposit cap: unlimited"
    );
}

#[test]
fn every_market_change_reads_field_old_new() {
    use ballast::state::{Market, MarketChange as C};
    let mut market: Market = bytemuck::Zeroable::zeroed();
    market.config = MarketConfig::default();
    let guardian = Pubkey::new_from_array([3; 32]);
    let group = presets::correlated_group();
    let cases = [
        (
            C::CloseFactorBps(4_000),
            "close factor: 50.00% -> 40.00%".to_string(),
        ),
        (
            C::FullLiquidationHealthBps(8_000),
            "full liquidation below health: 90.00% -> 80.00%".into(),
        ),
        (
            C::LiquidationDustUsd(5),
            "liquidation dust: $1.00 -> $5.00".into(),
        ),
        (
            C::OracleOutageThresholdSecs(0),
            "oracle outage threshold: 600 s -> off".into(),
        ),
        (
            C::OracleGracePeriodSecs(600),
            "oracle grace period: 900 s -> 600 s".into(),
        ),
        (
            C::EmergencyAuthority(guardian),
            format!("emergency authority: none -> {guardian}"),
        ),
        (
            C::EmodeGroup {
                id: 1,
                config: group,
                ramp_secs: 0,
            },
            "e-mode group 1 (new): loan to value: 90.00%, liquidation threshold: 93.00%, max \
             liquidation bonus: 2.00%, debt restricted: no"
                .into(),
        ),
    ];
    for (change, expected) in cases {
        let said = ballast_cli::changes::market_change(&change, Some(&market));
        assert_eq!(said, expected, "{change:?}");
    }
    // A configured group: what changes, and the ramp a lowering takes.
    market.emode_groups[0].config = group;
    let lower = C::EmodeGroup {
        id: 1,
        config: ballast::state::EmodeGroupConfig {
            liquidation_threshold_bps: 9_200,
            ..group
        },
        ramp_secs: 86_400,
    };
    assert_eq!(
        ballast_cli::changes::market_change(&lower, Some(&market)),
        "e-mode group 1: liquidation threshold: 93.00% -> 92.00% (ramping down over 86,400 s)"
    );
}

#[tokio::test]
async fn updates_print_each_field_old_to_new_and_warn_of_caps_below_holdings() {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 100 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "100"]).await;
    h.give(&bob, h.asset_index("SOL"), SOL).await;
    h.ok(&bob, &["supply", "SOL", "1"]).await;
    h.ok(&bob, &["borrow", "USDC", "50"]).await;

    let update = [
        "reserve",
        "update",
        "USDC",
        "--loan-to-value-bps",
        "7000",
        "--deposit-cap",
        "5",
        "--borrow-cap",
        "10",
        "--flash-loans",
        "false",
    ];
    let out = h.ok(&h.admin, &update).await;
    let (body, _signature) = out.split_once("\nsignature ").unwrap();
    assert_eq!(
        body,
        "update reserve USDC: done\n  \
         - reserve USDC: loan to value: 80.00% -> 70.00%\n  \
         - reserve USDC: deposit cap: unlimited -> 5 USDC\n  \
         - reserve USDC: borrow cap: unlimited -> 10 USDC\n  \
         - reserve USDC: flash loans: yes -> no\n\
         warning: the deposit cap 5 USDC is below the 101 USDC supplied: deposits are refused \
         until the supply falls under it\n\
         warning: the borrow cap 10 USDC is below the 50 USDC borrowed: borrows are refused until \
         the debt falls under it"
    );
    assert_eq!(h.reserve("USDC").await.config.deposit_cap, 5 * USDC);
    // A cap above what is held: no warning; JSON carries the warnings only when there are some.
    let json = h
        .json(
            &h.admin,
            &["reserve", "update", "USDC", "--deposit-cap", "1000"],
        )
        .await;
    assert_eq!(
        json["effects"],
        serde_json::json!(["reserve USDC: deposit cap: 5 USDC -> 1,000 USDC"])
    );
    assert_eq!(json.get("warnings"), None);
    let json = h
        .json(
            &h.admin,
            &[
                "reserve",
                "update",
                "USDC",
                "--borrow-cap",
                "0",
                "--dry-run",
            ],
        )
        .await;
    assert_eq!(
        json["warnings"],
        serde_json::json!([
            "the borrow cap 0 USDC is below the 50 USDC borrowed: borrows are \
                            refused until the debt falls under it"
        ])
    );

    let market = h.market.unwrap();
    let guardian = Pubkey::new_unique();
    let out = h
        .ok(
            &h.admin,
            &[
                "market",
                "update",
                "--close-factor-bps",
                "4000",
                "--emergency-authority",
                &guardian.to_string(),
            ],
        )
        .await;
    let (body, _signature) = out.split_once("\nsignature ").unwrap();
    assert_eq!(
        body,
        format!(
            "update market: done\n  \
             - market {market}: close factor: 50.00% -> 40.00%\n  \
             - market {market}: emergency authority: none -> {guardian}"
        )
    );
}
