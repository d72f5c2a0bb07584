//! The back office: a snapshot of a market, the reference liquidator, the monitor, the loops
//! that run them on a schedule (or on live websocket updates) until told to stop, and their
//! metrics, webhook and state file.
pub mod alert_state;
pub mod fee_payer;
pub mod liquidator;
pub mod liquidator_loop;
pub mod live;
pub mod metrics;
pub mod monitor;
pub mod monitor_loop;
pub mod price_refusal;
pub mod schedule;
pub mod service;
pub mod shard;
pub mod shutdown;
pub mod snapshot;
pub mod source_alerts;
pub mod user_alerts;
pub mod webhook;

pub use {
    liquidator::{pass, LiquidatorConfig, PassSummary},
    monitor::{Alert, AlertKind, Monitor, Thresholds},
    snapshot::Snapshot,
};
