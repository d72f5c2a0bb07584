//! Bad debt: debt left on an obligation with no collateral is written off against the
//! reserve's suppliers.
use {
    super::{accrue, settle},
    crate::{
        errors::BallastError,
        math::Fixed,
        state::{Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// One write-off: the debt, and the reserve's exchange rate before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrittenOff {
    pub reserve: Pubkey,
    pub debt: Fixed,
    pub exchange_rate_before: Fixed,
    pub exchange_rate_after: Fixed,
}

/// The whole `socialize_bad_debt` instruction on state: accrues `reserve` to `now` and writes
/// off `obligation`'s debt in it (it must have no collateral left).
pub fn write_off(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    now: i64,
) -> Result<WrittenOff> {
    require!(
        obligation.collateral_count == 0,
        BallastError::ObligationHasCollateral
    );
    write_off_uncovered(reserve, reserve_key, obligation, now)
}

/// `write_off` once the caller has established that no collateral covers the debt: none is
/// left, or (in a liquidation) only dust positions whose oracle is unusable.
pub(super) fn write_off_uncovered(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    now: i64,
) -> Result<WrittenOff> {
    accrue(reserve, now)?;
    let exchange_rate_before = reserve.liquidity.exchange_rate()?;
    let debt = socialize(reserve, reserve_key, obligation)?;
    settle(reserve)?;
    Ok(WrittenOff {
        reserve: *reserve_key,
        debt,
        exchange_rate_before,
        exchange_rate_after: reserve.liquidity.exchange_rate()?,
    })
}

/// Writes off `obligation`'s whole debt in `reserve` (interest already accrued). The pool's
/// total supply, and so the cToken exchange rate, falls by exactly that debt. Returns it.
fn socialize(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
) -> Result<Fixed> {
    let liquidity = &mut reserve.liquidity;
    let index = obligation
        .find_borrow(reserve_key)
        .ok_or(BallastError::BorrowPositionNotFound)?;
    let debt = obligation.borrows[index].debt(liquidity.index())?;
    obligation.remove_debt(reserve_key, debt, liquidity.index())?;
    liquidity
        .borrowed_amount_sf
        .set(liquidity.borrowed().saturating_sub(debt));
    // Unclaimed protocol fees stay a claim on what is left, never more than all of it.
    let pool = Fixed::from_u64(liquidity.available_amount).checked_add(liquidity.borrowed())?;
    if liquidity.protocol_fees() > pool {
        liquidity.accumulated_protocol_fees_sf.set(pool);
    }
    Ok(debt)
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        bytemuck::{bytes_of, Zeroable},
    };

    #[test]
    fn writes_off_exactly_the_debt_and_only_without_collateral() {
        let mut r = Reserve::zeroed();
        r.liquidity.available_amount = 600;
        r.liquidity.collateral_supply = 1_000;
        r.liquidity.borrowed_amount_sf.set(Fixed::from_u64(400));
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        let key = Pubkey::new_unique();
        let mut o = Obligation::zeroed();
        o.add_debt(&key, Fixed::from_u64(150), Fixed::ONE).unwrap();
        o.deposit_collateral(&Pubkey::new_unique(), 1).unwrap();
        let bytes = |r: &Reserve, o: &Obligation| [bytes_of(r), bytes_of(o)].concat();
        let untouched = bytes(&r, &o);
        assert_eq!(
            write_off(&mut r, &key, &mut o, 0).unwrap_err(),
            BallastError::ObligationHasCollateral.into()
        );
        assert_eq!(bytes(&r, &o), untouched);
        o.withdraw_collateral(&o.collaterals[0].reserve.clone(), 1)
            .unwrap();
        let rate_before = r.liquidity.exchange_rate().unwrap();
        assert_eq!(
            socialize(&mut r, &key, &mut o).unwrap(),
            Fixed::from_u64(150)
        );
        assert_eq!(r.liquidity.total_supply().unwrap(), Fixed::from_u64(850));
        assert_eq!(rate_before, Fixed::ONE);
        assert_eq!(r.liquidity.exchange_rate().unwrap(), Fixed::from_bps(8_500));
        assert_eq!(o.borrow_count, 0);
    }

    #[test]
    fn unclaimed_fees_never_outgrow_what_is_left() {
        // 100 available, 400 lent, 150 of it the protocol's unclaimed fees. Writing off 380 of
        // the 400 leaves 120 in the pool: the fees' claim is cut to all of it, 120.
        let mut r = Reserve::zeroed();
        r.config = crate::state::sample_reserve_config();
        r.locked_collateral = 1;
        r.liquidity.available_amount = 100;
        r.liquidity.collateral_supply = 1_000;
        r.liquidity.borrowed_amount_sf.set(Fixed::from_u64(400));
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_u64(150));
        let key = Pubkey::new_unique();
        let mut o = Obligation::zeroed();
        o.add_debt(&key, Fixed::from_u64(380), Fixed::ONE).unwrap();
        assert_eq!(
            write_off(&mut r, &key, &mut o, 0).unwrap().debt,
            Fixed::from_u64(380)
        );
        assert_eq!(r.liquidity.protocol_fees(), Fixed::from_u64(120));
        assert_eq!(r.liquidity.exchange_rate().unwrap(), Fixed::ZERO);
        // A smaller loss leaves the fees as they were.
        let mut r2 = r;
        r2.liquidity.borrowed_amount_sf.set(Fixed::from_u64(400));
        r2.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_u64(150));
        let mut o = Obligation::zeroed();
        o.add_debt(&key, Fixed::from_u64(100), Fixed::ONE).unwrap();
        write_off(&mut r2, &key, &mut o, 0).unwrap();
        assert_eq!(r2.liquidity.protocol_fees(), Fixed::from_u64(150));
    }
}
