//! The `ballast` binary: errors go to stderr with a non-zero exit code; a failed request to
//! the RPC node says why; a closed pipe ends it quietly.
use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

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
    // Loopback port 9 (discard): nothing listens there.
    let (code, _, err) = ballast(&["--market", MARKET, "market", "show"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: cannot reach the RPC node http://127.0.0.1:9: connection refused\n"
    );
}

/// A loopback URL and its listener (which the caller keeps, or drops to close the port).
fn loopback() -> (String, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        format!("http://{}", listener.local_addr().unwrap()),
        listener,
    )
}

#[test]
fn a_refused_connection_is_named_not_taken_for_a_missing_account() {
    let (url, listener) = loopback();
    drop(listener);
    let (code, out, err) = ballast(&["--url", &url, "--market", MARKET, "market", "show"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!("error: cannot reach the RPC node {url}: connection refused\n")
    );
}

#[test]
fn a_node_that_never_answers_times_out_after_rpc_timeout_for_commands_and_bots() {
    // The kernel accepts the connections; nothing ever answers them.
    let (url, _listener) = loopback();
    let expected = format!("error: cannot reach the RPC node {url}: timed out after 1 s\n");
    for command in [&["market", "show"][..], &["monitor", "--once"]] {
        let started = Instant::now();
        let mut args = vec!["--url", &url, "--rpc-timeout", "1", "--market", MARKET];
        args.extend_from_slice(command);
        let (code, _, err) = ballast(&args);
        assert_eq!((code, err.as_str()), (1, expected.as_str()), "{command:?}");
        assert!(started.elapsed() < Duration::from_secs(15), "{command:?}");
    }
    let (code, _, err) = ballast(&["--rpc-timeout", "0", "market", "show"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: invalid value '0' for '--rpc-timeout <SECS>': 0 is not in 1.."),
        "{err}"
    );
}

#[test]
fn an_http_error_from_the_node_is_named_with_its_status() {
    let (url, listener) = loopback();
    std::thread::spawn(move || answer_500(listener));
    let (code, _, err) = ballast(&["--url", &url, "--market", MARKET, "market", "show"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("error: cannot reach the RPC node {url}: HTTP 500 Internal Server Error\n")
    );
}

/// Answers every request on `listener` with an empty HTTP 500, after reading it.
fn answer_500(listener: TcpListener) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        let mut reader = BufReader::new(stream);
        let (mut length, mut line) = (0, String::new());
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            line.clear();
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let _ = reader.get_mut().write_all(
            b"HTTP/1.1 500 Internal Server Error\r\n\
              content-length: 0\r\nconnection: close\r\n\r\n",
        );
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `ballast demo | head -1`: the reader closes the pipe after the first line, while the demo
    // still has its story to tell.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ballast"))
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(
        first,
        "Ballast demo: a lending market on an in-process Solana bank (no validator)\n"
    );
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn negative_amounts_are_refused_as_negative() {
    let (code, _, err) = ballast(&["--market", MARKET, "deposit", "USDC", "-5"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: invalid value '-5' for '<AMOUNT>': amounts cannot be negative: -5\n\n\
         For more information, try '--help'.\n"
    );
    let liquidate = [
        "--market",
        MARKET,
        "liquidate",
        MARKET,
        "--repay",
        "USDC",
        "--seize",
        "SOL",
        "--amount",
        "-0.5",
    ];
    let (code, _, err) = ballast(&liquidate);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: invalid value '-0.5' for '--amount <AMOUNT>': amounts cannot be negative: -0.5\n\n\
         For more information, try '--help'.\n"
    );
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

#[test]
fn the_dashboard_serves_its_page_and_api_and_refuses_a_public_address_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    std::fs::File::create(&db).unwrap();
    // An empty file is a database without the indexer's tables: the page is served, and each
    // API answers 500 with the database's reason.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ballast"))
        .args([
            "dashboard",
            "--database",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .strip_prefix("dashboard on ")
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_string();
    let get = |path: &str| {
        let addr = url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    let page = get("/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<title>Ballast risk dashboard</title>"));
    assert!(get("/uPlot.iife.min.js").contains("uPlot"));
    let api = get("/api/reserves");
    assert!(api.starts_with("HTTP/1.1 500"), "{api}");
    assert!(api.contains("no such table: reserve_snapshots"), "{api}");
    child.kill().unwrap();
    child.wait().unwrap();

    let (code, out, err) = ballast(&["dashboard", "--database", "x.db", "--listen", "0.0.0.0:0"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: --listen 0.0.0.0:0: the dashboard is served on loopback only, not 0.0.0.0:0\n"
    );
    let (code, _, err) = ballast(&["dashboard", "--database", "/nonexistent/x.db"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: --database /nonexistent/x.db: error with configuration: no database at \
         /nonexistent/x.db (`ballast indexer` writes one)\n"
    );
}
