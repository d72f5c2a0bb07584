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
