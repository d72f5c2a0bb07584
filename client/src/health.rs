//! Off-chain health: fetches an obligation, its reserves and their oracles, and values them
//! with the program's own logic (`ballast::logic`), so the client never disagrees with the
//! program about who is healthy.
use {
    crate::{fetch, ClientError, Transport},
    ballast::{
        logic::{Health, ReservePricing},
        oracle,
        state::{Obligation, Reserve},
    },
    solana_sdk::pubkey::Pubkey,
};

/// A reserve priced by its oracle at `now`, with interest projected to `now`, exactly as the
/// program would price it.
pub async fn price_reserve(
    transport: &impl Transport,
    address: &Pubkey,
    reserve: &Reserve,
    now: i64,
) -> Result<ReservePricing, ClientError> {
    let oracle_key = reserve.oracle.account;
    let oracle = fetch::account(transport, &oracle_key).await?;
    let price = oracle::price_from_account(&oracle_key, &oracle.owner, &oracle.data, reserve, now)
        .map_err(|error| ClientError::Oracle {
            reserve: *address,
            error,
        })?;
    Ok(ReservePricing::new(*address, reserve, price, now)?)
}

/// An obligation with every position's reserve priced (and any other reserve the caller
/// added), and its health. `operations` runs the program's operations on it.
#[derive(Clone, Debug)]
pub struct ObligationHealth {
    pub obligation: Obligation,
    /// Each position's reserve once, then the added ones.
    pub reserves: Vec<(Pubkey, Reserve)>,
    /// One per reserve, in the same order.
    pub pricing: Vec<ReservePricing>,
    pub health: Health,
    /// The cluster time the prices were read at.
    pub now: i64,
}

/// Fetches `address` and values it at the cluster's current time.
pub async fn obligation_health(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<ObligationHealth, ClientError> {
    obligation_health_with(transport, address, &[]).await
}

/// `obligation_health`, with `extra` reserves priced too (a reserve about to be borrowed).
pub async fn obligation_health_with(
    transport: &impl Transport,
    address: &Pubkey,
    extra: &[Pubkey],
) -> Result<ObligationHealth, ClientError> {
    let obligation = fetch::obligation(transport, address).await?;
    let now = transport.clock().await?.unix_timestamp;
    let mut pricing: Vec<ReservePricing> = Vec::new();
    let mut reserves = Vec::new();
    for reserve in obligation.position_reserves().chain(extra) {
        if pricing.iter().any(|p| p.reserve == *reserve) {
            continue;
        }
        let state = fetch::reserve(transport, reserve).await?;
        pricing.push(price_reserve(transport, reserve, &state, now).await?);
        reserves.push((*reserve, state));
    }
    let health = Health::of(&obligation, &pricing)?;
    Ok(ObligationHealth {
        obligation,
        reserves,
        pricing,
        health,
        now,
    })
}
