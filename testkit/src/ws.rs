//! A fake RPC websocket on loopback, for the bots' live updates in tests and benchmarks: it
//! answers `programSubscribe` / `accountSubscribe` as a node would and sends the account
//! states a test hands it (from the in-process bank) as notifications.
use {
    base64::Engine,
    futures_util::{SinkExt, StreamExt},
    serde_json::{json, Value},
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::{
        sync::{Arc, Mutex},
        time::Duration,
    },
    tokio::{net::TcpListener, sync::mpsc},
    tokio_tungstenite::tungstenite::Message,
};

/// What the fake node was asked: subscription ids by what they follow.
#[derive(Default)]
pub struct Subscriptions {
    /// `programSubscribe`, in order (the liquidator asks obligations, then reserves).
    pub program: Vec<u64>,
    /// `accountSubscribe`, by account.
    pub accounts: Vec<(Pubkey, u64)>,
    /// `logsSubscribe`, in order.
    pub logs: Vec<u64>,
}

/// A fake RPC websocket on loopback: answers subscriptions, then sends what `push` gets.
pub struct FakeWs {
    pub url: String,
    pub subscriptions: Arc<Mutex<Subscriptions>>,
    push: mpsc::UnboundedSender<Value>,
}

impl FakeWs {
    pub async fn start() -> FakeWs {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let subscriptions = Arc::new(Mutex::new(Subscriptions::default()));
        let (push, mut pushed) = mpsc::unbounded_channel::<Value>();
        let subs = subscriptions.clone();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
            let mut next_id = 100;
            loop {
                tokio::select! {
                    Some(Ok(Message::Text(text))) = ws.next() => {
                        let call: Value = serde_json::from_str(&text).unwrap();
                        next_id += 1;
                        let method = call["method"].as_str().unwrap_or_default();
                        record(&subs, method, &call["params"], next_id);
                        let reply = json!({"jsonrpc": "2.0", "result": next_id, "id": call["id"]});
                        ws.send(Message::Text(reply.to_string().into())).await.unwrap();
                    }
                    Some(note) = pushed.recv() => {
                        ws.send(Message::Text(note.to_string().into())).await.unwrap();
                    }
                    else => break,
                }
            }
        });
        FakeWs {
            url,
            subscriptions,
            push,
        }
    }

    /// Waits until the liquidator has subscribed to its two program streams and `oracles`.
    pub async fn subscribed(&self, oracles: usize) {
        for _ in 0..500 {
            {
                let s = self.subscriptions.lock().unwrap();
                if s.program.len() == 2 && s.accounts.len() == oracles {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the liquidator never subscribed");
    }

    /// Waits until someone subscribed to logs.
    pub async fn logs_subscribed(&self) {
        for _ in 0..500 {
            if !self.subscriptions.lock().unwrap().logs.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("nobody subscribed to logs");
    }

    /// Sends a `logsNotification` of transaction `signature` to the first logs subscription.
    pub fn logged(&self, signature: &str) {
        let sid = self.subscriptions.lock().unwrap().logs[0];
        let note = json!({"jsonrpc": "2.0", "method": "logsNotification", "params": {
            "result": {"context": {"slot": 1}, "value": {
                "signature": signature, "err": null, "logs": [],
            }},
            "subscription": sid,
        }});
        self.push.send(note).unwrap();
    }

    /// Sends `account`'s new state as an `accountNotification`.
    pub fn account_changed(&self, address: &Pubkey, account: &Account) {
        let sid = {
            let s = self.subscriptions.lock().unwrap();
            s.accounts.iter().find(|(k, _)| k == address).unwrap().1
        };
        let note = json!({"jsonrpc": "2.0", "method": "accountNotification", "params": {
            "result": {"context": {"slot": 1}, "value": ui(account)},
            "subscription": sid,
        }});
        self.push.send(note).unwrap();
    }
}

/// Remembers subscription `id` for what `method` / `params` asked to follow.
fn record(subs: &Mutex<Subscriptions>, method: &str, params: &Value, id: u64) {
    let mut s = subs.lock().unwrap();
    match method {
        "programSubscribe" => s.program.push(id),
        "accountSubscribe" => {
            let key = params[0].as_str().unwrap().parse().unwrap();
            s.accounts.push((key, id));
        }
        "logsSubscribe" => s.logs.push(id),
        _ => {}
    }
}

fn ui(account: &Account) -> Value {
    json!({
        "lamports": account.lamports,
        "data": [base64::engine::general_purpose::STANDARD.encode(&account.data), "base64"],
        "owner": account.owner.to_string(),
        "executable": account.executable,
        "rentEpoch": account.rent_epoch,
        "space": account.data.len(),
    })
}
