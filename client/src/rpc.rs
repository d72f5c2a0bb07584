//! The transport to an RPC node: solana-test-validator, devnet, mainnet-beta.
use {
    crate::{
        error::ClientError,
        transport::{AccountFilter, Transport, TxOutcome},
    },
    solana_account_decoder_client_types::UiAccountEncoding,
    solana_commitment_config::CommitmentConfig,
    solana_rpc_client::nonblocking::rpc_client::RpcClient,
    solana_rpc_client_api::{
        client_error::Error as RpcError,
        config::{
            RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSimulateTransactionConfig,
            RpcTransactionConfig,
        },
        filter::{Memcmp, RpcFilterType},
    },
    solana_sdk::{
        account::Account,
        clock::Clock,
        hash::Hash,
        instruction::Instruction,
        message::AddressLookupTableAccount,
        pubkey::Pubkey,
        signature::{Keypair, Signature},
        sysvar,
        transaction::VersionedTransaction,
    },
    solana_transaction_status_client_types::{
        UiInnerInstructions, UiInstruction, UiTransactionEncoding,
    },
    std::time::Duration,
};

/// A confirmed transaction a node does not return yet is asked for this many times in all.
pub const FETCH_ATTEMPTS: u32 = 10;
const FETCH_PAUSE: Duration = Duration::from_millis(100);

/// A cluster reached over JSON-RPC, read and written at `confirmed`.
pub struct RpcTransport {
    client: RpcClient,
}

impl RpcTransport {
    pub fn new(url: &str) -> RpcTransport {
        RpcTransport {
            client: RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed()),
        }
    }

    /// Over an existing client (another commitment, a custom sender, the client's mocks).
    pub fn with_client(client: RpcClient) -> RpcTransport {
        RpcTransport { client }
    }

    pub fn url(&self) -> String {
        self.client.url()
    }

    async fn signed(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> Result<VersionedTransaction, ClientError> {
        let payer = crate::transport::fee_payer(signers)?;
        let blockhash = self.latest_blockhash().await?;
        crate::transport::sign(instructions, &payer, signers, blockhash, tables)
    }

    async fn simulate_tx(&self, tx: &VersionedTransaction) -> Result<TxOutcome, ClientError> {
        let config = RpcSimulateTransactionConfig {
            sig_verify: true,
            inner_instructions: true,
            commitment: Some(CommitmentConfig::confirmed()),
            ..RpcSimulateTransactionConfig::default()
        };
        let sim = self
            .client
            .simulate_transaction_with_config(tx, config)
            .await
            .map_err(rpc_error)?
            .value;
        let logs = sim.logs.unwrap_or_default();
        if let Some(error) = sim.err {
            return Err(ClientError::Transaction {
                error: error.into(),
                logs,
            });
        }
        Ok(TxOutcome {
            signature: tx.signatures[0],
            logs,
            compute_units: sim.units_consumed.unwrap_or_default(),
            event_data: event_data(sim.inner_instructions.unwrap_or_default()),
        })
    }

    /// What a confirmed transaction left on chain: its logs, compute units and events (or its
    /// error), as the node reports the landed transaction.
    async fn landed(&self, signature: &Signature) -> Result<TxOutcome, ClientError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let mut attempts = 0;
        let tx = loop {
            match self
                .client
                .get_transaction_with_config(signature, config)
                .await
            {
                Ok(tx) => break tx,
                // A node may answer null for a moment after confirming.
                Err(_) if attempts + 1 < FETCH_ATTEMPTS => {
                    attempts += 1;
                    tokio::time::sleep(FETCH_PAUSE).await;
                }
                Err(_) => return Err(ClientError::TransactionNotFound(*signature)),
            }
        };
        let meta = tx
            .transaction
            .meta
            .ok_or(ClientError::TransactionNotFound(*signature))?;
        let logs = Option::<Vec<String>>::from(meta.log_messages).unwrap_or_default();
        if let Some(error) = meta.err {
            return Err(ClientError::Transaction {
                error: error.into(),
                logs,
            });
        }
        Ok(TxOutcome {
            signature: *signature,
            logs,
            compute_units: Option::from(meta.compute_units_consumed).unwrap_or_default(),
            event_data: event_data(
                Option::<Vec<UiInnerInstructions>>::from(meta.inner_instructions)
                    .unwrap_or_default(),
            ),
        })
    }
}

/// The data of the program's self-CPI event instructions (`emit_cpi!`), in order.
fn event_data(inner: Vec<UiInnerInstructions>) -> Vec<Vec<u8>> {
    let tag = anchor_lang::event::EVENT_IX_TAG_LE;
    inner
        .into_iter()
        .flat_map(|inner| inner.instructions)
        .filter_map(|ix| match ix {
            UiInstruction::Compiled(c) => bs58::decode(c.data).into_vec().ok(),
            UiInstruction::Parsed(_) => None,
        })
        .filter_map(|data| data.strip_prefix(tag).map(<[u8]>::to_vec))
        .collect()
}

fn rpc_error(e: RpcError) -> ClientError {
    match e.get_transaction_error() {
        Some(error) => ClientError::Transaction {
            error,
            logs: Vec::new(),
        },
        None => ClientError::Rpc(Box::new(e)),
    }
}

impl Transport for RpcTransport {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        Ok(self
            .client
            .get_account_with_commitment(address, CommitmentConfig::confirmed())
            .await
            .map_err(rpc_error)?
            .value)
    }

    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let filters = filters
            .iter()
            .map(|f| match f {
                AccountFilter::DataSize(size) => RpcFilterType::DataSize(*size),
                AccountFilter::Memcmp { offset, bytes } => {
                    RpcFilterType::Memcmp(Memcmp::new_raw_bytes(*offset, bytes.clone()))
                }
            })
            .collect();
        let config = RpcProgramAccountsConfig {
            filters: Some(filters),
            account_config: RpcAccountInfoConfig {
                encoding: Some(UiAccountEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        self.client
            .get_program_ui_accounts_with_config(&ballast::ID, config)
            .await
            .map_err(rpc_error)?
            .into_iter()
            .map(|(address, ui)| {
                ui.decode()
                    .map(|account| (address, account))
                    .ok_or(ClientError::UndecodableAccount(address))
            })
            .collect()
    }

    /// Simulates first (a refusal comes back with the program's logs and nothing is sent),
    /// then sends, waits for confirmation, and reports the landed transaction: its logs,
    /// compute units and events, which may differ from the simulation's when the state moved.
    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        let tx = self.signed(instructions, signers, tables).await?;
        self.simulate_tx(&tx).await?;
        let signature = self
            .client
            .send_and_confirm_transaction(&tx)
            .await
            .map_err(rpc_error)?;
        self.landed(&signature).await
    }

    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        let tx = self.signed(instructions, signers, tables).await?;
        self.simulate_tx(&tx).await
    }

    async fn clock(&self) -> Result<Clock, ClientError> {
        let account = self
            .account(&sysvar::clock::ID)
            .await?
            .ok_or(ClientError::AccountNotFound(sysvar::clock::ID))?;
        clock_from_bytes(&account.data).ok_or(ClientError::WrongAccountType(
            sysvar::clock::ID,
            "clock sysvar",
        ))
    }

    async fn latest_blockhash(&self) -> Result<Hash, ClientError> {
        self.client.get_latest_blockhash().await.map_err(rpc_error)
    }
}

/// The Clock sysvar's fixed layout: five little-endian 64-bit fields.
fn clock_from_bytes(data: &[u8]) -> Option<Clock> {
    let field = |i: usize| -> Option<[u8; 8]> { data.get(i * 8..i * 8 + 8)?.try_into().ok() };
    Some(Clock {
        slot: u64::from_le_bytes(field(0)?),
        epoch_start_timestamp: i64::from_le_bytes(field(1)?),
        epoch: u64::from_le_bytes(field(2)?),
        leader_schedule_epoch: u64::from_le_bytes(field(3)?),
        unix_timestamp: i64::from_le_bytes(field(4)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_clock_layout() {
        let mut data = Vec::new();
        for v in [7u64, 8, 9, 10, 11] {
            data.extend_from_slice(&v.to_le_bytes());
        }
        let clock = clock_from_bytes(&data).unwrap();
        assert_eq!(
            (clock.slot, clock.epoch_start_timestamp, clock.epoch),
            (7, 8, 9)
        );
        assert_eq!(
            (clock.leader_schedule_epoch, clock.unix_timestamp),
            (10, 11)
        );
        assert!(clock_from_bytes(&data[..39]).is_none());
    }
}
