//! The dashboard over a database the indexer's schema made: every API answers exactly what the
//! rows say, and the page, loaded in headless Chromium, draws every chart with that data and
//! logs no error; a screenshot is kept as an artifact (`target/dashboard.png`).
use {
    ballast_dashboard::{browser::headless_chromium, serve, Dashboard},
    serde_json::{json, Value},
    std::path::Path,
};

const RESERVES: [&str; 2] = [
    "So11111111111111111111111111111111111111112",
    "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
];
/// The reserves' rate curves as the indexer stores them (`presets::volatile`, `stablecoin`).
const CURVES: [&str; 2] = [
    "[[0,100],[7000,700],[10000,15000]]",
    "[[0,0],[8000,800],[10000,5000]]",
];
const MARKET: &str = "7yWbrXwygybCxUtw38JsFE7sN8dbugzhXmk9fCthXQba";

/// Five hourly snapshots of each reserve, a health distribution, three liquidations and two
/// write-offs in two reserves.
async fn fill(dashboard: &Dashboard) {
    let pool = &dashboard.pool;
    for (k, reserve) in RESERVES.iter().enumerate() {
        for hour in 0..5i64 {
            let utilization = 0.5 + 0.05 * hour as f64 + 0.1 * k as f64;
            sqlx::query(
                "INSERT INTO reserve_snapshots (taken_at, slot, market, reserve, available, \
                 borrowed, supply, utilization, borrow_apr, supply_apr, price, rate_curve) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(1_700_000_000 + 3_600 * hour)
            .bind(100 + hour)
            .bind(MARKET)
            .bind(*reserve)
            .bind(1_000 - 50 * hour)
            .bind(1_000 + 50 * hour)
            .bind(2_000i64)
            .bind(utilization)
            .bind(utilization / 10.0)
            .bind(utilization * utilization / 10.0 * 0.9)
            .bind(Some(150.0 - hour as f64))
            .bind(CURVES[k])
            .execute(pool)
            .await
            .unwrap();
        }
    }
    // What-if rows of two snapshots per reserve (the API answers the later): in SOL's latest,
    // (i + 1) / 2 obligations at the i-th drop, each owing $250.50 on $300.25 of collateral;
    // nothing in USDC's.
    for (k, reserve) in RESERVES.iter().enumerate() {
        for (taken_at, latest) in [(1_700_010_800i64, false), (1_700_014_400, true)] {
            for i in 0..10i64 {
                let obligations = match (k, latest) {
                    (0, true) => (i + 1) / 2,
                    (_, true) => 0,
                    (_, false) => 99,
                };
                sqlx::query(
                    "INSERT INTO what_if_snapshots (taken_at, market, reserve, drop_pct, \
                     obligations, debt_value_usd, collateral_value_usd) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(taken_at)
                .bind(MARKET)
                .bind(*reserve)
                .bind(5 * (i + 1))
                .bind(obligations)
                .bind(250.5 * obligations as f64)
                .bind(300.25 * obligations as f64)
                .execute(pool)
                .await
                .unwrap();
            }
        }
    }
    let buckets = [
        ("< 1", 2),
        ("1-1.1", 3),
        ("1.1-1.5", 7),
        ("1.5-2", 11),
        (">= 2", 20),
        ("no debt", 5),
    ];
    for (i, (label, count)) in buckets.iter().enumerate() {
        sqlx::query(
            "INSERT INTO health_snapshots (taken_at, slot, market, bucket, label, lower_bound, \
             upper_bound, obligations, debt_value) VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7)",
        )
        .bind(1_700_014_400i64)
        .bind(104i64)
        .bind(MARKET)
        .bind(i as i64)
        .bind(*label)
        .bind(*count as i64)
        .bind(1_000.0 * *count as f64)
        .execute(pool)
        .await
        .unwrap();
    }
    let event = |signature: String, slot: i64, kind: &str, reserve: &str, fields: Value| {
        let pool = pool.clone();
        let kind = kind.to_string();
        let reserve = reserve.to_string();
        async move {
            sqlx::query(
                "INSERT INTO events (signature, event_index, slot, block_time, event_time, kind, \
                 market, reserve, obligation, signer, fields) \
                 VALUES ($1, 0, $2, $3, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(signature)
            .bind(slot)
            .bind(1_700_000_000 + slot)
            .bind(kind)
            .bind(MARKET)
            .bind(reserve)
            .bind("2XpQqxtRJv8Jc6J8Wn8aqsLCr2ZKyXRENuJBZgumif7n")
            .bind("D1csvSwGMb6AdTRDXohj29cmLyp8KB2jUzSzphKivEfa")
            .bind(fields.to_string())
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    for i in 0..3i64 {
        let fields = json!({
            "withdraw_reserve": RESERVES[0],
            "repaid_amount": 100_000_000 * (i + 1),
            "seized_collateral": 700_000_000 * (i + 1),
            "protocol_collateral": 7_000_000,
            "payout": "Collateral",
            "payout_amount": 693_000_000,
            "bonus_sf": "50000000000000000",
        });
        event(
            format!("liq{i}"),
            200 + i,
            "Liquidated",
            RESERVES[1],
            fields,
        )
        .await;
    }
    for (i, reserve) in RESERVES.iter().enumerate() {
        let fields = json!({
            "written_off_sf": format!("{}000000000000000000", 5 * (i + 1)),
            "exchange_rate_before_sf": "1000000000000000000",
            "exchange_rate_after_sf": "990000000000000000",
        });
        event(
            format!("bad{i}"),
            300 + i as i64,
            "BadDebtSocialized",
            reserve,
            fields,
        )
        .await;
    }
}

async fn started() -> (tempfile::TempDir, String, Dashboard) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ballast.db");
    // The indexer makes the schema, as it does for `ballast indexer`.
    ballast_indexer::Store::open(db.to_str().unwrap())
        .await
        .unwrap();
    let dashboard = Dashboard::open(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    fill(&dashboard).await;
    let addr = serve(dashboard.clone(), "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    (dir, format!("http://{addr}"), dashboard)
}

async fn get(url: &str) -> Value {
    let body = reqwest::get(url).await.unwrap().text().await.unwrap();
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn every_api_answers_what_the_rows_say() {
    let (_dir, url, _) = started().await;
    let reserves = get(&format!("{url}/api/reserves")).await;
    assert_eq!(reserves.as_array().unwrap().len(), 2);
    // The latest of SOL's five: hour 4.
    let sol = reserves
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reserve"] == RESERVES[0])
        .unwrap();
    assert_eq!(
        (&sol["taken_at"], &sol["borrowed"], &sol["price"]),
        (&json!(1_700_014_400), &json!(1_200), &json!(146.0))
    );
    let history = get(&format!(
        "{url}/api/reserve-history?reserve={}",
        RESERVES[1]
    ))
    .await;
    assert_eq!(history["time"].as_array().unwrap().len(), 5);
    assert_eq!(history["utilization"][0], json!(0.6));
    // SOL's latest snapshot: utilization 0.5 + 4 x 0.05, borrow APR a tenth of it.
    let curve = get(&format!("{url}/api/rate-curve?reserve={}", RESERVES[0])).await;
    let utilization = 0.5 + 0.05 * 4.0;
    assert_eq!(
        curve,
        json!({
            "reserve": RESERVES[0],
            "taken_at": 1_700_014_400,
            "points": [[0, 100], [7_000, 700], [10_000, 15_000]],
            "utilization": utilization,
            "borrow_apr": utilization / 10.0,
        })
    );
    let what_if = get(&format!("{url}/api/what-if?reserve={}", RESERVES[0])).await;
    assert_eq!(
        what_if,
        json!({
            "reserve": RESERVES[0],
            "taken_at": 1_700_014_400,
            "drop_pct": [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
            "obligations": [0, 1, 1, 2, 2, 3, 3, 4, 4, 5],
            "debt_value_usd": [0.0, 250.5, 250.5, 501.0, 501.0, 751.5, 751.5, 1002.0, 1002.0, 1252.5],
            "collateral_value_usd":
                [0.0, 300.25, 300.25, 600.5, 600.5, 900.75, 900.75, 1201.0, 1201.0, 1501.25],
        })
    );
    let none = get(&format!("{url}/api/what-if?reserve=nothing")).await;
    assert_eq!(none["drop_pct"], json!([]));
    assert_eq!(none["taken_at"], Value::Null);
    let health = get(&format!("{url}/api/health")).await;
    assert_eq!(health["obligations"], json!([2, 3, 7, 11, 20, 5]));
    assert_eq!(health["labels"][5], "no debt");
    let liquidations = get(&format!("{url}/api/liquidations")).await;
    // Newest first.
    assert_eq!(liquidations[0]["signature"], "liq2");
    assert_eq!(liquidations[0]["repaid_amount"], json!(300_000_000));
    assert_eq!(liquidations[0]["bonus"], json!(0.05));
    let bad = get(&format!("{url}/api/bad-debt")).await;
    // 5 units in SOL's reserve, then 10 in USDC's: each one's running total at each time.
    assert_eq!(bad["totals"], json!([[5.0, 5.0], [0.0, 10.0]]));
    assert_eq!(
        reqwest::get(format!("{url}/nothing"))
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_draws_every_chart_with_the_data_and_logs_no_error() {
    let (dir, url, _) = started().await;
    let profile = dir.path().join("chromium");
    let Some(mut dump) = headless_chromium(&profile) else {
        return;
    };
    let page = url.clone();
    let out = tokio::task::spawn_blocking(move || dump.arg("--dump-dom").arg(&page).output())
        .await
        .unwrap()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(dom.contains("data-ready=\"yes\""), "not ready: {dom}");
    assert!(!dom.contains("data-error"), "{dom}");
    assert!(!log.contains(":CONSOLE("), "the page logged: {log}");
    // Two reserve charts of five points, six buckets, two write-offs, three liquidations.
    assert_eq!(dom.matches("data-points=\"5\"").count(), 2);
    assert!(dom.contains("id=\"health\" data-points=\"6\""), "{dom}");
    assert!(dom.contains("id=\"bad-debt\" data-points=\"2\""), "{dom}");
    assert!(
        dom.contains("id=\"liquidations\" data-points=\"3\""),
        "{dom}"
    );
    // Two rate curves of three points and the current one; ten drops, the slider at 10%.
    assert_eq!(dom.matches("class=\"card rate-curve\"").count(), 2, "{dom}");
    assert_eq!(dom.matches("data-points=\"4\"").count(), 2, "{dom}");
    assert!(dom.contains("id=\"what-if\" data-points=\"10\""), "{dom}");
    assert!(
        dom.contains("falls 10%: 1 obligation, $250.50 of debt liquidatable ($300.25 collateral)"),
        "{dom}"
    );
    assert_eq!(dom.matches("<canvas").count(), 7);
    assert!(dom.contains("<td>300000000</td>"));

    // The screenshot, kept as an artifact.
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard.png");
    let Some(mut capture) = headless_chromium(&dir.path().join("chromium-shot")) else {
        return;
    };
    let target = shot.clone();
    let status = tokio::task::spawn_blocking(move || {
        capture
            .arg(format!("--screenshot={}", target.display()))
            .arg("--window-size=1000,2800")
            .arg(&url)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        png.len() > 20_000,
        "a blank page is smaller: {} bytes",
        png.len()
    );
}
