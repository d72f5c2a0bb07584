//! Position accounts: the remaining accounts of every instruction that needs an obligation's
//! health. Each position (collateral first, then borrows, in the obligation's order) is its
//! reserve, then that reserve's price accounts (`OracleSources::accounts`: one per source, two
//! for a source priced at a stake pool's rate, none for a fixed price). They are checked
//! against what the obligation and the reserves store before anything is read from them.
use {
    crate::{
        constants::MAX_EMODE_GROUPS,
        errors::BallastError,
        logic::{emode, interest::Projection, ReservePricing, Unpriced},
        oracle::{self, Check, PriceClock},
        state::{EmodeGroup, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// One position's accounts: its reserve and that reserve's price accounts.
pub struct PositionAccounts<'info> {
    pub reserve: &'info AccountInfo<'info>,
    pub prices: &'info [AccountInfo<'info>],
}

/// Splits `remaining` into the obligation's position accounts and what follows them, checking
/// each reserve's key against the obligation (`f` must check the price accounts against the
/// reserve's sources: reading a price does). `f` sees each position: its index, its accounts,
/// its reserve (from `held` when the instruction holds it, else loaded and checked to belong to
/// `market`).
fn walk<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    held: &[(Pubkey, &Reserve)],
    mut f: impl FnMut(usize, &PositionAccounts<'info>, &Reserve, bool) -> Result<()>,
) -> Result<&'info [AccountInfo<'info>]> {
    let mut rest = remaining;
    for (position, key) in obligation.position_reserves().enumerate() {
        let (reserve_info, after) = rest
            .split_first()
            .ok_or(BallastError::MissingPositionAccounts)?;
        require!(
            reserve_info.key == key,
            BallastError::PositionReserveMismatch
        );
        let mut visit = |reserve: &Reserve, is_held: bool| -> Result<()> {
            // The keys are checked by whoever reads them (`oracle::reserve_price`).
            let count = reserve.oracles.account_count();
            require!(after.len() >= count, BallastError::MissingPositionAccounts);
            let (prices, next) = after.split_at(count);
            rest = next;
            let accounts = PositionAccounts {
                reserve: reserve_info,
                prices,
            };
            f(position, &accounts, reserve, is_held)
        };
        match held.iter().find(|(held_key, _)| held_key == key) {
            Some((_, reserve)) => visit(reserve, true)?,
            None => {
                let loader = AccountLoader::<Reserve>::try_from(reserve_info)?;
                let reserve = loader.load()?;
                require_keys_eq!(reserve.market, *market, BallastError::WrongMarket);
                visit(&reserve, false)?;
            }
        }
    }
    Ok(rest)
}

/// Checks that `remaining` is exactly the obligation's position accounts (`held`: reserves the
/// instruction holds, read from memory).
pub fn check_position_accounts<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    held: &[(Pubkey, &Reserve)],
) -> Result<()> {
    let rest = walk(
        remaining,
        obligation,
        market,
        held,
        |_, accounts, reserve, _| oracle::require_accounts(&reserve.oracles, accounts.prices),
    )?;
    require!(rest.is_empty(), BallastError::UnexpectedPositionAccounts);
    Ok(())
}

/// An obligation's positions priced: those with a usable price, the collateral without one,
/// the debts' reserve accounts and the accounts after the positions'.
pub struct PricedPositions<'info> {
    pub pricing: Vec<ReservePricing>,
    pub unpriced: Vec<Unpriced>,
    /// Each debt position's reserve account, in the obligation's order.
    pub debt_reserves: Vec<&'info AccountInfo<'info>>,
    pub rest: &'info [AccountInfo<'info>],
}

impl<'info> PricedPositions<'info> {
    /// Errors unless no account follows the positions.
    pub fn require_no_rest(&self) -> Result<()> {
        require!(
            self.rest.is_empty(),
            BallastError::UnexpectedPositionAccounts
        );
        Ok(())
    }

    /// The debt reserves that were passed writable, other than those in `held` (the
    /// instruction's own): what a liquidation may write off in if it takes the last collateral.
    pub fn writable_debt_reserves(
        debt_reserves: &[&'info AccountInfo<'info>],
        held: &[Pubkey],
    ) -> Result<Vec<AccountLoader<'info, Reserve>>> {
        debt_reserves
            .iter()
            .filter(|info| info.is_writable && !held.contains(info.key))
            .map(|info| AccountLoader::<Reserve>::try_from(info))
            .collect()
    }
}

/// Checks the position accounts and prices every position's reserve: each must belong to this
/// program and `market`, its price accounts must be its sources', and its price comes from its
/// first usable source (with `Check::Agreement`, compared with the next). Reserves the
/// instruction already holds (mutably) come in `held` and are priced from their in-memory state
/// instead of being loaded again. A collateral position without a usable price now (every
/// source refused) comes back unpriced, for the rules to judge (a borrow limit counts it as
/// nothing, a liquidation leaves it out as dust or waits); every debt's price must be usable.
/// With `groups` (the market's), the pricing is for the obligation's e-mode group; without, for
/// none.
pub fn price_usable_positions<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    groups: Option<&[EmodeGroup; MAX_EMODE_GROUPS]>,
    held: &[(Pubkey, &Reserve)],
    at: PriceClock,
    check: Check,
) -> Result<PricedPositions<'info>> {
    let collaterals = usize::from(obligation.collateral_count);
    let mut pricing: Vec<ReservePricing> = Vec::with_capacity(obligation.position_count() + 1);
    let mut unpriced = Vec::new();
    let mut debt_reserves = Vec::with_capacity(obligation.borrows().len());
    let now = at.now;
    let rest = walk(
        remaining,
        obligation,
        market,
        held,
        |position, accounts, reserve, is_held| {
            if position >= collaterals {
                debt_reserves.push(accounts.reserve);
            }
            let key = *accounts.reserve.key;
            // Collateral reserves are distinct, and so are debt reserves: only a debt can repeat
            // a reserve already priced, as a collateral.
            let repeated = position >= collaterals && obligation.find_collateral(&key).is_some();
            if repeated {
                // Priced once, its accounts checked again; a debt needs a usable price.
                if let Some(u) = unpriced
                    .iter()
                    .find(|u: &&Unpriced| u.pricing.reserve == key)
                {
                    return Err(u.error.into());
                }
                return oracle::require_accounts(&reserve.oracles, accounts.prices);
            }
            // Held reserves are written, and read for more than one position's value; a
            // read-only reserve backs this one position: project only what it reads.
            let projection = match (is_held, position < collaterals) {
                (true, _) => Projection::Full,
                (false, true) => Projection::Pool,
                (false, false) => Projection::Index,
            };

            match oracle::price_of_counted(reserve, accounts.prices, at, check)? {
                Ok(price) => pricing.push(ReservePricing::for_position(
                    key, reserve, price, now, projection,
                )?),
                Err(error) if position < collaterals => {
                    unpriced.push(Unpriced::new(key, reserve, error, now)?)
                }
                Err(error) => return Err(error.into()),
            }
            Ok(())
        },
    )?;
    if let Some(groups) = groups {
        emode::apply(&mut pricing, obligation.emode_group, groups, now)?;
    }
    Ok(PricedPositions {
        pricing,
        unpriced,
        debt_reserves,
        rest,
    })
}

/// `price_usable_positions` where nothing may follow the position accounts.
pub fn priced_positions_only<'info>(
    remaining: &'info [AccountInfo<'info>],
    obligation: &Obligation,
    market: &Pubkey,
    groups: Option<&[EmodeGroup; MAX_EMODE_GROUPS]>,
    held: &[(Pubkey, &Reserve)],
    at: PriceClock,
    check: Check,
) -> Result<PricedPositions<'info>> {
    let positions = price_usable_positions(remaining, obligation, market, groups, held, at, check)?;
    positions.require_no_rest()?;
    Ok(positions)
}
