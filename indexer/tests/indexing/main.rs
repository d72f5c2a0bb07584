//! The indexer on the in-process bank's lending story, into a SQLite file and a PostgreSQL
//! server: the rows it writes, idempotence, and a batch that fails midway.
mod backends;
// The client's fake JSON-RPC node: its HTTP side is all this suite needs.
mod dashboard;
#[path = "../../../client/tests/fake_node/mod.rs"]
#[allow(dead_code)]
mod fake_node;
mod live;
mod rpc;
mod snapshots;
mod story;

use {
    ballast::events::{Borrowed, Liquidated},
    ballast_client::events::decode,
    ballast_indexer::{indexer::catch_up, Cursor, MemorySource, Store},
    sqlx::{Executor, Row},
};

const HISTORY: &str = "history";

/// Events per kind, in kind order.
async fn kinds(store: &Store) -> Vec<(String, i64)> {
    sqlx::query("SELECT kind, COUNT(*) FROM events GROUP BY kind ORDER BY kind")
        .fetch_all(store.pool())
        .await
        .expect("count")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

async fn total(store: &Store) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events")
        .fetch_one(store.pool())
        .await
        .expect("count")
        .get(0)
}

/// The fields of the only event of `kind`, parsed.
async fn fields_of(store: &Store, kind: &str) -> serde_json::Value {
    let text: String = sqlx::query("SELECT CAST(fields AS TEXT) FROM events WHERE kind = $1")
        .bind(kind)
        .fetch_one(store.pool())
        .await
        .expect("one event")
        .get(0);
    serde_json::from_str(&text).expect("json")
}

fn expected_kinds() -> Vec<(String, i64)> {
    [
        ("Borrowed", 1),
        ("Deposited", 1),
        ("Liquidated", 1),
        ("ObligationInitialized", 1),
        ("PauseSet", 2),
        ("Redeemed", 1),
        ("Repaid", 1),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect()
}

#[tokio::test]
async fn the_story_lands_once_per_event_with_its_fields() {
    let story = story::run().await;
    let liquidated = decode::<Liquidated>(&story.outcomes[5].event_data)
        .pop()
        .expect("the story liquidates");
    let borrowed = decode::<Borrowed>(&story.outcomes[0].event_data)
        .pop()
        .expect("the story borrows");
    for db in backends::both().await {
        let mut source = MemorySource::new(story.txs.clone());
        let progress = catch_up(&mut source, &db.store, HISTORY, 3)
            .await
            .expect("index");
        assert_eq!(
            (progress.batches, progress.transactions, progress.events),
            (3, 8, 8),
            "{}",
            db.name
        );
        assert_eq!(kinds(&db.store).await, expected_kinds(), "{}", db.name);
        let b = fields_of(&db.store, "Borrowed").await;
        assert_eq!(b["amount"], story::BORROWED, "{}", db.name);
        assert_eq!(b["fee_sf"], borrowed.fee_sf.to_string(), "{}", db.name);
        let l = fields_of(&db.store, "Liquidated").await;
        assert_eq!(l["repaid_amount"], story::LIQUIDATION_REPAY, "{}", db.name);
        assert_eq!(
            l["seized_collateral"], liquidated.seized_collateral,
            "{}",
            db.name
        );
        assert_eq!(
            l["bonus_sf"],
            liquidated.bonus_sf.to_string(),
            "{}",
            db.name
        );
        // The header's keys are columns: the liquidation names the borrower's obligation.
        let row = sqlx::query(
            "SELECT signature, event_index, slot, obligation, reserve FROM events WHERE kind = 'Liquidated'",
        )
        .fetch_one(db.store.pool())
        .await
        .expect("row");
        assert_eq!(
            row.get::<String, _>(0),
            story.txs[5].signature,
            "{}",
            db.name
        );
        assert_eq!(row.get::<i64, _>(1), 0, "{}", db.name);
        assert_eq!(
            row.get::<i64, _>(2) as u64,
            story.txs[5].slot,
            "{}",
            db.name
        );
        assert_eq!(
            row.get::<Option<String>, _>(3),
            Some(liquidated.header.obligation.to_string()),
            "{}",
            db.name
        );
        assert_eq!(
            row.get::<Option<String>, _>(4),
            Some(liquidated.header.reserve.to_string()),
            "{}",
            db.name
        );
        // A pause names no reserve and no obligation.
        let none: i64 = sqlx::query(
            "SELECT COUNT(*) FROM events WHERE kind = 'PauseSet' AND reserve IS NULL AND obligation IS NULL",
        )
        .fetch_one(db.store.pool())
        .await
        .expect("count")
        .get(0);
        assert_eq!(none, 2, "{}", db.name);
        let last = story.txs.last().expect("txs");
        assert_eq!(
            db.store.cursor(HISTORY).await.expect("cursor"),
            Some(Cursor {
                signature: last.signature.clone(),
                slot: last.slot
            }),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn reading_the_same_transactions_again_inserts_nothing() {
    let story = story::run().await;
    for db in backends::both().await {
        let mut source = MemorySource::new(story.txs.clone());
        catch_up(&mut source, &db.store, HISTORY, 100)
            .await
            .expect("index");
        // Caught up: nothing after the cursor.
        let again = catch_up(&mut source, &db.store, HISTORY, 100)
            .await
            .expect("again");
        assert_eq!((again.batches, again.events), (0, 0), "{}", db.name);
        // The whole range again, under a cursor that starts from nothing.
        let replay = catch_up(&mut source, &db.store, "replay", 2)
            .await
            .expect("replay");
        assert_eq!(
            (replay.batches, replay.transactions, replay.events),
            (4, 8, 0),
            "{}",
            db.name
        );
        // One slice of it, written directly.
        let written = db
            .store
            .write_batch("slice", &story.txs[2..5])
            .await
            .expect("slice");
        assert_eq!(
            (written.transactions, written.events),
            (3, 0),
            "{}",
            db.name
        );
        assert_eq!(total(&db.store).await, 8, "{}", db.name);
        assert_eq!(kinds(&db.store).await, expected_kinds(), "{}", db.name);
    }
}

/// Makes every insert of a `Liquidated` event fail inside the database.
async fn inject_failure(db: &backends::Fresh) {
    let sql = match db.name {
        "sqlite" => {
            "CREATE TRIGGER fail_liquidated BEFORE INSERT ON events WHEN NEW.kind = 'Liquidated' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        }
        _ => {
            "CREATE FUNCTION fail_liquidated() RETURNS trigger AS $$ BEGIN \
             IF NEW.kind = 'Liquidated' THEN RAISE EXCEPTION 'injected failure'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER fail_liquidated BEFORE INSERT ON events FOR EACH ROW \
             EXECUTE FUNCTION fail_liquidated()"
        }
    };
    db.store.pool().execute(sql).await.expect("trigger");
}

async fn remove_failure(db: &backends::Fresh) {
    let sql = match db.name {
        "sqlite" => "DROP TRIGGER fail_liquidated",
        _ => "DROP TRIGGER fail_liquidated ON events",
    };
    db.store.pool().execute(sql).await.expect("drop trigger");
}

#[tokio::test]
async fn a_batch_that_fails_midway_leaves_the_table_and_the_cursor_as_they_were() {
    let story = story::run().await;
    for db in backends::both().await {
        inject_failure(&db).await;
        let mut source = MemorySource::new(story.txs.clone());
        // Batches of two: [borrow, open], [repay, deposit], [redeem, liquidate] fails after
        // the redemption's row went in.
        let error = catch_up(&mut source, &db.store, HISTORY, 2)
            .await
            .expect_err("the third batch fails");
        assert!(
            error.to_string().contains("injected failure"),
            "{}: {error}",
            db.name
        );
        assert_eq!(total(&db.store).await, 4, "{}", db.name);
        assert_eq!(
            db.store.cursor(HISTORY).await.expect("cursor"),
            Some(Cursor {
                signature: story.txs[3].signature.clone(),
                slot: story.txs[3].slot
            }),
            "{}",
            db.name
        );
        let redeemed: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE kind = 'Redeemed'")
            .fetch_one(db.store.pool())
            .await
            .expect("count")
            .get(0);
        assert_eq!(redeemed, 0, "{}: the failed batch left nothing", db.name);
        // Restarted, it goes on from the cursor: every event once.
        remove_failure(&db).await;
        let rest = catch_up(&mut source, &db.store, HISTORY, 2)
            .await
            .expect("resume");
        assert_eq!((rest.batches, rest.events), (2, 4), "{}", db.name);
        assert_eq!(kinds(&db.store).await, expected_kinds(), "{}", db.name);
    }
}
