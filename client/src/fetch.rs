//! Fetching and decoding program accounts, and finding them by market or owner.
use {
    crate::{
        accounts::{
            decode, decode_market, decode_obligation, decode_reserve, mint_decimals, token_amount,
        },
        transport::AccountFilter,
        ClientError, ObligationKeys, Transport,
    },
    anchor_lang::{Discriminator, ZeroCopy},
    ballast::{
        oracle::AccountParts,
        state::{Market, Obligation, Reserve},
    },
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::mem::offset_of,
};

/// The account at `address`, or `AccountNotFound`.
pub async fn account(transport: &impl Transport, address: &Pubkey) -> Result<Account, ClientError> {
    transport
        .account(address)
        .await?
        .ok_or(ClientError::AccountNotFound(*address))
}

pub async fn market(transport: &impl Transport, address: &Pubkey) -> Result<Market, ClientError> {
    decode_market(address, &account(transport, address).await?)
}

pub async fn reserve(transport: &impl Transport, address: &Pubkey) -> Result<Reserve, ClientError> {
    decode_reserve(address, &account(transport, address).await?)
}

pub async fn obligation(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<Obligation, ClientError> {
    decode_obligation(address, &account(transport, address).await?)
}

/// The amount in a token account; 0 when it does not exist.
pub async fn token_balance(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<u64, ClientError> {
    match transport.account(address).await? {
        Some(account) => token_amount(address, &account),
        None => Ok(0),
    }
}

/// Decimals of a mint.
pub async fn decimals(transport: &impl Transport, mint: &Pubkey) -> Result<u8, ClientError> {
    mint_decimals(mint, &account(transport, mint).await?)
}

/// Filters for accounts of type `T` whose 32-byte field at `field_offset` (within `T`) is `key`.
fn by_key<T: Discriminator>(field_offset: usize, key: &Pubkey) -> [AccountFilter; 2] {
    [
        AccountFilter::Memcmp {
            offset: 0,
            bytes: T::DISCRIMINATOR.to_vec(),
        },
        AccountFilter::Memcmp {
            offset: T::DISCRIMINATOR.len() + field_offset,
            bytes: key.to_bytes().to_vec(),
        },
    ]
}

/// Every account of type `T` whose `market` field (at `market_offset` within `T`) is `market`,
/// decoded, ordered by address.
async fn of_market<T: ZeroCopy + Discriminator>(
    transport: &impl Transport,
    market: &Pubkey,
    market_offset: usize,
    name: &'static str,
) -> Result<Vec<(Pubkey, T)>, ClientError> {
    let filters = by_key::<T>(market_offset, market);
    let mut found = transport
        .program_accounts(&filters)
        .await?
        .into_iter()
        .map(|(address, account)| Ok((address, decode::<T>(&address, &account, name)?)))
        .collect::<Result<Vec<_>, ClientError>>()?;
    found.sort_by_key(|(address, _)| *address);
    Ok(found)
}

/// Every reserve of `market`, ordered by address.
pub async fn market_reserves(
    transport: &impl Transport,
    market: &Pubkey,
) -> Result<Vec<(Pubkey, Reserve)>, ClientError> {
    of_market(transport, market, offset_of!(Reserve, market), "reserve").await
}

/// Every obligation `owner` holds in `market`, ordered by id.
pub async fn owner_obligations(
    transport: &impl Transport,
    market: &Pubkey,
    owner: &Pubkey,
) -> Result<Vec<(Pubkey, Obligation)>, ClientError> {
    let [discriminator, by_market] = obligation_filters(market);
    let by_owner = AccountFilter::Memcmp {
        offset: Obligation::DISCRIMINATOR.len() + offset_of!(Obligation, owner),
        bytes: owner.to_bytes().to_vec(),
    };
    let mut found = transport
        .program_accounts(&[discriminator, by_market, by_owner])
        .await?
        .into_iter()
        .map(|(address, account)| Ok((address, decode(&address, &account, "obligation")?)))
        .collect::<Result<Vec<(Pubkey, Obligation)>, ClientError>>()?;
    found.sort_by_key(|(_, o)| o.obligation_id);
    Ok(found)
}

/// Filters for the reserves of `market`, for callers that decode them themselves.
pub fn reserve_filters(market: &Pubkey) -> [AccountFilter; 2] {
    by_key::<Reserve>(offset_of!(Reserve, market), market)
}

/// Filters for the obligations of `market`, for callers that decode them themselves.
pub fn obligation_filters(market: &Pubkey) -> [AccountFilter; 2] {
    by_key::<Obligation>(offset_of!(Obligation, market), market)
}

/// Every obligation of `market`, ordered by address.
pub async fn market_obligations(
    transport: &impl Transport,
    market: &Pubkey,
) -> Result<Vec<(Pubkey, Obligation)>, ClientError> {
    of_market(
        transport,
        market,
        offset_of!(Obligation, market),
        "obligation",
    )
    .await
}

/// An obligation's keys with its position accounts, each reserve's price accounts read from
/// the chain.
pub async fn obligation_keys(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<ObligationKeys, ClientError> {
    let obligation = obligation(transport, address).await?;
    let mut prices = Vec::new();
    for key in obligation.position_reserves() {
        prices.push((*key, reserve(transport, key).await?.oracles.accounts()));
    }
    ObligationKeys::from_obligation(*address, &obligation, |r| {
        prices.iter().find(|(k, _)| k == r).map(|(_, p)| *p)
    })
}

/// `accounts` (as `price_accounts` gives them) as the oracle code reads them.
pub fn account_parts(accounts: &[(Pubkey, Account)]) -> Vec<AccountParts<'_>> {
    accounts
        .iter()
        .map(|(key, a)| AccountParts {
            key,
            owner: &a.owner,
            data: &a.data,
        })
        .collect()
}

/// The accounts `reserve`'s price sources read, in order, as the chain has them now (a missing
/// one as a closed account: the system program's, empty), for `oracle::reserve_price`.
pub async fn price_accounts(
    transport: &impl Transport,
    reserve: &Reserve,
) -> Result<Vec<(Pubkey, Account)>, ClientError> {
    let mut accounts = Vec::new();
    for key in reserve.oracles.accounts().as_slice() {
        let account = transport.account(key).await?.unwrap_or_default();
        accounts.push((*key, account));
    }
    Ok(accounts)
}
