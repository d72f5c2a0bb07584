//! `ballast`: the Ballast command line.
use {
    ballast_cli::{
        commands::{self, Cli, Command, OutputFormat},
        demo,
    },
    ballast_client::rpc::RpcTransport,
    clap::Parser,
    std::process::ExitCode,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    ballast_testkit::bank::quiet_logs();
    if matches!(cli.command, Command::Liquidator(_) | Command::Monitor(_)) {
        // Structured logs on stderr; BALLAST_LOG filters them (RUST_LOG is the bank's).
        let filter = tracing_subscriber::EnvFilter::try_from_env("BALLAST_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut out = std::io::stdout();
    let result = runtime.block_on(async {
        if let Command::Demo = cli.command {
            let json = cli.global.output == OutputFormat::Json;
            return demo::run(&mut out, json)
                .await
                .map(|_| ())
                .map_err(Into::into);
        }
        let g = &cli.global;
        let cluster = commands::resolve(
            g.url.as_deref(),
            g.keypair.as_deref(),
            g.config_file.as_deref(),
        )?;
        let transport = RpcTransport::new(&cluster.url);
        commands::run(&cli, &transport, &cluster, &mut out).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
