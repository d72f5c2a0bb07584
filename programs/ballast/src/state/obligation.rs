//! `Obligation`: one user's pledged collateral and debt in one market.
use {
    crate::{
        constants::{MAX_BORROWS, MAX_COLLATERALS, MAX_POSITIONS},
        errors::{BallastError, OrOverflow},
        math::{Fixed, Sf},
    },
    anchor_lang::prelude::*,
};

/// PDA `["obligation", market, owner, obligation_id (u16 LE)]`. Positions are kept packed at
/// the front of each array, in the order they were opened: that order is the order of the
/// position accounts instructions take.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Obligation {
    pub market: Pubkey,
    /// Signs every instruction that reduces the obligation's health.
    pub owner: Pubkey,
    pub collaterals: [CollateralPosition; MAX_COLLATERALS],
    pub borrows: [BorrowPosition; MAX_BORROWS],
    pub obligation_id: u16,
    pub bump: u8,
    pub collateral_count: u8,
    pub borrow_count: u8,
    /// The e-mode group the obligation is in (1..=32), 0 for none: see `set_obligation_emode`.
    pub emode_group: u8,
    pub padding: [u8; 2],
    /// Room for fields added later without a migration.
    pub reserved: [u8; 64],
}

/// cTokens of one reserve pledged by an obligation.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CollateralPosition {
    pub reserve: Pubkey,
    /// cTokens held for this obligation in the reserve's collateral vault.
    pub deposited_amount: u64,
}

/// Debt owed to one reserve.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BorrowPosition {
    pub reserve: Pubkey,
    /// Debt, interest included, as of `cumulative_borrow_index_sf`.
    pub borrowed_amount_sf: Sf,
    /// The reserve's cumulative borrow index when `borrowed_amount_sf` was last updated.
    pub cumulative_borrow_index_sf: Sf,
}

impl BorrowPosition {
    /// Debt grown to the reserve's current index, rounded up.
    pub fn debt(&self, current_index: Fixed) -> Result<Fixed> {
        self.borrowed_amount_sf
            .get()
            .mul_div_ceil(current_index, self.cumulative_borrow_index_sf.get())
    }
}

impl Obligation {
    pub const SPACE: usize = 8 + std::mem::size_of::<Obligation>();

    pub fn collaterals(&self) -> &[CollateralPosition] {
        &self.collaterals[..usize::from(self.collateral_count).min(MAX_COLLATERALS)]
    }

    pub fn borrows(&self) -> &[BorrowPosition] {
        &self.borrows[..usize::from(self.borrow_count).min(MAX_BORROWS)]
    }

    /// The reserve of each position, in the order instructions take position accounts:
    /// collateral first, then borrows. A caller passes, for each, the reserve and then that
    /// reserve's oracle (`Reserve::oracle.account`).
    pub fn position_reserves(&self) -> impl Iterator<Item = &Pubkey> {
        self.collaterals()
            .iter()
            .map(|p| &p.reserve)
            .chain(self.borrows().iter().map(|p| &p.reserve))
    }

    pub fn position_count(&self) -> usize {
        usize::from(self.collateral_count) + usize::from(self.borrow_count)
    }

    pub fn has_debt(&self) -> bool {
        self.borrow_count > 0
    }

    pub fn find_collateral(&self, reserve: &Pubkey) -> Option<usize> {
        self.collaterals()
            .iter()
            .position(|p| p.reserve == *reserve)
    }

    pub fn find_borrow(&self, reserve: &Pubkey) -> Option<usize> {
        self.borrows().iter().position(|p| p.reserve == *reserve)
    }

    /// Pledges `amount` cTokens of `reserve`, opening a position if needed.
    pub fn deposit_collateral(&mut self, reserve: &Pubkey, amount: u64) -> Result<()> {
        require!(
            self.find_borrow(reserve).is_none(),
            BallastError::SameReserveCollateralAndDebt
        );
        let index = match self.find_collateral(reserve) {
            Some(i) => i,
            None => {
                self.ensure_room(usize::from(self.collateral_count) < MAX_COLLATERALS)?;
                let i = usize::from(self.collateral_count);
                self.collaterals[i] = CollateralPosition {
                    reserve: *reserve,
                    deposited_amount: 0,
                };
                self.collateral_count += 1;
                i
            }
        };
        let position = &mut self.collaterals[index];
        position.deposited_amount = position
            .deposited_amount
            .checked_add(amount)
            .or_overflow()?;
        Ok(())
    }

    /// Releases `amount` cTokens of `reserve`; closes the position when it reaches zero.
    pub fn withdraw_collateral(&mut self, reserve: &Pubkey, amount: u64) -> Result<()> {
        let index = self
            .find_collateral(reserve)
            .ok_or(BallastError::CollateralPositionNotFound)?;
        let position = &mut self.collaterals[index];
        require!(
            amount <= position.deposited_amount,
            BallastError::WithdrawTooLarge
        );
        position.deposited_amount -= amount;
        if position.deposited_amount == 0 {
            let count = usize::from(self.collateral_count);
            self.collaterals.copy_within(index + 1..count, index);
            self.collaterals[count - 1] = CollateralPosition::default();
            self.collateral_count -= 1;
        }
        Ok(())
    }

    /// Adds `amount` of debt to `reserve`'s position (opening one if needed), first growing the
    /// existing debt to `current_index`.
    pub fn add_debt(
        &mut self,
        reserve: &Pubkey,
        amount: Fixed,
        current_index: Fixed,
    ) -> Result<()> {
        require!(
            self.find_collateral(reserve).is_none(),
            BallastError::SameReserveCollateralAndDebt
        );
        let index = match self.find_borrow(reserve) {
            Some(i) => i,
            None => {
                self.ensure_room(usize::from(self.borrow_count) < MAX_BORROWS)?;
                let i = usize::from(self.borrow_count);
                self.borrows[i] = BorrowPosition {
                    reserve: *reserve,
                    borrowed_amount_sf: Sf::default(),
                    cumulative_borrow_index_sf: current_index.into(),
                };
                self.borrow_count += 1;
                i
            }
        };
        let position = &mut self.borrows[index];
        let debt = position.debt(current_index)?.checked_add(amount)?;
        position.borrowed_amount_sf.set(debt);
        position.cumulative_borrow_index_sf.set(current_index);
        Ok(())
    }

    /// Removes `amount` of debt from `reserve`'s position, grown to `current_index`; closes the
    /// position when nothing is left. Returns the debt before the repayment.
    pub fn remove_debt(
        &mut self,
        reserve: &Pubkey,
        amount: Fixed,
        current_index: Fixed,
    ) -> Result<Fixed> {
        let index = self
            .find_borrow(reserve)
            .ok_or(BallastError::BorrowPositionNotFound)?;
        let position = &mut self.borrows[index];
        let debt = position.debt(current_index)?;
        let left = debt.checked_sub(amount)?;
        if left.is_zero() {
            let count = usize::from(self.borrow_count);
            self.borrows.copy_within(index + 1..count, index);
            self.borrows[count - 1] = BorrowPosition::default();
            self.borrow_count -= 1;
        } else {
            position.borrowed_amount_sf.set(left);
            position.cumulative_borrow_index_sf.set(current_index);
        }
        Ok(debt)
    }

    fn ensure_room(&self, slot_free: bool) -> Result<()> {
        require!(
            slot_free && self.position_count() < MAX_POSITIONS,
            BallastError::ObligationPositionsFull
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Obligation {
        bytemuck::Zeroable::zeroed()
    }

    #[test]
    fn positions_stay_packed_and_ordered() {
        let mut o = empty();
        let keys: Vec<Pubkey> = (0..3).map(|_| Pubkey::new_unique()).collect();
        for (i, k) in keys.iter().enumerate() {
            o.deposit_collateral(k, 10 + i as u64).unwrap();
        }
        o.withdraw_collateral(&keys[0], 10).unwrap();
        let left: Vec<_> = o
            .collaterals()
            .iter()
            .map(|p| (p.reserve, p.deposited_amount))
            .collect();
        assert_eq!(left, vec![(keys[1], 11), (keys[2], 12)]);
        assert_eq!(o.collaterals[2], CollateralPosition::default());
        assert_eq!(
            o.withdraw_collateral(&keys[1], 12).unwrap_err(),
            BallastError::WithdrawTooLarge.into()
        );
        assert_eq!(
            o.withdraw_collateral(&keys[0], 1).unwrap_err(),
            BallastError::CollateralPositionNotFound.into()
        );
    }

    #[test]
    fn total_positions_are_capped() {
        let mut o = empty();
        for _ in 0..MAX_COLLATERALS {
            o.deposit_collateral(&Pubkey::new_unique(), 1).unwrap();
        }
        assert_eq!(
            o.deposit_collateral(&Pubkey::new_unique(), 1).unwrap_err(),
            BallastError::ObligationPositionsFull.into()
        );
        for _ in MAX_COLLATERALS..MAX_POSITIONS {
            o.add_debt(&Pubkey::new_unique(), Fixed::ONE, Fixed::ONE)
                .unwrap();
        }
        assert_eq!(o.position_count(), MAX_POSITIONS);
        assert_eq!(
            o.add_debt(&Pubkey::new_unique(), Fixed::ONE, Fixed::ONE)
                .unwrap_err(),
            BallastError::ObligationPositionsFull.into()
        );
    }

    #[test]
    fn collateral_and_debt_never_share_a_reserve() {
        let mut o = empty();
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        o.deposit_collateral(&a, 5).unwrap();
        o.add_debt(&b, Fixed::ONE, Fixed::ONE).unwrap();
        assert_eq!(
            o.add_debt(&a, Fixed::ONE, Fixed::ONE).unwrap_err(),
            BallastError::SameReserveCollateralAndDebt.into()
        );
        assert_eq!(
            o.deposit_collateral(&b, 1).unwrap_err(),
            BallastError::SameReserveCollateralAndDebt.into()
        );
    }

    #[test]
    fn debt_grows_with_the_index_and_rounds_up() {
        let mut o = empty();
        let r = Pubkey::new_unique();
        o.add_debt(&r, Fixed::from_u64(100), Fixed::ONE).unwrap();
        // Index up 1.5x: 100 -> 150; then borrow 10 more.
        let index = Fixed::from_bps(15_000);
        o.add_debt(&r, Fixed::from_u64(10), index).unwrap();
        assert_eq!(o.borrows()[0].debt(index).unwrap(), Fixed::from_u64(160));
        // Index / 3 makes the debt a repeating decimal: it must round up.
        let third = Fixed::from_raw(index.raw() + index.raw() / 3);
        let debt = o.borrows()[0].debt(third).unwrap();
        assert_eq!(debt.raw(), 213_333_333_333_333_333_334);
        // Repaying it all closes the position.
        let before = o.remove_debt(&r, debt, third).unwrap();
        assert_eq!(before, debt);
        assert_eq!(o.borrow_count, 0);
        assert_eq!(o.borrows[0], BorrowPosition::default());
    }
}
