//! Instructions for users, liquidators and cranks.
pub mod borrow;
pub mod close_obligation;
pub mod deposit;
pub mod deposit_collateral;
pub mod flash_loan;
pub mod init_obligation;
pub mod liquidate;
pub mod redeem;
pub mod refresh_reserve;
pub mod repay;
pub mod set_obligation_emode;
pub mod socialize_bad_debt;
pub mod supply;
pub mod withdraw;
pub mod withdraw_collateral;
