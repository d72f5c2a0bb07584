//! `ballast`: the Ballast command line.
use {
    ballast_cli::{
        commands::{self, Command},
        pipe::PipeAware,
    },
    std::{io::Write, process::ExitCode},
};

fn main() -> ExitCode {
    let cli = commands::parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    ballast_testkit::bank::quiet_logs();
    // The bots' structured logs on stderr, as text or JSON; BALLAST_LOG filters them (RUST_LOG
    // is the bank's).
    match &cli.command {
        Command::Liquidator(a) => ballast_cli::backoffice::service::init_logs(a.service.log_format),
        Command::Monitor(a) => ballast_cli::backoffice::service::init_logs(a.service.log_format),
        _ => {}
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut out = PipeAware::new(std::io::stdout());
    let result = runtime.block_on(async {
        if let Command::Completions { shell } = cli.command {
            return commands::completions(shell, &mut out).map_err(Into::into);
        }
        if let Command::Dashboard(args) = &cli.command {
            return commands::dashboard(args, &mut out).await;
        }
        if let Command::Demo = cli.command {
            return commands::demo::run(&cli.global, &mut out).await;
        }
        let g = &cli.global;
        if let Some(id) = g.program_id {
            ballast_client::program_id::set(id)?;
        }
        let cluster = commands::resolve(
            g.url.as_deref(),
            g.keypair.as_deref(),
            g.config_file.as_deref(),
        )?;
        let transport = commands::rpc_transport(g, &cluster)?;
        commands::run(&cli, &transport, &cluster, &mut out).await
    });
    let result = result.and_then(|()| out.flush().map_err(Into::into));
    match result {
        // A closed pipe (`ballast demo | head`): the reader has what it wanted.
        _ if out.is_closed() => ExitCode::SUCCESS,
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = commands::report_error(&e, cli.global.verbose, &mut std::io::stderr());
            ExitCode::FAILURE
        }
    }
}
