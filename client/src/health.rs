//! Off-chain health: fetches an obligation, its reserves and their oracles, and values them
//! with the program's own logic (`ballast::logic`), so the client never disagrees with the
//! program about who is healthy.
use {
    crate::{fetch, ClientError, Transport},
    ballast::{
        logic::{emode, unpriced::without_unpriced, Health, ReservePricing, Unpriced},
        oracle::{self, Check, PriceClock},
        state::{Market, Obligation, Reserve},
    },
    solana_sdk::pubkey::Pubkey,
};

/// A reserve priced by its sources at `at`, with interest projected to `at.now`, exactly as the
/// program would price it for a borrow.
pub async fn price_reserve(
    transport: &impl Transport,
    address: &Pubkey,
    reserve: &Reserve,
    at: PriceClock,
) -> Result<ReservePricing, ClientError> {
    price_or_unpriced(transport, address, reserve, at)
        .await?
        .map_err(|u| ClientError::Oracle {
            reserve: *address,
            error: u.error.into(),
        })
}

/// `price_reserve`, or, when no source gives a usable price now (stale, too wide, not
/// trading, gone), the reserve at its last usable price (`Unpriced`).
pub async fn price_or_unpriced(
    transport: &impl Transport,
    address: &Pubkey,
    reserve: &Reserve,
    at: PriceClock,
) -> Result<Result<ReservePricing, Unpriced>, ClientError> {
    let accounts = fetch::price_accounts(transport, reserve).await?;
    let parts = fetch::account_parts(&accounts);
    // As for a borrow: a disagreement between the sources shows in the price.
    let read = oracle::reserve_price(reserve, &parts, at, Check::Agreement).map_err(|error| {
        ClientError::Oracle {
            reserve: *address,
            error,
        }
    })?;
    Ok(match read {
        Ok(price) => Ok(ReservePricing::new(*address, reserve, price, at.now)?),
        Err(error) => Err(Unpriced::new(*address, reserve, error, at.now)?),
    })
}

/// An obligation with every position's reserve priced (and any other reserve the caller
/// added), and its health. `operations` runs the program's operations on it.
#[derive(Clone, Debug)]
pub struct ObligationHealth {
    pub obligation: Obligation,
    /// Its market: the liquidation policy and the e-mode groups.
    pub market: Market,
    /// Each position's reserve once, then the added ones.
    pub reserves: Vec<(Pubkey, Reserve)>,
    /// One per reserve with a usable price, in the same order, for the obligation's e-mode
    /// group.
    pub pricing: Vec<ReservePricing>,
    /// Collateral reserves whose oracle is unusable now, at their last usable price. A
    /// liquidation leaves such a position out when it is dust there and otherwise waits.
    pub unpriced: Vec<Unpriced>,
    /// Health with the unpriced collateral counted as worth nothing.
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
    let market = fetch::market(transport, &obligation.market).await?;
    let at = PriceClock::from(&transport.clock().await?);
    let now = at.now;
    let (mut pricing, mut unpriced) = (Vec::new(), Vec::new());
    let mut reserves: Vec<(Pubkey, Reserve)> = Vec::new();
    for reserve in obligation.position_reserves().chain(extra) {
        if reserves.iter().any(|(k, _)| k == reserve) {
            continue;
        }
        let state = fetch::reserve(transport, reserve).await?;
        // Only collateral may go unpriced: every debt, and a reserve about to be borrowed,
        // needs a usable price.
        let collateral_only =
            obligation.find_collateral(reserve).is_some() && !extra.contains(reserve);
        match price_or_unpriced(transport, reserve, &state, at).await? {
            Ok(p) => pricing.push(p),
            Err(u) if collateral_only => unpriced.push(u),
            Err(u) => {
                return Err(ClientError::Oracle {
                    reserve: *reserve,
                    error: u.error.into(),
                })
            }
        }
        reserves.push((*reserve, state));
    }
    emode::apply(
        &mut pricing,
        obligation.emode_group,
        &market.emode_groups,
        now,
    )?;
    let health = Health::of(&*without_unpriced(&obligation, &unpriced)?, &pricing)?;
    Ok(ObligationHealth {
        obligation,
        market,
        reserves,
        pricing,
        unpriced,
        health,
        now,
    })
}
