//! Applies a declarative market config (TOML) to a cluster: `plan` compares the file with the
//! chain and says what it would create and change (old -> new); `Plan::apply` does it. A second
//! apply finds nothing to do.
pub mod config;
mod plan;

pub use {
    config::MarketFile,
    plan::{plan, Plan, Step},
};

use {
    ballast_cli::{commands::CliError, listing::ListingError, settings::SettingsError},
    ballast_client::ClientError,
    thiserror::Error,
};

#[derive(Debug, Error)]
pub enum MigrationError {
    #[error("market config: {0}")]
    Config(String),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Signer(String),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Listing(#[from] ListingError),
    /// The cluster and signer, resolved as the `ballast` CLI does.
    #[error(transparent)]
    Cli(#[from] CliError),
}
