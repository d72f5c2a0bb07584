//! Applies a declarative market config (TOML) to a cluster: `plan` compares the file with the
//! chain and says what it would create and change (old -> new); `Plan::apply` does it. A second
//! apply finds nothing to do.
pub mod cli;
pub mod config;
pub mod fields;
mod plan;
mod render;
mod send;

pub use {
    config::MarketFile,
    plan::{plan, Plan, Step, Verdict, Who},
    send::{Sent, Transaction, Unsigned},
};

use {
    ballast_cli::{commands::CliError, listing::ListingError, settings::SettingsError},
    ballast_client::ClientError,
    solana_sdk::pubkey::Pubkey,
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
    /// The file does not name its market, so this signer's would be a second one.
    #[error(
        "market {market} (creator {creator}, id {id}) does not exist, and the file names \
         neither market.creator nor market.address: pass --create to create it, or name the \
         market in the file"
    )]
    NewMarket {
        market: Pubkey,
        creator: Pubkey,
        id: u64,
    },
    #[error(
        "apply asks before sending and stdin is not a terminal: pass --yes to apply without \
         asking"
    )]
    NoTerminal,
    #[error("not confirmed: nothing was sent")]
    NotConfirmed,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Listing(#[from] ListingError),
    /// The cluster and signer, resolved as the `ballast` CLI does.
    #[error(transparent)]
    Cli(#[from] CliError),
}
