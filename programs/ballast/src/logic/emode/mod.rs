//! E-mode: an obligation in a group values every position of a member reserve with the group's
//! parameters (loan-to-value, liquidation threshold at the current point of its ramp, maximum
//! bonus, and a borrow factor of 100%), so correlated assets can be looped at a high
//! loan-to-value. Entering and leaving are checked here; new positions must be members.
use {
    super::{ramp::group_threshold_at, unpriced::Priced, ReservePricing, Unpriced},
    crate::{
        constants::{BPS, MAX_EMODE_GROUPS},
        errors::BallastError,
        state::{emode_bit, emode_group, EmodeGroup, Obligation},
    },
    anchor_lang::prelude::*,
    std::borrow::Cow,
};

/// Prices `pricing` for e-mode group `id` (0: none, nothing to do): each member reserve takes
/// the group's parameters, and every entry is marked as priced for the group (what health
/// checks). Entries already priced for `id` are left as they are; an entry priced for another
/// group cannot be re-priced (`EmodeNotApplied`: its own parameters are gone).
pub fn apply(
    pricing: &mut [ReservePricing],
    id: u8,
    groups: &[EmodeGroup; MAX_EMODE_GROUPS],
    now: i64,
) -> Result<()> {
    // Pricing for no group is what `ReservePricing::new` makes; health refuses any other for
    // an obligation in no group.
    if id == 0 {
        return Ok(());
    }
    let group = emode_group(groups, id)?;
    let bit = emode_bit(id);
    let threshold = group_threshold_at(group, now);
    let max_bonus = group.config.liquidation_bonus_max_bps;
    for p in pricing.iter_mut().filter(|p| p.emode_group != id) {
        require!(p.emode_group == 0, BallastError::EmodeNotApplied);
        p.emode_group = id;
        if p.emode_groups & bit == 0 {
            continue;
        }
        p.loan_to_value_bps = group.config.loan_to_value_bps;
        p.liquidation_threshold_bps = threshold;
        p.borrow_factor_bps = BPS as u16;
        p.liquidation_bonus_max_bps = max_bonus;
        p.liquidation_bonus_min_bps = p.liquidation_bonus_min_bps.min(max_bonus);
    }
    Ok(())
}

/// `pricing` (made for no group, shared by many obligations) as an obligation of group `id`
/// reads it: itself for no group, else a copy priced for the group.
pub fn priced_for<'a>(
    pricing: &'a [ReservePricing],
    id: u8,
    groups: &[EmodeGroup; MAX_EMODE_GROUPS],
    now: i64,
) -> Result<Cow<'a, [ReservePricing]>> {
    if id == 0 {
        return Ok(Cow::Borrowed(pricing));
    }
    let mut copy = pricing.to_vec();
    apply(&mut copy, id, groups, now)?;
    Ok(Cow::Owned(copy))
}

/// A collateral position in a reserve with e-mode mask `member` may be opened or grown in an
/// obligation of group `id` (0: none, anything may) only if the reserve is a member.
pub fn require_member(id: u8, member: u32) -> Result<()> {
    require!(
        id == 0 || member & emode_bit(id) != 0,
        BallastError::NotEmodeMember
    );
    Ok(())
}

/// A reserve with e-mode masks `member` / `debt` may be borrowed in an obligation of group `id`
/// only if it is a member and, when the group restricts debt, listed as debt.
pub fn require_borrowable(
    id: u8,
    groups: &[EmodeGroup; MAX_EMODE_GROUPS],
    (member, debt): (u32, u32),
) -> Result<()> {
    require_member(id, member)?;
    if id != 0 && emode_group(groups, id)?.config.debt_restricted == 1 {
        require!(debt & emode_bit(id) != 0, BallastError::EmodeDebtNotAllowed);
    }
    Ok(())
}

/// The whole `set_obligation_emode` instruction on state: moves `obligation` into group `id`
/// (0: out of any), refusing a group that is not configured, a position whose reserve is not a
/// member (or is debt the group does not lend), and a move that would leave the obligation over
/// its borrow limit with the new parameters (unpriced collateral counting as nothing).
/// `pricing` prices every position for no group; it comes back priced for `id`.
pub fn set_group(
    obligation: &mut Obligation,
    id: u8,
    groups: &[EmodeGroup; MAX_EMODE_GROUPS],
    pricing: &mut [ReservePricing],
    unpriced: &[Unpriced],
    now: i64,
) -> Result<()> {
    let masks = |key: &Pubkey| {
        (pricing.iter())
            .chain(unpriced.iter().map(|u| &u.pricing))
            .find(|p| p.reserve == *key)
            .map(|p| (p.emode_groups, p.emode_debt_groups))
            .ok_or_else(|| error!(BallastError::MissingPositionAccounts))
    };
    if id != 0 {
        emode_group(groups, id)?;
        for c in obligation.collaterals() {
            require_member(id, masks(&c.reserve)?.0)?;
        }
        for b in obligation.borrows() {
            require_borrowable(id, groups, masks(&b.reserve)?)?;
        }
    }
    apply(pricing, id, groups, now)?;
    let mut moved = *obligation;
    moved.emode_group = id;
    Priced {
        priced: pricing,
        unpriced,
    }
    .require_within_borrow_limit(&moved)?;
    obligation.emode_group = id;
    Ok(())
}

#[cfg(test)]
mod tests;
