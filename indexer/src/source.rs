//! Where the program's transactions come from: an RPC node's history, or a list held in
//! memory (the in-process bank's transactions in tests).
use crate::{chain_tx::ChainTx, error::IndexerError, store::Cursor};

#[allow(async_fn_in_trait)]
pub trait EventSource {
    /// Up to `limit` of the program's transactions after `cursor` (the last one indexed;
    /// `None`: from the first), oldest first; empty when there is nothing newer.
    async fn next_batch(
        &mut self,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<ChainTx>, IndexerError>;
}

/// Transactions already in hand, in the order they landed.
#[derive(Clone, Debug, Default)]
pub struct MemorySource {
    pub transactions: Vec<ChainTx>,
}

impl MemorySource {
    pub fn new(transactions: Vec<ChainTx>) -> MemorySource {
        MemorySource { transactions }
    }
}

impl EventSource for MemorySource {
    async fn next_batch(
        &mut self,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<ChainTx>, IndexerError> {
        let start = match cursor {
            None => 0,
            Some(c) => match self
                .transactions
                .iter()
                .position(|t| t.signature == c.signature)
            {
                Some(i) => i + 1,
                None => {
                    return Err(IndexerError::Rpc(format!(
                        "the cursor's transaction {} is not in this source",
                        c.signature
                    )))
                }
            },
        };
        Ok(self
            .transactions
            .iter()
            .skip(start)
            .take(limit)
            .cloned()
            .collect())
    }
}
