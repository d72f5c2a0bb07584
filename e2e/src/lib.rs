//! End-to-end tests of Ballast over RPC, as its users meet it: the `ballast` CLI's command core
//! and the back-office bots (`ballast liquidator`, `ballast monitor`) on an `RpcTransport`.
//! Under `anchor test` they run against the validator it started (`ANCHOR_PROVIDER_URL`, passed
//! on by scripts/anchor-test as `BALLAST_E2E_URL`; paid for by `ANCHOR_WALLET`); otherwise against a loopback JSON-RPC node over the in-process
//! bank, so `cargo test --workspace` covers the same code paths without a validator.
pub mod cluster;
pub mod market;
pub mod webhook;

pub use {
    cluster::Cluster,
    market::{TestMarket, User},
};

pub const USDC: u64 = 1_000_000;
pub const SOL: u64 = 1_000_000_000;
