//! Issue 16, item 3: the back office's local configuration (flags, files, the metrics address)
//! is checked before the first request. Each mistake fails with the flag named, and nothing is
//! asked of the cluster.
use crate::{
    backoffice::bob_owes_600,
    spy::{run_on, Spy},
};

/// `args` fails with exactly `message`, having made no request at all.
async fn refused_before_any_request(h: &crate::harness::Harness, args: &[&str], message: &str) {
    let spy = Spy::new(&h.bank);
    let err = run_on(h, &spy, &h.admin, args)
        .await
        .expect_err("refused")
        .to_string();
    assert_eq!(err, message, "{args:?}");
    assert_eq!(spy.requests(), 0, "{args:?} made requests");
}

#[tokio::test]
async fn local_mistakes_are_refused_before_any_request_with_the_flag_named() {
    let h = bob_owes_600().await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let missing = missing.display().to_string();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{not json").unwrap();
    let state = state.display().to_string();
    let thresholds = dir.path().join("thresholds.toml");
    std::fs::write(&thresholds, "cap_warning_bps = 12000\n").unwrap();
    let thresholds = thresholds.display().to_string();
    for (args, message) in [
        (
            vec!["monitor", "--thresholds-file", &missing],
            format!("--thresholds-file {missing}: No such file or directory (os error 2)"),
        ),
        (
            vec!["monitor", "--thresholds-file", &thresholds],
            format!(
                "cap_warning_bps 12000 in --thresholds-file {thresholds}: above 10000 (100%) \
                 the alert never fires"
            ),
        ),
        (
            vec!["monitor", "--utilization-warning-bps", "10001"],
            "--utilization-warning-bps 10001: above 10000 (100%) the alert never fires".into(),
        ),
        (
            vec!["monitor", "--webhook", "hooks.example.com/alerts"],
            "--webhook \"hooks.example.com/alerts\" is not a URL: relative URL without a base"
                .into(),
        ),
        (
            vec!["monitor", "--webhook", "ftp://hooks.example.com/alerts"],
            "--webhook \"ftp://hooks.example.com/alerts\" is not an http(s) URL with a host".into(),
        ),
        (
            vec!["monitor", "--state-file", &state],
            format!("--state-file {state}: key must be a string at line 1 column 2"),
        ),
        (
            vec!["monitor", "--interval", "0"],
            "--interval 0: passes would run back to back without a pause; give at least 1 \
             second (or --once)"
                .into(),
        ),
        (
            vec!["liquidator", "--interval", "0"],
            "--interval 0: passes would run back to back without a pause; give at least 1 \
             second (or --once)"
                .into(),
        ),
        (
            vec!["liquidator", "--once", "--min-payout-bps", "10001"],
            "--min-payout-bps 10001: above 10000 (100% of the planned payout) every \
             liquidation would be refused"
                .into(),
        ),
        (
            vec!["liquidator", "--once", "--max-obligations-per-pass", "0"],
            "--max-obligations-per-pass 0: no obligation would be liquidated (leave the flag \
             out for all of them)"
                .into(),
        ),
        (
            vec!["liquidator", "--once", "--compute-unit-limit", "1400001"],
            "--compute-unit-limit 1400001: a transaction may ask for 1 to 1400000".into(),
        ),
        (
            vec!["liquidator", "--once", "--metrics", "0.0.0.0:9464"],
            "--metrics 0.0.0.0:9464: metrics are served on loopback only, not 0.0.0.0:9464 (add \
             --metrics-public to serve them there)"
                .into(),
        ),
        (
            vec!["monitor", "--once", "--metrics", "0.0.0.0:9464"],
            "--metrics 0.0.0.0:9464: metrics are served on loopback only, not 0.0.0.0:9464 (add \
             --metrics-public to serve them there)"
                .into(),
        ),
    ] {
        refused_before_any_request(&h, &args, &message).await;
    }
    // Within range, the same flags run a pass.
    let spy = Spy::new(&h.bank);
    let out = run_on(
        &h,
        &spy,
        &h.admin,
        &["liquidator", "--once", "--min-payout-bps", "10000"],
    )
    .await
    .unwrap();
    assert!(out.starts_with("pass 1: scanned 1, unhealthy 0"), "{out}");
    assert!(spy.requests() > 0);
}
