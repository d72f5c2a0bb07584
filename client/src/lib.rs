//! Rust SDK for the Ballast lending program: program addresses, instruction builders, account
//! decoding and market queries, off-chain health (the program's own logic), and a transport to
//! an RPC node. The `ballast` CLI, the bots and the in-process bank are other crates
//! (`ballast-cli`, `ballast-testkit`), so integrators compile none of them.
pub mod accounts;
pub mod error;
pub mod events;
pub mod fetch;
pub mod health;
pub mod instructions;
pub mod lookup;
pub mod operations;
pub mod pda;
pub mod presets;
pub mod program_id;
pub mod pyth;
pub mod relay;
pub mod rpc;
pub mod spl;
pub mod transport;

pub use {
    ballast as program,
    error::ClientError,
    instructions::{ObligationKeys, ReserveKeys},
    transport::{Transport, TxOutcome},
};
