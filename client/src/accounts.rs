//! Decoding program accounts (Anchor discriminator checked) and token accounts.
use {
    crate::error::ClientError,
    anchor_lang::{Discriminator, ZeroCopy},
    ballast::state::{Market, Obligation, Reserve},
    solana_sdk::{account::Account, pubkey::Pubkey},
};

/// Decodes a zero-copy program account of type `T` from `account`.
pub fn decode<T: ZeroCopy + Discriminator>(
    address: &Pubkey,
    account: &Account,
    name: &'static str,
) -> Result<T, ClientError> {
    let data = &account.data;
    let disc = T::DISCRIMINATOR;
    if account.owner != crate::program_id::get() || !data.starts_with(disc) {
        return Err(ClientError::WrongAccountType(*address, name));
    }
    let body = &data[disc.len()..];
    let size = std::mem::size_of::<T>();
    let bytes = body
        .get(..size)
        .ok_or(ClientError::WrongAccountType(*address, name))?;
    Ok(bytemuck::pod_read_unaligned(bytes))
}

pub fn decode_market(address: &Pubkey, account: &Account) -> Result<Market, ClientError> {
    decode(address, account, "market")
}

pub fn decode_reserve(address: &Pubkey, account: &Account) -> Result<Reserve, ClientError> {
    decode(address, account, "reserve")
}

pub fn decode_obligation(address: &Pubkey, account: &Account) -> Result<Obligation, ClientError> {
    decode(address, account, "obligation")
}

/// The amount held by an SPL Token or Token-2022 account.
pub fn token_amount(address: &Pubkey, account: &Account) -> Result<u64, ClientError> {
    account
        .data
        .get(64..72)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or(ClientError::WrongAccountType(*address, "token account"))
}

/// The supply of an SPL Token or Token-2022 mint.
pub fn mint_supply(address: &Pubkey, account: &Account) -> Result<u64, ClientError> {
    account
        .data
        .get(36..44)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or(ClientError::WrongAccountType(*address, "mint"))
}

/// The decimals of an SPL Token or Token-2022 mint.
pub fn mint_decimals(address: &Pubkey, account: &Account) -> Result<u8, ClientError> {
    account
        .data
        .get(44)
        .copied()
        .ok_or(ClientError::WrongAccountType(*address, "mint"))
}
