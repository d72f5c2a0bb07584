//! `ballast demo --url`: the story over the RPC transport, against a loopback JSON-RPC node
//! over the in-process bank (solana-test-validator cannot be built here), and the binary's
//! refusals of a cluster without Ballast and of a signer that cannot pay, before anything is
//! sent.
use {
    ballast_cli::demo,
    ballast_client::{relay::RelayConfig, rpc::RpcTransport, Transport},
    ballast_testkit::{rpc_node::RpcNode, Bank},
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::{io::Write, time::Duration},
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// The node's clock moves a second per landed transaction, so every run lands the same
/// transactions at the same times, and every amount is exact.
#[tokio::test]
async fn the_demo_tells_its_whole_story_over_rpc() {
    let node = RpcNode::start(Bank::start(Vec::new()).await).await.unwrap();
    let signer = node.bank().payer().await;
    let payer = signer.pubkey();
    let lamports = node.bank().account(&payer).await.unwrap().unwrap().lamports;
    // The node confirms at once: the relay need not wait before it looks.
    let rpc = RpcTransport::new(node.url()).with_relay(RelayConfig {
        resend_every: Duration::from_millis(1),
        ..RelayConfig::default()
    });
    let mut out = Vec::new();
    let r = demo::run_rpc(rpc, signer, &mut out, false).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    for line in [
        &format!(
            "Ballast demo: a lending market on the cluster at {}, paid for by {payer}\n",
            node.url()
        ),
        "lists USDC at $1, SOL and staked SOL (stSOL) at $150 (fixed-price sources set by the market's admin)",
        &format!("each reserve is priced by a fixed-price source, which the market's admin (the signer, {payer}) sets and changes with update_reserve"),
        "the market's oracle grace period is 10 s (15 minutes by default)",
        "Alice: deposit 20,000 USDC for 20,000 cUSDC",
        "Bob: pledge 100 SOL; borrow 10,000 USDC",
        "3. 30 seconds pass",
        "Bob owes 10,000.00027 USDC: 0.000238 of interest, compounded every second",
        "instead of 30 days the demo waits 30 seconds of the cluster's own time",
        "the admin sets SOL's and stSOL's fixed-price sources to $120 (update_reserve): a new source counts as the end of an oracle outage",
        "Bob's health factor falls from 1.19 to 0.95",
        "Liz paid 5,000.00019 USDC and received 43.541668319 SOL worth $5,225.00: a 4.49% gain (the 5.00% bonus less the protocol's 10.00% share of it)",
        "with the reserves' own 75% loan-to-value the loop stalls after 15 rounds at 3.96x",
        "in the group the loop goes on for 17 more rounds, to 9.00x",
        "Erin unwinds in one transaction (a flash loan of SOL repays her debt, her stSOL goes back to Sam): 9.849264933 SOL left",
        "Dave brings 0.04040196 SOL from outside the market for the interest (with a margin for the seconds until his repayment lands)",
        "Alice redeems 20,000 cUSDC for 20,000.000212 USDC",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }

    // The books balance to the unit.
    let books: Vec<_> = r
        .books
        .iter()
        .map(|b| {
            (
                b.symbol,
                b.minted,
                b.wallets,
                b.pool,
                b.fee_vault,
                b.protocol_fees,
            )
        })
        .collect();
    assert_eq!(
        books,
        [
            ("USDC", 50_001 * USDC, 49_999_999_954, 1_000_046, 0, 45),
            (
                "SOL",
                1_201_040_401_960,
                1_199_641_334_143,
                1_327_629_454,
                71_438_363,
                119_296_109
            ),
            ("stSOL", 111 * SOL, 110 * SOL, SOL, 0, 0),
        ]
    );
    for b in &r.books {
        assert!(b.balanced(), "{b:?}");
    }

    // Interest for the seconds that passed: Bob's debt from his borrowing to after the wait.
    assert_eq!(r.bob_debt, [10_000_000_032, 10_000_000_270]);
    let l = &r.liquidation;
    assert_eq!(
        (
            l.repaid_amount,
            l.seized_collateral,
            l.protocol_collateral,
            l.payout_amount
        ),
        (5_000_000_190, 43_750_001_635, 208_333_342, 43_541_668_319)
    );
    assert_eq!(
        (r.liquidator_paid, r.liquidator_received),
        (l.repaid_amount, l.payout_amount)
    );
    assert_eq!(
        (r.alice_supplied, r.alice_redeemed),
        (20_000 * USDC, 20_000_000_212)
    );
    assert_eq!(r.erin_unwound, 9_849_264_933);

    // 116 transactions, all paid by the signer: rent and fees.
    assert_eq!(node.landed(), 116);
    let left = node.bank().account(&payer).await.unwrap().unwrap().lamports;
    assert_eq!(lamports - left, 137_030_560);
}

/// Runs the built binary against `url` with a Solana CLI config of our own, signing with
/// `signer`, on a thread of its own (the node answers on the test's runtime meanwhile).
async fn ballast(url: &str, signer: &Keypair, args: &[&str]) -> (i32, String, String) {
    let mut keypair = tempfile::NamedTempFile::new().unwrap();
    write!(keypair, "{:?}", signer.to_bytes()).unwrap();
    let mut config = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        config,
        "json_rpc_url: http://127.0.0.1:9\nwebsocket_url: ''\nkeypair_path: /nonexistent/id.json\ncommitment: confirmed"
    )
    .unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ballast"));
    command
        .arg("--config")
        .arg(config.path())
        .args(["demo", "--url", url, "--keypair"])
        .arg(keypair.path())
        .args(args)
        .env_remove("BALLAST_PROGRAM_ID");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_refuses_a_cluster_without_ballast_and_sends_nothing() {
    let node = RpcNode::start(Bank::start(Vec::new()).await).await.unwrap();
    let signer = node.bank().payer().await;
    let elsewhere = Pubkey::new_unique().to_string();
    let (code, out, err) = ballast(node.url(), &signer, &["--program-id", &elsewhere]).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!(
            "error: Ballast is not deployed on {}: no account at {elsewhere} (deploy it, or name \
             it with --program-id)\n",
            node.url()
        )
    );
    // An account that is not a program (the signer's own) is no deployment either.
    let (code, _, err) = ballast(
        node.url(),
        &signer,
        &["--program-id", &signer.pubkey().to_string()],
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "the account at {} is not a program",
            signer.pubkey()
        )),
        "{err}"
    );
    assert_eq!(node.landed(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_refuses_a_signer_that_cannot_pay_and_sends_nothing() {
    let node = RpcNode::start(Bank::start(Vec::new()).await).await.unwrap();
    let poor = Keypair::new();
    let (code, out, err) = ballast(node.url(), &poor, &[]).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!(
            "error: the signer {} has 0 SOL on {}: the demo needs at least 0.5 SOL for the rent \
             and fees it pays\n",
            poor.pubkey(),
            node.url()
        )
    );
    assert_eq!(node.landed(), 0);
}
