//! Business rules on plain state, with no accounts or `Context`: unit-tested here and reused by
//! the client for off-chain health.
pub mod bad_debt;
mod borrow;
mod deposit;
mod health;
mod interest;
pub mod liquidate;

pub use {
    borrow::{borrow, repay, Borrowed},
    deposit::{deposit, redeem},
    health::{Health, ReservePricing},
    interest::{accrue_interest, borrow_rate_per_second, projected},
};
