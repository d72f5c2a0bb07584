//! The `ballast-migrate` binary: which cluster and keypair it picks (flags, then Anchor's
//! environment, then the Solana CLI config), what a plan reads, and the `anchor run migrate`
//! script. Nothing here reaches a cluster: loopback port 9 answers no JSON-RPC.
use {
    ballast_migrations::cli::{Args, Command},
    clap::Parser,
    std::{
        io::Write,
        path::{Path, PathBuf},
        process::Stdio,
    },
};

struct Files {
    dir: tempfile::TempDir,
    config: PathBuf,
}

/// A Solana CLI config of our own (never the user's) and a directory for market files.
fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yml");
    let mut file = std::fs::File::create(&config).unwrap();
    writeln!(
        file,
        "json_rpc_url: http://127.0.0.1:9\nwebsocket_url: ''\nkeypair_path: /nonexistent/id.json\ncommitment: confirmed"
    )
    .unwrap();
    Files { dir, config }
}

impl Files {
    /// A market file with `market` lines (a market and no reserves).
    fn market(&self, name: &str, market: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, format!("[market]\nid = 0\n{market}\n")).unwrap();
        path
    }

    /// Runs the binary with `env` as Anchor's variables (none else) and no terminal on stdin.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ballast-migrate"))
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env_remove("ANCHOR_PROVIDER_URL")
            .env_remove("ANCHOR_WALLET")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stderr).unwrap(),
        )
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The run got as far as asking the cluster (which does not answer): past the keypair.
fn asked_the_cluster(err: &str) -> bool {
    err.starts_with("error: ") && err.contains("127.0.0.1:9") && !err.contains("keypair")
}

const CREATOR: &str = "creator = \"BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15\"";

#[test]
fn anchor_wallet_picks_the_keypair_unless_the_flag_does() {
    let f = files();
    let file = f.market("market.toml", "");
    let apply = ["apply", "--yes", path(&file)];
    let unreadable = |path: &str| format!("error: cannot read keypair file {path}: ");
    let (code, err) = f.run(&apply, &[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&unreadable("/nonexistent/id.json")),
        "{err}"
    );
    let wallet = [("ANCHOR_WALLET", "/nonexistent/anchor-wallet.json")];
    let (code, err) = f.run(&apply, &wallet);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&unreadable("/nonexistent/anchor-wallet.json")),
        "{err}"
    );
    let flagged = [
        "--keypair",
        "/nonexistent/flag.json",
        "apply",
        "--yes",
        path(&file),
    ];
    let (code, err) = f.run(&flagged, &wallet);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&unreadable("/nonexistent/flag.json")),
        "{err}"
    );
}

#[test]
fn anchor_provider_url_picks_the_cluster_unless_the_flag_does() {
    let f = files();
    let file = f.market("market.toml", CREATOR);
    let url = [("ANCHOR_PROVIDER_URL", "devnett")];
    let (code, err) = f.run(&["plan", path(&file)], &url);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: --url devnett is neither an http(s) URL nor a moniker (localhost, devnet, \
         testnet, mainnet-beta)\n"
    );
    let (code, err) = f.run(&["--url", "http://127.0.0.1:9", "plan", path(&file)], &url);
    assert_eq!(code, 1);
    assert!(asked_the_cluster(&err), "{err}");
}

#[test]
fn a_plan_reads_no_keypair_when_the_file_names_the_market() {
    let f = files();
    // The keypair (/nonexistent/id.json) is not read: the plan goes on to the cluster.
    let pinned = f.market("pinned.toml", CREATOR);
    let (code, err) = f.run(&["plan", path(&pinned)], &[]);
    assert_eq!(code, 1);
    assert!(asked_the_cluster(&err), "{err}");
    // Without a creator or an address the keypair's address says whose market it is, unless
    // --admin does.
    let unpinned = f.market("unpinned.toml", "");
    let (code, err) = f.run(&["plan", path(&unpinned)], &[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: cannot read keypair file /nonexistent/id.json: "),
        "{err}"
    );
    let admin = "BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15";
    let (code, err) = f.run(&["plan", "--admin", admin, path(&unpinned)], &[]);
    assert_eq!(code, 1);
    assert!(asked_the_cluster(&err), "{err}");
    // --admin names who signs printed messages; a sending apply signs with the keypair.
    let (code, err) = f.run(&["apply", "--admin", admin, path(&pinned)], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--print-message"), "{err}");
}

#[test]
fn the_anchor_script_applies_with_anchors_cluster_and_wallet() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let anchor: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Anchor.toml")).unwrap()).unwrap();
    let script = anchor["scripts"]["migrate"].as_str().unwrap();
    let (cargo, ours) = script.split_once(" -- ").unwrap();
    assert_eq!(cargo, "cargo run -q -p ballast-migrations");
    let words: Vec<&str> = ours.split_whitespace().collect();
    // No cluster or keypair of its own: `anchor run` sets ANCHOR_PROVIDER_URL and
    // ANCHOR_WALLET from [provider], and they choose.
    for flag in ["-u", "--url", "-k", "--keypair", "-C", "--config"] {
        assert!(!words.contains(&flag), "{script}");
    }
    let args = Args::try_parse_from(std::iter::once("ballast-migrate").chain(words)).unwrap();
    match args.command {
        // `anchor run` gives its scripts no terminal to ask on; the example names no creator.
        Command::Apply {
            file,
            create: true,
            yes: true,
            print_message: false,
            admin: None,
        } => assert!(root.join(file).is_file()),
        other => panic!("{other:?}"),
    }
}
