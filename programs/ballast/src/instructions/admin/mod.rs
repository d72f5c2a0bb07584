//! Instructions signed by the market admin (and `init_market`, signed by its creator;
//! `accept_admin`, by the pending admin; `set_pause`, also by the emergency authority).
pub mod init_market;
pub mod init_reserve;
pub mod set_pause;
pub mod transfer_admin;
pub mod update_market;
pub mod update_reserve;
pub mod withdraw_protocol_fees;
