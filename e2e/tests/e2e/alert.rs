//! An alert from the monitor (`ballast monitor --once --webhook`): Bob's obligation becomes
//! liquidatable when SOL's fixed price falls, and the alert reaches a webhook on loopback.
use {
    crate::bob_borrows,
    ballast_e2e::webhook::Webhook,
    serde_json::{json, Value},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_alerts_a_webhook_when_bob_becomes_liquidatable() {
    let (m, bob) = bob_borrows().await;
    let webhook = Webhook::start().await;
    let watch = ["monitor", "--once", "--webhook", &webhook.url];
    // Health factor 1.1988: above the 1.10 warning.
    assert_eq!(m.ok(&m.admin, &watch).await, "");
    assert_eq!(webhook.received(), Vec::<Value>::new());

    m.set_price("SOL", "120").await;
    let before = m.now().await;
    let mut alerts = m.json_lines(&m.admin, &watch).await;
    let after = m.now().await;
    assert_eq!(webhook.received(), alerts);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    // The cluster's time of the pass.
    let at = alerts[0].as_object_mut().expect("an alert").remove("at");
    let at = at.and_then(|at| at.as_i64()).expect("at");
    assert!(
        (before..=after).contains(&at),
        "{at} not in {before}..={after}"
    );
    let (obligation, owner) = (m.obligation_key(&bob.key()), bob.key());
    // $1,200 of SOL at 80% against 1,001 USDC.
    assert_eq!(
        alerts[0],
        json!({
            "kind": "obligation_health_low",
            "status": "firing",
            "market": m.market.to_string(),
            "subject": obligation.to_string(),
            "message": format!(
                "obligation {obligation} (owner {owner}): health factor 0.9590, liquidatable"
            ),
            "details": {
                "debt_usd": "1001.000000",
                "health_factor": "0.959040",
                "liquidatable": true,
                "owner": owner.to_string(),
            },
        })
    );
}
