//! Periodic pictures of a market from the chain: each reserve (supply, borrows, rates, price)
//! and the obligations by health factor, valued with the client's fetch and health code (the
//! program's own logic).
use {
    crate::{
        error::{bigint, IndexerError},
        store::Store,
        what_if::{self, WhatIf},
    },
    ballast::{logic::interest, math::Fixed, oracle::PriceClock},
    ballast_client::{fetch, health, Transport},
    solana_sdk::pubkey::Pubkey,
};

/// Health factor buckets `[lower, upper)`; the last two hold obligations without debt and
/// those the program cannot value now (a debt's price unusable).
pub const BUCKETS: [(&str, Option<f64>, Option<f64>); 8] = [
    ("< 1.0", Some(0.0), Some(1.0)),
    ("1.0 - 1.1", Some(1.0), Some(1.1)),
    ("1.1 - 1.25", Some(1.1), Some(1.25)),
    ("1.25 - 1.5", Some(1.25), Some(1.5)),
    ("1.5 - 2", Some(1.5), Some(2.0)),
    (">= 2", Some(2.0), None),
    ("no debt", None, None),
    ("unpriced", None, None),
];
const NO_DEBT: usize = 6;
const UNPRICED: usize = 7;

#[derive(Clone, Debug, PartialEq)]
pub struct ReserveSnapshot {
    pub reserve: Pubkey,
    pub available: u64,
    /// Rounded up, as owed.
    pub borrowed: u64,
    pub supply: u64,
    pub utilization: f64,
    pub borrow_apr: f64,
    pub supply_apr: f64,
    /// USD per whole token; `None` when no source gives a usable price now.
    pub price: Option<f64>,
    /// The borrow rate curve in force: (utilization bps, borrow rate bps) points.
    pub rate_curve: Vec<(u32, u32)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealthBucket {
    pub obligations: u64,
    /// USD.
    pub debt_value: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MarketSnapshot {
    pub market: Pubkey,
    pub taken_at: i64,
    pub slot: u64,
    pub reserves: Vec<ReserveSnapshot>,
    /// One per entry of `BUCKETS`.
    pub health: Vec<HealthBucket>,
    /// Per reserve with a price and per drop of `what_if::DROPS_PCT`, reserves in the order
    /// of `reserves`.
    pub what_if: Vec<WhatIf>,
}

pub fn float(x: Fixed) -> f64 {
    x.raw() as f64 / 1e18
}

/// Reads `market` now: its reserves with interest projected to the cluster's time, and each
/// obligation valued as `ballast obligation show` values it (one fetch of its reserves and
/// oracles per obligation: minutes for a market of 100,000).
pub async fn take(
    transport: &impl Transport,
    market: &Pubkey,
) -> Result<MarketSnapshot, IndexerError> {
    let clock = transport.clock().await?;
    let at = PriceClock::from(&clock);
    let program =
        |e: anchor_lang::error::Error| IndexerError::from(ballast_client::ClientError::from(e));
    let mut reserves = Vec::new();
    for (address, reserve) in fetch::market_reserves(transport, market).await? {
        let liquidity =
            interest::projected(&reserve.liquidity, &reserve.config, at.now).map_err(program)?;
        let rates = interest::rates(&liquidity, &reserve.config).map_err(program)?;
        let price = match health::price_or_unpriced(transport, &address, &reserve, at).await {
            Ok(Ok(pricing)) => Some(float(pricing.price.spot)),
            _ => None,
        };
        let borrowed = liquidity.borrowed().to_ceil().map_err(program)?;
        reserves.push(ReserveSnapshot {
            reserve: address,
            available: liquidity.available_amount,
            borrowed,
            supply: liquidity.available_amount.saturating_add(borrowed),
            utilization: float(rates.utilization),
            borrow_apr: float(rates.borrow_apr),
            supply_apr: float(rates.supply_apr),
            price,
            rate_curve: reserve
                .config
                .rate_curve
                .used()
                .iter()
                .map(|p| (p.utilization_bps, p.borrow_rate_bps))
                .collect(),
        });
    }
    let priced: Vec<Pubkey> = reserves
        .iter()
        .filter(|r| r.price.is_some())
        .map(|r| r.reserve)
        .collect();
    let mut what_if = what_if::rows_for(&priced);
    let mut buckets = vec![HealthBucket::default(); BUCKETS.len()];
    for (address, _) in fetch::market_obligations(transport, market).await? {
        let (bucket, debt) = match health::obligation_health(transport, &address).await {
            Ok(h) => {
                what_if::count(&mut what_if, &h)?;
                match h.health.health_factor() {
                    None => (NO_DEBT, 0.0),
                    Some(factor) => (bucket_of(float(factor)), float(h.health.debt_value)),
                }
            }
            Err(_) => (UNPRICED, 0.0),
        };
        buckets[bucket].obligations += 1;
        buckets[bucket].debt_value += debt;
    }
    Ok(MarketSnapshot {
        market: *market,
        taken_at: clock.unix_timestamp,
        slot: clock.slot,
        reserves,
        health: buckets,
        what_if,
    })
}

/// The bucket of a health factor.
pub fn bucket_of(factor: f64) -> usize {
    BUCKETS[..NO_DEBT]
        .iter()
        .rposition(|(_, lower, _)| lower.is_some_and(|l| factor >= l))
        .unwrap_or(0)
}

impl Store {
    /// Writes a snapshot in one transaction; a second write of the same moment changes nothing.
    pub async fn write_snapshot(&self, s: &MarketSnapshot) -> Result<(), IndexerError> {
        let mut db = self.pool().begin().await?;
        let market = s.market.to_string();
        let slot = bigint("slot", s.slot)?;
        for r in &s.reserves {
            sqlx::query(
                "INSERT INTO reserve_snapshots (taken_at, slot, market, reserve, available, \
                 borrowed, supply, utilization, borrow_apr, supply_apr, price, rate_curve) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(s.taken_at)
            .bind(slot)
            .bind(market.as_str())
            .bind(r.reserve.to_string())
            .bind(bigint("available", r.available)?)
            .bind(bigint("borrowed", r.borrowed)?)
            .bind(bigint("supply", r.supply)?)
            .bind(r.utilization)
            .bind(r.borrow_apr)
            .bind(r.supply_apr)
            .bind(r.price)
            .bind(serde_json::to_string(&r.rate_curve).unwrap_or_default())
            .execute(&mut *db)
            .await?;
        }
        for (i, (b, (label, lower, upper))) in s.health.iter().zip(BUCKETS).enumerate() {
            sqlx::query(
                "INSERT INTO health_snapshots (taken_at, slot, market, bucket, label, \
                 lower_bound, upper_bound, obligations, debt_value) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(s.taken_at)
            .bind(slot)
            .bind(market.as_str())
            .bind(i as i32)
            .bind(label)
            .bind(lower)
            .bind(upper)
            .bind(bigint("obligations", b.obligations)?)
            .bind(b.debt_value)
            .execute(&mut *db)
            .await?;
        }
        for w in &s.what_if {
            sqlx::query(
                "INSERT INTO what_if_snapshots (taken_at, market, reserve, drop_pct, \
                 obligations, debt_value_usd, collateral_value_usd) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(s.taken_at)
            .bind(market.as_str())
            .bind(w.reserve.to_string())
            .bind(i32::from(w.drop_pct))
            .bind(bigint("obligations", w.obligations)?)
            .bind(float(w.debt_value))
            .bind(float(w.collateral_value))
            .execute(&mut *db)
            .await?;
        }
        db.commit().await?;
        Ok(())
    }
}
