//! The RPC transport against solana-rpc-client's mock sender: what a node answers is turned
//! into the same outcomes and errors the in-process bank gives.
use {
    anchor_lang::{event::EVENT_IX_TAG_LE, Event},
    ballast::{
        errors::BallastError,
        events::{EventHeader, Repaid},
    },
    ballast_client::{
        events,
        rpc::{RpcTransport, FETCH_ATTEMPTS},
        ClientError, Transport,
    },
    base64::Engine,
    serde_json::{json, Value},
    solana_rpc_client::{mock_sender::MocksMap, nonblocking::rpc_client::RpcClient},
    solana_rpc_client_api::request::RpcRequest,
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, sysvar},
};

/// A node that answers each request with the given values in turn (then the mock's defaults).
fn transport(mocks: Vec<(RpcRequest, Value)>) -> RpcTransport {
    let mocks: MocksMap = mocks.into_iter().collect();
    RpcTransport::with_client(RpcClient::new_mock_with_mocks_map("succeeds", mocks))
}

fn response(value: Value) -> Value {
    json!({"context": {"slot": 1}, "value": value})
}

fn repaid() -> Repaid {
    repaid_of(42)
}

fn repaid_of(amount: u64) -> Repaid {
    Repaid {
        header: EventHeader {
            market: Pubkey::new_from_array([1; 32]),
            reserve: Pubkey::new_from_array([2; 32]),
            obligation: Pubkey::new_from_array([3; 32]),
            signer: Pubkey::new_from_array([4; 32]),
            slot: 9,
            unix_timestamp: 1_700_000_000,
        },
        amount,
        closed: true,
    }
}

/// The inner instructions of a transaction whose program emitted `event` by self-CPI.
fn emitted(event: &Repaid) -> Value {
    let mut data = EVENT_IX_TAG_LE.to_vec();
    data.extend(event.data());
    json!([{
        "index": 0,
        "instructions": [{
            "programIdIndex": 1,
            "accounts": [0],
            "data": bs58::encode(data).into_string(),
            "stackHeight": 2
        }]
    }])
}

/// A simulation that ran the program and emitted `event`.
fn simulated(event: &Repaid) -> Value {
    response(json!({
        "err": null,
        "logs": ["Program BALw invoke [1]", "Program BALw success"],
        "unitsConsumed": 4321,
        "innerInstructions": emitted(event)
    }))
}

/// `getTransaction`'s answer for a landed transaction with `err`, `logs` and `units`, whose
/// program emitted `event`.
fn landed(err: Value, logs: &[&str], units: u64, event: &Repaid) -> Value {
    let status = if err.is_null() {
        json!({"Ok": null})
    } else {
        json!({"Err": err.clone()})
    };
    json!({
        "slot": 7,
        "blockTime": null,
        "version": "legacy",
        // The keys the inner instructions' program indexes point into: Ballast is the second.
        "transaction": {
            "signatures": [],
            "message": {
                "header": {"numRequiredSignatures": 1, "numReadonlySignedAccounts": 0,
                           "numReadonlyUnsignedAccounts": 1},
                "accountKeys": [Pubkey::new_from_array([4; 32]).to_string(), ballast::ID.to_string()],
                "recentBlockhash": "11111111111111111111111111111111",
                "instructions": []
            }
        },
        "meta": {
            "err": err,
            "status": status,
            "fee": 5000,
            "preBalances": [],
            "postBalances": [],
            "innerInstructions": emitted(event),
            "logMessages": logs,
            "computeUnitsConsumed": units
        }
    })
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
async fn send_reports_the_landed_transaction_not_the_simulation() {
    // Between the simulation and the landing, interest moved: the landed repay differs.
    let logs = [
        "Program BALw invoke [1]",
        "Program log: landed",
        "Program BALw success",
    ];
    let rpc = transport(vec![
        (RpcRequest::SimulateTransaction, simulated(&repaid_of(42))),
        (
            RpcRequest::GetTransaction,
            landed(Value::Null, &logs, 5_555, &repaid_of(43)),
        ),
    ]);
    let payer = Keypair::new();
    let outcome = rpc.send(&[noop()], &[&payer]).await.unwrap();
    assert_eq!(
        events::decode::<Repaid>(&outcome.event_data),
        vec![repaid_of(43)]
    );
    assert_eq!(outcome.compute_units, 5_555);
    assert_eq!(outcome.logs, logs);
    // A signer the transaction does not need is an error, not a panic.
    let stranger = Keypair::new();
    let err = rpc.send(&[noop()], &[&payer, &stranger]).await.unwrap_err();
    assert!(matches!(err, ClientError::Signing(_)), "{err}");
    assert!(
        err.to_string().starts_with("cannot sign the transaction: "),
        "{err}"
    );
}

#[tokio::test]
async fn a_transaction_that_failed_on_landing_is_its_program_error() {
    let failed = json!({"InstructionError": [0, {"Custom": 6502}]});
    let logs = ["Program log: AnchorError occurred. Error Code: ObligationUnhealthy."];
    let rpc = transport(vec![
        (RpcRequest::SimulateTransaction, simulated(&repaid())),
        (
            RpcRequest::GetTransaction,
            landed(failed, &logs, 2_000, &repaid()),
        ),
    ]);
    let err = rpc.send(&[noop()], &[&Keypair::new()]).await.unwrap_err();
    assert_eq!(err.program_error(), Some(BallastError::ObligationUnhealthy));
    match err {
        ClientError::Transaction { logs: got, .. } => assert_eq!(got, logs),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_confirmed_transaction_is_asked_for_until_the_node_returns_it() {
    // Not there yet, then there.
    let rpc = transport(vec![
        (RpcRequest::SimulateTransaction, simulated(&repaid())),
        (RpcRequest::GetTransaction, Value::Null),
        (
            RpcRequest::GetTransaction,
            landed(Value::Null, &[], 77, &repaid()),
        ),
    ]);
    let outcome = rpc.send(&[noop()], &[&Keypair::new()]).await.unwrap();
    assert_eq!(outcome.compute_units, 77);
    // Never there: named, after a bounded number of attempts.
    let mut never = vec![(RpcRequest::SimulateTransaction, simulated(&repaid()))];
    never.extend((0..FETCH_ATTEMPTS).map(|_| (RpcRequest::GetTransaction, Value::Null)));
    let err = transport(never)
        .send(&[noop()], &[&Keypair::new()])
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::TransactionNotFound(_)), "{err}");
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
