//! The transport to an RPC node: solana-test-validator, devnet, mainnet-beta.
use {
    crate::{
        error::ClientError,
        relay::{relay, RelayConfig, RelayRpc},
        transport::{AccountFilter, Transport, TxOutcome},
    },
    serde_json::json,
    solana_account_decoder_client_types::{UiAccount, UiAccountEncoding},
    solana_commitment_config::CommitmentConfig,
    solana_rpc_client::nonblocking::rpc_client::RpcClient,
    solana_rpc_client_api::{
        client_error::{reqwest, Error as RpcError, ErrorKind},
        config::{
            RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig,
            RpcSimulateTransactionConfig, RpcTransactionConfig,
        },
        filter::{Memcmp, RpcFilterType},
        request::RpcRequest,
        response::Response,
    },
    solana_sdk::{
        account::Account,
        clock::Clock,
        hash::Hash,
        instruction::Instruction,
        message::AddressLookupTableAccount,
        pubkey::Pubkey,
        signature::Signature,
        signer::Signer,
        sysvar,
        transaction::{TransactionError, VersionedTransaction},
    },
    solana_transaction_status_client_types::{
        EncodedTransaction, UiInnerInstructions, UiInstruction, UiMessage, UiTransactionEncoding,
    },
    std::{io, time::Duration},
};

/// How long a request waits for the node's answer unless told otherwise (the Solana CLI's
/// default too).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A confirmed transaction a node does not return yet is asked for this many times in all.
pub const FETCH_ATTEMPTS: u32 = 10;
const FETCH_PAUSE: Duration = Duration::from_millis(100);

/// A cluster reached over JSON-RPC, read and written at its client's commitment (`confirmed`
/// unless told otherwise); transactions land through the relay (`crate::relay`).
pub struct RpcTransport {
    client: RpcClient,
    /// Each request's time limit, when known (to say how long a timed-out request waited).
    timeout: Option<Duration>,
    /// How transactions are priced, sized and resent.
    relay: RelayConfig,
}

impl RpcTransport {
    /// A node at `url`, each request waiting at most `DEFAULT_TIMEOUT`.
    pub fn new(url: &str) -> RpcTransport {
        RpcTransport::with_timeout(url, DEFAULT_TIMEOUT)
    }

    /// A node at `url`, each request waiting at most `timeout` for its answer.
    pub fn with_timeout(url: &str, timeout: Duration) -> RpcTransport {
        RpcTransport::with_timeout_and_commitment(url, timeout, CommitmentConfig::confirmed())
    }

    /// A node at `url`, read and confirmed at `commitment`, each request waiting at most
    /// `timeout` for its answer.
    pub fn with_timeout_and_commitment(
        url: &str,
        timeout: Duration,
        commitment: CommitmentConfig,
    ) -> RpcTransport {
        RpcTransport {
            client: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                timeout,
                commitment,
            ),
            timeout: Some(timeout),
            relay: RelayConfig::default(),
        }
    }

    /// Over an existing client (another commitment, a custom sender, the client's mocks).
    pub fn with_client(client: RpcClient) -> RpcTransport {
        RpcTransport {
            client,
            timeout: None,
            relay: RelayConfig::default(),
        }
    }

    /// The same transport, landing transactions with `config`.
    pub fn with_relay(mut self, config: RelayConfig) -> RpcTransport {
        self.relay = config;
        self
    }

    pub fn relay_config(&self) -> &RelayConfig {
        &self.relay
    }

    /// What accounts are read, simulations run and transactions confirmed at.
    pub fn commitment(&self) -> CommitmentConfig {
        self.client.commitment()
    }

    pub fn url(&self) -> String {
        self.client.url()
    }

    async fn signed(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
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
            commitment: Some(self.commitment()),
            ..RpcSimulateTransactionConfig::default()
        };
        let sim = self
            .client
            .simulate_transaction_with_config(tx, config)
            .await
            .map_err(|e| self.error(e))?
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
            event_data: event_data(
                sim.inner_instructions.unwrap_or_default(),
                tx.message.static_account_keys(),
            ),
        })
    }

    /// What a confirmed transaction left on chain: its logs, compute units and events (or its
    /// error), as the node reports the landed transaction.
    async fn landed(&self, signature: &Signature) -> Result<TxOutcome, ClientError> {
        // getTransaction serves confirmed transactions at the least: one confirmed at
        // `processed` may take a little longer to be returned.
        let processed = !self.commitment().is_at_least_confirmed();
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(if processed {
                CommitmentConfig::confirmed()
            } else {
                self.commitment()
            }),
            max_supported_transaction_version: Some(0),
        };
        let fetch_attempts = if processed {
            FETCH_ATTEMPTS * 5
        } else {
            FETCH_ATTEMPTS
        };
        let mut attempts = 0;
        let tx = loop {
            match self
                .client
                .get_transaction_with_config(signature, config)
                .await
            {
                Ok(tx) => break tx,
                // A node that is gone will not return it however long we ask.
                Err(e) if network_failure(&e).is_some() => return Err(self.error(e)),
                // A node may answer null for a moment after confirming.
                Err(_) if attempts + 1 < fetch_attempts => {
                    attempts += 1;
                    tokio::time::sleep(FETCH_PAUSE).await;
                }
                Err(_) => return Err(ClientError::TransactionNotFound(*signature)),
            }
        };
        let keys: Vec<Pubkey> = match &tx.transaction.transaction {
            EncodedTransaction::Json(ui) => match &ui.message {
                UiMessage::Raw(raw) => raw
                    .account_keys
                    .iter()
                    .filter_map(|k| k.parse().ok())
                    .collect(),
                UiMessage::Parsed(parsed) => parsed
                    .account_keys
                    .iter()
                    .filter_map(|k| k.pubkey.parse().ok())
                    .collect(),
            },
            _ => Vec::new(),
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
                &keys,
            ),
        })
    }
}

/// The data of the program's self-CPI event instructions (`emit_cpi!`), in order: those that
/// invoke Ballast (`keys`: the transaction's static account keys, where a program invoked must
/// be). Every Anchor program's events carry the same tag: another program's are not Ballast's.
fn event_data(inner: Vec<UiInnerInstructions>, keys: &[Pubkey]) -> Vec<Vec<u8>> {
    let tag = anchor_lang::event::EVENT_IX_TAG_LE;
    let program = crate::program_id::get();
    inner
        .into_iter()
        .flat_map(|inner| inner.instructions)
        .filter_map(|ix| match ix {
            UiInstruction::Compiled(c)
                if keys.get(usize::from(c.program_id_index)) == Some(&program) =>
            {
                bs58::decode(c.data).into_vec().ok()
            }
            _ => None,
        })
        .filter_map(|data| data.strip_prefix(tag).map(<[u8]>::to_vec))
        .collect()
}

impl RpcTransport {
    /// `e` as the client's error: a request that got no JSON-RPC answer says why
    /// (`Unreachable`), a refused transaction is a `Transaction` error, the rest the node's.
    fn error(&self, e: RpcError) -> ClientError {
        if let Some(failure) = network_failure(&e) {
            return ClientError::Unreachable {
                url: self.url(),
                reason: failure.reason(self.timeout),
            };
        }
        match e.get_transaction_error() {
            Some(error) => ClientError::Transaction {
                error,
                logs: Vec::new(),
            },
            None => ClientError::Rpc(Box::new(e)),
        }
    }
}

/// How a request failed to get any answer from the node.
#[derive(Debug, PartialEq, Eq)]
enum NetworkFailure {
    Refused,
    TimedOut,
    /// The server answered with an HTTP error status ("500 Internal Server Error").
    Http(String),
    /// The server answered, but not with JSON.
    NotJson,
    /// Anything else on the way (DNS, TLS, a reset connection): the innermost cause.
    Other(String),
}

impl NetworkFailure {
    /// In words, with the time limit a timed-out request waited.
    fn reason(&self, timeout: Option<Duration>) -> String {
        match (self, timeout) {
            (NetworkFailure::Refused, _) => "connection refused".into(),
            (NetworkFailure::TimedOut, Some(limit)) => {
                format!("timed out after {} s", limit.as_secs_f64())
            }
            (NetworkFailure::TimedOut, None) => "timed out".into(),
            (NetworkFailure::Http(status), _) => format!("HTTP {status}"),
            (NetworkFailure::NotJson, _) => "the answer is not JSON-RPC".into(),
            (NetworkFailure::Other(cause), _) => cause.clone(),
        }
    }
}

/// Why `e` carries no answer from the node, or `None` when the node did answer (the error is
/// then the node's, or the answer's).
fn network_failure(e: &RpcError) -> Option<NetworkFailure> {
    match e.kind() {
        ErrorKind::Reqwest(e) => Some(http_failure(e)),
        ErrorKind::Io(e) => Some(io_failure(e)),
        ErrorKind::Middleware(e) => Some(NetworkFailure::Other(e.to_string())),
        _ => None,
    }
}

fn http_failure(e: &reqwest::Error) -> NetworkFailure {
    if e.is_timeout() {
        return NetworkFailure::TimedOut;
    }
    if let Some(status) = e.status() {
        return NetworkFailure::Http(status.to_string());
    }
    if e.is_decode() {
        return NetworkFailure::NotJson;
    }
    // reqwest's own message ("error sending request for url") says nothing of the cause: the
    // innermost error does, and an I/O error there is classified.
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        if let Some(io) = inner.downcast_ref::<io::Error>() {
            return io_failure(io);
        }
        cause = inner;
    }
    NetworkFailure::Other(cause.to_string())
}

fn io_failure(e: &io::Error) -> NetworkFailure {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => NetworkFailure::Refused,
        io::ErrorKind::TimedOut => NetworkFailure::TimedOut,
        _ => NetworkFailure::Other(e.to_string()),
    }
}

impl Transport for RpcTransport {
    /// `getAccountInfo` sent as is: the client's `get_account*` turn every failure, a refused
    /// connection included, into an "AccountNotFound" string.
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        let config = RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64),
            commitment: Some(self.commitment()),
            ..RpcAccountInfoConfig::default()
        };
        let answer: Response<Option<UiAccount>> = self
            .client
            .send(
                RpcRequest::GetAccountInfo,
                json!([address.to_string(), config]),
            )
            .await
            .map_err(|e| self.error(e))?;
        answer
            .value
            .map(|ui| ui.decode().ok_or(ClientError::UndecodableAccount(*address)))
            .transpose()
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
                commitment: Some(self.commitment()),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        self.client
            .get_program_ui_accounts_with_config(&crate::program_id::get(), config)
            .await
            .map_err(|e| self.error(e))?
            .into_iter()
            .map(|(address, ui)| {
                ui.decode()
                    .map(|account| (address, account))
                    .ok_or(ClientError::UndecodableAccount(address))
            })
            .collect()
    }

    /// Lands the transaction through the relay with the transport's `RelayConfig`: priced,
    /// its compute-unit limit from a simulation first (a refusal comes back with the program's
    /// logs and nothing is sent), resent until confirmed. Reports the landed transaction: its
    /// logs, compute units and events, which may differ from the simulation's when the state
    /// moved.
    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        match relay(self, &self.relay, instructions, signers, tables).await {
            Ok(relayed) => self.landed(&relayed.signature).await,
            // Landed and failed: the landed transaction has the program's logs.
            Err(ClientError::Landed { signature, error }) => match self.landed(&signature).await {
                Err(failed @ ClientError::Transaction { .. }) => Err(failed),
                _ => Err(ClientError::Transaction {
                    error,
                    logs: Vec::new(),
                }),
            },
            Err(e) => Err(e),
        }
    }

    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
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
        self.client
            .get_latest_blockhash()
            .await
            .map_err(|e| self.error(e))
    }
}

/// The relay's calls, at the transport's commitment, its errors named as the transport's.
impl RelayRpc for RpcTransport {
    async fn recent_fees(&self, writable: &[Pubkey]) -> Result<Vec<u64>, ClientError> {
        let fees = self
            .client
            .get_recent_prioritization_fees(writable)
            .await
            .map_err(|e| self.error(e))?;
        Ok(fees.iter().map(|f| f.prioritization_fee).collect())
    }

    async fn blockhash(&self) -> Result<(Hash, u64), ClientError> {
        self.client
            .get_latest_blockhash_with_commitment(self.commitment())
            .await
            .map_err(|e| self.error(e))
    }

    /// The transport's own simulation: signatures verified, the program's logs on a refusal.
    async fn simulate(&self, tx: &VersionedTransaction) -> Result<u64, ClientError> {
        Ok(self.simulate_tx(tx).await?.compute_units)
    }

    async fn send(&self, tx: &VersionedTransaction) -> Result<Signature, ClientError> {
        let config = RpcSendTransactionConfig {
            skip_preflight: true,
            max_retries: Some(0),
            ..RpcSendTransactionConfig::default()
        };
        self.client
            .send_transaction_with_config(tx, config)
            .await
            .map_err(|e| self.error(e))
    }

    async fn status(
        &self,
        signature: &Signature,
    ) -> Result<Option<Result<(), TransactionError>>, ClientError> {
        let statuses = self
            .client
            .get_signature_statuses(&[*signature])
            .await
            .map_err(|e| self.error(e))?
            .value;
        Ok(statuses
            .into_iter()
            .next()
            .flatten()
            .filter(|s| s.satisfies_commitment(self.commitment()))
            .map(|s| s.status))
    }

    async fn block_height(&self) -> Result<u64, ClientError> {
        self.client
            .get_block_height()
            .await
            .map_err(|e| self.error(e))
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
    fn only_ballast_s_own_self_cpis_are_its_events() {
        let other = Pubkey::new_unique();
        let keys = [Pubkey::new_unique(), crate::program_id::get(), other];
        let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
        data.extend([1, 2, 3]);
        let ix = |program: u8| {
            UiInstruction::Compiled(
                solana_transaction_status_client_types::UiCompiledInstruction {
                    program_id_index: program,
                    accounts: Vec::new(),
                    data: bs58::encode(&data).into_string(),
                    stack_height: Some(2),
                },
            )
        };
        let inner = vec![UiInnerInstructions {
            index: 0,
            // Ballast's, another Anchor program's, and one past the static keys (a program
            // cannot be loaded from a lookup table: not Ballast).
            instructions: vec![ix(1), ix(2), ix(9)],
        }];
        assert_eq!(event_data(inner, &keys), vec![vec![1, 2, 3]]);
    }

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

    /// What reading an account from the node at `url` fails with, waiting at most `secs`.
    async fn read_fails(url: &str, secs: u64) -> String {
        RpcTransport::with_timeout(url, Duration::from_secs(secs))
            .account(&Pubkey::default())
            .await
            .unwrap_err()
            .to_string()
    }

    #[tokio::test]
    async fn a_refused_connection_is_named() {
        // A loopback port that was just free: nothing listens there.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        assert_eq!(
            read_fails(&url, 2).await,
            format!("cannot reach the RPC node {url}: connection refused")
        );
    }

    #[tokio::test]
    async fn a_node_that_never_answers_times_out_saying_after_how_long() {
        // Connections are accepted (by the kernel's backlog) and never answered.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let started = std::time::Instant::now();
        assert_eq!(
            read_fails(&url, 1).await,
            format!("cannot reach the RPC node {url}: timed out after 1 s")
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        drop(listener);
    }

    #[tokio::test]
    async fn an_http_error_is_named_with_its_status() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || answer_500(listener));
        assert_eq!(
            read_fails(&url, 2).await,
            format!("cannot reach the RPC node {url}: HTTP 500 Internal Server Error")
        );
    }

    /// Answers every request on `listener` with an empty HTTP 500, after reading it.
    fn answer_500(listener: std::net::TcpListener) {
        use std::io::{BufRead, BufReader, Read, Write};
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 500 Internal Server Error\r\n\
                  content-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    }
}
