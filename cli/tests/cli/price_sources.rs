//! A reserve's price sources on the command line: `reserve add` with two, `reserve show`
//! listing each (the one in use, a fallback flagged), `reserve update` sending the full list
//! or refusing a bad one before anything is sent.
use {
    crate::harness::Harness,
    ballast::state::{OracleSources, PriceSource},
    ballast_client::Transport,
    ballast_testkit::{pyth::PythPrice, switchboard::feed_account},
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
};

/// The feed hash of the Switchboard feeds these tests write.
pub const HASH: [u8; 32] = [42; 32];

/// Publishes `price` (10^-8 USD) on the Switchboard feed `feed` now.
pub async fn set_feed(h: &Harness, feed: &Pubkey, price: i64) {
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    h.bank
        .set_account(feed, feed_account(&PythPrice::new(HASH, price, -8, now)))
        .await;
}

/// The market with JUP ($0.80) listed on its Pyth account then a Switchboard feed, at most
/// 2% apart; the feed's address.
pub async fn jup_on_two_sources() -> (Harness, Pubkey) {
    let mut h = Harness::with_market().await;
    let jup = h.asset("JUP", 6, 80_000_000).await;
    let feed = Pubkey::new_unique();
    set_feed(&h, &feed, 80_000_000).await;
    h.give(&h.admin, jup, 1_000_000).await;
    let (mint, oracle) = (h.assets[jup].mint, h.assets[jup].oracle);
    let out = h
        .ok(
            &h.admin,
            &[
                "reserve",
                "add",
                "--mint",
                &mint.to_string(),
                "--oracle",
                &format!("pyth-pull:{oracle}"),
                "--oracle",
                &format!("switchboard:{feed}"),
                "--max-divergence-bps",
                "200",
                "--preset",
                "volatile",
            ],
        )
        .await;
    assert!(out.contains(": done"), "{out}");
    (h, feed)
}

/// The value of `label`'s line in `reserve show`'s detail.
fn row(detail: &str, label: &str) -> String {
    let line = detail.lines().find(|l| l.starts_with(label)).unwrap();
    line[label.len()..].trim().to_string()
}

#[tokio::test]
async fn reserve_add_takes_two_sources_and_show_lists_both_with_the_one_in_use() {
    let (h, feed) = jup_on_two_sources().await;
    let oracle = h.assets[h.asset_index("JUP")].oracle;
    let r = h.reserve("JUP").await;
    assert_eq!(
        r.oracles.configured(),
        [
            PriceSource::pyth_pull(oracle, oracle.to_bytes()),
            PriceSource::switchboard(feed, HASH)
        ]
    );
    assert_eq!((r.oracles.max_divergence_bps, r.oracles.in_use), (200, 0));

    let shown = h.json(&h.admin, &["reserve", "show", "JUP"]).await;
    let source = |i: usize, account: &Pubkey, kind: &str, feed_id: String, in_use: bool| {
        json!({
            "priority": i + 1, "kind": kind, "fixed": false, "label": "price account",
            "account": account.to_string(), "feed_id": feed_id, "rate": null,
            "rate_account": null, "price_usd": "0.80000000", "stated_price": "$0.80",
            "age_secs": 0, "usable": true, "error": null, "in_use": in_use,
        })
    };
    let hex = |b: [u8; 32]| b.iter().map(|v| format!("{v:02x}")).collect::<String>();
    assert_eq!(
        shown["oracles"],
        json!({
            "sources": [
                source(0, &oracle, "pyth-pull", hex(oracle.to_bytes()), true),
                source(1, &feed, "switchboard", hex(HASH), false),
            ],
            "in_use": 0, "in_use_recorded": 0, "fallback": false,
            "max_divergence_bps": 200, "diverged": false,
        })
    );
    assert_eq!(shown["price_usd"], "0.80000000");

    let detail = h.ok(&h.admin, &["reserve", "show", "JUP"]).await;
    assert_eq!(
        row(&detail, "price source 1"),
        format!("pyth-pull {oracle}: $0.80, 0 s old, usable, in use")
    );
    assert_eq!(
        row(&detail, "price source 2"),
        format!("switchboard {feed}: $0.80, 0 s old, usable")
    );
    assert_eq!(
        row(&detail, "source divergence"),
        "max 2.00%; first two usable sources diverge now: no"
    );
}

#[tokio::test]
async fn the_fallback_is_shown_in_use_once_the_primary_goes_stale() {
    let (h, feed) = jup_on_two_sources().await;
    let jup = h.asset_index("JUP");
    // The Pyth price two minutes old (the reserve takes one at most); the feed is fresh.
    h.set_price_aged(jup, 80_000_000, 120).await;
    let shown = h.json(&h.admin, &["reserve", "show", "JUP"]).await;
    let oracles = &shown["oracles"];
    assert_eq!(
        (
            &oracles["sources"][0]["usable"],
            &oracles["sources"][0]["error"],
            &oracles["sources"][0]["age_secs"],
            &oracles["sources"][0]["stated_price"],
        ),
        (
            &json!(false),
            &json!("OraclePriceStale"),
            &json!(120),
            &json!("$0.80")
        )
    );
    assert_eq!(
        (
            &oracles["sources"][1]["in_use"],
            &oracles["in_use"],
            &oracles["fallback"]
        ),
        (&json!(true), &json!(1), &json!(true))
    );
    // The reserve is priced (by the feed).
    assert_eq!(shown["price_usd"], "0.80000000");
    let detail = h.ok(&h.admin, &["reserve", "show", "JUP"]).await;
    let oracle = h.assets[jup].oracle;
    assert_eq!(
        row(&detail, "price source 1"),
        format!("pyth-pull {oracle}: $0.80, 120 s old, unusable: OraclePriceStale")
    );
    assert_eq!(
        row(&detail, "price source 2"),
        format!("switchboard {feed}: $0.80, 0 s old, usable, IN USE (fallback)")
    );
}

#[tokio::test]
async fn reserve_update_sends_the_full_list_once_and_refuses_a_bad_one_before_sending() {
    let h = Harness::with_market().await;
    let oracle = h.assets[h.asset_index("SOL")].oracle;
    let before = h.reserve("SOL").await.oracles;
    let update = |extra: &[&str]| {
        let mut args = vec!["reserve", "update", "SOL"];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
    let cases = [
        (
            update(&[
                "--oracle",
                &format!("pyth-pull:{a}"),
                "--oracle",
                &format!("pyth-pull:{b}"),
                "--oracle",
                &format!("pyth-legacy:{a}"),
                "--oracle",
                "fixed:1",
            ]),
            "price sources: 4 price sources given; a reserve takes at most 3".to_string(),
        ),
        (
            update(&["--oracle", "fixed:0"]),
            "error: invalid value 'fixed:0' for '--oracle <KIND:ACCOUNT>': fixed price \"0\": \
             must be above 0\n\nFor more information, try '--help'.\n"
                .to_string(),
        ),
        (
            update(&["--oracle", &format!("chainlink:{a}")]),
            format!(
                "error: invalid value 'chainlink:{a}' for '--oracle <KIND:ACCOUNT>': oracle \
                 \"chainlink:{a}\": unknown kind \"chainlink\"; expected <kind>:<account> \
                 (kinds: pyth-pull, pyth-legacy, switchboard), fixed:<USD price>, or an \
                 account\n\nFor more information, try '--help'.\n"
            ),
        ),
        (
            update(&["--oracle", "pyth-pull:nope"]),
            "error: invalid value 'pyth-pull:nope' for '--oracle <KIND:ACCOUNT>': oracle \
             \"pyth-pull:nope\": \"nope\" is not an address\n\nFor more information, try \
             '--help'.\n"
                .to_string(),
        ),
        (
            update(&["--stake-pool", &a.to_string()]),
            "--stake-pool and --marinade apply to the sources given with --oracle".to_string(),
        ),
    ];
    for (args, expected) in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(h.fails(&h.admin, &refs).await, expected, "{args:?}");
    }
    assert_eq!(h.reserve("SOL").await.oracles, before);

    // A fixed fallback and a bound: one change with the full list.
    let two = update(&[
        "--oracle",
        &format!("pyth-pull:{oracle}"),
        "--oracle",
        "fixed:150",
        "--max-divergence-bps",
        "100",
    ]);
    let refs: Vec<&str> = two.iter().map(String::as_str).collect();
    let out = h.ok(&h.admin, &refs).await;
    assert!(
        out.contains(&format!(
            "reserve SOL: price sources: pyth-pull:{oracle} -> pyth-pull:{oracle}, fixed:$150 \
             (admin-set), max divergence: unchecked -> 1.00%"
        )),
        "{out}"
    );
    let sources = [
        PriceSource::pyth_pull(oracle, oracle.to_bytes()),
        PriceSource::fixed(15_000_000_000),
    ];
    let after = h.reserve("SOL").await.oracles;
    assert_eq!(
        (after.configured(), after.max_divergence_bps),
        (&sources[..], 100)
    );
    // The same list again: nothing is sent.
    assert_eq!(
        h.ok(&h.admin, &refs).await,
        "update reserve SOL: nothing to change\n"
    );
    // The bound alone keeps the sources.
    h.ok(
        &h.admin,
        &["reserve", "update", "SOL", "--max-divergence-bps", "0"],
    )
    .await;
    let after = h.reserve("SOL").await.oracles;
    assert_eq!(after, {
        let mut expected = OracleSources::new(&sources, 0).unwrap();
        expected.publish_times = after.publish_times;
        expected
    });
    let fixed: Value =
        h.json(&h.admin, &["reserve", "show", "SOL"]).await["oracles"]["sources"][1].clone();
    assert_eq!(
        fixed,
        json!({
            "priority": 2, "kind": "fixed", "fixed": true, "label": "admin-set fixed price",
            "account": null, "feed_id": null, "rate": null, "rate_account": null,
            "price_usd": "150.00000000", "stated_price": "$150.00", "age_secs": null,
            "usable": true, "error": null, "in_use": false,
        })
    );
}
