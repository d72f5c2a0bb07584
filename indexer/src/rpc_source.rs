//! The program's history from an RPC node: `getSignaturesForAddress` pages back from the
//! newest transaction to the cursor, then `getTransaction` reads each, oldest first.
use {
    crate::{chain_tx::ChainTx, error::IndexerError, source::EventSource, store::Cursor},
    futures_util::{stream, StreamExt, TryStreamExt},
    solana_commitment_config::CommitmentConfig,
    solana_rpc_client::nonblocking::rpc_client::RpcClient,
    solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config,
    solana_rpc_client_api::{
        client_error::Error as RpcError, config::RpcTransactionConfig,
        request::MAX_GET_CONFIRMED_SIGNATURES_FOR_ADDRESS2_LIMIT,
    },
    solana_sdk::{pubkey::Pubkey, signature::Signature},
    solana_transaction_status_client_types::UiTransactionEncoding,
    std::collections::VecDeque,
};

/// `getTransaction` requests in flight at once.
const CONCURRENT_FETCHES: usize = 8;

pub struct RpcSource {
    client: RpcClient,
    program: Pubkey,
    /// Signatures listed but not yet handed out, oldest first, with whether each failed.
    pending: VecDeque<(String, bool)>,
    /// The last signature handed out: a caller whose cursor is elsewhere (its write failed,
    /// or it restarted) gets the list read again from its cursor.
    handed: Option<String>,
}

impl RpcSource {
    /// The history of `program` at `url`, at `confirmed` (finalized history never changes;
    /// confirmed is seconds fresher and, in practice, final).
    pub fn new(url: &str, program: Pubkey) -> RpcSource {
        RpcSource {
            client: RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed()),
            program,
            pending: VecDeque::new(),
            handed: None,
        }
    }

    /// Every signature of the program after `until`, oldest first.
    async fn list(&self, until: Option<&str>) -> Result<VecDeque<(String, bool)>, IndexerError> {
        let until = until.map(parse_signature).transpose()?;
        let mut newest_first = Vec::new();
        let mut before = None;
        loop {
            let page = self
                .client
                .get_signatures_for_address_with_config(
                    &self.program,
                    GetConfirmedSignaturesForAddress2Config {
                        before,
                        until,
                        limit: Some(MAX_GET_CONFIRMED_SIGNATURES_FOR_ADDRESS2_LIMIT),
                        commitment: Some(CommitmentConfig::confirmed()),
                    },
                )
                .await
                .map_err(rpc)?;
            let Some(last) = page.last() else { break };
            before = Some(parse_signature(&last.signature)?);
            let full = page.len() == MAX_GET_CONFIRMED_SIGNATURES_FOR_ADDRESS2_LIMIT;
            newest_first.extend(page.into_iter().map(|s| (s.signature, s.err.is_some())));
            if !full {
                break;
            }
        }
        Ok(newest_first.into_iter().rev().collect())
    }

    async fn transaction(&self, signature: String, failed: bool) -> Result<ChainTx, IndexerError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let tx = self
            .client
            .get_transaction_with_config(&parse_signature(&signature)?, config)
            .await
            .map_err(rpc)?;
        let mut chain = ChainTx::from_rpc(signature, &tx, &self.program);
        // A failed transaction left no events (its inner instructions were rolled back):
        // it only moves the cursor.
        if failed {
            chain.event_data.clear();
        }
        Ok(chain)
    }
}

impl EventSource for RpcSource {
    async fn next_batch(
        &mut self,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<ChainTx>, IndexerError> {
        let at = cursor.map(|c| c.signature.clone());
        if self.pending.is_empty() || self.handed != at {
            self.pending = self.list(at.as_deref()).await?;
        }
        let take = limit.min(self.pending.len());
        let batch: Vec<(String, bool)> = self.pending.drain(..take).collect();
        let txs: Vec<ChainTx> = stream::iter(batch)
            .map(|(signature, failed)| self.transaction(signature, failed))
            .buffered(CONCURRENT_FETCHES)
            .try_collect()
            .await?;
        self.handed = txs.last().map(|t| t.signature.clone()).or(at);
        Ok(txs)
    }
}

fn parse_signature(s: &str) -> Result<Signature, IndexerError> {
    s.parse()
        .map_err(|e| IndexerError::Rpc(format!("signature {s}: {e}")))
}

fn rpc(e: RpcError) -> IndexerError {
    IndexerError::Rpc(e.to_string())
}
