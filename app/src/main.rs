//! `ballast`: the Ballast command line.
use {clap::Parser, std::process::ExitCode};

#[derive(Parser)]
#[command(
    name = "ballast",
    version,
    about = "Ballast lending protocol: client and back office"
)]
enum Command {
    /// Run a lending story (supply, borrow, a month of interest, repay) on an in-process bank.
    Demo,
}

fn main() -> ExitCode {
    let command = Command::parse();
    ballast_client::bank::quiet_logs();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = runtime.block_on(async {
        match command {
            Command::Demo => ballast_client::demo::run(&mut std::io::stdout())
                .await
                .map(|_| ()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
