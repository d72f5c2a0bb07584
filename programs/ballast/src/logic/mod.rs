//! Business rules on plain state, with no accounts or `Context`: each instruction's whole
//! operation is one function here (the handler loads accounts, calls it, moves tokens and emits
//! the event). Unit-tested here, and run by the client off chain with the same results.
pub mod bad_debt;
pub mod borrow;
pub mod deposit;
pub mod emode;
pub mod fees;
mod health;
pub mod interest;
pub mod liquidate;
pub mod prices;
pub mod ramp;
pub mod unpriced;
pub mod withdraw;

#[cfg(test)]
mod fixtures;

pub use {
    borrow::{borrow, repay, Borrowed},
    deposit::{
        check_collateral_size, deposit, deposit_liquidity, pledge, redeem, redeem_collateral,
    },
    health::{Health, Limits, ReservePricing},
    interest::{accrue, accrue_interest, borrow_rate_per_second, projected, settle},
    unpriced::Unpriced,
    withdraw::{withdraw, withdraw_collateral, Withdrawn},
};
