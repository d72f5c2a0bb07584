//! Issue 18, part 3: a borrower registers an owner and a webhook; the monitor posts that owner's
//! health alerts there, with each position's liquidation price, once when the alert fires and
//! once when it clears. Other owners' alerts stay off that webhook.
use {
    crate::{
        backoffice::{lines, webhook_failing_first},
        harness::{Harness, SOL, USDC},
    },
    ballast_cli::backoffice::{
        monitor_loop::MonitorLoop,
        schedule::Schedule,
        shutdown::Shutdown,
        user_alerts::UserAlerts,
        webhook::{self, Retry, Webhook},
        Monitor, Thresholds,
    },
    serde_json::Value,
    std::{collections::VecDeque, path::Path, time::Duration},
};

const QUICK: Retry = Retry {
    attempts: 2,
    first_delay: Duration::from_millis(10),
};

/// A one-pass monitor loop warning under health factor 2.0001, posting every alert to
/// `operator` and owners' alerts as registered in `registrations`.
fn monitor(h: &Harness, operator: &str, registrations: &Path) -> MonitorLoop {
    let thresholds = Thresholds {
        health_warning_bps: 20_001,
        ..Thresholds::default()
    };
    MonitorLoop {
        market: h.market.unwrap(),
        monitor: Monitor::new(thresholds).with_labels(h.labels.clone()),
        webhook: Some(Webhook::new(webhook::parse_url(operator).unwrap(), QUICK)),
        undelivered: VecDeque::new(),
        state_file: None,
        schedule: Schedule {
            once: true,
            interval: Duration::from_secs(1),
        },
        metrics: Default::default(),
        users: Some(UserAlerts::load(registrations, QUICK).unwrap()),
    }
}

async fn pass(h: &Harness, l: &mut MonitorLoop) -> Vec<Value> {
    let mut out = Vec::new();
    l.run(&h.bank, &Shutdown::never(), &mut out).await.unwrap();
    lines(&String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn an_owner_gets_its_alert_with_liquidation_prices_when_it_fires_and_when_it_clears() {
    // Bob pledges 10 SOL ($150, threshold 80%) and owes 600 USDC: health factor 2. Carol owes
    // the same and is registered too; Dave owes the same and is not.
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    let (bob, carol, dave) = (
        h.user("bob").await,
        h.user("carol").await,
        h.user("dave").await,
    );
    for borrower in [&bob, &carol, &dave] {
        h.give(borrower, 1, 10 * SOL).await;
        h.ok(borrower, &["supply", "SOL", "10"]).await;
        h.ok(borrower, &["borrow", "USDC", "600"]).await;
    }
    let (operator, operator_got, _) = webhook_failing_first(0).await;
    let (bobs, bob_got, _) = webhook_failing_first(0).await;
    // Carol's endpoint is down for the first pass's two attempts: hers waits for the next.
    let (carols, carol_got, _) = webhook_failing_first(2).await;
    let dir = tempfile::tempdir().unwrap();
    let registrations = dir.path().join("owners.toml");
    std::fs::write(
        &registrations,
        format!(
            "[[subscription]]\nowner = \"{}\"\nwebhook = \"{bobs}\"\n\n\
             [[subscription]]\nowner = \"{}\"\nwebhook = \"{carols}\"\n",
            bob.key(),
            carol.key()
        ),
    )
    .unwrap();
    let mut l = monitor(&h, &operator, &registrations);
    assert_eq!(l.users.as_ref().unwrap().len(), 2);

    let printed = pass(&h, &mut l).await;
    assert_eq!(
        printed.len(),
        3,
        "one health alert per borrower: {printed:?}"
    );
    assert_eq!(operator_got.lock().unwrap().len(), 3);
    let got = bob_got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let fired = &got[0];
    assert_eq!(fired["status"], "firing");
    assert_eq!(fired["kind"], "obligation_health_low");
    assert_eq!(fired["owner"], bob.key().to_string());
    let now = &fired["now"];
    assert_eq!(now["health_factor"], "2.000000");
    let positions = now["positions"].as_array().unwrap();
    let at = |symbol: &str| positions.iter().find(|p| p["symbol"] == symbol).unwrap();
    // SOL may fall to $150 x 600 / 1,200 = $75; USDC rise to $1 x 1,200 / 600 = $2.
    assert_eq!(at("SOL")["liquidation_price_usd"], "75.00000000");
    assert_eq!(at("USDC")["liquidation_price_usd"], "2.00000000");
    assert!(carol_got.lock().unwrap().is_empty());
    assert_eq!(l.users.as_ref().unwrap().undelivered.len(), 1);

    // Still firing: nothing new for Bob; Carol's waiting alert is delivered, once.
    assert!(pass(&h, &mut l).await.is_empty());
    assert_eq!(bob_got.lock().unwrap().len(), 1);
    let carols_alert = carol_got.lock().unwrap().clone();
    assert_eq!(carols_alert.len(), 1);
    assert_eq!(carols_alert[0]["owner"], carol.key().to_string());
    assert_eq!(carols_alert[0]["status"], "firing");

    // Bob repays half: health factor 4, the alert clears; his webhook hears it, once.
    h.give(&bob, 0, 300 * USDC).await;
    h.ok(&bob, &["repay", "USDC", "300"]).await;
    let cleared = pass(&h, &mut l).await;
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0]["status"], "cleared");
    let got = bob_got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["status"], "cleared");
    assert_eq!(got[1]["now"]["health_factor"], "4.000000");
    // SOL may now fall to $150 x 300 / 1,200 = $37.50.
    let sol = got[1]["now"]["positions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["symbol"] == "SOL")
        .unwrap()
        .clone();
    assert_eq!(sol["liquidation_price_usd"], "37.50000000");
    assert!(pass(&h, &mut l).await.is_empty());
    assert_eq!(bob_got.lock().unwrap().len(), 2);
    assert_eq!(carol_got.lock().unwrap().len(), 1);
}

#[test]
fn a_bad_registration_file_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("owners.toml");
    let load = |text: &str| {
        std::fs::write(&path, text).unwrap();
        UserAlerts::load(&path, QUICK).err()
    };
    assert_eq!(
        load("[[subscription]]\nowner = \"bob\"\nwebhook = \"http://127.0.0.1:1/\"\n"),
        Some("owner \"bob\" is not an address".to_string())
    );
    let owner = solana_sdk::pubkey::Pubkey::new_unique();
    assert_eq!(
        load(&format!(
            "[[subscription]]\nowner = \"{owner}\"\nwebhook = \"ftp://x\"\n"
        )),
        Some("\"ftp://x\" is not an http(s) URL with a host".to_string())
    );
    assert!(load("[[subscription]]\nowner = 1\n").is_some());
    assert_eq!(load("").map(|_| ()), None);
}
