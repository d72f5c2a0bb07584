//! Integration tests: the program runs natively in solana-program-test with the real SPL Token
//! programs. One module per area.
mod admin;
mod bad_debt;
mod borrow;
mod budgets;
mod collateral;
mod cu_scenario;
mod deposit;
mod derived_prices;
mod flash_loans;
mod grace;
mod integrator;
mod interest;
mod legacy_oracle;
mod liquidation;
mod oracle_sources;
mod switchboard;
