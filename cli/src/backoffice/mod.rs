//! The back office: a snapshot of a market, the reference liquidator, the monitor, and their
//! metrics and webhook.
pub mod liquidator;
pub mod metrics;
pub mod monitor;
pub mod snapshot;
pub mod webhook;

pub use {
    liquidator::{pass, LiquidatorConfig, PassSummary},
    monitor::{Alert, AlertKind, Monitor, Thresholds},
    snapshot::Snapshot,
};
