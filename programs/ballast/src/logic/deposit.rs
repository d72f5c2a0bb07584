//! Supplying liquidity for cTokens and redeeming them. Both round toward the pool.
use {
    super::{accrue, settle},
    crate::{
        errors::{BallastError, OrOverflow},
        math::Fixed,
        state::{Obligation, Reserve, ReserveConfig, ReserveLiquidity},
    },
    anchor_lang::prelude::*,
};

/// The whole `deposit` (and `supply`) on the reserve: accrues it to `now`, adds `amount` (what
/// the vault received) to the pool and checks its invariants; returns the cTokens minted.
pub fn deposit_liquidity(reserve: &mut Reserve, amount: u64, now: i64) -> Result<u64> {
    accrue(reserve, now)?;
    let collateral = deposit(&mut reserve.liquidity, &reserve.config, amount)?;
    settle(reserve)?;
    Ok(collateral)
}

/// The whole `redeem` on the reserve: accrues it to `now`, burns `collateral` cTokens, counts
/// the liquidity paid against the outflow limit and checks the invariants; returns that
/// liquidity.
pub fn redeem_collateral(reserve: &mut Reserve, collateral: u64, now: i64) -> Result<u64> {
    accrue(reserve, now)?;
    let amount = redeem(&mut reserve.liquidity, collateral)?;
    reserve.record_outflow(amount, now)?;
    settle(reserve)?;
    Ok(amount)
}

/// Pledges `amount` cTokens of `reserve` (at `key`) to `obligation`: the position must reach
/// the reserve's minimum (`check_collateral_size`).
pub fn pledge(
    obligation: &mut Obligation,
    key: &Pubkey,
    reserve: &Reserve,
    amount: u64,
) -> Result<()> {
    let held = obligation
        .find_collateral(key)
        .map_or(0, |i| obligation.collaterals()[i].deposited_amount);
    check_collateral_size(reserve, held.checked_add(amount).or_overflow()?)?;
    super::emode::require_member(obligation.emode_group, reserve.config.emode_groups)?;
    obligation.deposit_collateral(key, amount)
}

/// A collateral position of `deposited` cTokens of `reserve`, after its owner pledged or took
/// out some, must be empty or worth at least the reserve's `min_collateral_amount` of
/// liquidity: nobody can hold dust that every liquidation of theirs would have to price.
pub fn check_collateral_size(reserve: &Reserve, deposited: u64) -> Result<()> {
    let min = reserve.config.min_collateral_amount;
    require!(
        deposited == 0
            || min == 0
            || reserve.liquidity.collateral_to_liquidity(deposited)? >= Fixed::from_u64(min),
        BallastError::CollateralBelowMinimum
    );
    Ok(())
}

/// Adds `amount` of liquidity to the pool; returns the cTokens minted for it, rounded down.
pub fn deposit(
    liquidity: &mut ReserveLiquidity,
    config: &ReserveConfig,
    amount: u64,
) -> Result<u64> {
    require!(amount > 0, BallastError::ZeroAmount);
    let collateral = liquidity.liquidity_to_collateral(amount)?;
    require!(collateral > 0, BallastError::AmountTooSmall);
    require!(
        liquidity
            .total_supply()?
            .checked_add(Fixed::from_u64(amount))?
            <= Fixed::from_u64(config.deposit_cap),
        BallastError::DepositCapExceeded
    );
    let supply = liquidity
        .collateral_supply
        .checked_add(collateral)
        .or_overflow()?;
    liquidity.add_available(amount)?;
    liquidity.collateral_supply = supply;
    Ok(collateral)
}

/// Burns `collateral` cTokens; returns the liquidity paid out for them, rounded down.
pub fn redeem(liquidity: &mut ReserveLiquidity, collateral: u64) -> Result<u64> {
    require!(collateral > 0, BallastError::ZeroAmount);
    let value = liquidity.collateral_to_liquidity(collateral)?;
    // Checked before converting: more than the pool holds is that, not an overflow.
    require!(
        value <= Fixed::from_u64(liquidity.available_amount),
        BallastError::InsufficientLiquidity
    );
    let amount = value.to_floor()?;
    require!(amount > 0, BallastError::AmountTooSmall);
    let supply = liquidity
        .collateral_supply
        .checked_sub(collateral)
        .or_overflow()?;
    liquidity.remove_available(amount)?;
    liquidity.collateral_supply = supply;
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use {super::*, crate::state::sample_reserve_config, proptest::prelude::*};

    /// A pool whose exchange rate is `total / supply`, with `borrowed` of the total lent out.
    fn pool(total: u64, supply: u64, borrowed: u64) -> ReserveLiquidity {
        let mut l = ReserveLiquidity {
            available_amount: total - borrowed,
            collateral_supply: supply,
            ..Default::default()
        };
        l.borrowed_amount_sf.set(Fixed::from_u64(borrowed));
        l.cumulative_borrow_index_sf.set(Fixed::ONE);
        l
    }

    /// 1,000 units supplied for 1,000 cTokens, 500 of them lent at the sample curve (5% a
    /// year at 50%), a year ago.
    fn lent_a_year_ago() -> Reserve {
        let mut r = crate::logic::fixtures::reserve(500);
        r.liquidity.collateral_supply = 1_000;
        r.liquidity.borrowed_amount_sf.set(Fixed::from_u64(500));
        r
    }

    const YEAR: i64 = 365 * 86_400;

    #[test]
    fn deposit_and_redeem_are_at_the_rate_after_interest() {
        // The debt grows to 500 x (1 + 5% a year, per second)^year = 525.64, so 1,025.64
        // of liquidity (less the protocol's 10% of the interest, 2.56) backs the 1,000 cTokens.
        let mut r = lent_a_year_ago();
        let minted = deposit_liquidity(&mut r, 1_023, YEAR).unwrap();
        let mut accrued = lent_a_year_ago();
        crate::logic::accrue_interest(&mut accrued.liquidity, &accrued.config, YEAR).unwrap();
        assert_eq!(accrued.liquidity.borrowed().to_floor().unwrap(), 525);
        // At a rate above 1.023 per cToken, 1,023 units buy 999 cTokens, not 1,023.
        assert_eq!(minted, 999);
        assert_eq!(
            minted,
            deposit(&mut accrued.liquidity, &accrued.config, 1_023).unwrap()
        );
        assert_eq!(r.liquidity, accrued.liquidity);
        assert_eq!(r.liquidity.last_update_ts, YEAR);

        // Redeeming 999 cTokens later pays back no more than was put in.
        let paid = redeem_collateral(&mut r, 999, YEAR).unwrap();
        assert_eq!(paid, 1_022);
        assert_eq!(r.liquidity.collateral_supply, 1_000);
    }

    #[test]
    fn redeem_counts_against_the_outflow_limit_and_waits_for_a_flash_loan() {
        // (On a refusal the runtime discards the transaction's writes; each case starts anew.)
        let limited = || {
            let mut r = lent_a_year_ago();
            r.config.outflow_limit = 100;
            r
        };
        assert_eq!(
            redeem_collateral(&mut limited(), 101, 0),
            Err(BallastError::OutflowLimitExceeded.into())
        );
        let mut r = limited();
        assert_eq!(redeem_collateral(&mut r, 100, 0), Ok(100));
        assert_eq!(r.outflow_in_window, 100);
        assert_eq!(r.liquidity.available_amount, 400);
        assert_eq!(
            redeem_collateral(&mut r, 1, 0),
            Err(BallastError::OutflowLimitExceeded.into())
        );

        let mut lent = lent_a_year_ago();
        lent.flash_loan_outstanding = 1;
        assert_eq!(
            redeem_collateral(&mut lent, 1, 0),
            Err(BallastError::FlashLoanActive.into())
        );
    }

    #[test]
    fn deposit_mints_at_the_exchange_rate_rounded_down() {
        // 3 liquidity per 2 cTokens: 100 liquidity buys 66.66 -> 66 cTokens.
        let mut l = pool(3_000, 2_000, 1_000);
        assert_eq!(deposit(&mut l, &sample_reserve_config(), 100).unwrap(), 66);
        assert_eq!(l.available_amount, 2_100);
        assert_eq!(l.collateral_supply, 2_066);
    }

    #[test]
    fn a_withdrawal_of_liquidity_burns_the_ctokens_rounded_up() {
        // 3 liquidity per 2 cTokens: 100 liquidity needs 66.67 -> 67 cTokens, which redeem for
        // 100.5 -> 100: at least what was asked, never less.
        let l = pool(3_000, 2_000, 1_000);
        assert_eq!(l.liquidity_to_collateral_ceil(100).unwrap(), 67);
        assert_eq!(redeem(&mut l.clone(), 67).unwrap(), 100);
        assert_eq!(l.liquidity_to_collateral_ceil(99).unwrap(), 66);
        assert_eq!(redeem(&mut l.clone(), 66).unwrap(), 99);
        // An exact multiple needs no rounding.
        assert_eq!(l.liquidity_to_collateral_ceil(300).unwrap(), 200);
    }

    #[test]
    fn redeem_pays_at_the_exchange_rate_rounded_down() {
        let mut l = pool(3_000, 2_000, 1_000);
        // 67 cTokens are worth 100.5 -> 100.
        assert_eq!(redeem(&mut l, 67).unwrap(), 100);
        assert_eq!(l.available_amount, 1_900);
        assert_eq!(l.collateral_supply, 1_933);
    }

    #[test]
    fn amounts_that_round_to_nothing_are_refused() {
        let mut l = pool(3_000, 1_000, 0);
        let before = l;
        let config = sample_reserve_config();
        assert_eq!(
            deposit(&mut l, &config, 2).unwrap_err(),
            BallastError::AmountTooSmall.into()
        );
        assert_eq!(
            deposit(&mut l, &config, 0).unwrap_err(),
            BallastError::ZeroAmount.into()
        );
        let mut thin = pool(1_000, 3_000, 0);
        assert_eq!(
            redeem(&mut thin, 2).unwrap_err(),
            BallastError::AmountTooSmall.into()
        );
        assert_eq!(l, before);
    }

    #[test]
    fn redeem_is_limited_by_available_liquidity() {
        let mut l = pool(1_000, 1_000, 900);
        assert_eq!(
            redeem(&mut l, 101).unwrap_err(),
            BallastError::InsufficientLiquidity.into()
        );
        assert_eq!(redeem(&mut l, 100).unwrap(), 100);
    }

    #[test]
    fn deposit_cap_is_enforced_to_the_unit() {
        let config = ReserveConfig {
            deposit_cap: 1_500,
            ..sample_reserve_config()
        };
        let mut l = pool(1_000, 1_000, 0);
        assert_eq!(
            deposit(&mut l, &config, 501).unwrap_err(),
            BallastError::DepositCapExceeded.into()
        );
        assert_eq!(deposit(&mut l, &config, 500).unwrap(), 500);
    }

    proptest! {
        /// Deposit then redeem everything minted never returns more than was put in, and the
        /// exchange rate never falls.
        #[test]
        fn round_trip_never_profits(
            total in 1_000u64..1_000_000_000_000,
            supply_ratio_bps in 5_000u64..20_000,
            amount in 1u64..1_000_000_000_000,
        ) {
            let supply = (total as u128 * 10_000 / supply_ratio_bps as u128) as u64;
            let mut l = pool(total, supply.max(1), 0);
            let rate_before = l.exchange_rate().unwrap();
            let config = sample_reserve_config();
            if let Ok(minted) = deposit(&mut l, &config, amount) {
                prop_assert!(l.exchange_rate().unwrap() >= rate_before);
                if let Ok(back) = redeem(&mut l, minted) {
                    prop_assert!(back <= amount);
                }
                prop_assert!(l.exchange_rate().unwrap() >= rate_before);
            }
        }
    }

    #[test]
    fn a_pledge_must_bring_the_position_to_the_minimum() {
        // Minimum 5 units of liquidity; cTokens worth 1.25 units each (1,250 for 1,000).
        let mut reserve = crate::logic::fixtures::reserve(1_000);
        reserve.liquidity = pool(1_250, 1_000, 0);
        reserve.config.min_collateral_amount = 5;
        let key = Pubkey::new_unique();
        let mut o = <Obligation as bytemuck::Zeroable>::zeroed();
        // 3 cTokens are 3.75 units: refused, and no position opened.
        assert_eq!(
            pledge(&mut o, &key, &reserve, 3).unwrap_err(),
            BallastError::CollateralBelowMinimum.into()
        );
        assert_eq!(o.collateral_count, 0);
        pledge(&mut o, &key, &reserve, 4).unwrap();
        assert_eq!(o.collaterals()[0].deposited_amount, 4);
        // Once there, any top-up is fine; with no minimum, one unit is.
        pledge(&mut o, &key, &reserve, 1).unwrap();
        assert_eq!(o.collaterals()[0].deposited_amount, 5);
        reserve.config.min_collateral_amount = 0;
        let mut o = <Obligation as bytemuck::Zeroable>::zeroed();
        pledge(&mut o, &key, &reserve, 1).unwrap();
        assert_eq!(check_collateral_size(&reserve, 1), Ok(()));
    }
}
