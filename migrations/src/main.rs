//! `ballast-migrate plan|apply FILE`: make a cluster's market match a TOML file.
use {
    ballast_cli::commands,
    ballast_client::rpc::RpcTransport,
    ballast_migrations::{
        cli::{self, Args, Terminal},
        MigrationError, Verdict,
    },
    clap::Parser,
    std::{io::IsTerminal, process::ExitCode},
};

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(verdict) => ExitCode::from(verdict.exit_code()),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<Verdict, MigrationError> {
    let cluster = commands::resolve(
        args.url.as_deref(),
        args.keypair.as_deref(),
        args.config_file.as_deref(),
    )?;
    let transport = RpcTransport::new(&cluster.url);
    let stdin = std::io::stdin();
    // The question goes to stderr: stdout holds the plan (or its JSON) alone.
    let mut terminal = Terminal {
        is_terminal: stdin.is_terminal(),
        input: stdin.lock(),
        output: std::io::stderr(),
    };
    let mut out = std::io::stdout();
    cli::run(&args, &transport, &cluster, &mut out, &mut terminal).await
}
