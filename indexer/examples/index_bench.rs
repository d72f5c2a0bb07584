//! Events indexed per second into SQLite (a file) and PostgreSQL (a local server, fsync on):
//! synthetic transactions of two events each (a deposit and a borrow), written in batches of
//! 500 transactions as the indexer writes them.
//!
//! `cargo run -p ballast-indexer --profile measure --example index_bench [transactions]`
use {
    anchor_lang::{prelude::Pubkey, Event},
    ballast::events::{Borrowed, Deposited, EventHeader},
    ballast_indexer::{local_postgres::LocalPostgres, ChainTx, Store},
    std::time::Instant,
};

const BATCH: usize = 500;

fn transactions(count: usize) -> Vec<ChainTx> {
    let market = Pubkey::new_unique();
    let reserve = Pubkey::new_unique();
    (0..count)
        .map(|i| {
            let header = EventHeader {
                market,
                reserve,
                obligation: Pubkey::new_unique(),
                signer: Pubkey::new_unique(),
                slot: i as u64,
                unix_timestamp: 1_700_000_000 + i as i64,
            };
            let deposit = Deposited {
                header,
                liquidity_amount: 1_000 + i as u64,
                collateral_amount: 990 + i as u64,
                pledged: true,
            };
            let borrow = Borrowed {
                header,
                amount: 500 + i as u64,
                fee_sf: 0,
            };
            ChainTx {
                signature: format!("bench{i:012}"),
                slot: i as u64,
                block_time: Some(header.unix_timestamp),
                event_data: vec![deposit.data(), borrow.data()],
            }
        })
        .collect()
}

async fn measure(name: &str, store: &Store, txs: &[ChainTx]) {
    let start = Instant::now();
    let mut events = 0;
    for batch in txs.chunks(BATCH) {
        events += store
            .write_batch("bench", batch)
            .await
            .expect("write")
            .events;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {events} events in {secs:.2} s = {:.0} events/s",
        events as f64 / secs
    );
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let txs = transactions(count);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let sqlite = Store::open(&path.to_string_lossy()).await.expect("sqlite");
    measure("SQLite", &sqlite, &txs).await;
    match LocalPostgres::start(true) {
        Ok(server) => {
            let pg = Store::open(&server.url()).await.expect("postgres");
            measure("PostgreSQL", &pg, &txs).await;
        }
        Err(why) => println!("PostgreSQL skipped: {why}"),
    }
}
