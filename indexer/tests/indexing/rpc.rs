//! The history reader against a fake JSON-RPC node on loopback: signatures listed in pages of
//! 1,000 back to the cursor, each transaction read, failed ones moving only the cursor; a
//! later run reads only what is new, and a third nothing.
use {
    super::{fake_node, total, HISTORY},
    anchor_lang::Event,
    ballast::events::{Borrowed, EventHeader},
    ballast_indexer::{indexer::catch_up, rpc_source::RpcSource},
    serde_json::{json, Value},
    solana_sdk::{pubkey::Pubkey, signature::Signature},
    std::sync::{Arc, Mutex},
};

/// One transaction of the program: its signature, whether it failed, and the amount of the
/// `Borrowed` event it emitted.
pub(super) struct Tx {
    pub(super) signature: String,
    failed: bool,
    amount: u64,
}

#[derive(Default)]
pub(super) struct Node {
    /// Oldest first; slot = index + 1.
    pub(super) txs: Vec<Tx>,
    /// The `until` of every `getSignaturesForAddress` call.
    untils: Vec<Option<String>>,
    fetched: usize,
}

impl Node {
    pub(super) fn add(&mut self, n: usize) {
        for _ in 0..n {
            let i = self.txs.len() as u64;
            self.txs.push(Tx {
                signature: Signature::new_unique().to_string(),
                // Every 100th fails.
                failed: i % 100 == 99,
                amount: 1_000 + i,
            });
        }
    }

    fn position(&self, signature: &Value) -> Option<usize> {
        let s = signature.as_str()?;
        self.txs.iter().position(|t| t.signature == s)
    }

    fn reply(&mut self, method: &str, params: &Value) -> Value {
        match method {
            "getSignaturesForAddress" => {
                let config = &params[1];
                self.untils
                    .push(config["until"].as_str().map(str::to_string));
                let after = self.position(&config["until"]).map_or(0, |i| i + 1);
                let before = self.position(&config["before"]).unwrap_or(self.txs.len());
                let limit = config["limit"].as_u64().unwrap_or(1_000) as usize;
                let page: Vec<Value> = (after..before)
                    .rev()
                    .take(limit)
                    .map(|i| {
                        let t = &self.txs[i];
                        json!({
                            "signature": t.signature,
                            "slot": i + 1,
                            "err": if t.failed { json!({"InstructionError": [0, {"Custom": 6502}]}) } else { Value::Null },
                            "memo": null,
                            "blockTime": 1_700_000_000 + i,
                            "confirmationStatus": "confirmed",
                        })
                    })
                    .collect();
                json!(page)
            }
            "getTransaction" => {
                self.fetched += 1;
                let i = self.position(&params[0]).expect("a listed signature");
                transaction(&self.txs[i], i as u64 + 1)
            }
            other => panic!("method {other} not faked"),
        }
    }
}

/// `tx` as `getTransaction` (JSON encoding) answers it: the Ballast instruction, and its
/// self-CPI event (the event tag, then the event) among the inner instructions when it did not
/// fail.
fn transaction(tx: &Tx, slot: u64) -> Value {
    let header = EventHeader {
        market: Pubkey::new_from_array([1; 32]),
        reserve: Pubkey::new_from_array([2; 32]),
        obligation: Pubkey::new_from_array([3; 32]),
        signer: Pubkey::new_from_array([4; 32]),
        slot,
        unix_timestamp: 1_700_000_000 + slot as i64,
    };
    let event = Borrowed {
        header,
        amount: tx.amount,
        fee_sf: 0,
    };
    let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
    data.extend(event.data());
    let inner = if tx.failed {
        json!([])
    } else {
        json!([{ "index": 0, "instructions": [{
            "programIdIndex": 1, "accounts": [], "data": bs58::encode(&data).into_string(),
            "stackHeight": 2,
        }]}])
    };
    json!({
        "slot": slot,
        "blockTime": 1_700_000_000 + slot,
        "version": "legacy",
        "transaction": {
            "signatures": [tx.signature],
            "message": {
                "header": {"numRequiredSignatures": 1, "numReadonlySignedAccounts": 0,
                           "numReadonlyUnsignedAccounts": 1},
                "accountKeys": [Pubkey::new_from_array([4; 32]).to_string(), ballast::ID.to_string()],
                "recentBlockhash": "11111111111111111111111111111111",
                "instructions": [{"programIdIndex": 1, "accounts": [0], "data": "", "stackHeight": null}],
            },
        },
        "meta": {
            "err": if tx.failed { json!({"InstructionError": [0, {"Custom": 6502}]}) } else { Value::Null },
            "status": if tx.failed { json!({"Err": {"InstructionError": [0, {"Custom": 6502}]}}) } else { json!({"Ok": null}) },
            "fee": 5_000,
            "preBalances": [0, 0],
            "postBalances": [0, 0],
            "innerInstructions": inner,
            "logMessages": [],
            "preTokenBalances": [],
            "postTokenBalances": [],
            "rewards": [],
            "loadedAddresses": {"writable": [], "readonly": []},
            "computeUnitsConsumed": 10_000,
        },
    })
}

/// Serves `node` on loopback; its URL.
pub(super) async fn serve(node: Arc<Mutex<Node>>) -> String {
    fake_node::serve(node).await
}

impl fake_node::Node for Node {
    fn answer(&mut self, method: &str, params: &Value) -> fake_node::Answer {
        Ok(self.reply(method, params))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn history_is_read_in_pages_back_to_the_cursor_and_only_once() {
    let fresh = super::backends::sqlite().await;
    let store = &fresh.store;
    let node = Arc::new(Mutex::new(Node::default()));
    node.lock().unwrap().add(1_005);
    let url = serve(node.clone()).await;

    // 1,005 transactions over two pages; 10 failed (the 100th, 200th, ... 1,000th).
    let mut source = RpcSource::new(&url, ballast::ID);
    let progress = catch_up(&mut source, store, HISTORY, 100).await.unwrap();
    assert_eq!((progress.transactions, progress.events), (1_005, 995));
    assert_eq!(total(store).await, 995);
    let (last, untils, fetched) = {
        let n = node.lock().unwrap();
        (n.txs[1_004].signature.clone(), n.untils.clone(), n.fetched)
    };
    // Two pages, then a look for anything newer than the cursor.
    assert_eq!(untils, vec![None, None, Some(last.clone())]);
    assert_eq!(fetched, 1_005);
    let cursor = store.cursor(HISTORY).await.unwrap().unwrap();
    assert_eq!(
        (cursor.signature.as_str(), cursor.slot),
        (last.as_str(), 1_005)
    );
    // The amounts are the events', to the unit: 1,000 + i for every i that did not fail.
    let sum: i64 = sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(SUM(CAST(json_extract(fields, '$.amount') AS INTEGER)), 0) FROM events",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let expected: i64 = (0..1_005)
        .filter(|i| i % 100 != 99)
        .map(|i| 1_000 + i)
        .sum();
    assert_eq!(sum, expected);

    // Three more: a new reader (a restart) lists only after the cursor and reads three.
    node.lock().unwrap().add(3);
    let mut restarted = RpcSource::new(&url, ballast::ID);
    let progress = catch_up(&mut restarted, store, HISTORY, 100).await.unwrap();
    assert_eq!((progress.transactions, progress.events), (3, 3));
    let newest = {
        let n = node.lock().unwrap();
        assert_eq!(n.untils[3].as_deref(), Some(last.as_str()));
        assert_eq!(n.fetched, 1_008);
        n.txs[1_007].signature.clone()
    };
    // Nothing new: nothing read, nothing written.
    let progress = catch_up(&mut restarted, store, HISTORY, 100).await.unwrap();
    assert_eq!((progress.transactions, progress.events), (0, 0));
    let (fetched, until) = {
        let n = node.lock().unwrap();
        (n.fetched, n.untils.last().cloned().flatten())
    };
    assert_eq!(fetched, 1_008);
    assert_eq!(until.as_deref(), Some(newest.as_str()));
    assert_eq!(total(store).await, 998);
}
