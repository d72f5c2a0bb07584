//! Taking pledged collateral out of an obligation: as cTokens (`withdraw_collateral`) or
//! redeemed for liquidity (`withdraw`). One rule for both: with debt, the obligation must stay
//! within its borrow limit, the withdrawn collateral's own loan-to-value counting (the Port bug).
use {
    super::{
        accrue,
        deposit::{check_collateral_size, redeem},
        prices::observe_price,
        settle,
        unpriced::Priced,
    },
    crate::{
        errors::BallastError,
        state::{MarketConfig, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// Removes up to `requested` cTokens (`u64::MAX`: all) of `obligation`'s collateral in
/// `reserve_key` (whose state is `reserve`) and returns how many. What is left must be none or
/// the reserve's minimum. With debt, `pricing` prices every position (collateral whose price is
/// unusable counting as nothing), and the obligation must be within its borrow limit
/// afterwards; without debt it is `None`.
pub fn withdraw_collateral(
    obligation: &mut Obligation,
    reserve_key: &Pubkey,
    reserve: &Reserve,
    requested: u64,
    pricing: Option<Priced>,
) -> Result<u64> {
    require!(requested > 0, BallastError::ZeroAmount);
    let index = obligation
        .find_collateral(reserve_key)
        .ok_or(BallastError::CollateralPositionNotFound)?;
    let amount = match requested {
        u64::MAX => obligation.collaterals[index].deposited_amount,
        n => n,
    };
    let left = obligation.collaterals[index]
        .deposited_amount
        .saturating_sub(amount);
    check_collateral_size(reserve, left)?;
    obligation.withdraw_collateral(reserve_key, amount)?;
    if let Some(pricing) = pricing {
        pricing.require_within_borrow_limit(obligation)?;
    }
    Ok(amount)
}

/// What `withdraw` took out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    /// cTokens taken from the obligation and burned.
    pub collateral: u64,
    /// Liquidity paid out for them.
    pub liquidity: u64,
}

/// The whole `withdraw` instruction on state: accrues `reserve`, records its price when it was
/// read, takes the collateral out (`withdraw_collateral`'s rule), redeems it, and counts the
/// outflow.
pub fn withdraw(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    requested: u64,
    pricing: Option<Priced>,
    market: &MarketConfig,
    now: i64,
) -> Result<Withdrawn> {
    accrue(reserve, now)?;
    if let Some(own) = pricing
        .iter()
        .flat_map(|p| p.priced)
        .find(|p| p.reserve == *reserve_key)
    {
        observe_price(reserve, &own.price, market.oracle_outage_threshold_secs);
    }
    let collateral = withdraw_collateral(obligation, reserve_key, reserve, requested, pricing)?;
    let liquidity = redeem(&mut reserve.liquidity, collateral)?;
    reserve.record_outflow(liquidity, now)?;
    settle(reserve)?;
    Ok(Withdrawn {
        collateral,
        liquidity,
    })
}

#[cfg(test)]
mod tests {
    use {
        super::{
            super::{fixtures::*, Health, ReservePricing, Unpriced},
            *,
        },
        crate::{errors::BallastError, math::Fixed},
    };

    /// 100 SOL ($100, LTV 75%) pledged against `debt` USDC ($1): borrow limit $7,500.
    fn setup(debt: u64) -> (Obligation, [ReservePricing; 2], Reserve, Pubkey) {
        let (sol_key, usdc_key) = (Pubkey::new_unique(), Pubkey::new_unique());
        let sol = reserve(tokens(1_000));
        let usdc = reserve(tokens(100_000));
        let mut o = pledged(&sol_key, tokens(100));
        if debt > 0 {
            o.add_debt(&usdc_key, Fixed::from_u64(debt), Fixed::ONE)
                .unwrap();
        }
        let pricing = [
            pricing(sol_key, &sol, usd(100, 100)),
            pricing(usdc_key, &usdc, usd(1, 1)),
        ];
        (o, pricing, sol, sol_key)
    }

    #[test]
    fn without_debt_any_amount_up_to_the_position_and_max_means_all() {
        let (mut o, _, r, sol) = setup(0);
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, tokens(100) + 1, None).unwrap_err(),
            BallastError::WithdrawTooLarge.into()
        );
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, tokens(40), None),
            Ok(tokens(40))
        );
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, u64::MAX, None),
            Ok(tokens(60))
        );
        assert_eq!(o.collateral_count, 0);
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, 1, None).unwrap_err(),
            BallastError::CollateralPositionNotFound.into()
        );
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, 0, None).unwrap_err(),
            BallastError::ZeroAmount.into()
        );
    }

    #[test]
    fn what_is_left_is_none_or_at_least_the_minimum() {
        // Minimum 10 SOL; cSOL worth 1.1 SOL each: 9,090,910 cTokens are 10.000001 SOL.
        let (mut o, _, mut r, sol) = setup(0);
        r.config.min_collateral_amount = tokens(10);
        r.liquidity.available_amount = tokens(1_100);
        let keep = |o: &Obligation| o.collaterals()[0].deposited_amount;
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, tokens(100) - 9_090_909, None).unwrap_err(),
            BallastError::CollateralBelowMinimum.into()
        );
        assert_eq!(keep(&o), tokens(100));
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, tokens(100) - 9_090_910, None),
            Ok(tokens(100) - 9_090_910)
        );
        assert_eq!(keep(&o), 9_090_910);
        // All of it is always allowed.
        assert_eq!(
            withdraw_collateral(&mut o, &sol, &r, u64::MAX, None),
            Ok(9_090_910)
        );
        assert_eq!(o.collateral_count, 0);
    }

    #[test]
    fn with_debt_the_borrow_limit_holds_to_the_unit() {
        // $6,000 of debt needs $8,000 of SOL at 75%: 20 SOL may go, 20 SOL + 1 unit may not.
        let (o, pricing, r, sol) = setup(tokens(6_000));
        assert_eq!(
            withdraw_collateral(
                &mut o.clone(),
                &sol,
                &r,
                tokens(20) + 1,
                Some(Priced::all(&pricing))
            )
            .unwrap_err(),
            BallastError::ObligationUnhealthy.into()
        );
        let mut after = o;
        assert_eq!(
            withdraw_collateral(
                &mut after,
                &sol,
                &r,
                tokens(20),
                Some(Priced::all(&pricing))
            ),
            Ok(tokens(20))
        );
        assert_eq!(after.collaterals()[0].deposited_amount, tokens(80));
        // Exactly at the limit: $8,000 x 75% = $6,000.
        assert_eq!(
            Health::of(&after, &pricing).unwrap().borrow_limit,
            Fixed::from_u64(6_000)
        );
    }

    #[test]
    fn withdraw_redeems_at_the_exchange_rate_and_counts_the_outflow() {
        let (mut o, pricing, mut r, sol) = setup(tokens(6_000));
        // Suppliers' claim 1,100 SOL for 1,000 cSOL: each cToken is worth 1.1 SOL.
        r.liquidity.available_amount = tokens(1_100);
        r.config.outflow_limit = tokens(22);
        let market = MarketConfig::default();
        let done = withdraw(
            &mut r,
            &sol,
            &mut o,
            tokens(20),
            Some(Priced::all(&pricing)),
            &market,
            0,
        );
        assert_eq!(
            done,
            Ok(Withdrawn {
                collateral: tokens(20),
                liquidity: tokens(22),
            })
        );
        assert_eq!(r.liquidity.available_amount, tokens(1_078));
        assert_eq!(r.liquidity.collateral_supply, tokens(980));
        assert_eq!(r.outflow_in_window, tokens(22));
        // The window is used up: one more unit of liquidity is refused.
        let mut o = pledged(&sol, tokens(1));
        assert_eq!(
            withdraw(&mut r, &sol, &mut o, 1, None, &market, 1).unwrap_err(),
            BallastError::OutflowLimitExceeded.into()
        );
    }

    #[test]
    fn withdraw_records_the_reserves_fresh_price() {
        let (mut o, mut pricing, mut r, sol) = setup(tokens(1_000));
        pricing[0].price.publish_time = 5_000;
        pricing[0].price.prev_publish_time = 4_000; // a 1,000 s gap: an outage ended at 5,000
        let market = MarketConfig::default();
        withdraw(
            &mut r,
            &sol,
            &mut o,
            tokens(1),
            Some(Priced::all(&pricing)),
            &market,
            5_000,
        )
        .unwrap();
        assert_eq!(r.last_oracle_publish_time, 5_000);
        assert_eq!(r.oracle_recovered_at, 5_000);
    }

    #[test]
    fn collateral_without_a_usable_price_counts_as_nothing() {
        // 100 SOL ($7,500 of limit) and 50 JUP whose feed is stale, against 6,000 USDC. JUP
        // counts as nothing: 20 SOL may still go; 1 unit more may not, refused with the stale
        // price's error (what stands in the way); JUP itself may go, as taking it lowers no
        // limit.
        let (mut o, pricing, r, sol) = setup(tokens(6_000));
        let jup_key = Pubkey::new_unique();
        let jup = reserve(tokens(1_000));
        o.deposit_collateral(&jup_key, tokens(50)).unwrap();
        let stale = [Unpriced::new(jup_key, &jup, BallastError::OraclePriceStale, 0).unwrap()];
        let priced = Priced {
            priced: &pricing,
            unpriced: &stale,
        };
        assert_eq!(
            withdraw_collateral(&mut o.clone(), &sol, &r, tokens(20) + 1, Some(priced))
                .unwrap_err(),
            BallastError::OraclePriceStale.into()
        );
        assert_eq!(
            withdraw_collateral(&mut o.clone(), &sol, &r, tokens(20), Some(priced)),
            Ok(tokens(20))
        );
        assert_eq!(
            withdraw_collateral(&mut o, &jup_key, &jup, u64::MAX, Some(priced)),
            Ok(tokens(50))
        );
        // Without the unpriced list, a position with no price is an error, not a zero.
        assert_eq!(
            Priced::all(&pricing)
                .health(&pledged(&jup_key, 1))
                .unwrap_err(),
            BallastError::MissingPositionAccounts.into()
        );
    }
}
