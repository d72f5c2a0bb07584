//! Where the tests run: the cluster `anchor test` started, else a loopback node over the
//! in-process bank.
use {
    ballast_client::{relay::RelayConfig, rpc::RpcTransport},
    ballast_testkit::{rpc_node::RpcNode, Bank},
    solana_sdk::signature::Keypair,
    std::{path::PathBuf, time::Duration},
};

/// The cluster to run against: scripts/anchor-test sets it from `anchor test`'s
/// `ANCHOR_PROVIDER_URL`. Not that variable itself: a shell that exports it for Anchor's tools
/// (devnet, say) must not send `cargo test --workspace` there.
pub const URL_VAR: &str = "BALLAST_E2E_URL";
/// The keypair file `anchor test` funds on its validator (Anchor.toml's `[provider] wallet`).
pub const WALLET_VAR: &str = "ANCHOR_WALLET";
/// How often the relay looks for (and resends) a transaction on a real cluster.
pub const REMOTE_RESEND_EVERY: Duration = Duration::from_millis(400);

pub struct Cluster {
    pub transport: RpcTransport,
    /// Pays every fee and rent of a test and administers its market.
    pub signer: Keypair,
    /// The loopback node, served until dropped (`None` on a real cluster).
    node: Option<RpcNode>,
}

impl Cluster {
    /// `BALLAST_E2E_URL` with the `ANCHOR_WALLET` keypair when the URL is set, else a
    /// loopback node whose bank's payer signs.
    pub async fn from_env() -> Cluster {
        match std::env::var(URL_VAR) {
            Ok(url) if !url.is_empty() => Cluster::remote(&url),
            _ => Cluster::loopback().await,
        }
    }

    /// A fresh in-process bank served on 127.0.0.1. Each landed transaction moves its clock a
    /// second, so every run lands the same transactions at the same times.
    pub async fn loopback() -> Cluster {
        let node = RpcNode::start(Bank::start(Vec::new()).await)
            .await
            .expect("loopback RPC node");
        let signer = node.bank().payer().await;
        // The node confirms at once: the relay need not wait before it looks.
        let transport = RpcTransport::new(node.url()).with_relay(RelayConfig {
            resend_every: Duration::from_millis(1),
            ..RelayConfig::default()
        });
        Cluster {
            transport,
            signer,
            node: Some(node),
        }
    }

    /// The node at `url`, with the `ANCHOR_WALLET` keypair (default: the Solana CLI's).
    pub fn remote(url: &str) -> Cluster {
        let path = wallet_path();
        let signer = solana_keypair::read_keypair_file(&path)
            .unwrap_or_else(|e| panic!("cannot read {WALLET_VAR} {}: {e}", path.display()));
        // A local validator confirms within a slot or two: looking every 400 ms rather than
        // the CLI's 2 s keeps a run of some 60 transactions well under a minute.
        let transport = RpcTransport::new(url).with_relay(RelayConfig {
            resend_every: REMOTE_RESEND_EVERY,
            ..RelayConfig::default()
        });
        Cluster {
            transport,
            signer,
            node: None,
        }
    }

    pub fn is_loopback(&self) -> bool {
        self.node.is_some()
    }

    pub fn url(&self) -> String {
        self.transport.url()
    }
}

/// `ANCHOR_WALLET` (`~/` expanded, as Anchor does for its own), else the Solana CLI's
/// default keypair.
fn wallet_path() -> PathBuf {
    let path = std::env::var(WALLET_VAR).unwrap_or_else(|_| "~/.config/solana/id.json".into());
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
