//! Test fixture for Ballast's integration tests: a market on an in-process bank, reserves with
//! Pyth prices, users with token accounts and obligations, one `try_*` sender per instruction,
//! and `assert_error!` for exact program errors.
pub mod attacker;
pub mod budgets;
pub mod cu;
pub mod expect;
pub mod market;
pub mod real_accounts;
pub mod senders;
pub mod specs;
pub mod token2022;
pub mod vault;

pub use {
    ballast_client::{
        self as client, ClientError, ObligationKeys, ReserveKeys, Transport, TxOutcome,
    },
    ballast_testkit::bank::Bank,
    market::{Refusal, ReserveId, TestMarket, TestReserve, User},
    specs::ReserveSpec,
};

/// What the System program's `AccountAlreadyInUse` (Anchor's `init` on an existing account)
/// comes back as: `Custom(0)` on chain and on the SBF build; natively, solana-program-test
/// reports it under an Anchor CPI as `InvalidInstructionData`.
pub fn account_already_in_use() -> solana_sdk::instruction::InstructionError {
    use solana_sdk::instruction::InstructionError;
    match ballast_testkit::svm::selected() {
        Some(_) => InstructionError::Custom(0),
        None => InstructionError::InvalidInstructionData,
    }
}

/// Asserts that `result` failed with exactly the program error `err` (a `BallastError` or an
/// Anchor `ErrorCode`).
#[macro_export]
macro_rules! assert_error {
    ($result:expr, $err:expr) => {{
        let expected: u32 = u32::from($err);
        match &$result {
            Err(e) => assert_eq!(
                e.custom_code(),
                Some(expected),
                "expected {:?} ({}), got {}",
                $err,
                expected,
                e
            ),
            Ok(_) => panic!("expected {:?}, but the transaction succeeded", $err),
        }
    }};
}

/// Fixed-point helpers for expected values.
pub mod fixed {
    pub use ballast::math::Fixed;
}
