//! The hostile `attacker` program (programs/attacker) in the test bank.
use {
    ballast_testkit::ExtraProgram,
    solana_program_test::{processor, ProgramTest},
};

pub use attacker::{forward, pda, ID, SEED};

/// The attacker: native, or its SBF build `attacker.so` beside Ballast's.
pub const PROGRAM: ExtraProgram = ExtraProgram {
    name: "attacker",
    id: ID,
    register,
};

fn register(pt: &mut ProgramTest) {
    pt.add_program("attacker", ID, processor!(attacker::process));
}
