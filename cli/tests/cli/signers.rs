//! `--keypair` signer URIs (the Solana CLI's: a file, prompt://, stdin:// or -, usb://ledger)
//! and `ballast completions`, through the binary.
use {
    solana_sdk::signature::Keypair,
    std::{
        io::Write,
        process::{Command, Stdio},
    },
};

const MARKET: &str = "BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15";

/// Runs the binary with `stdin` on its standard input and a config of our own whose node
/// (loopback port 9) refuses connections: a command that got its signer fails there.
fn ballast(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut config = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        config,
        "json_rpc_url: http://127.0.0.1:9\nwebsocket_url: ''\nkeypair_path: /nonexistent/id.json\ncommitment: confirmed"
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ballast"))
        .arg("--config")
        .arg(config.path())
        .args(args)
        .env_remove("BALLAST_MARKET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_keypair_on_stdin_signs() {
    let keypair = Keypair::new();
    let json = serde_json::to_string(&keypair.to_bytes().to_vec()).unwrap();
    // `market create` reads its signer before asking the node anything: a keypair read from
    // stdin gets as far as the (unreachable) node, in both spellings.
    for uri in ["stdin://", "-"] {
        let (code, out, err) = ballast(&["-k", uri, "--market", MARKET, "market", "create"], &json);
        assert_eq!((code, out.as_str()), (1, ""));
        assert_eq!(
            err,
            "error: cannot reach the RPC node http://127.0.0.1:9: connection refused\n"
        );
    }
    // What is not a keypair is refused as such, before the node.
    let (code, _, err) = ballast(
        &["-k", "stdin://", "--market", MARKET, "market", "create"],
        "not a keypair",
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: cannot load signer stdin://: "),
        "{err}"
    );
}

#[test]
fn a_bad_signer_uri_and_a_missing_ledger_are_named() {
    let (code, out, err) = ballast(
        &["-k", "nosuch://key", "--market", MARKET, "market", "create"],
        "",
    );
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: cannot load signer nosuch://key: unrecognized signer source\n"
    );
    let (code, _, err) = ballast(
        &["-k", "usb://ledger", "--market", MARKET, "market", "create"],
        "",
    );
    assert_eq!(code, 1);
    // The Solana CLI's USB support needs hidapi (and libudev), which this build leaves out:
    // the Solana CLI's own error says so.
    assert_eq!(
        err,
        "error: cannot load signer usb://ledger: hidapi error: hidapi crate compilation \
         disabled in solana-remote-wallet.\n"
    );
    // A file that is not there: the file's error, as before.
    let (code, _, err) = ballast(
        &[
            "-k",
            "/nonexistent/k.json",
            "--market",
            MARKET,
            "market",
            "create",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: cannot read keypair file /nonexistent/k.json: "),
        "{err}"
    );
}

#[test]
fn completions_need_no_cluster() {
    let (code, out, err) = ballast(&["--url", "devnett", "completions", "bash"], "");
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("_ballast()"), "{out}");
    assert!(out.contains("complete -F _ballast"), "{out}");
    for subcommand in ["deposit", "collect-fees", "completions"] {
        assert!(out.contains(subcommand), "{subcommand}");
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let (code, out, _) = ballast(&["completions", shell], "");
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("ballast"), "{shell}");
    }
    let (code, _, err) = ballast(&["completions", "tcsh"], "");
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

/// A signer that is not a keypair (as a hardware wallet is): the transports take any `Signer`,
/// so what `-k usb://ledger` resolves to (with `--features ledger`) signs like a keypair.
struct NotAKeypair(Keypair);

impl solana_sdk::signer::Signer for NotAKeypair {
    fn try_pubkey(&self) -> Result<solana_sdk::pubkey::Pubkey, solana_sdk::signer::SignerError> {
        self.0.try_pubkey()
    }
    fn try_sign_message(
        &self,
        message: &[u8],
    ) -> Result<solana_sdk::signature::Signature, solana_sdk::signer::SignerError> {
        self.0.try_sign_message(message)
    }
    fn is_interactive(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn any_signer_signs_a_transaction_not_only_a_keypair() {
    use {
        anchor_lang::solana_program::system_instruction,
        ballast_client::Transport,
        solana_sdk::{pubkey::Pubkey, signer::Signer},
    };
    let h = crate::harness::Harness::with_market().await;
    let wallet = h.user("wallet").await;
    let device = NotAKeypair(wallet.keypair.insecure_clone());
    let to = Pubkey::new_unique();
    let pay = system_instruction::transfer(&device.pubkey(), &to, 1_000_000);
    h.bank.send(&[pay], &[&device]).await.unwrap();
    assert_eq!(
        h.bank.account(&to).await.unwrap().map(|a| a.lamports),
        Some(1_000_000)
    );
}
