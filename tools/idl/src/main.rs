//! `cargo run -p ballast-idl` writes `idls/ballast.json`, the program's IDL, as `anchor build`
//! would (and where Anchor's `declare_program!` reads it); `-- --check` fails when the
//! committed file differs (CI runs that).
//!
//! The IDL is built by compiling the program's tests with the `idl-build` feature (Anchor's own
//! `IdlBuilder`), in a target directory of its own: that build sets its own `RUSTFLAGS`, and a
//! program crate's library has one unhashed file name per target directory.
use {
    anchor_lang_idl::build::IdlBuilder,
    std::{path::PathBuf, process::ExitCode},
};

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .canonicalize()
        .expect("the workspace root exists");
    let committed = root.join("idls/ballast.json");
    // anchor-lang-idl would run `rustup toolchain install $RUSTUP_TOOLCHAIN` (set by rustup for
    // every `cargo run` child) and could replace the machine's toolchain: build with the
    // toolchain that is running, and nothing else.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    std::env::set_var("CARGO_TARGET_DIR", root.join("target/idl"));
    let idl = match IdlBuilder::new()
        .program_path(root.join("programs/ballast"))
        .build()
    {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("error: cannot build the IDL: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = serde_json::to_string_pretty(&idl).expect("an IDL serializes") + "\n";
    if check {
        let current = std::fs::read_to_string(&committed).unwrap_or_default();
        if current != json {
            eprintln!(
                "error: {} is not the program's IDL: run `cargo run -p ballast-idl` and commit it",
                committed.display()
            );
            return ExitCode::FAILURE;
        }
        println!("{} matches the program", committed.display());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&committed, json) {
        eprintln!("error: cannot write {}: {e}", committed.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", committed.display());
    ExitCode::SUCCESS
}
