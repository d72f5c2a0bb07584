//! Rust client for the Ballast lending program: program addresses, instruction builders,
//! account decoding, and a transport to an RPC node or to an in-process bank.
pub mod accounts;
pub mod amount;
pub mod backoffice;
pub mod bank;
pub mod cli;
pub mod demo;
pub mod effects;
pub mod error;
pub mod events;
pub mod fetch;
pub mod format;
pub mod health;
pub mod instructions;
pub mod listing;
pub mod pda;
pub mod presets;
pub mod pyth;
pub mod rpc;
pub mod settings;
pub mod spl;
pub mod transport;
pub mod views;

pub use {
    ballast as program,
    error::ClientError,
    instructions::{ObligationKeys, ReserveKeys},
    transport::{Transport, TxOutcome},
};
