//! `ballast`: the Ballast command line.
use {
    ballast_cli::{
        commands::{self, Command, OutputFormat},
        demo,
        pipe::PipeAware,
    },
    ballast_client::rpc::RpcTransport,
    std::{io::Write, process::ExitCode, time::Duration},
};

fn main() -> ExitCode {
    let cli = commands::parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
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
    let mut out = PipeAware::new(std::io::stdout());
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
        let timeout = Duration::from_secs(g.rpc_timeout);
        let transport = RpcTransport::with_timeout(&cluster.url, timeout);
        commands::run(&cli, &transport, &cluster, &mut out).await
    });
    let result = result.and_then(|()| out.flush().map_err(Into::into));
    match result {
        // A closed pipe (`ballast demo | head`): the reader has what it wanted.
        _ if out.is_closed() => ExitCode::SUCCESS,
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
