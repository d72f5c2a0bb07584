//! The Solana CLI's habits on sending commands: `--output json-compact`, `-v` for a failed
//! transaction's program logs, `--fee-payer`, `--commitment` and the compute-budget flags.
use {
    crate::harness::{Harness, User, SOL, USDC},
    ballast_cli::commands::{parse_args, report_error, Commitment, OutputFormat},
    ballast_client::Transport,
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
};

/// Alice holds 100 USDC and 1 SOL.
async fn alice() -> (Harness, User) {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, h.asset_index("USDC"), 100 * USDC).await;
    h.give(&alice, h.asset_index("SOL"), SOL).await;
    (h, alice)
}

async fn lamports(h: &Harness, key: &Pubkey) -> u64 {
    h.bank.account(key).await.unwrap().map_or(0, |a| a.lamports)
}

#[tokio::test]
async fn json_compact_is_one_line_of_the_same_document() {
    let (h, alice) = alice().await;
    let out = h
        .ok(
            &alice,
            &["--output", "json-compact", "deposit", "USDC", "1"],
        )
        .await;
    assert_eq!(out.matches('\n').count(), 1, "{out}");
    assert!(out.ends_with("}\n"), "{out}");
    let parsed: Value = serde_json::from_str(&out).unwrap();
    let signature = parsed["signature"].as_str().unwrap().to_string();
    assert_eq!(
        out,
        format!(
            "{{\"action\":\"deposit 1 USDC\",\"dry_run\":false,\"effects\":[\"deposit 1 USDC \
             for 1 cUSDC\"],\"signature\":\"{signature}\"}}\n"
        )
    );
    // The same document as --output json prints over several lines.
    let pretty = h
        .ok(
            &alice,
            &["--output", "json", "--dry-run", "deposit", "USDC", "1"],
        )
        .await;
    let compact = h
        .ok(
            &alice,
            &[
                "--output",
                "json-compact",
                "--dry-run",
                "deposit",
                "USDC",
                "1",
            ],
        )
        .await;
    assert!(pretty.lines().count() > 1);
    assert_eq!(
        serde_json::from_str::<Value>(&pretty).unwrap(),
        serde_json::from_str::<Value>(&compact).unwrap()
    );
    assert_eq!(
        serde_json::from_str::<Value>(&compact).unwrap(),
        json!({"action": "deposit 1 USDC", "dry_run": true, "signature": null,
               "effects": ["deposit 1 USDC for 1 cUSDC"]})
    );
    assert!(OutputFormat::JsonCompact.is_json());
}

/// What `ballast` writes on stderr for `err`, with or without `-v`.
fn stderr_of(err: &ballast_cli::commands::CliError, verbose: bool) -> String {
    let mut buffer = Vec::new();
    report_error(err, verbose, &mut buffer).unwrap();
    String::from_utf8(buffer).unwrap()
}

#[tokio::test]
async fn verbose_prints_the_program_logs_of_a_refused_transaction() {
    let (h, alice) = alice().await;
    h.ok(&alice, &["supply", "SOL", "1"]).await;
    let bob = h.user("bob").await;
    h.give(&bob, h.asset_index("USDC"), 5_000 * USDC).await;
    h.ok(&bob, &["deposit", "USDC", "5000"]).await;
    // $150 of SOL at 75% lends $112.5: 1,000 USDC is refused by the program.
    assert!(
        parse_args(["ballast", "-v", "borrow", "USDC", "1000"])
            .unwrap()
            .global
            .verbose
    );
    assert!(
        parse_args(["ballast", "--verbose", "borrow", "USDC", "1000"])
            .unwrap()
            .global
            .verbose
    );
    let err = h
        .run(&alice, &["-v", "borrow", "USDC", "1000"])
        .await
        .unwrap_err();
    let message = "error: transaction failed: ObligationUnhealthy: obligation would be \
                   unhealthy: borrowed value would exceed the collateral's borrowing power \
                   (error 6502)";
    let logs = match &err {
        ballast_cli::commands::CliError::Client(ballast_client::ClientError::Transaction {
            logs,
            ..
        }) => logs.clone(),
        other => panic!("not a transaction error: {other}"),
    };
    assert!(
        logs.iter()
            .any(|l| l.ends_with("failed: custom program error: 0x1966")),
        "{logs:?}"
    );
    let mut expected = format!("{message}\nprogram logs:\n");
    for line in &logs {
        expected.push_str(&format!("  {line}\n"));
    }
    assert_eq!(stderr_of(&err, true), expected);
    assert_eq!(
        stderr_of(&err, false),
        format!("{message}\nrun with -v for the program logs\n")
    );
    // An error with no logs has no hint.
    let err = h.run(&alice, &["borrow", "DOGE", "1"]).await.unwrap_err();
    let market = h.market.unwrap();
    assert_eq!(
        stderr_of(&err, false),
        format!(
            "error: unknown reserve DOGE: not a reserve, a listed mint or a mint label of \
             market {market}\n"
        )
    );
    // Nothing was borrowed.
    assert_eq!(h.balance(&alice.key(), "USDC").await, 100 * USDC);
}

#[tokio::test]
async fn a_fee_payer_pays_the_fee_and_signs_first() {
    let (h, alice) = alice().await;
    let payer = h.user("payer").await;
    // The first deposit opens alice's cUSDC account (her rent): the second one opens nothing.
    h.ok(&alice, &["deposit", "USDC", "1"]).await;
    let (alice_before, payer_before) = (
        lamports(&h, &alice.key()).await,
        lamports(&h, &payer.key()).await,
    );
    let payer_path = payer.path.display().to_string();
    let out = h
        .ok(
            &alice,
            &[
                "--fee-payer",
                &payer_path,
                "--output",
                "json",
                "deposit",
                "USDC",
                "1",
            ],
        )
        .await;
    let parsed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["effects"], json!(["deposit 1 USDC for 1 cUSDC"]));
    // Two signatures (the payer's and alice's) at 5,000 lamports, paid by the payer.
    assert_eq!(lamports(&h, &alice.key()).await, alice_before);
    assert_eq!(lamports(&h, &payer.key()).await, payer_before - 10_000);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 2 * USDC);

    // The signer named as its own fee payer signs once.
    let alice_path = alice.path.display().to_string();
    h.ok(
        &alice,
        &["--fee-payer", &alice_path, "deposit", "USDC", "1"],
    )
    .await;
    assert_eq!(lamports(&h, &alice.key()).await, alice_before - 5_000);
    // A fee payer file that is not there is named.
    let ghost = alice
        .path
        .with_file_name("ghost.json")
        .display()
        .to_string();
    let err = h
        .fails(&alice, &["--fee-payer", &ghost, "deposit", "USDC", "1"])
        .await;
    assert!(
        err.starts_with(&format!("cannot read keypair file {ghost}: ")),
        "{err}"
    );
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 3 * USDC);
}

#[tokio::test]
async fn commitment_and_compute_budget_flags_parse_on_every_sending_command() {
    let global = |argv: &[&str]| parse_args(argv).unwrap().global;
    let g = global(&[
        "ballast",
        "--commitment",
        "finalized",
        "borrow",
        "USDC",
        "1",
    ]);
    assert_eq!(g.commitment, Some(Commitment::Finalized));
    // After the subcommand too, as global flags.
    let g = global(&[
        "ballast",
        "market",
        "pause",
        "--commitment",
        "processed",
        "--with-compute-unit-price",
        "1000",
        "--with-compute-unit-limit",
        "200000",
        "--fee-percentile",
        "90",
        "--max-priority-fee",
        "50000",
    ]);
    assert_eq!(g.commitment, Some(Commitment::Processed));
    assert_eq!(
        (
            g.with_compute_unit_price,
            g.with_compute_unit_limit,
            g.fee_percentile,
            g.max_priority_fee
        ),
        (Some(1_000), Some(200_000), 90, 50_000)
    );
    let g = global(&["ballast", "repay", "USDC", "1"]);
    assert_eq!(
        (
            g.commitment,
            g.with_compute_unit_price,
            g.fee_percentile,
            g.max_priority_fee
        ),
        (None, None, 75, 1_000_000)
    );
    // The liquidator reads the global price; --priority-fee is its old name.
    let liquidator =
        parse_args(["ballast", "liquidator", "--once", "--priority-fee", "9"]).unwrap();
    assert_eq!(liquidator.global.with_compute_unit_price, Some(9));
    // On the bank the flags change nothing of what a command does.
    let (h, alice) = alice().await;
    h.ok(
        &alice,
        &[
            "--commitment",
            "finalized",
            "--with-compute-unit-price",
            "1",
            "deposit",
            "USDC",
            "1",
        ],
    )
    .await;
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, USDC);
}
