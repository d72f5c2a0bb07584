//! "What if an asset falls X%": per reserve and per drop, the obligations the program would
//! liquidate with that reserve priced X% below its spot (every other price as it is), valued
//! by the program's own liquidation valuation (`Health::for_liquidation`).
use {
    crate::error::IndexerError,
    ballast::{
        constants::BPS,
        logic::{unpriced::without_unpriced, Health},
        math::Fixed,
    },
    ballast_client::health::ObligationHealth,
    solana_sdk::pubkey::Pubkey,
};

/// The drops asked about, in percent of the spot price.
pub const DROPS_PCT: [u8; 10] = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];

/// The obligations liquidatable if `reserve`'s price fell `drop_pct`%, and their values at the
/// fallen price (USD).
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    pub reserve: Pubkey,
    pub drop_pct: u8,
    pub obligations: u64,
    pub debt_value: Fixed,
    pub collateral_value: Fixed,
}

/// One empty row per reserve of `priced` and per drop, reserves in the given order.
pub fn rows_for(priced: &[Pubkey]) -> Vec<WhatIf> {
    priced
        .iter()
        .flat_map(|reserve| {
            DROPS_PCT.map(|drop_pct| WhatIf {
                reserve: *reserve,
                drop_pct,
                obligations: 0,
                debt_value: Fixed::ZERO,
                collateral_value: Fixed::ZERO,
            })
        })
        .collect()
}

/// Counts `h` in each row whose reserve it holds a position in and whose drop makes it
/// liquidatable. Collateral without a usable price counts as nothing, as in `h.health`.
pub fn count(rows: &mut [WhatIf], h: &ObligationHealth) -> Result<(), IndexerError> {
    let obligation = without_unpriced(&h.obligation, &h.unpriced).map_err(program)?;
    for row in rows.iter_mut() {
        let Some(at) = h.pricing.iter().position(|p| p.reserve == row.reserve) else {
            continue;
        };
        let mut pricing = h.pricing.clone();
        let kept = BPS - u64::from(row.drop_pct) * 100;
        pricing[at].price.spot = pricing[at]
            .price
            .spot
            .mul_bps_floor(kept)
            .map_err(program)?;
        // Liquidation values every position at spot: the EMA plays no part in who is liquidated.
        let health = Health::for_liquidation(&obligation, &pricing).map_err(program)?;
        if health.is_liquidatable() {
            row.obligations += 1;
            row.debt_value = row
                .debt_value
                .checked_add(health.debt_value)
                .map_err(program)?;
            row.collateral_value = row
                .collateral_value
                .checked_add(health.collateral_value)
                .map_err(program)?;
        }
    }
    Ok(())
}

fn program(e: anchor_lang::error::Error) -> IndexerError {
    IndexerError::from(ballast_client::ClientError::from(e))
}
