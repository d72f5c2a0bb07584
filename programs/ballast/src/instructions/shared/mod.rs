//! Helpers shared by instruction handlers: token CPIs and position accounts.
pub mod positions;
pub mod token;
