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
        .map_err(|e| ClientError::Program(format!("oracle of reserve {address}: {e}")))?;
    ReservePricing::new(*address, reserve, price, now)
        .map_err(|e| ClientError::Program(e.to_string()))
}

/// An obligation with every position priced, and its health.
pub struct ObligationHealth {
    pub obligation: Obligation,
    /// Each position's reserve, once.
    pub reserves: Vec<(Pubkey, Reserve)>,
    pub pricing: Vec<ReservePricing>,
    pub health: Health,
}

/// Fetches `address` and values it at the cluster's current time.
pub async fn obligation_health(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<ObligationHealth, ClientError> {
    let obligation = fetch::obligation(transport, address).await?;
    let now = transport.clock().await?.unix_timestamp;
    let mut pricing: Vec<ReservePricing> = Vec::new();
    let mut reserves = Vec::new();
    for reserve in obligation.position_reserves() {
        if pricing.iter().any(|p| p.reserve == *reserve) {
            continue;
        }
        let state = fetch::reserve(transport, reserve).await?;
        pricing.push(price_reserve(transport, reserve, &state, now).await?);
        reserves.push((*reserve, state));
    }
    let health =
        Health::of(&obligation, &pricing).map_err(|e| ClientError::Program(e.to_string()))?;
    Ok(ObligationHealth {
        obligation,
        reserves,
        pricing,
        health,
    })
}
