//! A JSON-RPC node on loopback over the in-process bank: the methods `RpcTransport` and its
//! relay call, answered from a `Bank` as a validator answers them, so a test runs the whole
//! RPC code path (HTTP, JSON, the relay's simulate / send / confirm, the landed transaction's
//! events) without a validator. Each landed transaction is a block one second after the last:
//! time passes as on a cluster, and the same calls give the same amounts every run.
use {
    crate::bank::Bank,
    ballast_client::{
        transport::{AccountFilter, Transport, TxOutcome},
        ClientError,
    },
    base64::{engine::general_purpose::STANDARD as BASE64, Engine},
    http_body_util::{BodyExt, Full},
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Request, Response},
    hyper_util::rt::TokioIo,
    serde_json::{json, Value},
    solana_rpc_client_api::filter::RpcFilterType,
    solana_sdk::{
        account::Account,
        message::VersionedMessage,
        pubkey::Pubkey,
        rent::Rent,
        signature::Signature,
        sysvar,
        transaction::{TransactionError, VersionedTransaction},
    },
    solana_transaction_status_client_types::UiTransactionError,
    std::{
        collections::HashMap,
        convert::Infallible,
        str::FromStr,
        sync::{Arc, Mutex},
    },
    tokio::{net::TcpListener, task::JoinHandle},
};

/// How far the clock moves with each landed transaction.
pub const SECONDS_PER_TRANSACTION: i64 = 1;
/// Blocks a blockhash stays valid for, as on a cluster.
const BLOCKHASH_VALIDITY: u64 = 150;
/// The fee of one signature, in lamports.
const SIGNATURE_FEE: u64 = 5_000;

/// A node's answer to one call: its result, or a JSON-RPC error (code, message, data).
pub type Answer = Result<Value, RpcError>;

#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn invalid_params(what: &str) -> RpcError {
        RpcError::new(-32602, format!("Invalid params: {what}"))
    }
}

/// A landed transaction, as `getSignatureStatuses` and `getTransaction` report it.
struct Landed {
    slot: u64,
    block_time: i64,
    tx: VersionedTransaction,
    result: Result<(), TransactionError>,
    logs: Vec<String>,
    compute_units: u64,
    event_data: Vec<Vec<u8>>,
}

#[derive(Default)]
struct Ledger {
    landed: HashMap<Signature, Landed>,
    /// The block height: one block per landed transaction and per `getBlockHeight` (so a
    /// transaction that never lands expires, as on a cluster).
    height: u64,
}

struct Node {
    bank: Bank,
    ledger: Mutex<Ledger>,
}

/// A bank served as an RPC node on loopback until dropped.
pub struct RpcNode {
    url: String,
    node: Arc<Node>,
    server: JoinHandle<()>,
}

impl Drop for RpcNode {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RpcNode {
    /// Serves `bank` on 127.0.0.1, on a free port.
    pub async fn start(bank: Bank) -> std::io::Result<RpcNode> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let node = Arc::new(Node {
            bank,
            ledger: Mutex::new(Ledger::default()),
        });
        let server = tokio::spawn(serve(listener, node.clone()));
        Ok(RpcNode { url, node, server })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bank behind the node (for a test's setup and checks).
    pub fn bank(&self) -> &Bank {
        &self.node.bank
    }

    /// Transactions landed so far, failed ones included.
    pub fn landed(&self) -> usize {
        self.node.ledger.lock().expect("ledger").landed.len()
    }

    /// Answers one call as the node does over HTTP.
    pub async fn answer(&self, method: &str, params: &Value) -> Answer {
        self.node.answer(method, params).await
    }
}

async fn serve(listener: TcpListener, node: Arc<Node>) {
    while let Ok((stream, _)) = listener.accept().await {
        let node = node.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let node = node.clone();
                async move {
                    let reply = match request.into_body().collect().await {
                        Ok(body) => node.reply(&body.to_bytes()).await,
                        Err(e) => error_reply(&Value::Null, RpcError::new(-32700, e.to_string())),
                    };
                    let mut response = Response::new(Full::new(Bytes::from(reply.to_string())));
                    response.headers_mut().insert(
                        "content-type",
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn error_reply(id: &Value, e: RpcError) -> Value {
    let mut error = json!({"code": e.code, "message": e.message});
    if let Some(data) = e.data {
        error["data"] = data;
    }
    json!({"jsonrpc": "2.0", "id": id, "error": error})
}

impl Node {
    async fn reply(&self, body: &[u8]) -> Value {
        let Ok(call) = serde_json::from_slice::<Value>(body) else {
            return error_reply(&Value::Null, RpcError::new(-32700, "Parse error"));
        };
        let id = call["id"].clone();
        let Some(method) = call["method"].as_str() else {
            return error_reply(&id, RpcError::new(-32600, "Invalid request"));
        };
        match self.answer(method, &call["params"]).await {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err(e) => error_reply(&id, e),
        }
    }

    async fn answer(&self, method: &str, params: &Value) -> Answer {
        match method {
            "getAccountInfo" => {
                let address = pubkey(&params[0])?;
                let account = self.bank.account(&address).await.map_err(internal)?;
                self.with_context(account.as_ref().map(ui_account)).await
            }
            "getMultipleAccounts" => {
                let mut accounts = Vec::new();
                for key in params[0].as_array().into_iter().flatten() {
                    let account = self.bank.account(&pubkey(key)?).await.map_err(internal)?;
                    accounts.push(account.as_ref().map(ui_account));
                }
                self.with_context(accounts).await
            }
            "getBalance" => {
                let account = self.bank.account(&pubkey(&params[0])?).await;
                let lamports = account.map_err(internal)?.map_or(0, |a| a.lamports);
                self.with_context(lamports).await
            }
            "getProgramAccounts" => self.program_accounts(params).await,
            "getMinimumBalanceForRentExemption" => {
                let size = params[0]
                    .as_u64()
                    .ok_or(RpcError::invalid_params("a data size"))?;
                Ok(json!(self.rent().await?.minimum_balance(size as usize)))
            }
            "getLatestBlockhash" => {
                let hash = self.bank.latest_blockhash().await.map_err(internal)?;
                let height = self.ledger().height;
                self.with_context(json!({
                    "blockhash": hash.to_string(),
                    "lastValidBlockHeight": height + BLOCKHASH_VALIDITY,
                }))
                .await
            }
            "getBlockHeight" => {
                let mut ledger = self.ledger();
                ledger.height += 1;
                Ok(json!(ledger.height))
            }
            "getSlot" => Ok(json!(self.slot().await?)),
            "getHealth" => Ok(json!("ok")),
            "getVersion" => Ok(json!({"solana-core": "3.1.12", "feature-set": 0})),
            "getRecentPrioritizationFees" => Ok(json!([])),
            "simulateTransaction" => self.simulate(params).await,
            "sendTransaction" => self.send(params).await,
            "getSignatureStatuses" => self.statuses(params).await,
            "getTransaction" => self.transaction(params),
            _ => Err(RpcError::new(-32601, "Method not found")),
        }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().expect("ledger")
    }

    async fn slot(&self) -> Result<u64, RpcError> {
        Ok(self.bank.clock().await.map_err(internal)?.slot)
    }

    async fn rent(&self) -> Result<Rent, RpcError> {
        let account = self.bank.account(&sysvar::rent::ID).await;
        Ok(account
            .map_err(internal)?
            .and_then(|a| bincode::deserialize(&a.data).ok())
            .unwrap_or_default())
    }

    /// `value` with the context (the current slot) a node wraps most answers in.
    async fn with_context(&self, value: impl serde::Serialize) -> Answer {
        Ok(json!({"context": {"slot": self.slot().await?}, "value": value}))
    }

    async fn program_accounts(&self, params: &Value) -> Answer {
        if pubkey(&params[0])? != ballast_client::program_id::get() {
            // The bank lists only the program's own accounts.
            return Err(RpcError::invalid_params(
                "only Ballast's accounts are listed",
            ));
        }
        let config = &params[1];
        let mut filters = Vec::new();
        for filter in config["filters"].as_array().into_iter().flatten() {
            let filter: RpcFilterType = serde_json::from_value(filter.clone())
                .map_err(|e| RpcError::invalid_params(&e.to_string()))?;
            filters.push(match filter {
                RpcFilterType::DataSize(size) => AccountFilter::DataSize(size),
                RpcFilterType::Memcmp(m) => AccountFilter::Memcmp {
                    offset: m.offset(),
                    bytes: m
                        .bytes()
                        .ok_or(RpcError::invalid_params("memcmp bytes"))?
                        .into_owned(),
                },
                RpcFilterType::TokenAccountState => {
                    return Err(RpcError::invalid_params("tokenAccountState"))
                }
            });
        }
        let accounts = self.bank.program_accounts(&filters).await;
        let keyed: Vec<Value> = accounts
            .map_err(internal)?
            .iter()
            .map(
                |(key, account)| json!({"pubkey": key.to_string(), "account": ui_account(account)}),
            )
            .collect();
        if config["withContext"].as_bool() == Some(true) {
            self.with_context(keyed).await
        } else {
            Ok(json!(keyed))
        }
    }

    async fn simulate(&self, params: &Value) -> Answer {
        let tx = transaction(&params[0])?;
        let keys = tx.message.static_account_keys().to_vec();
        let value = match self.bank.simulate_transaction(tx).await {
            Ok(outcome) => json!({
                "err": null,
                "logs": outcome.logs,
                "unitsConsumed": outcome.compute_units,
                "innerInstructions": inner_instructions(&outcome.event_data, &keys),
            }),
            Err(ClientError::Transaction { error, logs }) => simulation_failure(error, logs),
            Err(e) => return Err(internal(e)),
        };
        self.with_context(value).await
    }

    /// Lands the transaction (a real node hands it to the leader; the bank processes it at
    /// once), then moves the clock a block on. A transaction that fails in a program lands
    /// failed, as on a cluster; one that cannot land (its blockhash unknown, a signature
    /// missing) is refused as a node's preflight refuses it.
    async fn send(&self, params: &Value) -> Answer {
        let tx = transaction(&params[0])?;
        let signature = tx.signatures[0];
        if self.ledger().landed.contains_key(&signature) {
            return Ok(json!(signature.to_string()));
        }
        if params[1]["skipPreflight"].as_bool() != Some(true) {
            match self.bank.simulate_transaction(tx.clone()).await {
                Ok(_) => {}
                Err(ClientError::Transaction { error, logs }) => {
                    return Err(preflight_failure(error, logs))
                }
                Err(e) => return Err(internal(e)),
            }
        }
        let clock = self.bank.clock().await.map_err(internal)?;
        let (result, outcome) = match self.bank.process_transaction(tx.clone()).await {
            Ok(outcome) => (Ok(()), outcome),
            Err(ClientError::Transaction {
                error: error @ TransactionError::InstructionError(..),
                logs,
            }) => (
                Err(error),
                TxOutcome {
                    logs,
                    ..TxOutcome::default()
                },
            ),
            Err(ClientError::Transaction { error, logs }) => {
                return Err(preflight_failure(error, logs))
            }
            Err(e) => return Err(internal(e)),
        };
        {
            let mut ledger = self.ledger();
            ledger.height += 1;
            ledger.landed.insert(
                signature,
                Landed {
                    slot: clock.slot,
                    block_time: clock.unix_timestamp,
                    tx,
                    result,
                    logs: outcome.logs,
                    compute_units: outcome.compute_units,
                    event_data: outcome.event_data,
                },
            );
        }
        self.bank
            .advance_time(SECONDS_PER_TRANSACTION)
            .await
            .map_err(internal)?;
        Ok(json!(signature.to_string()))
    }

    async fn statuses(&self, params: &Value) -> Answer {
        let mut statuses = Vec::new();
        for text in params[0].as_array().into_iter().flatten() {
            let signature = signature(text)?;
            let ledger = self.ledger();
            statuses.push(ledger.landed.get(&signature).map(|l| {
                json!({
                    "slot": l.slot,
                    "confirmations": null,
                    "status": status(&l.result),
                    "err": l.result.as_ref().err(),
                    "confirmationStatus": "finalized",
                })
            }));
        }
        self.with_context(statuses).await
    }

    /// The landed transaction in the `json` encoding, its events as the program's self-CPIs
    /// (the bank reports their data, which `RpcTransport` reads back from there); `null` for a
    /// signature the node has not seen, as a node answers.
    fn transaction(&self, params: &Value) -> Answer {
        let signature = signature(&params[0])?;
        let ledger = self.ledger();
        let Some(l) = ledger.landed.get(&signature) else {
            return Ok(Value::Null);
        };
        let message = &l.tx.message;
        let keys = message.static_account_keys();
        let header = message.header();
        let instructions: Vec<Value> = message
            .instructions()
            .iter()
            .map(|ix| {
                json!({
                    "programIdIndex": ix.program_id_index,
                    "accounts": ix.accounts,
                    "data": bs58::encode(&ix.data).into_string(),
                    "stackHeight": null,
                })
            })
            .collect();
        let version = match message {
            VersionedMessage::Legacy(_) => json!("legacy"),
            VersionedMessage::V0(_) => json!(0),
        };
        let mut ui_message = json!({
            "header": {
                "numRequiredSignatures": header.num_required_signatures,
                "numReadonlySignedAccounts": header.num_readonly_signed_accounts,
                "numReadonlyUnsignedAccounts": header.num_readonly_unsigned_accounts,
            },
            "accountKeys": keys.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "recentBlockhash": message.recent_blockhash().to_string(),
            "instructions": instructions,
        });
        if let Some(lookups) = message.address_table_lookups() {
            ui_message["addressTableLookups"] = json!(lookups
                .iter()
                .map(|t| json!({
                    "accountKey": t.account_key.to_string(),
                    "writableIndexes": t.writable_indexes,
                    "readonlyIndexes": t.readonly_indexes,
                }))
                .collect::<Vec<_>>());
        }
        Ok(json!({
            "slot": l.slot,
            "blockTime": l.block_time,
            "version": version,
            "transaction": {
                "signatures": l.tx.signatures.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "message": ui_message,
            },
            "meta": {
                "err": l.result.as_ref().err().cloned().map(UiTransactionError::from),
                "status": status(&l.result),
                "fee": SIGNATURE_FEE * l.tx.signatures.len() as u64,
                "preBalances": [],
                "postBalances": [],
                "innerInstructions": inner_instructions(&l.event_data, keys),
                "logMessages": l.logs,
                "computeUnitsConsumed": l.compute_units,
            },
        }))
    }
}

/// Each event as the self-CPI that carried it: an inner instruction invoking Ballast with the
/// event tag and the event's data. The bank does not say which instruction emitted which
/// event, so they are listed under the first instruction.
fn inner_instructions(events: &[Vec<u8>], keys: &[Pubkey]) -> Value {
    let program = ballast_client::program_id::get();
    let Some(index) = keys.iter().position(|k| *k == program) else {
        return json!([]);
    };
    if events.is_empty() {
        return json!([]);
    }
    let instructions: Vec<Value> = events
        .iter()
        .map(|data| {
            let mut bytes = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
            bytes.extend_from_slice(data);
            json!({
                "programIdIndex": index,
                "accounts": [],
                "data": bs58::encode(bytes).into_string(),
                "stackHeight": 2,
            })
        })
        .collect();
    json!([{"index": 0, "instructions": instructions}])
}

/// The legacy `status` field: `{"Ok": null}` or `{"Err": error}`.
fn status(result: &Result<(), TransactionError>) -> Value {
    match result {
        Ok(()) => json!({"Ok": null}),
        Err(e) => json!({"Err": e}),
    }
}

fn simulation_failure(error: TransactionError, logs: Vec<String>) -> Value {
    json!({
        "err": UiTransactionError::from(error),
        "logs": logs,
        "unitsConsumed": 0,
    })
}

/// A node's refusal of a transaction its preflight simulation failed: the simulation's result
/// (the error and the program's logs) as the error's data.
fn preflight_failure(error: TransactionError, logs: Vec<String>) -> RpcError {
    RpcError {
        code: -32002,
        message: format!("Transaction simulation failed: {error}"),
        data: Some(simulation_failure(error, logs)),
    }
}

fn internal(e: ClientError) -> RpcError {
    RpcError::new(-32603, format!("Internal error: {e}"))
}

fn pubkey(value: &Value) -> Result<Pubkey, RpcError> {
    value
        .as_str()
        .and_then(|s| Pubkey::from_str(s).ok())
        .ok_or(RpcError::invalid_params("an address"))
}

fn signature(value: &Value) -> Result<Signature, RpcError> {
    value
        .as_str()
        .and_then(|s| Signature::from_str(s).ok())
        .ok_or(RpcError::invalid_params("a signature"))
}

/// The transaction a `sendTransaction` / `simulateTransaction` call carries (base64, as
/// `RpcClient` sends it).
fn transaction(value: &Value) -> Result<VersionedTransaction, RpcError> {
    let bytes = value
        .as_str()
        .and_then(|s| BASE64.decode(s).ok())
        .ok_or(RpcError::invalid_params("a base64 transaction"))?;
    bincode::deserialize(&bytes).map_err(|_| RpcError::invalid_params("a transaction"))
}

fn ui_account(account: &Account) -> Value {
    json!({
        "lamports": account.lamports,
        "data": [BASE64.encode(&account.data), "base64"],
        "owner": account.owner.to_string(),
        "executable": account.executable,
        "rentEpoch": account.rent_epoch,
        "space": account.data.len(),
    })
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        solana_sdk::{signature::Keypair, signer::Signer},
    };

    fn encoded(tx: &VersionedTransaction) -> Value {
        json!(BASE64.encode(bincode::serialize(tx).unwrap()))
    }

    #[tokio::test]
    async fn an_unknown_signature_has_no_status_and_no_transaction() {
        let node = RpcNode::start(Bank::start(Vec::new()).await).await.unwrap();
        let unknown = Signature::from([7; 64]).to_string();
        let tx = node
            .answer("getTransaction", &json!([unknown, {"encoding": "json"}]))
            .await;
        assert_eq!(tx, Ok(Value::Null));
        let statuses = node
            .answer("getSignatureStatuses", &json!([[unknown]]))
            .await
            .unwrap();
        assert_eq!(statuses["value"], json!([null]));
        assert_eq!(
            node.answer("getFoo", &json!([])).await.unwrap_err().code,
            -32601
        );
    }

    #[tokio::test]
    async fn a_failed_transaction_is_refused_in_preflight_or_lands_failed() {
        let node = RpcNode::start(Bank::start(Vec::new()).await).await.unwrap();
        let payer = node.bank().payer().await;
        // A transfer from an account with no lamports: the system program refuses it.
        let empty = Keypair::new();
        let transfer = anchor_lang::solana_program::system_instruction::transfer(
            &empty.pubkey(),
            &payer.pubkey(),
            1,
        );
        let blockhash = node.bank().latest_blockhash().await.unwrap();
        let tx = ballast_client::transport::sign(
            &[transfer],
            &payer.pubkey(),
            &[&payer, &empty],
            blockhash,
            &[],
        )
        .unwrap();
        let failure = json!({"InstructionError": [0, {"Custom": 1}]});

        // With preflight: refused, the simulation's error and logs as the error's data.
        let refused = node
            .answer(
                "sendTransaction",
                &json!([encoded(&tx), {"encoding": "base64"}]),
            )
            .await
            .unwrap_err();
        assert_eq!(refused.code, -32002);
        let data = refused.data.unwrap();
        assert_eq!(data["err"], failure);
        assert!(!data["logs"].as_array().unwrap().is_empty(), "{data}");
        assert_eq!(node.landed(), 0);

        // Without: it lands failed, and the node reports it so.
        let sent = node
            .answer(
                "sendTransaction",
                &json!([encoded(&tx), {"encoding": "base64", "skipPreflight": true}]),
            )
            .await
            .unwrap();
        assert_eq!(sent, json!(tx.signatures[0].to_string()));
        assert_eq!(node.landed(), 1);
        let statuses = node
            .answer("getSignatureStatuses", &json!([[sent]]))
            .await
            .unwrap();
        assert_eq!(statuses["value"][0]["err"], failure);
        assert_eq!(statuses["value"][0]["status"], json!({"Err": failure}));
        let landed = node
            .answer("getTransaction", &json!([sent, {"encoding": "json"}]))
            .await
            .unwrap();
        assert_eq!(landed["meta"]["err"], failure);
        assert_eq!(landed["meta"]["fee"], json!(10_000));
        assert!(landed["meta"]["logMessages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("insufficient lamports")));

        // Through the client: the relay's simulation refuses it with the logs, nothing sent.
        let rpc = ballast_client::rpc::RpcTransport::new(node.url());
        let transfer = anchor_lang::solana_program::system_instruction::transfer(
            &empty.pubkey(),
            &payer.pubkey(),
            1,
        );
        match rpc.send(&[transfer], &[&payer, &empty]).await {
            Err(ClientError::Transaction { error, logs }) => {
                assert_eq!(
                    error,
                    TransactionError::InstructionError(
                        2,
                        solana_sdk::instruction::InstructionError::Custom(1)
                    )
                );
                assert!(!logs.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(node.landed(), 1);
    }
}
