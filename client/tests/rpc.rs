//! The RPC transport against solana-rpc-client's mock sender: what a node answers is turned
//! into the same outcomes and errors the in-process bank gives.
use {
    anchor_lang::{event::EVENT_IX_TAG_LE, Event},
    ballast::{
        errors::BallastError,
        events::{EventHeader, Repaid},
    },
    ballast_client::{events, rpc::RpcTransport, ClientError, Transport},
    base64::Engine,
    serde_json::{json, Value},
    solana_rpc_client::nonblocking::rpc_client::RpcClient,
    solana_rpc_client_api::request::RpcRequest,
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, sysvar},
    std::collections::HashMap,
};

fn transport(mocks: Vec<(RpcRequest, Value)>) -> RpcTransport {
    let mocks: HashMap<RpcRequest, Value> = mocks.into_iter().collect();
    RpcTransport::with_client(RpcClient::new_mock_with_mocks("succeeds".into(), mocks))
}

fn response(value: Value) -> Value {
    json!({"context": {"slot": 1}, "value": value})
}

fn repaid() -> Repaid {
    Repaid {
        header: EventHeader {
            market: Pubkey::new_unique(),
            reserve: Pubkey::new_unique(),
            obligation: Pubkey::new_unique(),
            signer: Pubkey::new_unique(),
            slot: 9,
            unix_timestamp: 1_700_000_000,
        },
        amount: 42,
        closed: true,
    }
}

/// A simulation that ran the program and emitted `event` by self-CPI.
fn simulated(event: &Repaid) -> Value {
    let mut data = EVENT_IX_TAG_LE.to_vec();
    data.extend(event.data());
    response(json!({
        "err": null,
        "logs": ["Program BALw invoke [1]", "Program BALw success"],
        "unitsConsumed": 4321,
        "innerInstructions": [{
            "index": 0,
            "instructions": [{
                "programIdIndex": 1,
                "accounts": [0],
                "data": bs58::encode(data).into_string(),
                "stackHeight": 2
            }]
        }]
    }))
}

fn noop() -> Instruction {
    Instruction::new_with_bytes(ballast::ID, &[1, 2, 3], vec![])
}

#[tokio::test]
async fn simulation_yields_logs_units_and_events() {
    let event = repaid();
    let rpc = transport(vec![(RpcRequest::SimulateTransaction, simulated(&event))]);
    let payer = Keypair::new();
    let outcome = rpc.simulate(&[noop()], &[&payer]).await.unwrap();
    assert_eq!(outcome.compute_units, 4321);
    assert_eq!(outcome.logs.len(), 2);
    assert_eq!(events::decode::<Repaid>(&outcome.event_data), vec![event]);
}

#[tokio::test]
async fn send_simulates_then_sends_and_confirms() {
    let event = repaid();
    let rpc = transport(vec![(RpcRequest::SimulateTransaction, simulated(&event))]);
    let payer = Keypair::new();
    let outcome = rpc.send(&[noop()], &[&payer]).await.unwrap();
    assert_eq!(events::decode::<Repaid>(&outcome.event_data), vec![event]);
    // A signer the transaction does not need is an error, not a panic.
    let stranger = Keypair::new();
    let err = rpc.send(&[noop()], &[&payer, &stranger]).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("transport: cannot sign the transaction: "),
        "{err}"
    );
}

#[tokio::test]
async fn a_failed_simulation_is_the_program_error() {
    let failed = response(json!({
        "err": {"InstructionError": [0, {"Custom": 6104}]},
        "logs": ["Program log: AnchorError occurred. Error Code: MarketPaused."],
        "unitsConsumed": 900
    }));
    let rpc = transport(vec![(RpcRequest::SimulateTransaction, failed)]);
    let payer = Keypair::new();
    let err = rpc.send(&[noop()], &[&payer]).await.unwrap_err();
    assert_eq!(err.program_error(), Some(BallastError::MarketPaused));
    match err {
        ClientError::Transaction { logs, .. } => assert_eq!(logs.len(), 1),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn reads_accounts_program_accounts_and_the_clock() {
    let data: Vec<u8> = (0u8..40).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
    let account = json!({
        "lamports": 5, "data": [encoded, "base64"], "owner": ballast::ID.to_string(),
        "executable": false, "rentEpoch": 0, "space": 40
    });
    let key = Pubkey::new_unique();
    let mut clock = Vec::new();
    for v in [100u64, 7, 3, 4, 1_700_000_123] {
        clock.extend(v.to_le_bytes());
    }
    let clock_account = json!({
        "lamports": 1,
        "data": [base64::engine::general_purpose::STANDARD.encode(&clock), "base64"],
        "owner": sysvar::ID.to_string(), "executable": false, "rentEpoch": 0, "space": 40
    });
    let rpc = transport(vec![
        (
            RpcRequest::GetProgramAccounts,
            json!([{"pubkey": key.to_string(), "account": account}]),
        ),
        (RpcRequest::GetAccountInfo, response(clock_account)),
    ]);
    let found = rpc.program_accounts(&[]).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, key);
    assert_eq!((found[0].1.lamports, found[0].1.owner), (5, ballast::ID));
    assert_eq!(found[0].1.data, data);
    let now = rpc.clock().await.unwrap();
    assert_eq!((now.slot, now.unix_timestamp), (100, 1_700_000_123));
    assert_ne!(rpc.latest_blockhash().await.unwrap(), Default::default());
}
