//! `RpcTransport::send` lands through the relay (`ballast_client::relay`), at the transport's
//! commitment, against a fake RPC node on loopback (the pattern of `relay.rs`): priced, its
//! compute-unit limit simulated, resent and rebuilt until confirmed, then reported from the
//! landed transaction.
mod fake_node;

use {
    ballast_client::{relay::RelayConfig, rpc::RpcTransport, ClientError, Transport},
    fake_node::{chain, decode, serve, Answer},
    serde_json::{json, Value},
    solana_commitment_config::CommitmentConfig,
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
        signature::Keypair,
        transaction::VersionedTransaction,
    },
    std::{
        sync::{Arc, Mutex},
        time::Duration,
    },
};

/// How the fake node behaves, and what it saw.
#[derive(Default)]
struct Node {
    /// Builds (blockhashes) whose transactions the node accepts and never lands.
    drop_builds: u64,
    simulation_fails: bool,
    /// What lands fails on chain (the state moved after the simulation).
    fails_on_chain: bool,
    fees: Vec<u64>,
    height: u64,
    blockhashes: u64,
    /// Transactions accepted, by build.
    sent: Vec<(u64, VersionedTransaction)>,
    /// Every call: method and params.
    calls: Vec<(String, Value)>,
}

impl fake_node::Node for Node {
    fn answer(&mut self, method: &str, params: &Value) -> Answer {
        self.calls.push((method.to_string(), params.clone()));
        if let Some(answer) = chain(method, &self.fees, &mut self.height, &mut self.blockhashes) {
            return answer;
        }
        match method {
            "simulateTransaction" if self.simulation_fails => Ok(json!({
                "context": {"slot": 1},
                "value": {"err": {"InstructionError": [0, {"Custom": 6502}]},
                          "logs": ["Program log: refused"], "unitsConsumed": 9_000}
            })),
            "simulateTransaction" => Ok(json!({
                "context": {"slot": 1},
                "value": {"err": null, "logs": ["Program log: simulated"],
                          "unitsConsumed": 20_000}
            })),
            "sendTransaction" => {
                let tx = decode(&params[0]);
                let signature = tx.signatures[0].to_string();
                self.sent.push((self.blockhashes, tx));
                Ok(json!(signature))
            }
            "getSignatureStatuses" => {
                let landing = self.landing(params[0][0].as_str().unwrap_or_default());
                let status = if landing && self.fails_on_chain {
                    json!({"slot": 2, "confirmations": null, "err": failure(),
                           "status": {"Err": failure()}, "confirmationStatus": "finalized"})
                } else if landing {
                    json!({"slot": 2, "confirmations": null, "err": null,
                           "status": {"Ok": null}, "confirmationStatus": "finalized"})
                } else {
                    Value::Null
                };
                Ok(json!({"context": {"slot": 2}, "value": [status]}))
            }
            "getTransaction" if self.landing(params[0].as_str().unwrap_or_default()) => Ok(json!({
                "slot": 7,
                "blockTime": null,
                "version": "legacy",
                "transaction": "",
                "meta": {
                    "err": if self.fails_on_chain { failure() } else { Value::Null },
                    "status": if self.fails_on_chain {
                        json!({"Err": failure()})
                    } else {
                        json!({"Ok": null})
                    },
                    "fee": 5000,
                    "preBalances": [],
                    "postBalances": [],
                    "innerInstructions": [],
                    "logMessages": ["Program log: landed"],
                    "computeUnitsConsumed": 19_500
                }
            })),
            "getTransaction" => Ok(Value::Null),
            other => Err((-32601, format!("method {other} not faked"))),
        }
    }
}

impl Node {
    /// Whether the transaction of `signature` was sent with a build that lands.
    fn landing(&self, signature: &str) -> bool {
        self.sent.iter().any(|(build, tx)| {
            tx.signatures[0].to_string() == signature && *build > self.drop_builds
        })
    }

    fn params_of(&self, method: &str) -> Vec<&Value> {
        self.calls
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, p)| p)
            .collect()
    }
}

/// The program's `ObligationUnhealthy` in the first instruction.
fn failure() -> Value {
    json!({"InstructionError": [0, {"Custom": 6502}]})
}

fn instruction() -> Instruction {
    Instruction::new_with_bytes(
        Pubkey::new_unique(),
        &[1, 2, 3],
        vec![AccountMeta::new(Pubkey::new_unique(), false)],
    )
}

/// A transport to `node` at `finalized`, resending every millisecond.
async fn transport(node: &Arc<Mutex<Node>>, relay: RelayConfig) -> RpcTransport {
    let url = serve(node.clone()).await;
    RpcTransport::with_timeout_and_commitment(
        &url,
        Duration::from_secs(5),
        CommitmentConfig::finalized(),
    )
    .with_relay(RelayConfig {
        resend_every: Duration::from_millis(1),
        ..relay
    })
}

/// The compute-budget instructions' data of `tx`, and its instruction count.
fn budget_of(tx: &VersionedTransaction) -> (Vec<Vec<u8>>, usize) {
    let keys = tx.message.static_account_keys();
    let budget = (tx.message.instructions().iter())
        .filter(|i| {
            solana_compute_budget_interface::check_id(&keys[usize::from(i.program_id_index)])
        })
        .map(|i| i.data.clone())
        .collect();
    (budget, tx.message.instructions().len())
}

#[tokio::test]
async fn send_lands_through_the_relay_at_the_transports_commitment() {
    // The first build is dropped; the second lands. Fees 10, 20, 30, 40: the 75th percentile
    // is 30.
    let node = Arc::new(Mutex::new(Node {
        drop_builds: 1,
        fees: vec![10, 20, 30, 40],
        ..Node::default()
    }));
    let rpc = transport(&node, RelayConfig::default()).await;
    assert_eq!(rpc.commitment(), CommitmentConfig::finalized());
    let outcome = rpc
        .send(&[instruction()], &[&Keypair::new()])
        .await
        .unwrap();
    // Reported from the landed transaction, not the simulation.
    assert_eq!(outcome.logs, vec!["Program log: landed"]);
    assert_eq!(outcome.compute_units, 19_500);
    let node = node.lock().unwrap();
    let (build, tx) = node.sent.last().unwrap();
    assert_eq!(*build, 2);
    assert_eq!(outcome.signature, tx.signatures[0]);
    assert_eq!(
        budget_of(tx),
        (
            vec![
                // 20,000 simulated + 10%.
                ComputeBudgetInstruction::set_compute_unit_limit(22_000).data,
                ComputeBudgetInstruction::set_compute_unit_price(30).data,
            ],
            3
        )
    );
    // Sent by the relay (no preflight, no node retries), never by send-and-confirm; every
    // build simulated once before it was sent.
    let sends = node.params_of("sendTransaction");
    assert!(sends.len() >= 2, "{sends:?}");
    for params in &sends {
        assert_eq!(params[1]["skipPreflight"], json!(true));
        assert_eq!(params[1]["maxRetries"], json!(0));
    }
    assert_eq!(node.params_of("simulateTransaction").len(), 2);
    assert_eq!(node.blockhashes, 2);
    // At the transport's commitment.
    for method in [
        "getLatestBlockhash",
        "simulateTransaction",
        "getTransaction",
    ] {
        for params in node.params_of(method) {
            let config = params.as_array().unwrap().last().unwrap();
            assert_eq!(config["commitment"], json!("finalized"), "{method}");
        }
    }
}

#[tokio::test]
async fn fixed_price_and_limit_and_the_callers_budget_go_through_the_transport() {
    let node = Arc::new(Mutex::new(Node {
        fees: vec![5_000],
        ..Node::default()
    }));
    let fixed = RelayConfig {
        compute_unit_price: Some(777),
        compute_unit_limit: Some(90_000),
        ..RelayConfig::default()
    };
    let rpc = transport(&node, fixed).await;
    rpc.send(&[instruction()], &[&Keypair::new()])
        .await
        .unwrap();
    {
        let node = node.lock().unwrap();
        assert_eq!(
            budget_of(&node.sent.last().unwrap().1),
            (
                vec![
                    ComputeBudgetInstruction::set_compute_unit_limit(90_000).data,
                    ComputeBudgetInstruction::set_compute_unit_price(777).data,
                ],
                3
            )
        );
        assert!(node.params_of("getRecentPrioritizationFees").is_empty());
    }
    // The caller's own limit (the liquidator's) is kept: one limit instruction, not two.
    let own_limit = ComputeBudgetInstruction::set_compute_unit_limit(400_000);
    rpc.send(&[own_limit.clone(), instruction()], &[&Keypair::new()])
        .await
        .unwrap();
    let node = node.lock().unwrap();
    assert_eq!(
        budget_of(&node.sent.last().unwrap().1),
        (
            vec![
                ComputeBudgetInstruction::set_compute_unit_price(777).data,
                own_limit.data,
            ],
            3
        )
    );
}

#[tokio::test]
async fn a_refusal_returns_the_programs_logs_and_sends_nothing() {
    let node = Arc::new(Mutex::new(Node {
        simulation_fails: true,
        ..Node::default()
    }));
    let rpc = transport(&node, RelayConfig::default()).await;
    let err = rpc
        .send(&[instruction()], &[&Keypair::new()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Transaction { ref logs, .. } if logs == &["Program log: refused"]),
        "{err}"
    );
    assert!(node.lock().unwrap().sent.is_empty());
}

#[tokio::test]
async fn a_transaction_that_fails_on_chain_comes_back_with_its_logs() {
    // The simulation passed; the state moved before it landed, and it failed there.
    let node = Arc::new(Mutex::new(Node {
        fails_on_chain: true,
        ..Node::default()
    }));
    let rpc = transport(&node, RelayConfig::default()).await;
    let err = rpc
        .send(&[instruction()], &[&Keypair::new()])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Transaction { logs, .. } if logs == &["Program log: landed"]),
        "{err:?}"
    );
    assert!(err.to_string().contains("ObligationUnhealthy"), "{err}");
}
