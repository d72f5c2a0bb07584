//! The loop: read a batch after the cursor, write it with the cursor moved, until caught up.
use crate::{error::IndexerError, source::EventSource, store::Store};

/// What a catch-up did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub batches: usize,
    pub transactions: usize,
    /// Events new to the table.
    pub events: u64,
}

/// Indexes everything `source` has after cursor `name`, `batch` transactions per database
/// transaction. Stopped at any point (an error, a crash), it resumes from the last batch
/// written.
pub async fn catch_up(
    source: &mut impl EventSource,
    store: &Store,
    name: &str,
    batch: usize,
) -> Result<Progress, IndexerError> {
    let mut progress = Progress::default();
    loop {
        let cursor = store.cursor(name).await?;
        let txs = source.next_batch(cursor.as_ref(), batch.max(1)).await?;
        if txs.is_empty() {
            return Ok(progress);
        }
        let written = store.write_batch(name, &txs).await?;
        progress.batches += 1;
        progress.transactions += written.transactions;
        progress.events += written.events;
        tracing::info!(
            transactions = written.transactions,
            events = written.events,
            "indexed a batch"
        );
    }
}
