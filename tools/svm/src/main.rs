//! ballast-svm: SBF builds of Ballast in LiteSVM (agave 4.3, which loads SBPF v0 to v3).
//!
//!   ballast-svm serve     the test bank's SBF backend: requests on stdin, answers on stdout
//!                         (testkit/src/svm/protocol.rs)
//!   ballast-svm replay    runs transaction files and prints each one's compute units (the
//!                         compute-unit bench's replayer; `ballast-svm replay --help`)
//!
//! It needs rustc 1.97+ (agave 4.3's minimum), newer than the workspace's, so it is built on its
//! own (scripts/svm-build) and never part of the default build.
#[path = "../../../testkit/src/svm/protocol.rs"]
mod protocol;
mod replay;
mod serve;

use std::process::ExitCode;

const USAGE: &str = "usage: ballast-svm serve | ballast-svm replay [--help]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("serve") => serve::run().map(|()| true),
        Some("replay") => replay::run(args.collect()),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // Some replayed transaction failed; its line says how.
        Ok(false) => ExitCode::from(3),
        Err(e) => {
            eprintln!("ballast-svm: {e}");
            ExitCode::from(1)
        }
    }
}
