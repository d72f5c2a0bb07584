//! Instructions for users, liquidators and cranks.
pub mod borrow;
pub mod deposit;
pub mod deposit_collateral;
pub mod init_obligation;
pub mod redeem;
pub mod refresh_reserve;
pub mod repay;
pub mod supply;
pub mod withdraw;
pub mod withdraw_collateral;
