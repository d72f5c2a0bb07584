use anchor_lang::prelude::*;

#[error_code]
pub enum VaultError {
    #[msg("amount must be greater than zero")]
    ZeroAmount = 0,
    #[msg("the Ballast reserve is not this vault's")]
    WrongReserve = 1,
}
