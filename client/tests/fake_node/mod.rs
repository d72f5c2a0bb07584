//! The HTTP side of a fake JSON-RPC node on loopback, shared by the relay's tests: each call is
//! handed to the test's node, whose answer (a result, or an error code and message) goes back
//! as the node would send it.
use {
    base64::Engine,
    http_body_util::{BodyExt, Full},
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Request, Response},
    hyper_util::rt::TokioIo,
    serde_json::{json, Value},
    solana_sdk::{hash::Hash, transaction::VersionedTransaction},
    std::{
        convert::Infallible,
        sync::{Arc, Mutex},
    },
    tokio::net::TcpListener,
};

/// A node's answer to one call: its result, or a JSON-RPC error (code, message).
pub type Answer = Result<Value, (i64, String)>;

/// A fake node's behaviour.
pub trait Node: Send + 'static {
    fn answer(&mut self, method: &str, params: &Value) -> Answer;
}

/// Serves `node` over HTTP on loopback; returns its URL.
pub async fn serve<N: Node>(node: Arc<Mutex<N>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let node = node.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let node = node.clone();
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let call: Value = serde_json::from_slice(&body).unwrap();
                        let answer = node
                            .lock()
                            .unwrap()
                            .answer(call["method"].as_str().unwrap(), &call["params"]);
                        let reply = match answer {
                            Ok(result) => {
                                json!({"jsonrpc": "2.0", "id": call["id"], "result": result})
                            }
                            Err((code, message)) => json!({"jsonrpc": "2.0", "id": call["id"],
                                "error": {"code": code, "message": message}}),
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
    });
    url
}

/// The transaction a `sendTransaction` / `simulateTransaction` call carries (base64).
pub fn decode(param: &Value) -> VersionedTransaction {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(param.as_str().expect("base64 transaction"))
        .expect("base64");
    bincode::deserialize(&bytes).expect("a transaction")
}

/// The chain side every fake node shares: the recent `fees`, a new blockhash per ask (the
/// `blockhashes`-th, valid for three more blocks), a block `height` growing by one per ask.
/// `None` for any other method.
pub fn chain(
    method: &str,
    fees: &[u64],
    height: &mut u64,
    blockhashes: &mut u64,
) -> Option<Answer> {
    Some(Ok(match method {
        "getRecentPrioritizationFees" => json!(fees
            .iter()
            .map(|f| json!({"slot": 1, "prioritizationFee": f}))
            .collect::<Vec<_>>()),
        "getLatestBlockhash" => {
            *blockhashes += 1;
            let hash = Hash::new_from_array([*blockhashes as u8; 32]);
            json!({"context": {"slot": 1}, "value": {
                "blockhash": hash.to_string(),
                "lastValidBlockHeight": *height + 3,
            }})
        }
        "getBlockHeight" => {
            *height += 1;
            json!(*height)
        }
        _ => return None,
    }))
}
