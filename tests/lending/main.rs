//! Integration tests: the program runs natively in solana-program-test with the real SPL Token
//! programs. One module per area.
mod admin;
mod borrow;
mod budgets;
mod collateral;
mod deposit;
mod interest;
mod liquidation;
mod oracle;
mod positions;
