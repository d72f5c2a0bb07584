//! `ballast monitor` and `ballast liquidator` end to end on the bank: 54 obligations with mixed
//! positions, a SOL crash, alerts (also to a loopback webhook), one liquidator pass.
use {
    crate::harness::{Harness, User, SOL, USDC},
    ballast_cli::backoffice::{
        liquidator::PassSummary, snapshot::ValuedObligation, Alert, Monitor, Snapshot, Thresholds,
    },
    ballast_client::Transport,
    http_body_util::{BodyExt, Full},
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Response},
    hyper_util::rt::TokioIo,
    serde_json::Value,
    solana_sdk::pubkey::Pubkey,
    std::{
        collections::BTreeSet,
        convert::Infallible,
        sync::{
            atomic::{AtomicUsize, Ordering},
            Arc, Mutex,
        },
    },
    tokio::net::TcpListener,
};

const ETH: u64 = 100_000_000; // 8 decimals
/// Borrowed share of each obligation's borrow limit, per mille, by obligation index / 6.
const SHARES: [u64; 9] = [500, 600, 700, 800, 900, 950, 990, 650, 850];

/// One obligation: collateral and debt in base units of (USDC, SOL, ETH).
#[derive(Clone, Copy, Debug)]
struct Spec {
    collateral: [u64; 3],
    debt: [u64; 3],
}

/// Six shapes of obligation, nine sizes of debt each. Borrow limits at $150 SOL, $3,000 ETH:
/// SOL 10 -> $1,125; ETH 1 -> $2,250; USDC 3,000 -> $2,400; USDC 200 -> $160.
fn specs() -> Vec<Spec> {
    let mut all = Vec::new();
    for share in SHARES {
        let usdc = |usd: u64| usd * USDC * share / 1_000;
        let sol = |usd: u64| usd * SOL * share / 1_000 / 150;
        let eth = |usd: u64| usd * ETH * share / 1_000 / 3_000;
        all.extend([
            // SOL backs USDC.
            Spec {
                collateral: [0, 10 * SOL, 0],
                debt: [usdc(1_125), 0, 0],
            },
            // ETH backs USDC.
            Spec {
                collateral: [0, 0, ETH],
                debt: [usdc(2_250), 0, 0],
            },
            // SOL and ETH back USDC.
            Spec {
                collateral: [0, 10 * SOL, ETH],
                debt: [usdc(3_375), 0, 0],
            },
            // USDC backs SOL.
            Spec {
                collateral: [3_000 * USDC, 0, 0],
                debt: [0, sol(2_400), 0],
            },
            // USDC and SOL back ETH: SOL is the larger collateral.
            Spec {
                collateral: [200 * USDC, 10 * SOL, 0],
                debt: [0, 0, eth(1_285)],
            },
            // ETH backs SOL (10%) and USDC (90%): USDC is the larger debt.
            Spec {
                collateral: [0, 0, ETH],
                debt: [usdc(2_025), sol(225), 0],
            },
        ]);
    }
    all
}

/// Values in 10^-18 USD at prices (USDC, SOL, ETH) in whole USD.
fn value(amounts: [u64; 3], prices: [u128; 3]) -> [u128; 3] {
    let scale = [10u128.pow(12), 10u128.pow(9), 10u128.pow(10)]; // 18 - decimals
    [0, 1, 2].map(|i| u128::from(amounts[i]) * prices[i] * scale[i])
}

/// Liquidation thresholds (bps): stablecoin 85%, volatile 80%.
const THRESHOLD: [u128; 3] = [8_500, 8_000, 8_000];

struct Expected {
    unhealthy: BTreeSet<usize>,
    warning: BTreeSet<usize>,
    bad_debt: BTreeSet<usize>,
}

/// Health of every spec at `prices`, in closed form.
fn expected(specs: &[Spec], prices: [u128; 3]) -> Expected {
    let mut e = Expected {
        unhealthy: BTreeSet::new(),
        warning: BTreeSet::new(),
        bad_debt: BTreeSet::new(),
    };
    for (i, s) in specs.iter().enumerate() {
        let collateral = value(s.collateral, prices);
        let limit: u128 = (0..3).map(|k| collateral[k] * THRESHOLD[k]).sum();
        let debt: u128 = value(s.debt, prices).iter().sum();
        if debt * 10_000 > limit {
            e.unhealthy.insert(i);
        }
        // Health factor (limit / 10,000) / debt under 1.1.
        if limit < debt * 11_000 {
            e.warning.insert(i);
        }
        if debt > collateral.iter().sum() {
            e.bad_debt.insert(i);
        }
    }
    e
}

async fn webhook() -> (String, Arc<Mutex<Vec<Value>>>) {
    let (url, received, _) = webhook_failing_first(0).await;
    (url, received)
}

/// A loopback webhook that answers 503 to its first `failures` posts, then takes them: the
/// bodies it took, and how many posts it got in all.
pub async fn webhook_failing_first(
    failures: usize,
) -> (String, Arc<Mutex<Vec<Value>>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alerts", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let posts = Arc::new(AtomicUsize::new(0));
    let (sink, count) = (received.clone(), posts.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (sink, count) = (sink.clone(), count.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let (sink, count) = (sink.clone(), count.clone());
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        if count.fetch_add(1, Ordering::SeqCst) < failures {
                            let mut refused = Response::new(Full::new(Bytes::new()));
                            *refused.status_mut() = hyper::StatusCode::SERVICE_UNAVAILABLE;
                            return Ok::<_, Infallible>(refused);
                        }
                        sink.lock()
                            .unwrap()
                            .push(serde_json::from_slice(&body).unwrap());
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, received, posts)
}

pub fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn monitor_alerts_and_one_liquidator_pass_takes_exactly_the_unhealthy() {
    let mut h = Harness::with_market().await;
    let eth = h.asset("ETH", 8, 300_000_000_000).await;
    h.give(&h.admin, eth, ETH).await;
    let (mint, oracle) = (
        h.assets[eth].mint.to_string(),
        h.assets[eth].oracle.to_string(),
    );
    h.ok(
        &h.admin,
        &[
            "reserve", "add", "--mint", &mint, "--oracle", &oracle, "--preset", "volatile",
        ],
    )
    .await;
    for symbol in ["SOL", "ETH"] {
        h.ok(
            &h.admin,
            &["reserve", "update", symbol, "--borrow-fee-bps", "0"],
        )
        .await;
    }
    let symbols = ["USDC", "SOL", "ETH"];
    let lender = h.user("lender").await;
    let pools = [100_000 * USDC, 1_000 * SOL, 100 * ETH];
    for (k, symbol) in symbols.iter().enumerate() {
        h.give(&lender, k, pools[k]).await;
        h.ok(&lender, &["deposit", symbol, "max"]).await;
    }

    let specs = specs();
    assert_eq!(specs.len(), 54);
    let mut users: Vec<User> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let user = h.user(&format!("user{i}")).await;
        for (k, (&amount, symbol)) in spec.collateral.iter().zip(symbols).enumerate() {
            if amount > 0 {
                h.give(&user, k, amount).await;
                h.ok(&user, &["supply", symbol, "max"]).await;
            }
        }
        for k in [1, 0, 2] {
            if spec.debt[k] > 0 {
                let amount =
                    ballast_cli::format::units(spec.debt[k], [6, 9, 8][k]).replace(',', "");
                h.ok(&user, &["borrow", symbols[k], &amount]).await;
            }
        }
        users.push(user);
    }

    // Caps at what is used now: ETH deposits and USDC borrows are 100% of their caps.
    let eth_supplied = {
        let r = h.reserve("ETH").await;
        r.liquidity.total_supply().unwrap().to_floor().unwrap()
    };
    let usdc_borrowed = h
        .reserve("USDC")
        .await
        .liquidity
        .borrowed()
        .to_ceil()
        .unwrap();
    let cap = ballast_cli::format::units(eth_supplied, 8).replace(',', "");
    h.ok(
        &h.admin,
        &["reserve", "update", "ETH", "--deposit-cap", &cap],
    )
    .await;
    let cap = ballast_cli::format::units(usdc_borrowed, 6).replace(',', "");
    h.ok(
        &h.admin,
        &["reserve", "update", "USDC", "--borrow-cap", &cap],
    )
    .await;

    // SOL falls to $100, ETH to $2,400; the ETH feed then stalls: its price is 50 s old when
    // the monitor looks (max age 60 s).
    h.set_price(2, 240_000_000_000).await;
    h.bank.advance_time(50).await.unwrap();
    h.set_price(0, 100_000_000).await;
    h.set_price(1, 10_000_000_000).await;
    let e = expected(&specs, [1, 100, 2_400]);
    assert_eq!(e.unhealthy.len(), 17);
    assert!(e.warning.len() > e.unhealthy.len() && e.warning.len() < 54);
    assert_eq!(e.bad_debt.len(), 3);
    let address = |i: usize| h.obligation_key(&users[i].key());

    // The monitor: exactly the expected alerts, on stdout and at the webhook.
    let (url, received) = webhook().await;
    // USDC utilization, closed form: borrowed / supplied; alert just below it.
    let usdc_supply = 1 + pools[0] + specs.iter().map(|s| s.collateral[0]).sum::<u64>();
    let usdc_debt: u64 = specs.iter().map(|s| s.debt[0]).sum();
    let utilization_bps = u128::from(usdc_debt) * 10_000 / u128::from(usdc_supply);
    let threshold = (utilization_bps - 1).to_string();
    let monitor = [
        "monitor",
        "--once",
        "--utilization-warning-bps",
        &threshold,
        "--webhook",
        &url,
    ];
    let alerts = lines(&h.ok(&h.admin, &monitor).await);
    // The same look through the library, twice: the second raises nothing.
    let thresholds = Thresholds {
        utilization_warning_bps: utilization_bps as u32 - 1,
        ..Thresholds::default()
    };
    let mut watcher = Monitor::new(thresholds).with_labels(h.labels.clone());
    let market = h.market.unwrap();
    let first = watcher.check(&Snapshot::take(&h.bank, &market).await.unwrap());
    assert_eq!(first.iter().map(Alert::json).collect::<Vec<_>>(), alerts);
    assert!(watcher
        .check(&Snapshot::take(&h.bank, &market).await.unwrap())
        .is_empty());
    let got: BTreeSet<(String, Pubkey)> = alerts
        .iter()
        .map(|a| {
            assert_eq!(a["status"], "firing");
            (
                a["kind"].as_str().unwrap().to_string(),
                a["subject"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let mut want: BTreeSet<(String, Pubkey)> = BTreeSet::new();
    want.extend(
        e.warning
            .iter()
            .map(|&i| ("obligation_health_low".to_string(), address(i))),
    );
    want.extend(
        e.bad_debt
            .iter()
            .map(|&i| ("bad_debt".to_string(), address(i))),
    );
    want.insert(("utilization_high".into(), h.reserve_key("USDC")));
    want.insert(("borrow_cap_near".into(), h.reserve_key("USDC")));
    want.insert(("deposit_cap_near".into(), h.reserve_key("ETH")));
    want.insert(("oracle_near_stale".into(), h.reserve_key("ETH")));
    assert_eq!(got, want);
    assert_eq!(alerts.len(), want.len());
    assert_eq!(*received.lock().unwrap(), alerts);
    // Liquidatable ones say so.
    for a in alerts
        .iter()
        .filter(|a| a["kind"] == "obligation_health_low")
    {
        let i = (0..54)
            .find(|&i| address(i).to_string() == a["subject"])
            .unwrap();
        assert_eq!(
            a["details"]["liquidatable"],
            e.unhealthy.contains(&i),
            "{a}"
        );
    }

    // One liquidator pass: exactly the unhealthy obligations, each once; the rest untouched.
    let liquidator = h.user("liquidator").await;
    h.give(&liquidator, 0, 1_000_000 * USDC).await;
    h.give(&liquidator, 1, 10_000 * SOL).await;
    h.give(&liquidator, 2, 1_000 * ETH).await;
    let mut before = Vec::new();
    for i in 0..54 {
        before.push(h.bank.account(&address(i)).await.unwrap().unwrap().data);
    }
    let dry = lines(
        &h.ok(
            &liquidator,
            &["--output", "json", "--dry-run", "liquidator", "--once"],
        )
        .await,
    );
    assert_eq!(dry[0]["liquidated"], 17);
    for (i, data) in before.iter().enumerate() {
        assert_eq!(
            &h.bank.account(&address(i)).await.unwrap().unwrap().data,
            data
        );
    }
    let pass = lines(
        &h.ok(&liquidator, &["--output", "json", "liquidator", "--once"])
            .await,
    );
    let p = &pass[0];
    assert_eq!(
        (p["scanned"].as_u64(), p["unhealthy"].as_u64()),
        (Some(54), Some(17))
    );
    assert_eq!(
        (
            p["liquidated"].as_u64(),
            p["errors"].as_u64(),
            p["skipped"].as_u64()
        ),
        (Some(17), Some(0), Some(0))
    );
    let liquidated: BTreeSet<Pubkey> = p["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().parse().unwrap())
        .collect();
    let want: BTreeSet<Pubkey> = e.unhealthy.iter().map(|&i| address(i)).collect();
    assert_eq!(liquidated, want);
    for (i, data) in before.iter().enumerate() {
        let now = h.bank.account(&address(i)).await.unwrap().unwrap().data;
        assert_eq!(&now != data, e.unhealthy.contains(&i), "obligation {i}");
    }
    // The pair: the largest debt (USDC, second position of shape 5) and the most valuable
    // collateral (SOL, second position of shape 4).
    let usdc_index = h.reserve("USDC").await.liquidity.index();
    let sol_index = h.reserve("SOL").await.liquidity.index();
    for &i in &e.unhealthy {
        let o = h.obligation(&users[i].key()).await;
        let held = |k: &str| {
            o.collaterals()
                .iter()
                .find(|c| c.reserve == h.reserve_key(k))
                .map(|c| c.deposited_amount)
        };
        let owed = |k: &str, index| {
            o.borrows()
                .iter()
                .find(|b| b.reserve == h.reserve_key(k))
                .map(|b| b.debt(index).unwrap().to_ceil().unwrap())
        };
        if i % 6 == 4 {
            assert_eq!(held("USDC"), Some(200 * USDC));
            assert!(held("SOL").unwrap() < 10 * SOL);
        }
        if i % 6 == 5 {
            // Repaid in part, or in full below the full-liquidation health (0.9).
            assert!(owed("USDC", usdc_index).unwrap_or(0) < specs[i].debt[0]);
            // Untouched but for 50 s of interest.
            let sol_debt = owed("SOL", sol_index).unwrap();
            assert!(
                sol_debt >= specs[i].debt[1]
                    && sol_debt < specs[i].debt[1] + specs[i].debt[1] / 10_000
            );
        }
    }
    let p_repaid: f64 = p["repaid_usd"].as_str().unwrap().parse().unwrap();
    assert!(p_repaid > 0.0);

    // After the liquidations: what still holds is not raised again; what ended is cleared.
    let snapshot = Snapshot::take(&h.bank, &market).await.unwrap();
    let holding: BTreeSet<(String, Pubkey)> = watcher
        .conditions(&snapshot)
        .iter()
        .map(|c| (c.kind.name().to_string(), c.subject))
        .collect();
    let after = watcher.check(&snapshot);
    assert!(!after.is_empty());
    for alert in &after {
        let key = (
            alert.condition.kind.name().to_string(),
            alert.condition.subject,
        );
        if alert.firing {
            assert!(!got.contains(&key), "raised again: {key:?}");
        } else {
            assert!(
                got.contains(&key) && !holding.contains(&key),
                "cleared wrongly: {key:?}"
            );
        }
    }
    assert!(after.iter().any(|a| !a.firing));
}

#[tokio::test]
async fn races_and_failures_are_counted_and_the_pass_goes_on() {
    use ballast_cli::backoffice::{liquidator::pass, metrics, LiquidatorConfig};
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    // Bob and Dan borrow against 10 SOL each; below $137.50 / $136.25 they can be liquidated.
    let mut borrowers = Vec::new();
    for (name, debt) in [("bob", "1100"), ("dan", "1090")] {
        let user = h.user(name).await;
        h.give(&user, 1, 10 * SOL).await;
        h.ok(&user, &["supply", "SOL", "10"]).await;
        h.ok(&user, &["borrow", "USDC", debt]).await;
        borrowers.push(user);
    }
    let market = h.market.unwrap();
    let liz = h.user("liz").await;
    let config = LiquidatorConfig::default();
    let registry = std::sync::Arc::new(metrics::LiquidatorMetrics::default());

    // Seen unhealthy at $130, but the price is back at $150 when the transactions run.
    h.set_price(1, 13_000_000_000).await;
    let seen = Snapshot::take(&h.bank, &market).await.unwrap();
    h.set_price(1, 15_000_000_000).await;
    h.give(&liz, 0, 5_000 * USDC).await;
    let raced = pass(&h.bank, &seen, &liz.keypair, &config).await;
    assert_eq!(
        (
            raced.unhealthy,
            raced.skipped,
            raced.liquidated,
            raced.errors
        ),
        (2, 2, 0, 0)
    );
    registry.record(&raced);

    // Unhealthy for real, but a liquidator holding no USDC has nothing to repay with: counted
    // apart, not as errors, and each tried.
    h.set_price(1, 13_000_000_000).await;
    let broke = h.user("broke").await;
    let now = Snapshot::take(&h.bank, &market).await.unwrap();
    let failed = pass(&h.bank, &now, &broke.keypair, &config).await;
    assert_eq!(
        (
            failed.unhealthy,
            failed.no_inventory,
            failed.errors,
            failed.liquidated
        ),
        (2, 2, 0, 0)
    );
    registry.record(&failed);

    // Liz does both; at most one per pass when told so.
    let one = LiquidatorConfig {
        max_per_pass: Some(1),
        ..config
    };
    let first = pass(&h.bank, &now, &liz.keypair, &one).await;
    assert_eq!((first.unhealthy, first.liquidated), (2, 1));
    // Least healthy first: Bob.
    assert_eq!(
        first.done[0].obligation,
        h.obligation_key(&borrowers[0].key())
    );
    registry.record(&first);

    // The counters, scraped over loopback.
    let bound = metrics::serve("127.0.0.1:0".parse().unwrap(), registry.clone())
        .await
        .unwrap();
    let text = reqwest::get(format!("http://{bound}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "ballast_liquidator_passes_total 3",
        "ballast_liquidator_obligations_unhealthy_total 6",
        "ballast_liquidator_liquidations_total 1",
        "ballast_liquidator_skipped_total 2",
        "ballast_liquidator_no_inventory_total 2",
        "ballast_liquidator_errors_total 0",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line:?} missing from:\n{text}"
        );
    }
    let err = metrics::serve("0.0.0.0:0".parse().unwrap(), registry)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "metrics are served on loopback only, not 0.0.0.0:0"
    );
}

/// Alice lends 10,000 USDC; Bob pledges 10 SOL ($150) and owes 600 USDC.
pub async fn bob_owes_600() -> Harness {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, 1, 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "600"]).await;
    h
}

#[tokio::test]
async fn monitor_thresholds_come_from_flags_or_a_file() {
    // $1,200 of liquidation limit against $600: health factor 2.
    let h = bob_owes_600().await;
    assert_eq!(h.ok(&h.admin, &["monitor", "--once"]).await, "");
    let flagged = lines(
        &h.ok(
            &h.admin,
            &["monitor", "--once", "--health-warning-bps", "20001"],
        )
        .await,
    );
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["kind"], "obligation_health_low");
    assert_eq!(flagged[0]["details"]["health_factor"], "2.000000");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("thresholds.toml");
    std::fs::write(&file, "health_warning_bps = 25000\n").unwrap();
    let path = file.display().to_string();
    let from_file = lines(
        &h.ok(&h.admin, &["monitor", "--once", "--thresholds-file", &path])
            .await,
    );
    assert_eq!(from_file, flagged);
    std::fs::write(&file, "health_warning = 2\n").unwrap();
    let err = h
        .fails(&h.admin, &["monitor", "--once", "--thresholds-file", &path])
        .await;
    assert!(err.contains("unknown field `health_warning`"), "{err}");
}

#[tokio::test]
async fn the_monitor_alerts_near_each_usd_cap() {
    let h = bob_owes_600().await;
    // SOL's supply (10 SOL and the 1-SOL seed) is worth $1,650, past a $1,600 cap; USDC's
    // borrows, $600, within 90% of $650.
    for (symbol, flag, cap) in [
        ("SOL", "--collateral-cap-usd", "1600"),
        ("USDC", "--borrow-cap-usd", "650"),
    ] {
        h.ok(&h.admin, &["reserve", "update", symbol, flag, cap])
            .await;
    }
    let alerts = lines(&h.ok(&h.admin, &["monitor", "--once"]).await);
    let kinds: Vec<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["collateral_cap_usd_near", "borrow_cap_usd_near"]);
    assert_eq!(alerts[0]["details"]["cap_usd"], 1_600);
    assert_eq!(alerts[0]["details"]["supply_usd"], "1650.00");
    assert_eq!(alerts[1]["details"]["borrowed_usd"], "600.00");
    // Raised well above, nothing fires.
    for (symbol, flag) in [
        ("SOL", "--collateral-cap-usd"),
        ("USDC", "--borrow-cap-usd"),
    ] {
        h.ok(&h.admin, &["reserve", "update", symbol, flag, "100000"])
            .await;
    }
    assert_eq!(h.ok(&h.admin, &["monitor", "--once"]).await, "");
}

#[tokio::test]
async fn the_monitor_alerts_while_an_emode_group_threshold_ramps() {
    let h = Harness::with_market().await;
    let market = h.market.unwrap();
    let group = super::emode::SET_GROUP_1;
    h.ok(&h.admin, &group).await;
    // A configured group with no ramp: nothing to say.
    assert_eq!(h.ok(&h.admin, &["monitor", "--once"]).await, "");
    // 93% down to 91% over two hours.
    h.ok(
        &h.admin,
        &[
            "market",
            "emode-group",
            "1",
            "--liquidation-threshold-bps",
            "9100",
            "--threshold-ramp-secs",
            "7200",
        ],
    )
    .await;
    let ramp = h.market_state().await.emode_groups[0].threshold_ramp;
    assert_eq!((ramp.from_bps, ramp.end - ramp.start), (9_300, 7_200));
    // The threshold `elapsed` seconds into the ramp: 200 bps over 7,200 s, rounded toward 93%.
    let at = |elapsed: i64| 9_300 - (200 * elapsed / 7_200) as u64;
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    let alerts = lines(&h.ok(&h.admin, &["monitor", "--once"]).await);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!(
        (&a["status"], &a["kind"], &a["subject"]),
        (
            &Value::from("firing"),
            &Value::from("emode_threshold_ramping"),
            &Value::from(market.to_string())
        )
    );
    let current = at(now - ramp.start);
    assert_eq!(
        a["details"],
        serde_json::json!({
            "group": 1,
            "threshold_now_bps": current,
            "target_threshold_bps": 9_100,
            "ramp_end": ramp.end,
        })
    );
    assert_eq!(
        a["message"],
        format!(
            "e-mode group 1: liquidation threshold {}.{:02}% now, ramping down to 91.00% until \
             unix time {}",
            current / 100,
            current % 100,
            ramp.end
        )
    );

    // Watched over time: raised once while it ramps, cleared when it ends.
    let mut watcher = Monitor::new(Thresholds::default());
    let first = watcher.check(&look(&h).await);
    assert_eq!(first.len(), 1);
    assert!(first[0].firing);
    assert_eq!(first[0].condition.emode_group, 1);
    h.bank.advance_time(3_600).await.unwrap();
    let halfway = look(&h).await;
    let ramping = watcher.conditions(&halfway);
    assert_eq!(
        ramping[0].details["threshold_now_bps"],
        at(halfway.now - ramp.start)
    );
    assert!(watcher.check(&halfway).is_empty());
    h.bank.advance_time(3_600).await.unwrap();
    let over = watcher.check(&look(&h).await);
    assert_eq!(over.len(), 1);
    assert!(!over[0].firing);
    assert_eq!(over[0].condition.kind.name(), "emode_threshold_ramping");
    assert_eq!(
        h.ok(&h.admin, &["monitor", "--once"]).await,
        "",
        "the ramp is over"
    );
}

/// A snapshot after fresh prices, so that only what else changed is news.
async fn look(h: &Harness) -> Snapshot {
    h.set_price(0, 100_000_000).await;
    h.set_price(1, 15_000_000_000).await;
    Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap()
}

/// `user`'s obligation in `snapshot`.
fn of<'a>(snapshot: &'a Snapshot, user: &User) -> &'a ValuedObligation {
    snapshot
        .obligations
        .iter()
        .find(|o| o.obligation.owner == user.key())
        .unwrap()
}

/// One liquidator pass over `snapshot` by liz, who holds 1,000 USDC.
async fn liz_passes(h: &Harness, snapshot: &Snapshot) -> PassSummary {
    let liz = h.user("liz").await;
    h.give(&liz, 0, 1_000 * USDC).await;
    let config = ballast_cli::backoffice::LiquidatorConfig::default();
    ballast_cli::backoffice::liquidator::pass(&h.bank, snapshot, &liz.keypair, &config).await
}

#[tokio::test]
async fn an_obligation_healthy_at_spot_is_not_a_candidate_whatever_the_ema() {
    use ballast_testkit::pyth::PythPrice;
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    let bob = h.user("bob").await;
    h.give(&bob, 1, 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "1100"]).await;
    // SOL at $150 but its EMA lags at $130: $1,040 against $1,100 at the EMA, $1,200 at spot.
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    let sol = &h.assets[1];
    let mut price = PythPrice::new(sol.oracle.to_bytes(), 15_000_000_000, -8, now);
    price.ema_price = 13_000_000_000;
    h.bank.set_account(&sol.oracle, price.account()).await;
    let market = h.market.unwrap();
    let snapshot = Snapshot::take(&h.bank, &market).await.unwrap();
    assert!(!of(&snapshot, &bob).is_liquidatable());
    let done = liz_passes(&h, &snapshot).await;
    assert_eq!(
        (done.unhealthy, done.liquidated, done.skipped, done.errors),
        (0, 0, 0, 0)
    );
}

/// Finding 2 of issue 12 from the liquidator's side: bob pledged 0.5 JUP ($0.50) beside his 10
/// SOL, and JUP's feed has been silent for two minutes. The program leaves such dust out of a
/// liquidation, and so do the snapshot and the planner: when SOL falls, the reference
/// liquidator takes him like any other, and the dust stays where it was.
#[tokio::test]
async fn dust_on_a_dead_feed_does_not_hide_an_obligation_from_the_liquidator() {
    let mut h = Harness::with_market().await;
    let jup = h.asset("JUP", 6, 100_000_000).await;
    let (mint, oracle) = (
        h.assets[jup].mint.to_string(),
        h.assets[jup].oracle.to_string(),
    );
    h.give(&h.admin, jup, USDC).await;
    h.ok(
        &h.admin,
        &[
            "reserve", "add", "--mint", &mint, "--oracle", &oracle, "--preset", "volatile",
        ],
    )
    .await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    let bob = h.user("bob").await;
    h.give(&bob, 1, 10 * SOL).await;
    h.give(&bob, jup, USDC / 2).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["supply", "JUP", "0.5"]).await;
    h.ok(&bob, &["borrow", "USDC", "1100"]).await;
    h.set_price_aged(jup, 100_000_000, 120).await;
    // SOL at $130: $1,040 against $1,100.
    h.set_price(1, 13_000_000_000).await;
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    assert!(of(&snapshot, &bob).is_liquidatable());
    let done = liz_passes(&h, &snapshot).await;
    assert_eq!(
        (done.unhealthy, done.liquidated, done.skipped, done.errors),
        (1, 1, 0, 0)
    );
    // Half of the $1,100 at the bonus the health asks for (1 - 1,040 / 1,100 = 5.45%): $580
    // of SOL at $130.
    assert_eq!(
        (done.done[0].repaid, done.done[0].seized),
        (550 * USDC, 4_461_538_461)
    );
    let o = h.obligation(&bob.key()).await;
    let jup_reserve = h.reserve_key("JUP");
    let dust = o.collaterals().iter().find(|c| c.reserve == jup_reserve);
    assert_eq!(dust.map(|c| c.deposited_amount), Some(USDC / 2));
}
