//! Serves an in-process bank as a JSON-RPC node until Ctrl-C, its funded payer written to a
//! keypair file: a stand-in for the validator `anchor test` starts, to run the end-to-end
//! crate's cluster path (as `anchor test` runs it) where no validator can be built.
//!   cargo run -p ballast-e2e --example loopback_node -- WALLET_FILE
//! It prints the node's URL; then, in another terminal, with --test-threads=1 (the node's clock
//! moves a second per landed transaction, so one test's grace period would run out on another
//! test's transactions):
//!   ANCHOR_PROVIDER_URL=<url> ANCHOR_WALLET=WALLET_FILE scripts/anchor-test -- --test-threads=1
use {
    ballast_testkit::{rpc_node::RpcNode, Bank},
    std::path::PathBuf,
};

#[tokio::main]
async fn main() {
    let wallet: PathBuf = std::env::args_os()
        .nth(1)
        .expect("usage: loopback_node WALLET_FILE")
        .into();
    let node = RpcNode::start(Bank::start(Vec::new()).await)
        .await
        .expect("serve on loopback");
    let payer = node.bank().payer().await;
    solana_keypair::write_keypair_file(&payer, &wallet).expect("write the wallet");
    println!("{}", node.url());
    tokio::signal::ctrl_c().await.expect("wait for Ctrl-C");
}
