//! Snapshots of the story's market after it ran, written to both databases.
use {
    crate::{backends, story},
    ballast::math::Fixed,
    ballast_indexer::snapshot::{self, BUCKETS},
    ballast_tests::market::ReserveId,
    sqlx::Row,
};

#[tokio::test]
async fn a_snapshot_holds_the_chain_s_reserves_and_health_buckets() {
    let story = story::run().await;
    let m = &story.market;
    let s = snapshot::take(&m.bank, &m.market).await.expect("snapshot");
    assert_eq!(s.reserves.len(), 2);
    let usdc_key = m.reserves[0].keys.address;
    let usdc = s
        .reserves
        .iter()
        .find(|r| r.reserve == usdc_key)
        .expect("usdc");
    let chain = m.reserve_state(ballast_tests::market::ReserveId(0)).await;
    assert_eq!(usdc.available, chain.liquidity.available_amount);
    assert_eq!(
        usdc.borrowed,
        Fixed::to_ceil(chain.liquidity.borrowed()).expect("ceil")
    );
    assert_eq!(usdc.supply, usdc.available + usdc.borrowed);
    assert_eq!(usdc.price, Some(1.0));
    let sol = s
        .reserves
        .iter()
        .find(|r| r.reserve != usdc_key)
        .expect("sol");
    assert_eq!((sol.borrowed, sol.price), (0, Some(70.0)));
    // The curve as the reserve's config holds it (`presets::volatile`).
    let sol_config = m.reserve_state(ReserveId(1)).await.config.rate_curve;
    let sol_curve: Vec<(u32, u32)> = sol_config
        .used()
        .iter()
        .map(|p| (p.utilization_bps, p.borrow_rate_bps))
        .collect();
    assert_eq!(sol.rate_curve, sol_curve);
    assert_eq!(sol.rate_curve, [(0, 100), (7_000, 700), (10_000, 15_000)]);
    // Lender, second lender, liquidator and the borrower's second obligation owe nothing; the
    // liquidated borrower is still under 1.0 (a 50 USDC repay of 600).
    let counts: Vec<u64> = s.health.iter().map(|b| b.obligations).collect();
    assert_eq!(counts, [1, 0, 0, 0, 0, 0, 4, 0]);
    for db in backends::both().await {
        db.store.write_snapshot(&s).await.expect("write");
        db.store.write_snapshot(&s).await.expect("write again");
        let row = sqlx::query("SELECT COUNT(*), MIN(borrowed), MAX(price) FROM reserve_snapshots")
            .fetch_one(db.store.pool())
            .await
            .expect("reserves");
        assert_eq!(row.get::<i64, _>(0), 2, "{}", db.name);
        assert_eq!(row.get::<i64, _>(1), 0, "{}", db.name);
        assert_eq!(row.get::<f64, _>(2), 70.0, "{}", db.name);
        let curve: String =
            sqlx::query("SELECT rate_curve FROM reserve_snapshots WHERE reserve = $1")
                .bind(sol.reserve.to_string())
                .fetch_one(db.store.pool())
                .await
                .expect("curve")
                .get(0);
        assert_eq!(curve, "[[0,100],[7000,700],[10000,15000]]", "{}", db.name);
        let buckets =
            sqlx::query("SELECT label, obligations FROM health_snapshots ORDER BY bucket")
                .fetch_all(db.store.pool())
                .await
                .expect("buckets");
        assert_eq!(buckets.len(), BUCKETS.len(), "{}", db.name);
        assert_eq!(
            (buckets[0].get::<String, _>(0), buckets[0].get::<i64, _>(1)),
            ("< 1.0".to_string(), 1),
            "{}",
            db.name
        );
        assert_eq!(buckets[6].get::<i64, _>(1), 4, "{}", db.name);
    }
}

/// After the story (SOL at $70, its borrower under 1.0 owing 550 USDC), two more borrowers
/// pledge 10 SOL each and owe 500 and 300 USDC: liquidatable below $62.50 (from a 15% drop)
/// and below $37.50 (from 50%), at the SOL reserve's 80% liquidation threshold.
#[tokio::test]
async fn what_if_rows_count_each_borrower_from_the_drop_that_liquidates_it() {
    let story = story::run().await;
    let m = &story.market;
    let (usdc, sol) = (ReserveId(0), ReserveId(1));
    for owed in [500_000_000, 300_000_000] {
        let borrower = m.new_user().await;
        m.fund(&borrower, sol, 10_000_000_000).await;
        m.try_supply(&borrower, sol, 10_000_000_000)
            .await
            .expect("supply");
        m.try_borrow(&borrower, usdc, owed).await.expect("borrow");
    }
    let s = snapshot::take(&m.bank, &m.market).await.expect("snapshot");
    let sol_key = m.reserves[1].keys.address.to_string();
    // (drop %, obligations, USD debt): the story's borrower at every drop, the 500 USDC one
    // from 15% ($59.50), the 300 USDC one at 50% ($35).
    let expected: Vec<(u8, u64, u64)> = [
        (5, 1, 550),
        (10, 1, 550),
        (15, 2, 1_050),
        (20, 2, 1_050),
        (25, 2, 1_050),
        (30, 2, 1_050),
        (35, 2, 1_050),
        (40, 2, 1_050),
        (45, 2, 1_050),
        (50, 3, 1_350),
    ]
    .into();
    // Their SOL at $70 x (100 - drop)%: the story's borrower keeps 9.238095239 SOL (the
    // liquidation seized 0.761904761: 50 USDC at $70 plus its bonus), the others 10 each.
    let collateral = |drop: u8, obligations: u64| {
        let lamports = 9_238_095_239 + 10_000_000_000 * (obligations as u128 - 1);
        // USD 10^-18: lamports / 10^9 x 70 x (100 - drop) / 100.
        Fixed::from_raw(lamports * 700_000_000 * (100 - drop as u128))
    };
    let sol_rows: Vec<(u8, u64, Fixed, Fixed)> = s
        .what_if
        .iter()
        .filter(|w| w.reserve.to_string() == sol_key)
        .map(|w| (w.drop_pct, w.obligations, w.debt_value, w.collateral_value))
        .collect();
    let sol_expected: Vec<(u8, u64, Fixed, Fixed)> = expected
        .iter()
        .map(|&(drop, n, usd)| (drop, n, Fixed::from_u64(usd), collateral(drop, n)))
        .collect();
    assert_eq!(sol_rows, sol_expected);
    // USDC falling lowers the debts: only the story's borrower stays liquidatable, at 5% (550
    // x 95% = 522.50 owed against a limit of 9.238095239 x $70 x 80% = 517.33).
    let usdc_rows: Vec<(u8, u64, Fixed, Fixed)> = s
        .what_if
        .iter()
        .filter(|w| w.reserve.to_string() != sol_key)
        .map(|w| (w.drop_pct, w.obligations, w.debt_value, w.collateral_value))
        .collect();
    let mut usdc_expected = vec![(5, 1, Fixed::from_raw(522_500_000_000_000_000_000), {
        Fixed::from_raw(9_238_095_239 * 70_000_000_000)
    })];
    usdc_expected.extend(
        (10..=50)
            .step_by(5)
            .map(|d| (d, 0, Fixed::ZERO, Fixed::ZERO)),
    );
    assert_eq!(usdc_rows, usdc_expected);

    for db in backends::both().await {
        db.store.write_snapshot(&s).await.expect("write");
        db.store.write_snapshot(&s).await.expect("write again");
        let rows = sqlx::query(
            "SELECT drop_pct, obligations, debt_value_usd, collateral_value_usd \
             FROM what_if_snapshots WHERE reserve = $1 ORDER BY drop_pct",
        )
        .bind(sol_key.as_str())
        .fetch_all(db.store.pool())
        .await
        .expect("what-if rows");
        let stored: Vec<(i64, i64, f64, f64)> = rows
            .iter()
            .map(|r| (r.get::<i32, _>(0).into(), r.get(1), r.get(2), r.get(3)))
            .collect();
        let written: Vec<(i64, i64, f64, f64)> = sol_expected
            .iter()
            .map(|&(d, n, debt, coll)| {
                let f = snapshot::float;
                (d.into(), n as i64, f(debt), f(coll))
            })
            .collect();
        assert_eq!(stored, written, "{}", db.name);
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM what_if_snapshots")
            .fetch_one(db.store.pool())
            .await
            .expect("count")
            .get(0);
        assert_eq!(total, 20, "{}", db.name);
    }
}
