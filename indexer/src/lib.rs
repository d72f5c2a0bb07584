//! Ballast's event indexer: reads the program's events from the chain (an RPC node's history
//! of the program, or transactions in hand) and writes them, decoded, to SQLite or
//! PostgreSQL, with periodic snapshots of each reserve and of the obligations' health.
pub mod chain_tx;
pub mod decoded;
pub mod error;
pub mod indexer;
pub mod live;
pub mod local_postgres;
pub mod rpc_source;
pub mod snapshot;
pub mod source;
pub mod store;
pub mod what_if;

pub use {
    chain_tx::ChainTx,
    error::IndexerError,
    source::{EventSource, MemorySource},
    store::{Cursor, Store, Written},
};
