//! `ballast-migrate plan|apply FILE`: make a cluster's market match a TOML file.
use {
    ballast_cli::commands,
    ballast_client::rpc::RpcTransport,
    ballast_migrations::{plan, MarketFile, MigrationError},
    clap::{Parser, Subcommand},
    solana_sdk::signer::Signer,
    std::{path::PathBuf, process::ExitCode},
};

#[derive(Parser)]
#[command(
    name = "ballast-migrate",
    version,
    about = "Apply a Ballast market config (TOML) to a cluster"
)]
struct Args {
    /// RPC URL or moniker (default: the Solana CLI config's json_rpc_url).
    #[arg(short = 'u', long, global = true)]
    url: Option<String>,
    /// Keypair that signs: the market's creator or admin (default: the Solana CLI config's).
    #[arg(short = 'k', long, global = true)]
    keypair: Option<PathBuf>,
    /// Solana CLI config file.
    #[arg(short = 'C', long = "config", global = true)]
    config_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what apply would create and change.
    Plan { file: PathBuf },
    /// Print the plan, then carry it out.
    Apply { file: PathBuf },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), MigrationError> {
    let cluster = commands::resolve(
        args.url.as_deref(),
        args.keypair.as_deref(),
        args.config_file.as_deref(),
    )?;
    let signer = solana_keypair::read_keypair_file(&cluster.keypair_path).map_err(|e| {
        commands::CliError::Keypair {
            path: cluster.keypair_path.clone(),
            error: e.to_string(),
        }
    })?;
    let transport = RpcTransport::new(&cluster.url);
    let (file, apply) = match &args.command {
        Command::Plan { file } => (file, false),
        Command::Apply { file } => (file, true),
    };
    let market = MarketFile::load(file)?;
    let plan = plan(&transport, &market, &signer.pubkey()).await?;
    println!("{} (on {})", plan.render(), cluster.url);
    if apply && !plan.is_empty() {
        for line in plan.apply(&transport, &signer).await? {
            println!("{line}");
        }
    }
    Ok(())
}
