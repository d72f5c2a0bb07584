//! The relay against a fake RPC node on loopback that drops, delays and rejects transactions:
//! the real `RpcClient` (inside the `RpcTransport`) talks JSON-RPC over HTTP to it.
mod fake_node;

use {
    ballast_client::{
        relay::{relay, AttemptResult, RelayConfig},
        rpc::RpcTransport,
        ClientError,
    },
    fake_node::{chain, decode, serve, Answer},
    serde_json::{json, Value},
    solana_commitment_config::CommitmentConfig,
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_rpc_client::nonblocking::rpc_client::RpcClient,
    solana_sdk::{
        hash::Hash,
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
        signature::Keypair,
        signer::Signer,
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
    /// Sends refused with a JSON-RPC error before any is accepted.
    reject_sends: u32,
    /// Builds (blockhashes) whose transactions the node accepts and never lands.
    drop_builds: u32,
    /// Status polls that still answer null after the first send of a landing transaction.
    delay_polls: u32,
    /// The simulation fails (the program refuses).
    simulation_fails: bool,
    fees: Vec<u64>,
    height: u64,
    blockhashes: u64,
    /// Transactions accepted, by build (the blockhash's index).
    sent: Vec<(u64, VersionedTransaction)>,
    methods: Vec<String>,
}

impl fake_node::Node for Node {
    fn answer(&mut self, method: &str, params: &Value) -> Answer {
        self.methods.push(method.to_string());
        if let Some(answer) = chain(method, &self.fees, &mut self.height, &mut self.blockhashes) {
            return answer;
        }
        match method {
            "simulateTransaction" if self.simulation_fails => Ok(json!({
                "context": {"slot": 1},
                "value": {"err": {"InstructionError": [2, {"Custom": 6502}]},
                          "logs": ["Program log: refused"], "unitsConsumed": 9_000}
            })),
            "simulateTransaction" => Ok(json!({
                "context": {"slot": 1},
                "value": {"err": null, "logs": [], "unitsConsumed": 50_001}
            })),
            "sendTransaction" => {
                if self.reject_sends > 0 {
                    self.reject_sends -= 1;
                    return Err((-32005, "Node is unhealthy".into()));
                }
                let tx = decode(&params[0]);
                let signature = tx.signatures[0].to_string();
                self.sent.push((self.blockhashes, tx));
                Ok(json!(signature))
            }
            "getSignatureStatuses" => {
                let wanted = params[0][0].as_str().unwrap_or_default().to_string();
                let landing = self.sent.iter().any(|(build, tx)| {
                    tx.signatures[0].to_string() == wanted && *build > u64::from(self.drop_builds)
                });
                let status = if landing && self.delay_polls == 0 {
                    json!({"slot": 2, "confirmations": null, "err": null,
                           "status": {"Ok": null}, "confirmationStatus": "confirmed"})
                } else {
                    if landing {
                        self.delay_polls -= 1;
                    }
                    Value::Null
                };
                Ok(json!({"context": {"slot": 2}, "value": [status]}))
            }
            other => Err((-32601, format!("method {other} not faked"))),
        }
    }
}

fn config() -> RelayConfig {
    RelayConfig {
        resend_every: Duration::from_millis(1),
        ..RelayConfig::default()
    }
}

/// A memo-like instruction writing one account, paid by `payer`.
fn instruction(written: Pubkey) -> Instruction {
    Instruction::new_with_bytes(
        Pubkey::new_unique(),
        &[1, 2, 3],
        vec![AccountMeta::new(written, false)],
    )
}

async fn run(
    node: Node,
) -> (
    Result<ballast_client::relay::Relayed, ClientError>,
    Arc<Mutex<Node>>,
) {
    let node = Arc::new(Mutex::new(node));
    let url = serve(node.clone()).await;
    let rpc = RpcTransport::with_client(RpcClient::new_with_commitment(
        url,
        CommitmentConfig::confirmed(),
    ));
    let payer = Keypair::new();
    let out = relay(
        &rpc,
        &config(),
        &[instruction(Pubkey::new_unique())],
        &[&payer],
        &[],
    )
    .await;
    (out, node)
}

#[tokio::test]
async fn a_dropped_transaction_is_rebuilt_with_a_fresh_blockhash_and_lands() {
    // The node drops everything sent with the first blockhash; the second build lands after
    // two null polls. Fees: 0..=900 by 100; the 75th percentile is 700.
    let (out, node) = run(Node {
        drop_builds: 1,
        delay_polls: 2,
        fees: (0..10).map(|i| i * 100).collect(),
        ..Node::default()
    })
    .await;
    let relayed = out.unwrap();
    assert_eq!(relayed.fee, 700);
    // 50,001 simulated + 10%, rounded up.
    assert_eq!(relayed.compute_unit_limit, 55_002);
    let builds: Vec<u32> = relayed.attempts.iter().map(|a| a.build).collect();
    // Build 0 resent until the height passed its last valid block (3 polls of the height);
    // build 1 sent three times (two null polls) and confirmed.
    assert_eq!(builds, vec![0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(
        relayed.attempts.last().unwrap().result,
        AttemptResult::Confirmed
    );
    let node = node.lock().unwrap();
    // What was sent carries the limit and the fee, and the second blockhash.
    let (build, tx) = node.sent.last().unwrap();
    assert_eq!(*build, 2);
    let message = &tx.message;
    let budget: Vec<Vec<u8>> = message.instructions()[..2]
        .iter()
        .map(|i| i.data.clone())
        .collect();
    assert_eq!(
        budget,
        vec![
            ComputeBudgetInstruction::set_compute_unit_limit(55_002).data,
            ComputeBudgetInstruction::set_compute_unit_price(700).data,
        ]
    );
    assert_eq!(*message.recent_blockhash(), Hash::new_from_array([2; 32]));
    assert_eq!(relayed.signature, tx.signatures[0]);
}

#[tokio::test]
async fn refused_sends_are_retried_and_traced() {
    let (out, _) = run(Node {
        reject_sends: 2,
        drop_builds: 0,
        fees: vec![5],
        ..Node::default()
    })
    .await;
    let relayed = out.unwrap();
    let results: Vec<&AttemptResult> = relayed.attempts.iter().map(|a| &a.result).collect();
    assert!(
        matches!(results[0], AttemptResult::Refused(m) if m.contains("Node is unhealthy")),
        "{results:?}"
    );
    assert!(matches!(results[1], AttemptResult::Refused(_)));
    assert_eq!(results[2], &AttemptResult::Confirmed);
    assert_eq!(relayed.fee, 5);
}

#[tokio::test]
async fn a_refused_simulation_sends_nothing() {
    let (out, node) = run(Node {
        simulation_fails: true,
        ..Node::default()
    })
    .await;
    let err = out.unwrap_err();
    assert!(
        matches!(err, ClientError::Transaction { ref logs, .. } if logs == &["Program log: refused"]),
        "{err}"
    );
    assert!(err.to_string().contains("ObligationUnhealthy"), "{err}");
    assert!(node.lock().unwrap().sent.is_empty());
}

#[tokio::test]
async fn every_blockhash_expiring_is_an_error_that_says_so() {
    // Nothing ever lands: the first build and two rebuilds expire.
    let (out, node) = run(Node {
        drop_builds: u32::MAX,
        ..Node::default()
    })
    .await;
    let err = out.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Expired {
                builds: 3,
                sends: 12
            }
        ),
        "{err}"
    );
    assert_eq!(node.lock().unwrap().blockhashes, 3);
}

#[tokio::test]
async fn the_fee_is_capped() {
    let node = Arc::new(Mutex::new(Node {
        fees: vec![5_000_000],
        ..Node::default()
    }));
    let url = serve(node.clone()).await;
    let rpc = RpcTransport::with_client(RpcClient::new_with_commitment(
        url,
        CommitmentConfig::confirmed(),
    ));
    let payer = Keypair::new();
    let capped = RelayConfig {
        max_fee: 20_000,
        ..config()
    };
    let out = relay(
        &rpc,
        &capped,
        &[instruction(payer.pubkey())],
        &[&payer],
        &[],
    )
    .await
    .unwrap();
    assert_eq!(out.fee, 20_000);
    // An out-of-range percentile is refused before anything is asked.
    let bad = RelayConfig {
        fee_percentile: 101,
        ..config()
    };
    let err = relay(&rpc, &bad, &[instruction(payer.pubkey())], &[&payer], &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid setting: the fee percentile must be 0..=100"
    );
}

/// Relays `instructions` through a node faking `node` with `config` (resending every 1 ms).
async fn relay_with(
    node: Node,
    config: RelayConfig,
    instructions: &[Instruction],
) -> (
    Result<ballast_client::relay::Relayed, ClientError>,
    Arc<Mutex<Node>>,
) {
    let node = Arc::new(Mutex::new(node));
    let url = serve(node.clone()).await;
    let rpc = RpcTransport::with_client(RpcClient::new_with_commitment(
        url,
        CommitmentConfig::confirmed(),
    ));
    let payer = Keypair::new();
    let out = relay(&rpc, &config, instructions, &[&payer], &[]).await;
    (out, node)
}

/// The data of the compute-budget instructions of the last transaction `node` accepted, in
/// order, and how many instructions it has in all.
fn budget_of_last(node: &Node) -> (Vec<Vec<u8>>, usize) {
    let (_, tx) = node.sent.last().expect("a transaction was sent");
    let keys = tx.message.static_account_keys();
    let budget = tx
        .message
        .instructions()
        .iter()
        .filter(|i| {
            solana_compute_budget_interface::check_id(&keys[usize::from(i.program_id_index)])
        })
        .map(|i| i.data.clone())
        .collect();
    (budget, tx.message.instructions().len())
}

#[tokio::test]
async fn a_fixed_price_and_limit_replace_the_market_and_the_simulation() {
    // A fixed price is not capped by max_fee and asks the node for no fees; a fixed limit is
    // used as is (the simulation still runs, once per build).
    let (out, node) = relay_with(
        Node {
            fees: vec![9_999],
            ..Node::default()
        },
        RelayConfig {
            compute_unit_price: Some(25_000),
            compute_unit_limit: Some(200_000),
            max_fee: 1_000,
            ..config()
        },
        &[instruction(Pubkey::new_unique())],
    )
    .await;
    let relayed = out.unwrap();
    assert_eq!((relayed.fee, relayed.compute_unit_limit), (25_000, 200_000));
    let node = node.lock().unwrap();
    assert_eq!(
        budget_of_last(&node),
        (
            vec![
                ComputeBudgetInstruction::set_compute_unit_limit(200_000).data,
                ComputeBudgetInstruction::set_compute_unit_price(25_000).data,
            ],
            3
        )
    );
    assert!(!node
        .methods
        .iter()
        .any(|m| m == "getRecentPrioritizationFees"));
    let simulations = node.methods.iter().filter(|m| *m == "simulateTransaction");
    assert_eq!(simulations.count(), 1);
}

#[tokio::test]
async fn only_a_fixed_price_keeps_the_simulated_limit() {
    let (out, _) = relay_with(
        Node {
            fees: vec![9_999],
            ..Node::default()
        },
        RelayConfig {
            compute_unit_price: Some(0),
            ..config()
        },
        &[instruction(Pubkey::new_unique())],
    )
    .await;
    let relayed = out.unwrap();
    assert_eq!((relayed.fee, relayed.compute_unit_limit), (0, 55_002));
    // A limit out of range is refused before anything is asked.
    let (out, node) = relay_with(
        Node::default(),
        RelayConfig {
            compute_unit_limit: Some(1_400_001),
            ..config()
        },
        &[instruction(Pubkey::new_unique())],
    )
    .await;
    assert_eq!(
        out.unwrap_err().to_string(),
        "invalid setting: the compute-unit limit must be 1..=1400000"
    );
    assert!(node.lock().unwrap().methods.is_empty());
}

#[tokio::test]
async fn compute_budget_instructions_of_the_caller_are_kept_and_not_doubled() {
    // Both kinds set by the caller (as the liquidator does): nothing added, the fee market
    // not asked, and the caller's values win over a fixed price in the config.
    let own = [
        ComputeBudgetInstruction::set_compute_unit_limit(400_000),
        ComputeBudgetInstruction::set_compute_unit_price(7),
        instruction(Pubkey::new_unique()),
    ];
    let (out, node) = relay_with(
        Node {
            fees: vec![5_000],
            ..Node::default()
        },
        RelayConfig {
            compute_unit_price: Some(25_000),
            ..config()
        },
        &own,
    )
    .await;
    let relayed = out.unwrap();
    assert_eq!((relayed.fee, relayed.compute_unit_limit), (7, 400_000));
    {
        let node = node.lock().unwrap();
        assert_eq!(
            budget_of_last(&node),
            (vec![own[0].data.clone(), own[1].data.clone()], 3)
        );
        assert!(!node
            .methods
            .iter()
            .any(|m| m == "getRecentPrioritizationFees"));
    }

    // Only a limit of the caller's: the relay adds the priced one (the 75th percentile of
    // the fees) and keeps the caller's limit.
    let (out, node) = relay_with(
        Node {
            fees: vec![100, 200, 300, 400],
            ..Node::default()
        },
        config(),
        &own[..1]
            .iter()
            .chain(&own[2..])
            .cloned()
            .collect::<Vec<_>>(),
    )
    .await;
    let relayed = out.unwrap();
    assert_eq!((relayed.fee, relayed.compute_unit_limit), (300, 400_000));
    assert_eq!(
        budget_of_last(&node.lock().unwrap()),
        (
            vec![
                ComputeBudgetInstruction::set_compute_unit_price(300).data,
                own[0].data.clone(),
            ],
            3
        )
    );

    // Only a price of the caller's: the relay adds the simulated limit.
    let (out, node) = relay_with(Node::default(), config(), &own[1..]).await;
    let relayed = out.unwrap();
    assert_eq!((relayed.fee, relayed.compute_unit_limit), (7, 55_002));
    assert_eq!(
        budget_of_last(&node.lock().unwrap()),
        (
            vec![
                ComputeBudgetInstruction::set_compute_unit_limit(55_002).data,
                own[1].data.clone(),
            ],
            3
        )
    );
}
