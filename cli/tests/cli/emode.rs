//! E-mode: `ballast market emode-group`, `reserve update --emode-groups`, `obligation emode`,
//! and what `market show`, `reserve show` and `obligation show` say about them.
use {
    crate::harness::{Harness, User, SOL, USDC},
    ballast::{
        constants::MAX_EMODE_GROUPS,
        state::{EmodeGroup, EmodeGroupConfig},
    },
    serde_json::json,
};

/// Group 1 as the tests configure it: 90% / 93%, bonus up to 2%, any member lent.
const GROUP_1: EmodeGroupConfig = ballast_client::presets::correlated_group();

pub(crate) const SET_GROUP_1: [&str; 9] = [
    "market",
    "emode-group",
    "1",
    "--loan-to-value-bps",
    "9000",
    "--liquidation-threshold-bps",
    "9300",
    "--liquidation-bonus-max-bps",
    "200",
];

/// Alice lends 10,000 USDC; Bob pledges 10 SOL ($1,500: a borrow limit of $1,125 at 75%, of
/// $1,350 at group 1's 90%) and owes 1,000 USDC.
async fn bob_owes_1000(h: &Harness) -> User {
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "1000"]).await;
    bob
}

/// The line of `text` that starts with `start`: a label of `pairs`, or a table row's start.
fn line<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{text}"))
}

#[tokio::test]
async fn an_emode_group_is_configured_and_shown_with_its_members() {
    let h = Harness::with_market().await;
    let market = h.market.unwrap();
    let out = h.ok(&h.admin, &SET_GROUP_1).await;
    assert!(
        out.starts_with(&format!(
            "set e-mode group 1: done\n  - market {market}: e-mode group 1 (new): loan to \
             value: 90.00%, liquidation threshold: 93.00%, max liquidation bonus: 2.00%, debt \
             restricted: no\nsignature "
        )),
        "{out}"
    );
    let groups = h.market_state().await.emode_groups;
    assert_eq!(groups[0].config, GROUP_1);
    assert!(groups[1..].iter().all(|g| *g == EmodeGroup::default()));
    // The same again: nothing is sent.
    let out = h.ok(&h.admin, &SET_GROUP_1).await;
    assert_eq!(out, "set e-mode group 1: nothing to change\n");

    // Group 2 lends only its listed debt; USDC is its debt, SOL a member of both.
    h.ok(
        &h.admin,
        &[
            "market",
            "emode-group",
            "2",
            "--loan-to-value-bps",
            "9500",
            "--liquidation-threshold-bps",
            "9700",
            "--liquidation-bonus-max-bps",
            "100",
            "--debt-restricted",
            "true",
        ],
    )
    .await;
    h.ok(
        &h.admin,
        &["reserve", "update", "SOL", "--emode-groups", "1,2"],
    )
    .await;
    h.ok(
        &h.admin,
        &[
            "reserve",
            "update",
            "USDC",
            "--emode-groups",
            "2",
            "--emode-debt-groups",
            "2",
        ],
    )
    .await;

    let shown = h.json(&h.admin, &["market", "show"]).await;
    assert_eq!(
        shown["emode_groups"],
        json!([
            {
                "id": 1,
                "loan_to_value_bps": 9000,
                "liquidation_threshold_bps": 9300,
                "liquidation_threshold_now_bps": 9300,
                "threshold_ramp_end": null,
                "liquidation_bonus_max_bps": 200,
                "debt_restricted": false,
                "members": ["SOL"],
                "debt_reserves": [],
            },
            {
                "id": 2,
                "loan_to_value_bps": 9500,
                "liquidation_threshold_bps": 9700,
                "liquidation_threshold_now_bps": 9700,
                "threshold_ramp_end": null,
                "liquidation_bonus_max_bps": 100,
                "debt_restricted": true,
                "members": ["SOL", "USDC"],
                "debt_reserves": ["USDC"],
            },
        ])
    );
    let text = h.ok(&h.admin, &["market", "show"]).await;
    let cells = |row: &str| -> Vec<String> {
        row.trim_matches('│')
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    assert_eq!(
        cells(line(&text, "│ e-mode group")),
        [
            "e-mode group",
            "LTV",
            "liq. at",
            "max bonus",
            "debt restricted",
            "members",
            "debt reserves"
        ]
    );
    assert_eq!(
        cells(line(&text, "│ 1 ")),
        ["1", "90.00%", "93.00%", "2.00%", "no", "SOL", "-"]
    );
    assert_eq!(
        cells(line(&text, "│ 2 ")),
        ["2", "95.00%", "97.00%", "1.00%", "yes", "SOL, USDC", "USDC"]
    );

    // Fields not given keep their value; a lower threshold needs a ramp of an hour or more.
    h.ok(
        &h.admin,
        &["market", "emode-group", "1", "--loan-to-value-bps", "8800"],
    )
    .await;
    let group = h.market_state().await.emode_groups[0];
    assert_eq!(
        group.config,
        EmodeGroupConfig {
            loan_to_value_bps: 8_800,
            ..GROUP_1
        }
    );
    let lower = [
        "market",
        "emode-group",
        "1",
        "--liquidation-threshold-bps",
        "9200",
    ];
    let err = h.fails(&h.admin, &lower).await;
    assert_eq!(
        err,
        "transaction failed: ThresholdLoweringTooFast: a lower liquidation threshold must ramp \
         down over at least an hour (ramp_secs): owners must see it coming (error 6219)"
    );
    assert_eq!(h.market_state().await.emode_groups[0], group);
    let ramped = [&lower[..], &["--threshold-ramp-secs", "86400"]].concat();
    h.ok(&h.admin, &ramped).await;
    let group = h.market_state().await.emode_groups[0];
    let (start, end) = (group.threshold_ramp.start, group.threshold_ramp.end);
    assert_eq!(
        (group.config.liquidation_threshold_bps, end - start),
        (9_200, 86_400)
    );
    // At its start the ramp is at its top: 93%.
    let shown = h.json(&h.admin, &["market", "show"]).await;
    assert_eq!(
        shown["emode_groups"][0]["liquidation_threshold_now_bps"],
        9_300
    );
    assert_eq!(shown["emode_groups"][0]["threshold_ramp_end"], end);
    let text = h.ok(&h.admin, &["market", "show"]).await;
    assert_eq!(cells(line(&text, "│ 1 "))[2], "93.00% -> 92.00%");
    assert_eq!(
        text.lines().last(),
        Some(
            format!(
                "e-mode group 1: liquidation threshold 93.00% now, ramping down to 92.00% until \
                 unix time {end}"
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn a_bad_emode_group_is_refused_before_anything_is_sent() {
    let h = Harness::with_market().await;
    // 93% x (1 + 8%) is past 100%.
    let err = h
        .fails(&h.admin, &[&SET_GROUP_1[..8], &["800"]].concat())
        .await;
    assert_eq!(
        err,
        "invalid e-mode group 1: a group's liquidation_threshold x (1 + max bonus) must be at \
         most 100%"
    );
    // A new group needs every field.
    let err = h
        .fails(
            &h.admin,
            &["market", "emode-group", "2", "--loan-to-value-bps", "9000"],
        )
        .await;
    assert_eq!(
        err,
        "invalid e-mode group 2: a group's loan_to_value_bps must be above 0 and below its \
         liquidation_threshold_bps"
    );
    let err = h
        .fails(
            &h.admin,
            &[&["market", "emode-group", "33"][..], &SET_GROUP_1[3..]].concat(),
        )
        .await;
    assert_eq!(err, "e-mode groups are numbered 1..=32, not 33");
    assert_eq!(
        h.market_state().await.emode_groups,
        [EmodeGroup::default(); MAX_EMODE_GROUPS]
    );
    // Only the admin may set one.
    let mallory = h.user("mallory").await;
    let err = h.fails(&mallory, &SET_GROUP_1).await;
    assert_eq!(
        err,
        "transaction failed: NotMarketAdmin: signer is not the market admin (error 6100)"
    );
    assert_eq!(
        h.market_state().await.emode_groups,
        [EmodeGroup::default(); MAX_EMODE_GROUPS]
    );
}

#[tokio::test]
async fn reserve_emode_membership_flags() {
    let h = Harness::with_market().await;
    let out = h
        .ok(
            &h.admin,
            &[
                "reserve",
                "update",
                "SOL",
                "--emode-groups",
                "1, 2",
                "--emode-debt-groups",
                "2",
            ],
        )
        .await;
    assert!(
        out.starts_with(
            "update reserve SOL: done\n  - reserve SOL: e-mode groups: none -> 1,2, e-mode debt \
             groups: none -> 2\nsignature "
        ),
        "{out}"
    );
    let config = h.reserve("SOL").await.config;
    assert_eq!(
        (config.emode_groups, config.emode_debt_groups),
        (0b11, 0b10)
    );
    let text = h.ok(&h.admin, &["reserve", "show", "SOL"]).await;
    assert_eq!(
        line(&text, "e-mode groups"),
        "e-mode groups          member of 1,2; listed as debt in 2"
    );
    let shown = h.json(&h.admin, &["reserve", "show", "SOL"]).await;
    assert_eq!(shown["config"]["emode_groups"], json!([1, 2]));
    assert_eq!(shown["config"]["emode_debt_groups"], json!([2]));
    let out = h
        .ok(
            &h.admin,
            &["reserve", "update", "SOL", "--emode-groups", "2,1"],
        )
        .await;
    assert_eq!(out, "update reserve SOL: nothing to change\n");

    // Debt groups outside the member groups: the program's rule, before sending.
    let err = h
        .fails(
            &h.admin,
            &["reserve", "update", "SOL", "--emode-debt-groups", "1,3"],
        )
        .await;
    assert_eq!(
        err,
        "invalid reserve config: emode_debt_groups must be among the reserve's emode_groups"
    );
    let err = h
        .fails(
            &h.admin,
            &["reserve", "update", "SOL", "--emode-groups", "33"],
        )
        .await;
    assert!(
        err.contains(
            "malformed e-mode group list \"33\": expected group ids 1..=32 separated by commas, \
             like 1,2, or none"
        ),
        "{err}"
    );
    assert_eq!(h.reserve("SOL").await.config, config);

    // Cleared.
    h.ok(
        &h.admin,
        &[
            "reserve",
            "update",
            "SOL",
            "--emode-groups",
            "none",
            "--emode-debt-groups",
            "none",
        ],
    )
    .await;
    let cleared = h.reserve("SOL").await.config;
    assert_eq!((cleared.emode_groups, cleared.emode_debt_groups), (0, 0));
    let text = h.ok(&h.admin, &["reserve", "show", "SOL"]).await;
    assert_eq!(line(&text, "e-mode groups"), "e-mode groups          none");
}

#[tokio::test]
async fn an_obligation_joins_and_leaves_an_emode_group() {
    let h = Harness::with_market().await;
    h.ok(&h.admin, &SET_GROUP_1).await;
    for symbol in ["SOL", "USDC"] {
        h.ok(
            &h.admin,
            &["reserve", "update", symbol, "--emode-groups", "1"],
        )
        .await;
    }
    let bob = bob_owes_1000(&h).await;
    let obligation = h.obligation_key(&bob.key());
    let text = h.ok(&bob, &["obligation", "show"]).await;
    assert_eq!(line(&text, "e-mode group"), "e-mode group       none");
    assert_eq!(line(&text, "borrow limit"), "borrow limit       $1,125.00");

    let out = h.ok(&bob, &["obligation", "emode", "1"]).await;
    assert!(
        out.starts_with(&format!(
            "enter e-mode group 1 for obligation {obligation}: done\n  - obligation \
             {obligation}: e-mode group none -> 1\nsignature "
        )),
        "{out}"
    );
    assert_eq!(h.obligation(&bob.key()).await.emode_group, 1);
    // SOL is valued at the group's 90% / 93%.
    let text = h.ok(&bob, &["obligation", "show"]).await;
    assert_eq!(
        line(&text, "e-mode group"),
        "e-mode group       1: member positions at LTV 90.00%, liquidation at 93.00%, max bonus \
         2.00%"
    );
    assert_eq!(line(&text, "borrow limit"), "borrow limit       $1,350.00");
    assert_eq!(
        line(&text, "liquidation limit"),
        "liquidation limit  $1,395.00"
    );
    assert!(text.contains(" 90.00% / 93.00% "), "{text}");
    let shown = h.json(&bob, &["obligation", "show"]).await;
    assert_eq!(shown["emode_group"], 1);
    assert_eq!(shown["borrow_limit_usd"], "1350.000000");
    assert_eq!(shown["positions"][0]["loan_to_value_bps"], 9_000);
    assert_eq!(shown["positions"][0]["weight_bps"], 9_300);
    let out = h.ok(&bob, &["obligation", "emode", "1"]).await;
    assert_eq!(
        out,
        format!("obligation {obligation} is already in e-mode group 1: nothing to change\n")
    );

    // Borrowing past the limit outside the group ($1,125) keeps Bob in it.
    h.ok(&bob, &["borrow", "USDC", "300"]).await;
    let err = h.fails(&bob, &["obligation", "emode", "none"]).await;
    assert_eq!(
        err,
        "transaction failed: ObligationUnhealthy: obligation would be unhealthy: borrowed value \
         would exceed the collateral's borrowing power (error 6502)"
    );
    assert_eq!(h.obligation(&bob.key()).await.emode_group, 1);

    h.give(&bob, h.asset_index("USDC"), 300 * USDC).await;
    h.ok(&bob, &["repay", "USDC", "300"]).await;
    let out = h
        .ok(
            &bob,
            &["obligation", "emode", "none", "--obligation-id", "0"],
        )
        .await;
    assert!(
        out.starts_with(&format!(
            "leave e-mode group 1 for obligation {obligation}: done\n  - obligation \
             {obligation}: e-mode group 1 -> none\nsignature "
        )),
        "{out}"
    );
    assert_eq!(h.obligation(&bob.key()).await.emode_group, 0);
    let text = h.ok(&bob, &["obligation", "show"]).await;
    assert_eq!(line(&text, "e-mode group"), "e-mode group       none");
    assert_eq!(line(&text, "borrow limit"), "borrow limit       $1,125.00");
    let shown = h.json(&bob, &["obligation", "show"]).await;
    assert_eq!(shown["emode_group"], serde_json::Value::Null);
    let out = h.ok(&bob, &["obligation", "emode", "none"]).await;
    assert_eq!(
        out,
        format!("obligation {obligation} is in no e-mode group: nothing to change\n")
    );
}

#[tokio::test]
async fn joining_is_refused_while_a_position_is_not_a_member() {
    let h = Harness::with_market().await;
    let market = h.market.unwrap();
    // Group 1 takes USDC only; group 2 takes both but lends only its listed debt (none).
    h.ok(&h.admin, &SET_GROUP_1).await;
    h.ok(
        &h.admin,
        &[
            &["market", "emode-group", "2"][..],
            &SET_GROUP_1[3..],
            &["--debt-restricted", "true"],
        ]
        .concat(),
    )
    .await;
    h.ok(
        &h.admin,
        &["reserve", "update", "USDC", "--emode-groups", "1,2"],
    )
    .await;
    h.ok(
        &h.admin,
        &["reserve", "update", "SOL", "--emode-groups", "2"],
    )
    .await;
    let bob = bob_owes_1000(&h).await;
    let obligation = h.obligation_key(&bob.key());
    let refused = |why: &str| format!("obligation {obligation} cannot enter e-mode group {why}");
    let err = h.fails(&bob, &["obligation", "emode", "1"]).await;
    assert_eq!(
        err,
        refused("1: its SOL collateral is not a member of the group (withdraw it first)")
    );
    let err = h.fails(&bob, &["obligation", "emode", "2"]).await;
    assert_eq!(
        err,
        refused(
            "2: the group lends only its listed debt reserves, and its USDC debt is not one \
             (repay it first)"
        )
    );
    let err = h.fails(&bob, &["obligation", "emode", "3"]).await;
    assert_eq!(
        err,
        refused(&format!(
            "3: market {market} has no such group configured (`ballast market show` lists them)"
        ))
    );
    let err = h.fails(&bob, &["obligation", "emode", "40"]).await;
    assert!(
        err.contains("expected an e-mode group 1..=32, or none; got \"40\""),
        "{err}"
    );
    assert_eq!(h.obligation(&bob.key()).await.emode_group, 0);

    // In the group, the program refuses a non-member position.
    let carol = h.user("carol").await;
    h.give(&carol, h.asset_index("USDC"), 100 * USDC).await;
    h.give(&carol, h.asset_index("SOL"), SOL).await;
    h.ok(&carol, &["supply", "USDC", "100"]).await;
    h.ok(&carol, &["obligation", "emode", "1"]).await;
    let err = h.fails(&carol, &["supply", "SOL", "1"]).await;
    assert_eq!(
        err,
        "transaction failed: NotEmodeMember: this reserve is not a member of the obligation's \
         e-mode group: leave the group first, or use a member reserve (error 6509)"
    );
    assert_eq!(h.balance(&carol.key(), "SOL").await, SOL);
}
