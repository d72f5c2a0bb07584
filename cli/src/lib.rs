//! The `ballast` command line as a library: the command core (`commands::run`, over any
//! `Transport`), views, the demo, and the back office (liquidator, monitor). Built on the
//! `ballast-client` SDK; the demo runs on `ballast-testkit`'s in-process bank.
pub mod amount;
pub mod backoffice;
pub mod changes;
pub mod commands;
pub mod demo;
pub mod effects;
pub mod format;
pub mod listing;
pub mod oracle_spec;
pub mod pipe;
pub mod settings;
pub mod source_prices;
pub mod views;

// The SDK's modules, used throughout as `crate::fetch`, `crate::pda`, ...
use {
    ballast_client::{
        accounts, events, fetch, health, instructions, lookup, pda, presets, pyth, spl, transport,
        ClientError, ObligationKeys, ReserveKeys, Transport,
    },
    ballast_testkit::bank,
};
