//! Rust client for the Ballast lending program: program addresses, instruction builders,
//! account decoding, and a transport to an RPC node or to an in-process bank.
pub mod accounts;
pub mod bank;
pub mod demo;
pub mod error;
pub mod events;
pub mod format;
pub mod health;
pub mod instructions;
pub mod pda;
pub mod presets;
pub mod pyth;
pub mod spl;
pub mod transport;

pub use {
    ballast as program,
    error::ClientError,
    instructions::{ObligationKeys, ReserveKeys},
    transport::{Transport, TxOutcome},
};
