//! The JSON behind each chart, read from the indexer's tables (`indexer/migrations`). Queries
//! use `$n` placeholders, which both SQLite and PostgreSQL take.
use {
    serde_json::{json, Value},
    sqlx::{AnyPool, Row},
};

/// Fixed-point raw values (10^18) as a float, for display only.
fn from_raw(raw: &str) -> f64 {
    raw.parse::<f64>().unwrap_or(0.0) / 1e18
}

/// Each reserve's latest snapshot.
pub async fn reserves(pool: &AnyPool) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.reserve, s.market, s.taken_at, s.available, s.borrowed, s.supply, \
         s.utilization, s.borrow_apr, s.supply_apr, s.price \
         FROM reserve_snapshots s JOIN (SELECT reserve, MAX(taken_at) AS latest \
         FROM reserve_snapshots GROUP BY reserve) m \
         ON s.reserve = m.reserve AND s.taken_at = m.latest ORDER BY s.reserve",
    )
    .fetch_all(pool)
    .await?;
    Ok(Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "reserve": r.get::<String, _>("reserve"),
                    "market": r.get::<String, _>("market"),
                    "taken_at": r.get::<i64, _>("taken_at"),
                    "available": r.get::<i64, _>("available"),
                    "borrowed": r.get::<i64, _>("borrowed"),
                    "supply": r.get::<i64, _>("supply"),
                    "utilization": r.get::<f64, _>("utilization"),
                    "borrow_apr": r.get::<f64, _>("borrow_apr"),
                    "supply_apr": r.get::<f64, _>("supply_apr"),
                    "price": r.get::<Option<f64>, _>("price"),
                })
            })
            .collect(),
    ))
}

/// One reserve's utilization and rates over time, as columns (uPlot's data layout).
pub async fn reserve_history(pool: &AnyPool, reserve: &str) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT taken_at, utilization, borrow_apr, supply_apr FROM reserve_snapshots \
         WHERE reserve = $1 ORDER BY taken_at",
    )
    .bind(reserve)
    .fetch_all(pool)
    .await?;
    let column = |name: &str| -> Vec<f64> { rows.iter().map(|r| r.get::<f64, _>(name)).collect() };
    let times: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>("taken_at")).collect();
    Ok(json!({
        "reserve": reserve,
        "time": times,
        "utilization": column("utilization"),
        "borrow_apr": column("borrow_apr"),
        "supply_apr": column("supply_apr"),
    }))
}

/// The latest distribution of obligations by health factor.
pub async fn health(pool: &AnyPool) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT taken_at, bucket, label, obligations, debt_value FROM health_snapshots \
         WHERE taken_at = (SELECT MAX(taken_at) FROM health_snapshots) ORDER BY bucket",
    )
    .fetch_all(pool)
    .await?;
    Ok(json!({
        "taken_at": rows.first().map(|r| r.get::<i64, _>("taken_at")),
        "labels": rows.iter().map(|r| r.get::<String, _>("label")).collect::<Vec<_>>(),
        "obligations": rows.iter().map(|r| r.get::<i64, _>("obligations")).collect::<Vec<_>>(),
        "debt_value": rows.iter().map(|r| r.get::<f64, _>("debt_value")).collect::<Vec<_>>(),
    }))
}

/// The latest liquidations, newest first (at most `limit`).
pub async fn liquidations(pool: &AnyPool, limit: i64) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT signature, slot, event_time, obligation, reserve, fields FROM events \
         WHERE kind = 'Liquidated' ORDER BY slot DESC, event_index DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(Value::Array(
        rows.iter()
            .map(|r| {
                let fields: Value =
                    serde_json::from_str(&r.get::<String, _>("fields")).unwrap_or(Value::Null);
                let bonus = fields["bonus_sf"].as_str().map(from_raw);
                json!({
                    "signature": r.get::<String, _>("signature"),
                    "slot": r.get::<i64, _>("slot"),
                    "time": r.get::<i64, _>("event_time"),
                    "obligation": r.get::<Option<String>, _>("obligation"),
                    "repay_reserve": r.get::<Option<String>, _>("reserve"),
                    "withdraw_reserve": fields["withdraw_reserve"],
                    "repaid_amount": fields["repaid_amount"],
                    "seized_collateral": fields["seized_collateral"],
                    "bonus": bonus,
                })
            })
            .collect(),
    ))
}

/// Bad debt written off over time: at each write-off, every reserve's running total in its
/// base units (one series per reserve, over the write-offs' times).
pub async fn bad_debt(pool: &AnyPool) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT event_time, reserve, fields FROM events WHERE kind = 'BadDebtSocialized' \
         ORDER BY slot, event_index",
    )
    .fetch_all(pool)
    .await?;
    let mut reserves: Vec<String> = Vec::new();
    let mut totals: Vec<f64> = Vec::new();
    let (mut times, mut series): (Vec<i64>, Vec<Vec<f64>>) = (Vec::new(), Vec::new());
    for r in &rows {
        let reserve = r.get::<Option<String>, _>("reserve").unwrap_or_default();
        let fields: Value =
            serde_json::from_str(&r.get::<String, _>("fields")).unwrap_or(Value::Null);
        let amount = fields["written_off_sf"]
            .as_str()
            .map(from_raw)
            .unwrap_or(0.0);
        let at = match reserves.iter().position(|k| *k == reserve) {
            Some(at) => at,
            None => {
                reserves.push(reserve);
                totals.push(0.0);
                // A reserve first seen now had written off nothing before.
                series.push(vec![0.0; times.len()]);
                totals.len() - 1
            }
        };
        totals[at] += amount;
        times.push(r.get::<i64, _>("event_time"));
        for (column, total) in series.iter_mut().zip(&totals) {
            column.push(*total);
        }
    }
    Ok(json!({ "time": times, "reserves": reserves, "totals": series }))
}

/// One reserve's borrow rate curve (`[[utilization_bps, borrow_rate_bps], ...]`, `null` in
/// snapshots written before the indexer stored it) and where the reserve sits on it, from its
/// latest snapshot.
pub async fn rate_curve(pool: &AnyPool, reserve: &str) -> Result<Value, sqlx::Error> {
    let row = sqlx::query(
        "SELECT taken_at, utilization, borrow_apr, rate_curve FROM reserve_snapshots \
         WHERE reserve = $1 ORDER BY taken_at DESC LIMIT 1",
    )
    .bind(reserve)
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else {
        return Ok(
            json!({ "reserve": reserve, "taken_at": null, "points": null,
                          "utilization": null, "borrow_apr": null }),
        );
    };
    let points = r
        .get::<Option<String>, _>("rate_curve")
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .unwrap_or(Value::Null);
    Ok(json!({
        "reserve": reserve,
        "taken_at": r.get::<i64, _>("taken_at"),
        "points": points,
        "utilization": r.get::<f64, _>("utilization"),
        "borrow_apr": r.get::<f64, _>("borrow_apr"),
    }))
}

/// What falls of one reserve's price would make liquidatable, from its latest what-if
/// snapshot: per drop (percent), the obligations and their debt and collateral in USD, as
/// columns.
pub async fn what_if(pool: &AnyPool, reserve: &str) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT taken_at, drop_pct, obligations, debt_value_usd, collateral_value_usd \
         FROM what_if_snapshots WHERE reserve = $1 AND taken_at = \
         (SELECT MAX(taken_at) FROM what_if_snapshots WHERE reserve = $1) ORDER BY drop_pct",
    )
    .bind(reserve)
    .fetch_all(pool)
    .await?;
    let column = |name: &str| -> Vec<f64> { rows.iter().map(|r| r.get::<f64, _>(name)).collect() };
    Ok(json!({
        "reserve": reserve,
        "taken_at": rows.first().map(|r| r.get::<i64, _>("taken_at")),
        "drop_pct": rows.iter().map(|r| r.get::<i32, _>("drop_pct")).collect::<Vec<_>>(),
        "obligations": rows.iter().map(|r| r.get::<i64, _>("obligations")).collect::<Vec<_>>(),
        "debt_value_usd": column("debt_value_usd"),
        "collateral_value_usd": column("collateral_value_usd"),
    }))
}
