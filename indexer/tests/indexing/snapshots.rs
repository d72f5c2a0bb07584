//! Snapshots of the story's market after it ran, written to both databases.
use {
    crate::{backends, story},
    ballast::math::Fixed,
    ballast_indexer::snapshot::{self, BUCKETS},
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
