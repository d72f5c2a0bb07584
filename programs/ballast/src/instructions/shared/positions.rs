//! Position accounts: the remaining accounts of every instruction that needs an obligation's
//! health. Each position (collateral first, then borrows, in the obligation's order) is two
//! accounts: its reserve, then that reserve's oracle. They are checked against what the
//! obligation and the reserves store before anything is read from them.
use {
    crate::{
        constants::MAX_EMODE_GROUPS,
        errors::BallastError,
        logic::{emode, interest::Projection, ReservePricing, Unpriced},
        oracle,
        state::{EmodeGroup, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// Remaining accounts per position: the reserve, then its oracle.
pub const ACCOUNTS_PER_POSITION: usize = 2;

/// Checks that `remaining` names exactly the obligation's positions, in order.
pub fn check_position_accounts(remaining: &[AccountInfo], obligation: &Obligation) -> Result<()> {
    let expected = obligation.position_count() * ACCOUNTS_PER_POSITION;
    require!(
        remaining.len() >= expected,
        BallastError::MissingPositionAccounts
    );
    require!(
        remaining.len() == expected,
        BallastError::UnexpectedPositionAccounts
    );
    let reserves = obligation.position_reserves();
    for (pair, reserve) in remaining.chunks_exact(ACCOUNTS_PER_POSITION).zip(reserves) {
        require_keys_eq!(
            *pair[0].key,
            *reserve,
            BallastError::PositionReserveMismatch
        );
    }
    Ok(())
}

/// The debt reserves among `positions` (already checked) that were passed writable, other than
/// those in `held` (the instruction's own): what a liquidation may write off in if it takes the
/// last collateral.
pub fn writable_debt_reserves<'info>(
    positions: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    held: &[Pubkey],
) -> Result<Vec<AccountLoader<'info, Reserve>>> {
    positions
        .chunks_exact(ACCOUNTS_PER_POSITION)
        .skip(usize::from(obligation.collateral_count))
        .map(|pair| &pair[0])
        .filter(|info| info.is_writable && !held.contains(info.key))
        .map(AccountLoader::<Reserve>::try_from)
        .collect()
}

/// Checks the position accounts and prices every position's reserve: each must belong to this
/// program and `market`, each oracle must be the reserve's, and each price must pass the
/// reserve's limits at `now`. Reserves the instruction already holds (mutably) come in `held`
/// and are priced from their in-memory state instead of being loaded again. A collateral
/// position whose oracle is unusable now (the account right, the price refused) comes back
/// unpriced, for the rules to judge (a borrow limit counts it as nothing, a liquidation leaves
/// it out as dust or waits); every debt's price must be usable. With `groups` (the market's),
/// the pricing is for the obligation's e-mode group; without, for none.
pub fn price_usable_positions<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    groups: Option<&[EmodeGroup; MAX_EMODE_GROUPS]>,
    held: &[(Pubkey, &Reserve)],
    now: i64,
) -> Result<(Vec<ReservePricing>, Vec<Unpriced>)> {
    let mut unpriced = Vec::new();
    let collaterals = usize::from(obligation.collateral_count);
    let pricing = price_each(
        remaining,
        obligation,
        market,
        held,
        now,
        |position, key, reserve, error| {
            if position >= collaterals {
                return Err(error.into());
            }
            unpriced.push(Unpriced::new(key, reserve, error, now)?);
            Ok(())
        },
    )?;
    let mut pricing = pricing;
    if let Some(groups) = groups {
        emode::apply(&mut pricing, obligation.emode_group, groups, now)?;
    }
    Ok((pricing, unpriced))
}

/// Checks the position accounts and prices each position's reserve once; `unusable` decides
/// what a refused price means (the position's index, the reserve, why).
fn price_each<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    held: &[(Pubkey, &Reserve)],
    now: i64,
    mut unusable: impl FnMut(usize, Pubkey, &Reserve, BallastError) -> Result<()>,
) -> Result<Vec<ReservePricing>> {
    check_position_accounts(remaining, obligation)?;
    let collaterals = usize::from(obligation.collateral_count);
    let mut pricing: Vec<ReservePricing> = Vec::with_capacity(obligation.position_count() + 1);
    for (position, pair) in remaining.chunks_exact(ACCOUNTS_PER_POSITION).enumerate() {
        let (reserve_info, oracle_info) = (&pair[0], &pair[1]);
        if let Some(known) = pricing.iter().find(|p| p.reserve == *reserve_info.key) {
            // The same reserve at two positions: the same oracle too.
            require_keys_eq!(
                *oracle_info.key,
                known.oracle,
                BallastError::WrongOracleAccount
            );
            continue;
        }
        let key = *reserve_info.key;
        let mut price = |reserve: &Reserve, projection| -> Result<()> {
            match oracle::load_price_or_unusable(oracle_info, reserve, now)? {
                Ok(price) => pricing.push(ReservePricing::for_position(
                    key, reserve, price, now, projection,
                )?),
                Err(error) => unusable(position, key, reserve, error)?,
            }
            Ok(())
        };
        match held.iter().find(|(held_key, _)| *held_key == key) {
            // Held reserves are written, and read for more than one position's value.
            Some((_, reserve)) => price(reserve, Projection::Full)?,
            None => {
                let loader = AccountLoader::<Reserve>::try_from(reserve_info)?;
                let reserve = loader.load()?;
                require_keys_eq!(reserve.market, *market, BallastError::WrongMarket);
                // A read-only reserve backs this one position: project only what it reads.
                let projection = if position < collaterals {
                    Projection::Pool
                } else {
                    Projection::Index
                };
                price(&reserve, projection)?;
            }
        }
    }
    Ok(pricing)
}
