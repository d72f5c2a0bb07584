//! A market file applied to the in-process bank: a plan, an apply, a config change, a no-op.
use {
    crate::{cluster, Cluster},
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::state::{EmodeGroupConfig, MarketChange, MarketConfig, PriceSource},
    ballast_client::presets,
    ballast_client::{fetch, pda, Transport},
    ballast_migrations::{plan, MarketFile, Step, Verdict, Who},
    ballast_testkit::pyth::PythPrice,
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
};

/// `key` signs, and may create the market (the test files name no creator).
fn who(key: Pubkey) -> Who {
    Who {
        signer: Some(key),
        create: true,
    }
}

fn file(c: &Cluster, close_factor: u16, usdc_ltv: u16) -> MarketFile {
    file_with(c, close_factor, usdc_ltv, "")
}

/// `file` with more lines in USDC's risk table.
fn file_with(c: &Cluster, close_factor: u16, usdc_ltv: u16, usdc_risk: &str) -> MarketFile {
    MarketFile::parse(&format!(
        r#"
        [market]
        id = 3
        [market.policy]
        close_factor_bps = {close_factor}

        [[reserve]]
        name = "USDC"
        mint = "{}"
        oracle = "{}"
        preset = "stablecoin"
        [reserve.risk]
        loan_to_value_bps = {usdc_ltv}
        deposit_cap = "5_000_000"
        {usdc_risk}

        [[reserve]]
        name = "SOL"
        mint = "{}"
        oracle = "{}"
        preset = "volatile"
        "#,
        c.usdc.0, c.usdc.1, c.sol.0, c.sol.1
    ))
    .unwrap()
}

#[tokio::test]
async fn plans_applies_changes_and_is_idempotent() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);

    // First run: everything is created.
    let first = plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap();
    assert_eq!(first.market, market);
    assert_eq!(first.steps.len(), 3);
    assert!(matches!(first.steps[0], Step::CreateMarket { id: 3, .. }));
    let text = first.render();
    assert!(text.contains("  + create market (id 3, admin "), "{text}");
    assert!(text.contains("      close_factor_bps = 4000"), "{text}");
    assert!(text.contains("  + list USDC: reserve "), "{text}");
    assert!(
        text.contains("      deposit_cap = 5,000,000 USDC\n"),
        "{text}"
    );
    assert!(text.ends_with("3 step(s)"), "{text}");
    let done = first.apply(&c.bank, &c.admin).await.unwrap();
    assert_eq!(done.len(), 3);

    let state = fetch::market(&c.bank, &market).await.unwrap();
    assert_eq!(
        state.config,
        MarketConfig {
            close_factor_bps: 4_000,
            ..MarketConfig::default()
        }
    );
    let usdc = fetch::reserve(&c.bank, &pda::reserve(&market, &c.usdc.0))
        .await
        .unwrap();
    let mut expected = presets::stablecoin();
    expected.loan_to_value_bps = 7_000;
    expected.deposit_cap = 5_000 * 1_000_000_000;
    assert_eq!(usdc.config, expected);
    assert_eq!(usdc.liquidity.available_amount, 1_000_000);
    let sol = fetch::reserve(&c.bank, &pda::reserve(&market, &c.sol.0))
        .await
        .unwrap();
    assert_eq!(sol.config, presets::volatile());

    // Second run: nothing to do.
    let again = plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(
        again.render(),
        format!(
            "plan for market {market}:\n  = market {market}: no change\n  = reserve USDC: no change\n  \
             = reserve SOL: no change\nnothing to do: the cluster matches the file"
        )
    );
    assert!(again.apply(&c.bank, &c.admin).await.unwrap().is_empty());

    // A change: old -> new, then applied, then a no-op again.
    let change = plan(&c.bank, &file(&c, 5_000, 6_500), &who(me))
        .await
        .unwrap();
    let text = change.render();
    assert!(
        text.contains("  ~ market\n      close_factor_bps: 4000 -> 5000"),
        "{text}"
    );
    assert!(
        text.contains("  ~ reserve USDC\n      loan_to_value_bps: 7000 -> 6500"),
        "{text}"
    );
    assert!(text.contains("  = reserve SOL: no change"), "{text}");
    match &change.steps[0] {
        Step::UpdateMarket { changes, .. } => {
            assert_eq!(changes, &vec![MarketChange::CloseFactorBps(5_000)])
        }
        other => panic!("{other:?}"),
    }
    change.apply(&c.bank, &c.admin).await.unwrap();
    let state = fetch::market(&c.bank, &market).await.unwrap();
    assert_eq!(state.config.close_factor_bps, 5_000);
    let usdc = fetch::reserve(&c.bank, &pda::reserve(&market, &c.usdc.0))
        .await
        .unwrap();
    assert_eq!(usdc.config.loan_to_value_bps, 6_500);
    assert!(plan(&c.bank, &file(&c, 5_000, 6_500), &who(me))
        .await
        .unwrap()
        .is_empty());

    // A minimum collateral position, in token units in the file, base units on chain.
    let min = file_with(&c, 5_000, 6_500, r#"min_collateral = "5""#);
    let change = plan(&c.bank, &min, &who(me)).await.unwrap();
    let text = change.render();
    assert!(
        text.contains("  ~ reserve USDC\n      min_collateral: 0 -> 5 USDC\n"),
        "{text}"
    );
    change.apply(&c.bank, &c.admin).await.unwrap();
    let usdc = fetch::reserve(&c.bank, &pda::reserve(&market, &c.usdc.0))
        .await
        .unwrap();
    assert_eq!(usdc.config.min_collateral_amount, 5_000_000);
    assert!(plan(&c.bank, &min, &who(me)).await.unwrap().is_empty());
}

#[tokio::test]
async fn refuses_a_signer_who_is_not_the_admin_and_invalid_configs() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap()
        .apply(&c.bank, &c.admin)
        .await
        .unwrap();
    let stranger = Pubkey::new_unique();
    let mut other = file(&c, 5_000, 7_000);
    other.market.creator = Some(me.to_string());
    let err = plan(&c.bank, &other, &who(stranger)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("these changes must be signed by the market admin {me}, not {stranger}")
    );
    // The program's own rule, before anything is sent.
    let err = plan(&c.bank, &file(&c, 4_000, 9_000), &who(me))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid reserve config: loan_to_value_bps must be below liquidation_threshold_bps"
    );
    let err = plan(&c.bank, &file(&c, 0, 7_000), &who(me))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid market config: close_factor_bps must be 1..=10000"
    );
}

#[test]
fn the_localnet_example_parses_and_names_its_placeholders() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("localnet.toml");
    let file = MarketFile::load(&path).unwrap();
    assert_eq!(file.reserves.len(), 2);
    assert_eq!(file.market.policy.close_factor_bps, Some(5_000));
    let err = file.reserves[0].listing().unwrap_err();
    assert_eq!(
        err.to_string(),
        "market config: reserve USDC: mint: \"REPLACE_WITH_YOUR_6_DECIMAL_TEST_MINT\" is not an address"
    );
}

#[tokio::test]
async fn a_new_oracle_in_the_file_is_planned_and_applied() {
    let mut c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap()
        .apply(&c.bank, &c.admin)
        .await
        .unwrap();
    // SOL's feed moves to a new account (its feed id read from the account, as when listing).
    let (old, new) = (c.sol.1, Pubkey::new_unique());
    let now = c.bank.clock().await.unwrap().unix_timestamp;
    let update = PythPrice::new(new.to_bytes(), 15_000_000_000, -8, now);
    c.bank.set_account(&new, update.account()).await;
    c.sol.1 = new;
    let change = plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap();
    let text = change.render();
    assert!(
        text.contains(&format!(
            "  ~ reserve SOL\n      oracle: pyth-pull:{old} -> pyth-pull:{new}"
        )),
        "{text}"
    );
    assert!(text.contains("  = reserve USDC: no change"), "{text}");
    change.apply(&c.bank, &c.admin).await.unwrap();
    let sol = fetch::reserve(&c.bank, &pda::reserve(&market, &c.sol.0))
        .await
        .unwrap();
    assert_eq!(
        sol.oracles.configured(),
        [PriceSource::pyth_pull(new, new.to_bytes())]
    );
    assert_eq!(sol.oracle_recovered_at, now);
    assert!(plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_lookup_table_in_the_file_is_kept_holding_every_reserve() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    let slot = ballast_client::lookup::recent_slot(&c.bank).await.unwrap();
    let (create, table) = ballast_client::lookup::create(&me, &me, slot);
    c.bank.send(&[create], &[&c.admin]).await.unwrap();
    let mut with_table = file(&c, 4_000, 7_000);
    with_table.market.lookup_table = Some(table.to_string());
    let first = plan(&c.bank, &with_table, &who(me)).await.unwrap();
    // The market, its authority, the event authority, two token programs, 7 per reserve.
    assert!(
        first
            .render()
            .contains(&format!("  + lookup table {table}: 19 account(s) to add")),
        "{}",
        first.render()
    );
    first.apply(&c.bank, &c.admin).await.unwrap();
    let held = ballast_client::lookup::fetch(&c.bank, &table)
        .await
        .unwrap();
    let reserves: Vec<_> = [c.usdc, c.sol]
        .iter()
        .map(|(mint, oracle)| {
            ballast_client::ReserveKeys::new(market, *mint, TOKEN_PROGRAM_ID, *oracle)
        })
        .collect();
    assert_eq!(
        held.addresses,
        ballast_client::lookup::market_addresses(&market, &reserves)
    );
    // Nothing left to add.
    let again = plan(&c.bank, &with_table, &who(me)).await.unwrap();
    assert!(again.is_empty(), "{}", again.render());
    assert!(again
        .render()
        .contains(&format!("  = lookup table {table}: no change")));
}

/// A market with e-mode groups `groups` (TOML `[[emode_group]]` tables) and these lines in
/// USDC's and SOL's risk tables.
fn emode_file(c: &Cluster, groups: &str, usdc_risk: &str, sol_risk: &str) -> MarketFile {
    MarketFile::parse(&format!(
        r#"
        [market]
        id = 3

        {groups}

        [[reserve]]
        name = "USDC"
        mint = "{}"
        oracle = "{}"
        preset = "stablecoin"
        [reserve.risk]
        {usdc_risk}

        [[reserve]]
        name = "SOL"
        mint = "{}"
        oracle = "{}"
        preset = "volatile"
        [reserve.risk]
        {sol_risk}
        "#,
        c.usdc.0, c.usdc.1, c.sol.0, c.sol.1
    ))
    .unwrap()
}

const GROUPS: &str = r#"
        [[emode_group]]
        id = 1
        loan_to_value_bps = 9000
        liquidation_threshold_bps = 9300
        liquidation_bonus_max_bps = 200

        [[emode_group]]
        id = 2
        loan_to_value_bps = 9500
        liquidation_threshold_bps = 9700
        liquidation_bonus_max_bps = 100
        debt_restricted = true
"#;

#[tokio::test]
async fn emode_groups_and_memberships_are_planned_applied_and_idempotent() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    let usdc_risk = "emode_groups = [1, 2]\nemode_debt_groups = [2]";
    let file = emode_file(&c, GROUPS, usdc_risk, "emode_groups = [1]");

    // A new market: the groups are set after it is created, before the reserves that name them.
    let first = plan(&c.bank, &file, &who(me)).await.unwrap();
    let kinds: Vec<String> = first
        .steps
        .iter()
        .map(|s| match s {
            Step::CreateMarket { .. } => "create market".to_string(),
            Step::SetEmodeGroup { id, created, .. } => format!("group {id} {created}"),
            Step::CreateReserve { name, .. } => format!("list {name}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "create market",
            "group 1 true",
            "group 2 true",
            "list USDC",
            "list SOL"
        ]
    );
    let text = first.render();
    assert!(
        text.contains(
            "  + emode group 1\n      loan_to_value_bps = 9000\n      liquidation_threshold_bps = \
             9300\n      liquidation_bonus_max_bps = 200\n      debt_restricted = false\n  + \
             emode group 2\n      loan_to_value_bps = 9500\n      liquidation_threshold_bps = \
             9700\n      liquidation_bonus_max_bps = 100\n      debt_restricted = true\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("      emode_groups = 1,2\n      emode_debt_groups = 2\n"),
        "{text}"
    );
    assert!(!text.contains("  ! "), "{text}");
    assert_eq!(first.apply(&c.bank, &c.admin).await.unwrap().len(), 5);

    let state = fetch::market(&c.bank, &market).await.unwrap();
    let group_1 = EmodeGroupConfig {
        loan_to_value_bps: 9_000,
        liquidation_threshold_bps: 9_300,
        liquidation_bonus_max_bps: 200,
        debt_restricted: 0,
        padding: 0,
    };
    assert_eq!(state.emode_groups[0].config, group_1);
    assert_eq!(
        state.emode_groups[1].config,
        EmodeGroupConfig {
            loan_to_value_bps: 9_500,
            liquidation_threshold_bps: 9_700,
            liquidation_bonus_max_bps: 100,
            debt_restricted: 1,
            padding: 0,
        }
    );
    assert!(state.emode_groups[2..].iter().all(|g| !g.is_configured()));
    let usdc = fetch::reserve(&c.bank, &pda::reserve(&market, &c.usdc.0))
        .await
        .unwrap();
    assert_eq!(
        (usdc.config.emode_groups, usdc.config.emode_debt_groups),
        (0b11, 0b10)
    );
    let sol = fetch::reserve(&c.bank, &pda::reserve(&market, &c.sol.0))
        .await
        .unwrap();
    assert_eq!(
        (sol.config.emode_groups, sol.config.emode_debt_groups),
        (0b01, 0)
    );

    // Again: nothing to do.
    let again = plan(&c.bank, &file, &who(me)).await.unwrap();
    assert!(again.is_empty(), "{}", again.render());
    assert_eq!(
        again.render(),
        format!(
            "plan for market {market}:\n  = market {market}: no change\n  = emode group 1: no \
             change\n  = emode group 2: no change\n  = reserve USDC: no change\n  = reserve SOL: \
             no change\nnothing to do: the cluster matches the file"
        )
    );

    // Lowering group 1's threshold needs a ramp, as a reserve's does: refused before sending.
    let lower = GROUPS.replacen("9300", "9200", 1);
    let err = plan(
        &c.bank,
        &emode_file(&c, &lower, usdc_risk, "emode_groups = [1]"),
        &who(me),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "market config: emode_group 1: lowering liquidation_threshold_bps to 9200 needs \
         threshold_ramp_secs of at least 3600"
    );
    // With one, and SOL leaving group 1 for group 5, which nobody configured.
    let ramped = lower.replacen(
        "liquidation_bonus_max_bps = 200",
        "liquidation_bonus_max_bps = 200\n        threshold_ramp_secs = 86400",
        1,
    );
    let file = emode_file(&c, &ramped, usdc_risk, "emode_groups = [5]");
    let change = plan(&c.bank, &file, &who(me)).await.unwrap();
    let text = change.render();
    assert!(
        text.contains(
            "  ~ emode group 1\n      liquidation_threshold_bps: 9300 -> 9200 (ramping down \
             over 86400 s)\n  ~ reserve SOL\n      emode_groups: 1 -> 5\n  = "
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  warning: reserve SOL: e-mode group(s) 5 not configured (on chain or in the file)"
        ),
        "{text}"
    );
    match &change.steps[0] {
        Step::SetEmodeGroup { change, .. } => assert_eq!(
            *change,
            MarketChange::EmodeGroup {
                id: 1,
                config: EmodeGroupConfig {
                    liquidation_threshold_bps: 9_200,
                    ..group_1
                },
                ramp_secs: 86_400
            }
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(change.steps.len(), 2);
    change.apply(&c.bank, &c.admin).await.unwrap();
    let group = fetch::market(&c.bank, &market).await.unwrap().emode_groups[0];
    assert_eq!(group.config.liquidation_threshold_bps, 9_200);
    assert_eq!(
        (
            group.threshold_ramp.from_bps,
            group.threshold_ramp.end - group.threshold_ramp.start
        ),
        (9_300, 86_400)
    );
    let sol = fetch::reserve(&c.bank, &pda::reserve(&market, &c.sol.0))
        .await
        .unwrap();
    assert_eq!(sol.config.emode_groups, 0b1_0000);
    // Idempotent while the ramp runs; the warning stays until group 5 exists.
    let again = plan(&c.bank, &file, &who(me)).await.unwrap();
    assert!(again.is_empty(), "{}", again.render());

    // The program's rules for a group, in its words, before anything is sent.
    let bad = GROUPS.replacen(
        "liquidation_bonus_max_bps = 200",
        "liquidation_bonus_max_bps = 800",
        1,
    );
    let err = plan(&c.bank, &emode_file(&c, &bad, usdc_risk, ""), &who(me))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid e-mode group 1: a group's liquidation_threshold x (1 + max bonus) must be at \
         most 100%"
    );
}

#[tokio::test]
async fn plans_show_token_amounts_in_tokens_like_the_file() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    let first = plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap();
    let usdc = ballast_client::ReserveKeys::new(market, c.usdc.0, TOKEN_PROGRAM_ID, c.usdc.1);
    let text = first.render();
    assert!(
        text.contains(&format!(
            "  + list USDC: reserve {}, mint {}, oracle pyth-pull:{}, seed 1 USDC\n",
            usdc.address, c.usdc.0, c.usdc.1
        )),
        "{text}"
    );
    assert!(
        text.contains("      deposit_cap = 5,000,000 USDC\n      borrow_cap = unlimited\n"),
        "{text}"
    );
    first.apply(&c.bank, &c.admin).await.unwrap();

    let capped = file_with(&c, 4_000, 7_000, r#"borrow_cap = "1_000_000""#);
    let change = plan(&c.bank, &capped, &who(me)).await.unwrap();
    assert_eq!(
        change.render(),
        format!(
            "plan for market {market}:\n  ~ reserve USDC\n      borrow_cap: unlimited -> \
             1,000,000 USDC\n  = market {market}: no change\n  = reserve SOL: no change\n1 \
             step(s)"
        )
    );
    change.apply(&c.bank, &c.admin).await.unwrap();
    let raised = file_with(&c, 4_000, 7_000, r#"borrow_cap = "2_000_000.5""#);
    let change = plan(&c.bank, &raised, &who(me)).await.unwrap();
    assert!(
        change
            .render()
            .contains("  ~ reserve USDC\n      borrow_cap: 1,000,000 -> 2,000,000.5 USDC\n"),
        "{}",
        change.render()
    );
}

#[tokio::test]
async fn the_file_names_its_market_and_a_stranger_creates_no_second_one() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap()
        .apply(&c.bank, &c.admin)
        .await
        .unwrap();
    let stranger = Pubkey::new_unique();
    let theirs = pda::market(&stranger, 3);

    // No creator, no address: the signer's market, which a stranger does not have.
    let unpinned = file(&c, 4_000, 7_000);
    let only = |create| Who {
        signer: Some(stranger),
        create,
    };
    let err = plan(&c.bank, &unpinned, &only(false)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "market {theirs} (creator {stranger}, id 3) does not exist, and the file names \
             neither market.creator nor market.address: pass --create to create it, or name the \
             market in the file"
        )
    );
    // Unless asked for.
    let second = plan(&c.bank, &unpinned, &only(true)).await.unwrap();
    assert_eq!((second.market, second.signer), (theirs, stranger));
    assert!(matches!(second.steps[0], Step::CreateMarket { id: 3, .. }));

    // Named by its creator: the stranger sees this market (nothing to do, nothing to sign).
    let mut pinned = file(&c, 4_000, 7_000);
    pinned.market.creator = Some(me.to_string());
    let same = plan(&c.bank, &pinned, &only(false)).await.unwrap();
    assert_eq!((same.market, same.verdict()), (market, Verdict::Matches));

    // Named by its address: no signer needed, the chain's admin signs.
    let mut by_address = file(&c, 5_000, 7_000);
    by_address.market.address = Some(market.to_string());
    let change = plan(&c.bank, &by_address, &Who::default()).await.unwrap();
    assert_eq!((change.market, change.signer), (market, me));
    assert!(matches!(change.steps[..], [Step::UpdateMarket { .. }]));
    by_address.market.creator = Some(stranger.to_string());
    let err = plan(&c.bank, &by_address, &Who::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "market config: market.address {market} is not the market of market.creator \
             {stranger} with id 3 (that is {theirs})"
        )
    );
    let nowhere = Pubkey::new_unique();
    by_address.market.creator = None;
    by_address.market.address = Some(nowhere.to_string());
    let err = plan(&c.bank, &by_address, &Who::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "market {nowhere} (market.address) does not exist: name its creator \
             (market.creator) to create it"
        )
    );

    // A named creator's new market needs no --create, and only its creator creates it.
    pinned.market.id = 4;
    let new = plan(&c.bank, &pinned, &Who::default()).await.unwrap();
    assert_eq!((new.market, new.signer), (pda::market(&me, 4), me));
    assert!(matches!(new.steps[0], Step::CreateMarket { id: 4, .. }));
    let err = plan(&c.bank, &pinned, &only(false)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "market {} does not exist yet: only its creator {me} can create it",
            pda::market(&me, 4)
        )
    );
}

#[tokio::test]
async fn a_difference_it_cannot_apply_is_not_a_match() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let market = pda::market(&me, 3);
    plan(&c.bank, &file(&c, 4_000, 7_000), &who(me))
        .await
        .unwrap()
        .apply(&c.bank, &c.admin)
        .await
        .unwrap();
    let next = Keypair::new();
    let to = next.pubkey();
    let mut handover = file(&c, 4_000, 7_000);
    handover.market.creator = Some(me.to_string());
    handover.market.admin = Some(to.to_string());
    let pending = format!("  ! admin: {me} -> {to}: the new admin must accept (accept_admin)");
    let propose = plan(&c.bank, &handover, &who(me)).await.unwrap();
    assert_eq!(
        propose.render(),
        format!(
            "plan for market {market}:\n  ~ market admin\n      admin: {me} -> {to} (the new \
             admin must accept)\n  = market {market}: no change\n  = reserve USDC: no change\n  = \
             reserve SOL: no change\n{pending}\n1 step(s), after which the cluster still differs \
             from the file: 1 difference(s) it cannot apply (!)"
        )
    );
    assert_eq!(propose.verdict(), Verdict::Differs);
    propose.apply(&c.bank, &c.admin).await.unwrap();

    // Proposed: nothing left to send, and still no match until the new admin accepts.
    let waiting = plan(&c.bank, &handover, &who(me)).await.unwrap();
    assert!(waiting.is_empty());
    assert_eq!(waiting.verdict(), Verdict::Differs);
    assert_eq!(
        waiting.render(),
        format!(
            "plan for market {market}:\n  = market {market}: no change\n  = reserve USDC: no \
             change\n  = reserve SOL: no change\n{pending}\nnothing to do, but the cluster \
             differs from the file: 1 difference(s) it cannot apply (!)"
        )
    );
    let accept = ballast_client::instructions::accept_admin(&to, &market);
    c.bank.send(&[accept], &[&c.admin, &next]).await.unwrap();
    let done = plan(&c.bank, &handover, &Who::default()).await.unwrap();
    assert_eq!((done.signer, done.verdict()), (to, Verdict::Matches));
    assert!(done
        .render()
        .ends_with("\nnothing to do: the cluster matches the file"));
}
