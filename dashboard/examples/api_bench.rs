//! The dashboard's API latency on a year of hourly snapshots: 10 reserves (87,600 reserve rows),
//! the health distribution (70,080 rows) and the what-if rows (876,000), a market of 100,000
//! obligations as the indexer aggregates them, and a year of events (963,600: 110 an hour, ten
//! of them liquidations, a write-off every 100 hours). Fills a SQLite file in a temporary directory
//! (generated inside SQLite), then times each API call over HTTP on loopback: the median of 7.
//!
//! `cargo run -p ballast-dashboard --profile measure --example api_bench`
use {
    ballast_dashboard::{serve, Dashboard},
    std::time::{Duration, Instant},
};

const HOURS: i64 = 365 * 24;
const START: i64 = 1_700_000_000;
const RUNS: usize = 7;

/// `reserve_snapshots`, `health_snapshots` and `what_if_snapshots` rows for every hour, made by
/// recursive CTEs (rows bound one by one from Rust would time the filling, not the API).
const FILL: &str = r#"
WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < $1 - 1),
     r(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM r WHERE k < 9)
INSERT INTO reserve_snapshots (taken_at, slot, market, reserve, available, borrowed, supply,
    utilization, borrow_apr, supply_apr, price, rate_curve)
SELECT $2 + 3600 * n, 9000 * n, 'market', 'reserve' || k, 1000000 - n, 1000000 + n, 2000000,
    0.5 + (n % 100) / 400.0, 0.05, 0.04, 100.0 + k, '[[0,100],[7000,700],[10000,15000]]'
FROM h, r;
WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < $1 - 1),
     b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b WHERE i < 7)
INSERT INTO health_snapshots (taken_at, slot, market, bucket, label, lower_bound, upper_bound,
    obligations, debt_value)
SELECT $2 + 3600 * n, 9000 * n, 'market', i, 'bucket ' || i, NULL, NULL, 12500, 1e6 * i
FROM h, b;
WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < $1 - 1),
     r(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM r WHERE k < 9),
     d(p) AS (SELECT 5 UNION ALL SELECT p + 5 FROM d WHERE p < 50)
INSERT INTO what_if_snapshots (taken_at, market, reserve, drop_pct, obligations,
    debt_value_usd, collateral_value_usd)
SELECT $2 + 3600 * n, 'market', 'reserve' || k, p, 200 * p, 1e4 * p * p, 1.2e4 * p * p
FROM h, r, d;
WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < $1 - 1),
     e(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM e WHERE i < 109)
INSERT INTO events (signature, event_index, slot, block_time, event_time, kind, market, reserve,
    obligation, signer, fields)
SELECT 'tx' || n || '-' || i, 0, 9000 * n + i, $2 + 3600 * n, $2 + 3600 * n,
    CASE WHEN i < 10 THEN 'Liquidated'
         WHEN i = 10 AND n % 100 = 0 THEN 'BadDebtSocialized'
         ELSE 'Deposited' END,
    'market', 'reserve' || (i % 10), 'obligation' || (n * 110 + i) % 100000, 'signer',
    CASE WHEN i < 10 THEN '{"withdraw_reserve":"reserve0","repaid_amount":1000,"seized_collateral":1100,"bonus_sf":"50000000000000000"}'
         WHEN i = 10 AND n % 100 = 0 THEN '{"written_off_sf":"5000000000000000000"}'
         ELSE '{"liquidity_amount":1,"collateral_amount":1,"pledged":false}' END
FROM h, e;
"#;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let store = ballast_indexer::Store::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("schema");
    let filled = Instant::now();
    for statement in FILL.split(";\n").filter(|s| !s.trim().is_empty()) {
        sqlx::raw_sql(
            &statement
                .replace("$1", &HOURS.to_string())
                .replace("$2", &START.to_string()),
        )
        .execute(store.pool())
        .await
        .expect("fill");
    }
    drop(store);
    println!(
        "filled {HOURS} hours x 10 reserves in {:.1} s ({} MB)",
        filled.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map_or(0, |m| m.len() >> 20)
    );
    let dashboard = Dashboard::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("open");
    let addr = serve(dashboard, "127.0.0.1:0".parse().expect("addr"), false)
        .await
        .expect("serve");
    let client = reqwest::Client::new();
    for api in [
        "/api/reserves",
        "/api/reserve-history?reserve=reserve3",
        "/api/rate-curve?reserve=reserve3",
        "/api/what-if?reserve=reserve3",
        "/api/health",
        "/api/liquidations",
        "/api/bad-debt",
    ] {
        let mut times: Vec<Duration> = Vec::new();
        let mut bytes = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let response = client.get(format!("http://{addr}{api}")).send().await;
            let body = response.expect("get").bytes().await.expect("body");
            times.push(started.elapsed());
            bytes = body.len();
        }
        times.sort();
        println!(
            "{api}: median {:.2} ms ({bytes} bytes)",
            times[RUNS / 2].as_secs_f64() * 1e3
        );
    }
}
