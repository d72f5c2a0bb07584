//! Live indexing: each transaction of the program the RPC websocket announces (`logsSubscribe`
//! of the program) starts a catch-up at once, instead of waiting for the next pass. The
//! history reader still decides what is new, from the cursor: a notification lost or repeated
//! changes nothing but when it is read.
use {
    crate::{
        error::IndexerError,
        indexer::{catch_up, Progress},
        source::EventSource,
        store::Store,
    },
    futures_util::StreamExt,
    solana_commitment_config::CommitmentConfig,
    solana_pubsub_client::nonblocking::pubsub_client::PubsubClient,
    solana_rpc_client_api::config::{RpcTransactionLogsConfig, RpcTransactionLogsFilter},
    solana_sdk::pubkey::Pubkey,
    std::time::Duration,
};

/// Follows `program`'s transactions at `ws_url` for `during`, catching `source` up into
/// `store` after each one announced; returns what it indexed (the caller's pass goes on: a
/// snapshot, then following again). A websocket that cannot be reached or closes ends the
/// follow early, with the error.
pub async fn follow(
    source: &mut impl EventSource,
    store: &Store,
    name: &str,
    batch: usize,
    ws_url: &str,
    program: &Pubkey,
    during: Duration,
) -> Result<Progress, IndexerError> {
    let ws = |e: &dyn std::fmt::Display| IndexerError::Rpc(format!("websocket {ws_url}: {e}"));
    let client = PubsubClient::new(ws_url).await.map_err(|e| ws(&e))?;
    let (mut announced, _unsubscribe) = client
        .logs_subscribe(
            RpcTransactionLogsFilter::Mentions(vec![program.to_string()]),
            RpcTransactionLogsConfig {
                commitment: Some(CommitmentConfig::confirmed()),
            },
        )
        .await
        .map_err(|e| ws(&e))?;
    let mut total = Progress::default();
    let deadline = tokio::time::Instant::now() + during;
    loop {
        tokio::select! {
            note = announced.next() => {
                if note.is_none() {
                    return Err(ws(&"closed"));
                }
                let p = catch_up(source, store, name, batch).await?;
                total.batches += p.batches;
                total.transactions += p.transactions;
                total.events += p.events;
            }
            _ = tokio::time::sleep_until(deadline) => return Ok(total),
        }
    }
}
