//! Issue 16, item 8: alert texts are human (the program's error by name and message, with its
//! figures; reserves by symbol); a failing webhook is retried, what it does not take is kept
//! for the next pass; the firing alerts survive a restart in the state file.
use {
    crate::{
        backoffice::{bob_owes_600, lines, webhook_failing_first},
        harness::Harness,
    },
    ballast_cli::backoffice::{
        alert_state::AlertState,
        monitor_loop::MonitorLoop,
        schedule::Schedule,
        shutdown::Shutdown,
        webhook::{self, Retry, Webhook},
        Monitor, Snapshot, Thresholds,
    },
    ballast_client::Transport,
    ballast_testkit::pyth::PythPrice,
    serde_json::{json, Value},
    std::{collections::VecDeque, path::Path, sync::atomic::Ordering, time::Duration},
};

#[tokio::test]
async fn alert_texts_name_the_error_its_figures_and_the_reserve_symbol() {
    let h = bob_owes_600().await;
    // All 10,001 USDC supplied (Alice's 10,000 and the seed) under a 10,001 USDC cap; 600 lent.
    h.ok(
        &h.admin,
        &["reserve", "update", "USDC", "--deposit-cap", "10001"],
    )
    .await;
    // SOL's price was published two minutes ago; the reserve takes one minute at most.
    h.set_price_aged(1, 15_000_000_000, 120).await;
    let alerts = lines(
        &h.ok(
            &h.admin,
            &["monitor", "--once", "--utilization-warning-bps", "500"],
        )
        .await,
    );
    let message = |kind: &str| {
        let a = alerts.iter().find(|a| a["kind"] == kind).unwrap();
        (
            a["message"].as_str().unwrap().to_string(),
            a["details"].clone(),
        )
    };
    assert_eq!(alerts.len(), 3, "{alerts:?}");
    let sol = h.assets[1].oracle.to_string();
    let stale = "OraclePriceStale: oracle price is older than the reserve's max age (published \
                 120 s ago, max 60 s)";
    assert_eq!(
        message("oracle_stale"),
        (
            format!("reserve SOL: price refused: {stale}"),
            json!({"symbol": "SOL", "oracle": sol, "error": "OraclePriceStale", "reason": stale})
        )
    );
    assert_eq!(
        message("utilization_high").0,
        "reserve USDC: utilization 5.99%, warning above 5.00%"
    );
    assert_eq!(
        message("deposit_cap_near").0,
        "reserve USDC: deposits 10,001 USDC of the 10,001 USDC cap"
    );

    // A price too uncertain: its confidence against the cap.
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    let mut wide = PythPrice::new(h.assets[1].oracle.to_bytes(), 15_000_000_000, -8, now);
    wide.conf = 750_000_000; // $7.50 of $150
    h.bank
        .set_account(&h.assets[1].oracle, wide.account())
        .await;
    let watcher = Monitor::new(Thresholds::default()).with_labels(h.labels.clone());
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    let refused = watcher.conditions(&snapshot);
    let refused = refused.iter().find(|c| c.kind.name() == "oracle_stale");
    assert_eq!(
        refused.unwrap().message,
        "reserve SOL: price refused: OracleConfidenceTooWide: oracle confidence interval is \
         wider than the reserve's cap (confidence 5.00% of the price and 0.10% of the EMA, max \
         2.00%)"
    );
}

/// A monitor loop over `h`'s market, one pass per `run`, posting to `url` with quick retries.
fn one_pass_loop(h: &Harness, thresholds: Thresholds, url: &str, state: &Path) -> MonitorLoop {
    let quick = Retry {
        attempts: 3,
        first_delay: Duration::from_millis(10),
    };
    let url = webhook::parse_url(url).unwrap();
    let mut l = MonitorLoop {
        market: h.market.unwrap(),
        monitor: Monitor::new(thresholds).with_labels(h.labels.clone()),
        webhook: Some(Webhook::new(url, quick)),
        undelivered: VecDeque::new(),
        state_file: Some(state.to_path_buf()),
        schedule: Schedule {
            once: true,
            interval: Duration::from_secs(1),
        },
        metrics: Default::default(),
        users: None,
    };
    if let Some(saved) = AlertState::load(state, &h.market.unwrap()).unwrap() {
        l.restore(saved).unwrap();
    }
    l
}

/// One pass of `l`: the alert lines it printed.
async fn pass(h: &Harness, l: &mut MonitorLoop) -> Vec<Value> {
    let mut out = Vec::new();
    l.run(&h.bank, &Shutdown::never(), &mut out).await.unwrap();
    lines(&String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn a_failing_webhook_gets_each_alert_once_after_retries_even_across_a_restart() {
    let h = bob_owes_600().await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("monitor.json");
    let health = Thresholds {
        health_warning_bps: 20_001,
        ..Thresholds::default()
    };

    // Down for two posts: the third attempt of the pass delivers the alert, once.
    let (url, received, posts) = webhook_failing_first(2).await;
    let mut l = one_pass_loop(&h, health, &url, &state);
    let printed = pass(&h, &mut l).await;
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["kind"], "obligation_health_low");
    assert_eq!(posts.load(Ordering::SeqCst), 3);
    assert_eq!(*received.lock().unwrap(), printed);
    assert!(l.undelivered.is_empty());

    // Down for five posts, longer than a pass's three attempts: the new alert is kept in the
    // state file, and the next run (a restart) delivers it, once, without printing again.
    let (url, received, posts) = webhook_failing_first(5).await;
    let both = Thresholds {
        utilization_warning_bps: 500,
        ..health
    };
    let mut l = one_pass_loop(&h, both, &url, &state);
    let printed = pass(&h, &mut l).await;
    assert_eq!(printed.len(), 1, "only the new condition: {printed:?}");
    assert_eq!(printed[0]["kind"], "utilization_high");
    assert_eq!(posts.load(Ordering::SeqCst), 3);
    assert!(received.lock().unwrap().is_empty());
    let saved = AlertState::load(&state, &h.market.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(saved.undelivered, printed);
    assert_eq!(saved.firing.len(), 2);
    drop(l);
    let mut restarted = one_pass_loop(&h, both, &url, &state);
    assert!(pass(&h, &mut restarted).await.is_empty());
    assert_eq!(posts.load(Ordering::SeqCst), 6);
    assert_eq!(*received.lock().unwrap(), printed);
    // Delivered: nothing more is posted.
    assert!(pass(&h, &mut restarted).await.is_empty());
    assert_eq!(posts.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn a_restart_with_the_state_file_does_not_fire_again() {
    let h = bob_owes_600().await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("monitor.json").display().to_string();
    let watch = |threshold| watch_with_state(&h, &state, threshold);
    let first = watch("20001").await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["status"], "firing");
    // Restarted: already firing, not raised again (without the file it would be).
    assert!(watch("20001").await.is_empty());
    let stateless = lines(
        &h.ok(
            &h.admin,
            &["monitor", "--once", "--health-warning-bps", "20001"],
        )
        .await,
    );
    assert_eq!(stateless, first);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["market"], h.market.unwrap().to_string());
    assert_eq!(saved["firing"][0]["kind"], "obligation_health_low");
    assert_eq!(saved["undelivered"], json!([]));
    // The condition ends while the monitor is down: the next run clears it.
    let cleared = watch("15000").await;
    assert_eq!(cleared.len(), 1);
    assert_eq!(
        (&cleared[0]["status"], &cleared[0]["subject"]),
        (&"cleared".into(), &first[0]["subject"])
    );
    assert!(watch("15000").await.is_empty());
}

/// `ballast monitor --once --health-warning-bps <threshold> --state-file <state>`: its alerts.
async fn watch_with_state(h: &Harness, state: &str, threshold: &str) -> Vec<Value> {
    let args = [
        "monitor",
        "--once",
        "--health-warning-bps",
        threshold,
        "--state-file",
        state,
    ];
    lines(&h.ok(&h.admin, &args).await)
}
