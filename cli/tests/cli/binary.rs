//! The `ballast` binary: errors go to stderr with a non-zero exit code.
use std::{io::Write, process::Command};

/// Runs the built binary with a Solana CLI config of our own (never the user's).
fn ballast(args: &[&str]) -> (i32, String, String) {
    let mut config = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        config,
        "json_rpc_url: http://127.0.0.1:9\nwebsocket_url: ''\nkeypair_path: /nonexistent/id.json\ncommitment: confirmed"
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ballast"))
        .arg("--config")
        .arg(config.path())
        .args(args)
        .env_remove("BALLAST_MARKET")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const MARKET: &str = "BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15";

#[test]
fn an_unknown_cluster_exits_non_zero() {
    let (code, out, err) = ballast(&["--url", "devnett", "--market", MARKET, "market", "show"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: --url devnett is neither an http(s) URL nor a moniker (localhost, devnet, testnet, mainnet-beta)\n"
    );
}

#[test]
fn an_unreachable_cluster_exits_non_zero() {
    // Loopback port 9 (discard): nothing answers JSON-RPC there.
    let (code, _, err) = ballast(&["--market", MARKET, "market", "show"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: RPC: "), "{err}");
}

#[test]
fn a_malformed_amount_exits_non_zero() {
    let (code, _, err) = ballast(&["--market", MARKET, "deposit", "USDC", "1.2.3"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("malformed amount \"1.2.3\": expected token units like 1.5 or 1_000, or max"),
        "{err}"
    );
}

#[test]
fn a_missing_keypair_exits_non_zero_before_connecting() {
    let (code, _, err) = ballast(&["--market", MARKET, "deposit", "USDC", "1"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: cannot read keypair file /nonexistent/id.json: "),
        "{err}"
    );
}

#[test]
fn a_missing_config_file_exits_non_zero() {
    let output = Command::new(env!("CARGO_BIN_EXE_ballast"))
        .args(["--config", "/nonexistent/config.yml", "market", "show"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.starts_with("error: cannot read Solana CLI config /nonexistent/config.yml: "),
        "{err}"
    );
}
