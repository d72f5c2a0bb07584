//! The command line, with the Solana CLI's habits: `--url` (or a moniker), `--keypair`, defaults
//! from the Solana CLI config file, `--output display|json`, `--dry-run`.
use {
    crate::{
        amount::UiAmount,
        listing::Preset,
        oracle_spec::{OracleKind, OracleSpec, RateSpec, SourceArg, SourceSpec},
        settings::{EmodeGroupSettings, MarketSettings, ReserveSettings},
    },
    clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum},
    solana_sdk::pubkey::Pubkey,
    std::path::PathBuf,
};

#[derive(Debug, Parser)]
#[command(
    name = "ballast",
    version,
    about = "Ballast lending protocol: client and back office",
    after_help = "Reserves are named by address, liquidity mint, or label (USDC, SOL, or an \
                  address_labels entry of the Solana CLI config). Amounts are in token units \
                  (1.5, 1_000) or max."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The global flags `demo` has no use for: it creates its own market and sends with the
/// relay's defaults, the signer paying.
const DEMO_IGNORES: [&str; 8] = [
    "market",
    "lookup_table",
    "dry_run",
    "with_compute_unit_price",
    "with_compute_unit_limit",
    "fee_percentile",
    "max_priority_fee",
    "fee_payer",
];

/// `demo --url`: unlike the other commands', its default is not the config file's cluster.
const DEMO_URL_HELP: &str = "A cluster where Ballast is deployed (URL or moniker) to tell the \
                             story on, the signer paying (default: an in-process bank)";

/// The global flags `monitor` has no use for: it only reads, and prints JSON lines.
const MONITOR_IGNORES: [&str; 10] = [
    "keypair",
    "lookup_table",
    "dry_run",
    "output",
    "with_compute_unit_price",
    "with_compute_unit_limit",
    "fee_percentile",
    "max_priority_fee",
    "fee_payer",
    "verbose",
];

/// The command line as `ballast` parses it: `Cli`, with the global flags that `demo`,
/// `monitor` and `indexer` ignore left out of their help (still accepted, so a shell alias with `--url`
/// keeps working).
pub fn command_line() -> clap::Command {
    let command = Cli::command();
    // clap copies a global flag into each subcommand that has no flag of that id: hidden
    // copies put there first take its place.
    let hidden = |ids: &[&str]| -> Vec<clap::Arg> {
        (command.get_arguments())
            .filter(|a| ids.contains(&a.get_id().as_str()))
            .map(|a| a.clone().hide(true))
            .collect()
    };
    let (mut demo, monitor) = (hidden(&DEMO_IGNORES), hidden(&MONITOR_IGNORES));
    // The demo's cluster is the bank unless named: no default from the config file.
    let url = (command.get_arguments())
        .filter(|a| a.get_id() == "url")
        .map(|a| a.clone().help(DEMO_URL_HELP));
    demo.extend(url);
    // The indexer reads the chain as the monitor does and sends nothing.
    let indexer = monitor.clone();
    command
        .mut_subcommand("demo", |sub| sub.args(demo))
        .mut_subcommand("monitor", |sub| sub.args(monitor))
        .mut_subcommand("indexer", |sub| sub.args(indexer))
}

/// Parses `argv` (program name first) with `command_line`.
pub fn parse_args<I, T>(argv: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = command_line();
    let matches = command.try_get_matches_from_mut(argv)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

#[derive(Clone, Debug, Args)]
pub struct GlobalArgs {
    /// RPC URL or moniker: localhost, devnet, testnet, mainnet-beta (default: the Solana CLI
    /// config's json_rpc_url).
    #[arg(
        short = 'u',
        long = "url",
        global = true,
        value_name = "URL_OR_MONIKER"
    )]
    pub url: Option<String>,
    /// The signer that signs and pays, as the Solana CLI names it: a keypair file, prompt://
    /// (a seed phrase), stdin:// or - (keypair JSON on stdin), usb://ledger (default: the
    /// Solana CLI config's keypair_path).
    #[arg(short = 'k', long, global = true, value_name = "KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Solana CLI config file (default: ~/.config/solana/cli/config.yml).
    #[arg(short = 'C', long = "config", global = true, value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    /// The market (default: $BALLAST_MARKET).
    #[arg(long, global = true, env = "BALLAST_MARKET")]
    pub market: Option<Pubkey>,
    /// A Ballast program deployed under another address (built with it declared) instead of
    /// Ballast's own (default: $BALLAST_PROGRAM_ID, else Ballast's).
    #[arg(long, global = true, env = "BALLAST_PROGRAM_ID")]
    pub program_id: Option<Pubkey>,
    /// The market's address lookup table (`market lookup-table` creates it): transactions that
    /// do not fit a legacy one are sent as version 0 through it (default: $BALLAST_LOOKUP_TABLE).
    #[arg(long, global = true, env = "BALLAST_LOOKUP_TABLE")]
    pub lookup_table: Option<Pubkey>,
    /// How results are printed.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Display)]
    pub output: OutputFormat,
    /// Simulate instead of sending, and show what would change.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Seconds each request to the RPC node may wait for its answer (the bots' too).
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub rpc_timeout: u64,
    /// A fixed priority fee, in micro-lamports per compute unit, instead of the percentile of
    /// recent fees (the liquidator's too; also accepted as --priority-fee).
    #[arg(
        long,
        global = true,
        alias = "priority-fee",
        value_name = "MICROLAMPORTS"
    )]
    pub with_compute_unit_price: Option<u64>,
    /// A fixed compute-unit limit instead of the simulation's plus 10%.
    #[arg(long, global = true, value_name = "UNITS",
          value_parser = clap::value_parser!(u32).range(1..=1_400_000))]
    pub with_compute_unit_limit: Option<u32>,
    /// The priority fee offered: this percentile of the recent fees paid for the accounts the
    /// transaction writes.
    #[arg(long, global = true, value_name = "P", default_value_t = 75,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub fee_percentile: u8,
    /// The most the percentile fee may be, in micro-lamports per compute unit.
    #[arg(
        long,
        global = true,
        value_name = "MICROLAMPORTS",
        default_value_t = 1_000_000
    )]
    pub max_priority_fee: u64,
    /// Commitment reads and confirmations wait for (default: the Solana CLI config's
    /// commitment, else confirmed).
    #[arg(long, global = true, value_enum)]
    pub commitment: Option<Commitment>,
    /// Keypair file that pays the transaction fees, signing first (default: the signer).
    #[arg(long, global = true, value_name = "KEYPAIR")]
    pub fee_payer: Option<PathBuf>,
    /// On a failed transaction, print the program's logs to stderr.
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Text and tables.
    Display,
    /// One JSON document (the bots: one JSON line per pass or alert).
    Json,
    /// JSON on one line.
    JsonCompact,
}

impl OutputFormat {
    /// JSON, pretty or compact.
    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::JsonCompact)
    }
}

/// A commitment level, as the Solana CLI's `--commitment` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Commitment {
    /// The node's most recent block (may be rolled back).
    Processed,
    /// Voted on by a supermajority of the cluster.
    Confirmed,
    /// Rooted: will not be rolled back.
    Finalized,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The whole story on an in-process bank, or on a cluster where Ballast is deployed (the
    /// signer paying): lenders, borrowers, interest, a price crash, a liquidation, and the
    /// books.
    Demo,
    /// Create, show, update, pause a market.
    #[command(subcommand)]
    Market(MarketCommand),
    /// List, show, update reserves.
    // Boxed: its settings make it far larger than the other commands.
    #[command(subcommand)]
    Reserve(Box<ReserveCommand>),
    /// Open an obligation, or show one with its health table.
    #[command(subcommand)]
    Obligation(ObligationCommand),
    /// Lend: liquidity in, cTokens out.
    Deposit(AmountArgs),
    /// cTokens in (amount in cTokens, or max), liquidity out.
    Redeem(AmountArgs),
    /// Deposit and pledge as collateral in one step (opens the obligation if needed).
    Supply(PositionArgs),
    /// Unpledge and redeem collateral in one step (amount of liquidity, or max).
    Withdraw(PositionArgs),
    /// Borrow against the obligation's collateral.
    Borrow(PositionArgs),
    /// Repay debt (amount, or max for all of it); anyone may repay any obligation.
    Repay(RepayArgs),
    /// Repay an unhealthy obligation's debt and seize its collateral at a bonus.
    Liquidate(LiquidateArgs),
    /// The reference liquidator: liquidate every unhealthy obligation, once or every --interval.
    Liquidator(LiquidatorArgs),
    /// Watch the market and emit alerts as JSON lines (and to a webhook).
    Monitor(MonitorArgs),
    /// Index the program's events (and market snapshots) into SQLite or PostgreSQL.
    Indexer(IndexerArgs),
    /// Serve the risk dashboard (a page and its JSON API) from the indexer's database.
    Dashboard(DashboardArgs),
    /// Print a shell completion script (e.g. `ballast completions bash >
    /// ~/.local/share/bash-completion/completions/ballast`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// The shells `ballast completions` writes scripts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

impl From<Shell> for clap_complete::Shell {
    fn from(shell: Shell) -> Self {
        match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

#[derive(Clone, Debug, Args)]
pub struct LoopArgs {
    /// One pass, then exit.
    #[arg(long, env = "BALLAST_ONCE", value_parser = clap::builder::BoolishValueParser::new())]
    pub once: bool,
    /// Seconds between passes.
    #[arg(long, env = "BALLAST_INTERVAL", default_value_t = 30)]
    pub interval: u64,
}

#[derive(Debug, Args)]
pub struct LiquidatorArgs {
    #[command(flatten)]
    pub schedule: LoopArgs,
    /// Most obligations acted on per pass, the least healthy first.
    #[arg(long, env = "BALLAST_MAX_OBLIGATIONS_PER_PASS")]
    pub max_obligations_per_pass: Option<usize>,
    /// What each liquidation pays out: the seized cTokens, or them redeemed for liquidity.
    #[arg(long, env = "BALLAST_PAYOUT", value_enum, default_value_t = Payout::Ctokens)]
    pub payout: Payout,
    /// Compute units each liquidation transaction asks for.
    #[arg(long, env = "BALLAST_COMPUTE_UNIT_LIMIT", default_value_t = 400_000)]
    pub compute_unit_limit: u32,
    // The priority fee: the global --with-compute-unit-price (alias --priority-fee).
    /// Least payout accepted, as a share (bps) of the simulated one.
    #[arg(long, env = "BALLAST_MIN_PAYOUT_BPS", default_value_t = 9_900)]
    pub min_payout_bps: u16,
    /// Follow the market over the RPC websocket and act within one update of a change to an
    /// obligation, a reserve or an oracle; the full scan still runs every --interval and after
    /// each reconnect.
    #[arg(long, env = "BALLAST_LIVE")]
    pub live: bool,
    /// The websocket to follow with --live (default: the RPC URL's, as the Solana CLI derives it).
    #[arg(long, env = "BALLAST_WEBSOCKET_URL", requires = "live")]
    pub websocket_url: Option<String>,
    #[command(flatten)]
    pub service: crate::backoffice::service::ServiceArgs,
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// The indexer's database: a SQLite file path (or `sqlite:` URL) or a `postgres://` URL.
    #[arg(long, env = "BALLAST_DATABASE", default_value = "ballast.db")]
    pub database: String,
    /// Where to serve it (loopback unless --public).
    #[arg(
        long,
        env = "BALLAST_DASHBOARD_ADDRESS",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: std::net::SocketAddr,
    /// Allow an address other than loopback (the dashboard has no authentication).
    #[arg(long)]
    pub public: bool,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub schedule: LoopArgs,
    #[command(flatten)]
    pub thresholds: crate::backoffice::Thresholds,
    /// Thresholds from a TOML file instead of the flags (missing fields: the defaults).
    #[arg(long, env = "BALLAST_THRESHOLDS_FILE")]
    pub thresholds_file: Option<std::path::PathBuf>,
    /// Also POST every alert, as JSON, to this URL (retried with backoff; what still fails is
    /// kept for the next pass).
    #[arg(long, env = "BALLAST_WEBHOOK")]
    pub webhook: Option<String>,
    /// Keep the firing alerts and the webhook's backlog in this JSON file across restarts
    /// (read at start, written after each pass).
    #[arg(long, env = "BALLAST_STATE_FILE")]
    pub state_file: Option<std::path::PathBuf>,
    /// Owners registered for their own alerts: a TOML file of `[[subscription]]` tables with
    /// `owner` and `webhook`. Each owner's obligation health alerts go to its webhook too, with
    /// every position's liquidation price, when they fire and when they clear.
    #[arg(long, env = "BALLAST_USER_ALERTS")]
    pub user_alerts: Option<std::path::PathBuf>,
    /// Follow the market over the RPC websocket and look again after every update of an
    /// obligation, a reserve or an oracle; the full scan still runs every --interval and after
    /// each reconnect.
    #[arg(long, env = "BALLAST_LIVE")]
    pub live: bool,
    /// The websocket to follow with --live (default: the RPC URL's, as the Solana CLI derives it).
    #[arg(long, env = "BALLAST_WEBSOCKET_URL", requires = "live")]
    pub websocket_url: Option<String>,
    #[command(flatten)]
    pub service: crate::backoffice::service::ServiceArgs,
}

/// For admin and user commands: print the unsigned transaction instead of sending it, for a
/// multisig (or an offline signer) to propose.
#[derive(Clone, Debug, Default, Args)]
pub struct ProposeArgs {
    /// Print the unsigned message (base64) and its instructions instead of sending.
    #[arg(long)]
    pub print_message: bool,
    /// The authority that will sign (e.g. a multisig vault); default: the keypair's address.
    #[arg(long, requires = "print_message")]
    pub authority: Option<Pubkey>,
}

#[derive(Debug, Subcommand)]
pub enum MarketCommand {
    /// Create a market (PDA of the creator and --id) with the default policy or the given one.
    Create {
        /// The market's id among the creator's markets (part of its address).
        #[arg(long, default_value_t = 0)]
        id: u64,
        /// Admin of the new market (default: the creator).
        #[arg(long)]
        admin: Option<Pubkey>,
        #[command(flatten)]
        settings: MarketSettings,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// The market's admin, policy, reserves and e-mode groups.
    Show,
    /// Change market policy fields; unchanged fields are left out of the transaction.
    Update {
        #[command(flatten)]
        settings: MarketSettings,
        /// Key that may pause besides the admin (11111111111111111111111111111111: none).
        #[arg(long)]
        emergency_authority: Option<Pubkey>,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Configure e-mode group ID (1..=32): member reserves (`reserve update --emode-groups`)
    /// use its parameters in obligations that join it. Fields not given keep their current
    /// value; a lower threshold ramps down over --threshold-ramp-secs; a group cannot be unset.
    EmodeGroup {
        #[command(flatten)]
        settings: EmodeGroupSettings,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Pause: only repays, collateral top-ups and admin actions go through.
    Pause {
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Lift a pause (admin only).
    Unpause {
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Create the market's address lookup table (signer as its authority), or add what the
    /// one named by --lookup-table lacks: the market, and each reserve's mints, vaults and
    /// oracle. Large transactions (a liquidation of many positions) go through it.
    LookupTable,
    /// Propose a new admin (admin only); it takes over when it signs `market accept-admin`.
    TransferAdmin {
        /// The proposed admin (a wallet or a multisig vault); 11111111111111111111111111111111
        /// withdraws a pending proposal.
        new_admin: Pubkey,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Become the market's admin: signed by the key a `transfer-admin` proposed.
    AcceptAdmin {
        #[command(flatten)]
        propose: ProposeArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReserveCommand {
    /// List a new asset: creates the reserve, its vaults and cToken mint; locks a seed deposit.
    Add {
        /// The asset's mint (SPL Token or Token-2022): its address or its label (USDC, SOL,
        /// or an address_labels entry of the Solana CLI config).
        #[arg(long)]
        mint: String,
        #[command(flatten)]
        oracle: OracleArgs,
        /// Starting risk config, before the settings given (--help lists what each sets).
        #[arg(long, value_enum, default_value_t = Preset::Base)]
        preset: Preset,
        #[command(flatten)]
        settings: ReserveSettings,
        /// Seed deposit locked forever, in token units, from the signer's token account.
        #[arg(long, default_value = "1", allow_negative_numbers = true)]
        seed: UiAmount,
        /// Accept a Token-2022 mint with a permanent delegate.
        #[arg(long)]
        permanent_delegate_acknowledged: bool,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// One reserve in detail, or every reserve of the market.
    Show {
        /// The reserve: its address, its liquidity mint, or the mint's label (default: all).
        reserve: Option<String>,
    },
    /// Change risk config fields; unchanged fields are left out of the transaction.
    Update {
        /// The reserve: its address, its liquidity mint, or the mint's label.
        reserve: String,
        #[command(flatten)]
        settings: ReserveSettings,
        /// New price sources (a fallback, a sunset feed, a re-sharded sponsored account): the
        /// full new list, each checked against a live price from it; a new primary makes
        /// liquidations wait the market's grace period. --max-divergence-bps alone keeps the
        /// sources.
        #[command(flatten)]
        oracle: OracleArgs,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Collect the protocol's fees (its share of interest and of liquidation bonuses) into the
    /// fee vault and pay them out (admin only).
    CollectFees {
        /// The reserve: its address, its liquidity mint, or the mint's label.
        reserve: String,
        /// How much, in token units, or max for all the fee vault holds once collected.
        #[arg(long, default_value = "max", allow_negative_numbers = true)]
        amount: UiAmount,
        /// The token account paid (default: the admin's associated account, created if
        /// missing).
        #[arg(long)]
        to: Option<Pubkey>,
        #[command(flatten)]
        propose: ProposeArgs,
    },
}

/// Where a reserve's price comes from.
#[derive(Debug, Args)]
pub struct OracleArgs {
    /// A price source, repeated in priority order (at most 3; the next is used while the one
    /// before gives no usable price): pyth-pull:<account>, pyth-legacy:<account>,
    /// switchboard:<account> (feed id or hash read from the account), fixed:<USD price> (an
    /// admin-set price), or a bare account in --oracle-source's format.
    #[arg(long = "oracle", value_name = "KIND:ACCOUNT")]
    pub oracles: Vec<SourceArg>,
    /// The format of an --oracle given as a bare account.
    #[arg(long, value_enum, default_value_t = OracleKind::PythPull)]
    pub oracle_source: OracleKind,
    /// Pyth feed id (64 hex digits) of a single pull --oracle (default: the one its account
    /// carries); without --oracle, Pyth's sponsored feed account for it (shard 0).
    #[arg(long)]
    pub feed_id: Option<String>,
    /// Price the sources' accounts at this SPL stake pool's rate (a liquid staking token: SOL's
    /// price x the pool's SOL per token; the pool's mint must be the reserve's). A fixed price
    /// is the token's own.
    #[arg(long, conflicts_with = "marinade")]
    pub stake_pool: Option<Pubkey>,
    /// Price the sources' accounts at Marinade's mSOL rate (its state account).
    #[arg(long)]
    pub marinade: Option<Pubkey>,
    /// The most the first two usable sources may differ, in bps of the first, before borrows
    /// and withdrawals with debt are refused (0: unchecked).
    #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub max_divergence_bps: Option<u16>,
}

impl OracleArgs {
    /// Whether any source flag is given (`reserve update` then sends the full new list).
    pub fn given(&self) -> bool {
        !self.oracles.is_empty()
            || self.feed_id.is_some()
            || self.stake_pool.is_some()
            || self.marinade.is_some()
            || self.max_divergence_bps.is_some()
    }

    /// The sources named; with none, Pyth's sponsored account of --feed-id if given.
    pub fn spec(&self) -> Result<OracleSpec, String> {
        if self.feed_id.is_some() && self.oracles.len() > 1 {
            return Err("--feed-id names the feed of a single --oracle".into());
        }
        let rate = match (self.stake_pool, self.marinade) {
            (Some(pool), _) => Some(RateSpec::StakePool(pool)),
            (None, Some(state)) => Some(RateSpec::Marinade(state)),
            (None, None) => None,
        };
        let mut sources: Vec<SourceSpec> = (self.oracles.iter())
            .map(|arg| match *arg {
                SourceArg::Account { kind, account } => SourceSpec {
                    rate,
                    ..SourceSpec::account(
                        kind.unwrap_or(self.oracle_source),
                        Some(account),
                        self.feed_id.clone(),
                    )
                },
                SourceArg::Fixed(price) => SourceSpec::fixed(price),
            })
            .collect();
        if sources.is_empty() && self.feed_id.is_some() {
            sources.push(SourceSpec {
                rate,
                ..SourceSpec::account(OracleKind::PythPull, None, self.feed_id.clone())
            });
        }
        Ok(OracleSpec {
            sources,
            max_divergence_bps: self.max_divergence_bps.unwrap_or(0),
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum ObligationCommand {
    /// Open an obligation for the signer.
    Create {
        /// The obligation's id among the signer's obligations (part of its address).
        #[arg(long, default_value_t = 0)]
        id: u16,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// An obligation's positions and health (default: the signer's obligation --id).
    Show {
        /// The obligation's address.
        address: Option<Pubkey>,
        /// Whose obligation (default: the signer).
        #[arg(long)]
        owner: Option<Pubkey>,
        /// Which of the owner's obligations.
        #[arg(long, default_value_t = 0)]
        id: u16,
    },
    /// Move the signer's obligation --id into an e-mode group, or out of e-mode (none): its
    /// member positions then use the group's loan-to-value, threshold and bonus. Every position
    /// must be a member, and the obligation within its borrow limit afterwards.
    Emode {
        /// The group, 1..=32, or none to leave e-mode.
        #[arg(value_name = "GROUP|none", value_parser = parse_emode_group)]
        group: u8,
        /// Which of the signer's obligations.
        #[arg(long, visible_alias = "obligation-id", default_value_t = 0)]
        id: u16,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// The obligations an owner (default: the signer) holds in the market: id, address,
    /// positions, e-mode group, health factor.
    List {
        /// Whose obligations (default: the signer).
        #[arg(long)]
        owner: Option<Pubkey>,
    },
    /// Close the signer's empty obligation --id, returning its rent to the signer.
    Close {
        /// Which of the signer's obligations.
        #[arg(long, visible_alias = "obligation-id", default_value_t = 0)]
        id: u16,
        #[command(flatten)]
        propose: ProposeArgs,
    },
    /// Write off the debt of an obligation that has no collateral left, in each of its debt
    /// reserves (their suppliers bear it). Anyone may send it.
    SocializeBadDebt {
        /// The obligation's address.
        obligation: Pubkey,
    },
}

/// An e-mode group id, 1..=32, or `none` (also 0): no group.
fn parse_emode_group(s: &str) -> Result<u8, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(0);
    }
    match s.parse::<u8>() {
        Ok(id) if id <= 32 => Ok(id),
        _ => Err(format!(
            "expected an e-mode group 1..=32, or none; got {s:?}"
        )),
    }
}

#[derive(Debug, Args)]
pub struct AmountArgs {
    /// The reserve: its address, its liquidity mint, or the mint's label (USDC, SOL, ...).
    pub reserve: String,
    /// How much, in token units (redeem: in cTokens), or max for all the wallet holds.
    #[arg(allow_negative_numbers = true)]
    pub amount: UiAmount,
    #[command(flatten)]
    pub propose: ProposeArgs,
}

#[derive(Debug, Args)]
pub struct PositionArgs {
    /// The reserve: its address, its liquidity mint, or the mint's label (USDC, SOL, ...).
    pub reserve: String,
    /// How much liquidity, in token units, or max (supply: all the wallet holds; withdraw:
    /// all the collateral its debt leaves free; borrow: the most the rules lend).
    #[arg(allow_negative_numbers = true)]
    pub amount: UiAmount,
    /// Which of the signer's obligations.
    #[arg(long, default_value_t = 0)]
    pub obligation_id: u16,
    #[command(flatten)]
    pub propose: ProposeArgs,
}

#[derive(Debug, Args)]
pub struct RepayArgs {
    /// The reserve of the debt: its address, its liquidity mint, or the mint's label.
    pub reserve: String,
    /// How much, in token units, or max for all of the debt (with interest to now).
    #[arg(allow_negative_numbers = true)]
    pub amount: UiAmount,
    /// The obligation to repay (default: the signer's obligation --obligation-id).
    #[arg(long)]
    pub obligation: Option<Pubkey>,
    /// Which of the signer's obligations, when --obligation is not given.
    #[arg(long, default_value_t = 0)]
    pub obligation_id: u16,
    #[command(flatten)]
    pub propose: ProposeArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Payout {
    /// The seized reserve's cTokens.
    Ctokens,
    /// The seized cTokens redeemed for liquidity.
    Liquidity,
}

#[derive(Debug, Args)]
pub struct LiquidateArgs {
    /// The unhealthy obligation.
    pub obligation: Pubkey,
    /// Reserve of the debt to repay.
    #[arg(long)]
    pub repay: String,
    /// Reserve of the collateral to seize.
    #[arg(long)]
    pub seize: String,
    /// Most to repay, in token units (the wallet must hold it), or max for what the rules
    /// allow, up to all the wallet holds.
    #[arg(long, default_value = "max", allow_negative_numbers = true)]
    pub amount: UiAmount,
    /// What the liquidator receives: the seized cTokens, or them redeemed for liquidity.
    #[arg(long, value_enum, default_value_t = Payout::Ctokens)]
    pub payout: Payout,
    /// Least to receive (cTokens or liquidity, in token units); the transaction fails below it.
    #[arg(long, default_value = "0", allow_negative_numbers = true)]
    pub min_payout: UiAmount,
    #[command(flatten)]
    pub propose: ProposeArgs,
}

#[derive(Debug, Args)]
pub struct IndexerArgs {
    /// The database: a SQLite file path (created if missing; or `sqlite:` URL) or a
    /// `postgres://` URL.
    #[arg(long, env = "BALLAST_DATABASE", default_value = "ballast.db")]
    pub database: String,
    /// Transactions written per database transaction (with the cursor).
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Seconds between passes: new transactions, then a snapshot of --market (if given).
    #[arg(long, default_value_t = 300)]
    pub snapshot_every: u64,
    /// One pass, then exit.
    #[arg(long)]
    pub once: bool,
    /// Between passes, follow the program's transactions over the RPC websocket and index each
    /// as it is announced (else: only at each pass).
    #[arg(long)]
    pub live: bool,
    /// The websocket to follow with --live (default: the RPC URL's, as the Solana CLI derives it).
    #[arg(long, requires = "live")]
    pub websocket_url: Option<String>,
}
