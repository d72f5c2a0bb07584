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
    quiet_bank_logs();
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

/// The in-process bank logs every transaction at debug level; keep the demo's output readable
/// unless the user asked for logs.
fn quiet_bank_logs() {
    if std::env::var_os("RUST_LOG").is_none() {
        // Called before the runtime starts any thread.
        std::env::set_var("RUST_LOG", "error");
    }
}
