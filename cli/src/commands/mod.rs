//! The `ballast` command line. The command core (`run`) takes any `Transport`, so every command
//! runs against an RPC node or the in-process bank, and the tests need no validator.
mod args;
mod backoffice;
mod cluster;
pub mod demo;
mod failure;
mod indexer;
mod lending;
mod lookup_table;
mod market;
mod obligation;
mod reserve;
mod session;

pub use {
    args::*,
    cluster::{commitment, relay_config, resolve, rpc_transport, ClusterSettings},
    failure::report_error,
    session::Session,
};

use {
    crate::{amount::AmountError, settings::SettingsError, ClientError, Transport},
    solana_sdk::pubkey::Pubkey,
    std::{io::Write, path::PathBuf},
    thiserror::Error,
};

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(
        "--url {0} is neither an http(s) URL nor a moniker (localhost, devnet, testnet, mainnet-beta)"
    )]
    BadUrl(String),
    #[error("cannot read Solana CLI config {}: {error}", path.display())]
    Config { path: PathBuf, error: String },
    #[error("cannot read keypair file {}: {error}", path.display())]
    Keypair { path: PathBuf, error: String },
    /// A `--keypair` signer URI (prompt://, stdin://, usb://ledger, ...) that gave no signer.
    #[error("cannot load signer {uri}: {error}")]
    Signer { uri: String, error: String },
    #[error("no market given: pass --market or set BALLAST_MARKET")]
    NoMarket,
    #[error("market {0} not found on this cluster (wrong --url or --market?)")]
    MarketNotFound(Pubkey),
    #[error(
        "unknown reserve {name}: not a reserve, a listed mint or a mint label of market {market}"
    )]
    UnknownReserve { name: String, market: Pubkey },
    /// A label that names the mints of more than one reserve of the market.
    #[error(
        "reserve name {name} is ambiguous in market {market}: it names {candidates}; name the \
         reserve by its address"
    )]
    AmbiguousReserve {
        name: String,
        market: Pubkey,
        candidates: String,
    },
    #[error(
        "unknown mint {0}: neither an address nor a label (USDC, USDT, SOL, PYUSD, or an \
         address_labels entry of the Solana CLI config)"
    )]
    UnknownMint(String),
    /// A label of the user's config given to more than one mint.
    #[error("mint label {name} is ambiguous: it names {candidates}; pass the mint's address")]
    AmbiguousMint { name: String, candidates: String },
    #[error("obligation {0} not found (create it with `ballast obligation create`)")]
    ObligationNotFound(Pubkey),
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Listing(#[from] crate::listing::ListingError),
    #[error("insufficient balance: {account} holds {have}, {need} needed")]
    InsufficientBalance {
        account: Pubkey,
        have: String,
        need: String,
    },
    /// An exact amount the wallet does not hold, with the most that would do.
    #[error("insufficient balance: {account} holds {have}, {need} needed; {most}")]
    BalanceBelowAmount {
        account: Pubkey,
        have: String,
        need: String,
        most: String,
    },
    #[error(
        "insufficient collateral: obligation {obligation} holds {held} of collateral, {asked} \
         asked; the most that can be withdrawn is {most}"
    )]
    InsufficientCollateral {
        obligation: Pubkey,
        held: String,
        asked: String,
        most: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
}

/// `ballast dashboard`: serves until interrupted (no cluster needed: it reads the database).
pub async fn dashboard(args: &DashboardArgs, out: &mut dyn Write) -> Result<(), CliError> {
    ballast_dashboard::check_address(args.listen, args.public)
        .map_err(|e| CliError::Invalid(format!("--listen {}: {e}", args.listen)))?;
    let opened = ballast_dashboard::Dashboard::open(&args.database)
        .await
        .map_err(|e| CliError::Invalid(format!("--database {}: {e}", args.database)))?;
    let bound = ballast_dashboard::serve(opened, args.listen, args.public)
        .await
        .map_err(|e| CliError::Invalid(format!("--listen {}: {e}", args.listen)))?;
    writeln!(out, "dashboard on http://{bound}/ (Ctrl-C to stop)")?;
    out.flush()?;
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// Writes `ballast`'s completion script for `shell` (no cluster needed).
pub fn completions(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let shell = clap_complete::Shell::from(shell);
    clap_complete::generate(shell, &mut command_line(), "ballast", &mut buffer);
    out.write_all(&buffer)
}

/// Runs one command (everything but `demo`, which brings its own market) on `transport`.
pub async fn run(
    cli: &Cli,
    transport: &impl Transport,
    cluster: &ClusterSettings,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let session = Session::new(transport, &cli.global, cluster);
    match &cli.command {
        Command::Demo => Err(CliError::Invalid(
            "demo brings its own market: `ballast demo` (or `ballast demo --url <cluster>`)".into(),
        )),
        Command::Dashboard(a) => dashboard(a, out).await,
        Command::Completions { shell } => {
            completions(*shell, out)?;
            Ok(())
        }
        Command::Market(c) => market::run(&session, c, out).await,
        Command::Reserve(c) => reserve::run(&session, c, out).await,
        Command::Obligation(c) => obligation::run(&session, c, out).await,
        Command::Deposit(a) => lending::deposit(&session, a, out).await,
        Command::Redeem(a) => lending::redeem(&session, a, out).await,
        Command::Supply(a) => lending::supply(&session, a, out).await,
        Command::Withdraw(a) => lending::withdraw(&session, a, out).await,
        Command::Borrow(a) => lending::borrow(&session, a, out).await,
        Command::Repay(a) => lending::repay(&session, a, out).await,
        Command::Liquidate(a) => lending::liquidate(&session, a, out).await,
        Command::Liquidator(a) => backoffice::liquidator(&session, a, &cluster.url, out).await,
        Command::Monitor(a) => backoffice::monitor(&session, a, &cluster.url, out).await,
        Command::Indexer(a) => indexer::run(&session, a, &cluster.url, out).await,
    }
}
