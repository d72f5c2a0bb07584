//! Test and demo support for Ballast: the in-process bank (solana-program-test with the program
//! running natively and the real SPL Token programs) behind the client's `Transport`, Pyth
//! price accounts as the Pyth programs write them, Switchboard pull feeds, and a fake RPC
//! websocket for live updates.
pub mod bank;
pub mod chain;
pub mod pyth;
pub mod rpc_node;
pub mod svm;
pub mod switchboard;
pub mod ws;

pub use {
    bank::{quiet_logs, Bank},
    chain::ExtraProgram,
};
