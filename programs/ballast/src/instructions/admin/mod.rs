//! Instructions signed by the market admin (and `init_market`, signed by its creator).
pub mod init_market;
pub mod init_reserve;
pub mod update_market;
pub mod update_reserve;
pub mod withdraw_protocol_fees;
