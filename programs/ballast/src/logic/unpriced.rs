//! Collateral whose oracle is unusable now (stale, too wide, not trading): what a liquidation
//! does with it. Each reserve remembers its last usable price; at that price a position is
//! either dust, left out of the liquidation, or worth waiting for.
use {
    super::{Health, ReservePricing},
    crate::{
        errors::BallastError,
        math::Fixed,
        oracle::OraclePrice,
        state::{Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    std::borrow::Cow,
};

/// A collateral reserve whose oracle gives no usable price now (stale, too wide, not
/// trading...): priced at its last usable price instead (zero when it never had one), and why.
/// Liquidation tells dust, which it leaves out, from a position worth waiting for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unpriced {
    pub pricing: ReservePricing,
    pub error: BallastError,
}

impl Unpriced {
    /// `reserve` (at `key`) at its last usable price, interest projected to `now`.
    pub fn new(key: Pubkey, reserve: &Reserve, error: BallastError, now: i64) -> Result<Self> {
        let last = reserve.last_price_sf.get();
        let price = OraclePrice {
            spot: last,
            ema: last,
            publish_time: reserve.last_oracle_publish_time,
            prev_publish_time: reserve.last_oracle_publish_time,
            ..OraclePrice::default()
        };
        Ok(Unpriced {
            pricing: ReservePricing::new(key, reserve, price, now)?,
            error,
        })
    }
}

/// `obligation` as liquidation counts it: without the collateral positions in `unpriced` worth
/// less than `dust_value` at their last usable price. Refuses while the seized collateral
/// (`withdraw`, if one is chosen) has no usable price (with its oracle's error), or another
/// unpriced position is worth `dust_value` or more, or never had a usable price
/// (`CollateralPriceUnavailable`).
pub fn counted_positions<'a>(
    obligation: &'a Obligation,
    unpriced: &[Unpriced],
    withdraw: Option<&Pubkey>,
    dust_value: Fixed,
) -> Result<Cow<'a, Obligation>> {
    for u in unpriced {
        let key = &u.pricing.reserve;
        let Some(index) = obligation.find_collateral(key) else {
            continue;
        };
        if Some(key) == withdraw {
            return Err(u.error.into());
        }
        let deposited = obligation.collaterals()[index].deposited_amount;
        let dust =
            !u.pricing.price.spot.is_zero() && u.pricing.collateral_value(deposited)? < dust_value;
        require!(dust, BallastError::CollateralPriceUnavailable);
    }
    without_unpriced(obligation, unpriced)
}

/// An obligation's positions as read for its borrow limit: `priced` those with a usable price,
/// `unpriced` the collateral without one, which counts as worth nothing (a stale minor feed
/// does not freeze its owner, and cannot lend him anything).
#[derive(Clone, Copy, Debug)]
pub struct Priced<'a> {
    pub priced: &'a [ReservePricing],
    pub unpriced: &'a [Unpriced],
}

impl<'a> Priced<'a> {
    /// Every position with a usable price.
    pub fn all(priced: &'a [ReservePricing]) -> Self {
        Priced {
            priced,
            unpriced: &[],
        }
    }

    /// `obligation`'s health with the unpriced collateral counted as nothing.
    pub fn health(&self, obligation: &Obligation) -> Result<Health> {
        if self.unpriced.is_empty() {
            // The usual case, without copying the obligation.
            return Health::of(obligation, self.priced);
        }
        Health::of(&*without_unpriced(obligation, self.unpriced)?, self.priced)
    }

    /// Requires `obligation` within its borrow limit with the unpriced collateral counted as
    /// nothing. When it is not and some collateral is unpriced, the error is that price's (the
    /// stale feed is what the owner can wait out), not `ObligationUnhealthy`. Whatever the
    /// limit, a position whose reserve's price sources disagree refuses the action
    /// (`OracleSourcesDiverge`): one of them is wrong, and nobody knows which.
    pub fn require_within_borrow_limit(&self, obligation: &Obligation) -> Result<()> {
        require!(
            !self.priced.iter().any(|p| p.price.diverged),
            BallastError::OracleSourcesDiverge
        );
        if self.health(obligation)?.is_within_borrow_limit() {
            return Ok(());
        }
        match self.unpriced.first() {
            Some(u) => Err(u.error.into()),
            None => err!(BallastError::ObligationUnhealthy),
        }
    }
}

/// `obligation` without its collateral positions in `unpriced`: that collateral counted as
/// worth nothing (what an off-chain view of health can say about it before a liquidation
/// decides whether it is dust).
pub fn without_unpriced<'a>(
    obligation: &'a Obligation,
    unpriced: &[Unpriced],
) -> Result<Cow<'a, Obligation>> {
    // No copy when everything is priced (the usual case).
    if unpriced.is_empty() {
        return Ok(Cow::Borrowed(obligation));
    }
    let mut counted = *obligation;
    for u in unpriced {
        let key = &u.pricing.reserve;
        if let Some(index) = counted.find_collateral(key) {
            let deposited = counted.collaterals()[index].deposited_amount;
            counted.withdraw_collateral(key, deposited)?;
        }
    }
    Ok(Cow::Owned(counted))
}

#[cfg(test)]
mod tests {
    use {
        super::{
            super::{
                fixtures::*,
                liquidate::{liquidate, Held, Order, Outcome},
            },
            *,
        },
        crate::state::{LiquidationPayout, MarketConfig},
        bytemuck::bytes_of,
    };

    /// 10 SOL (at `sol` USD) and `bonk` units of BONK pledged against 700 USDC. BONK's oracle is
    /// unusable now (stale) and its last usable price was `bonk_last` USD (0: it never had one),
    /// unless `bonk_priced`, when it is priced at $1 like any position.
    struct World {
        obligation: Obligation,
        sol: Reserve,
        usdc: Reserve,
        bonk: Reserve,
        keys: [Pubkey; 3],
        pricing: Vec<ReservePricing>,
        unpriced: Vec<Unpriced>,
    }

    fn world(sol: u64, bonk: u64, bonk_last: u64) -> World {
        let keys = [0; 3].map(|_| Pubkey::new_unique());
        let (sol_reserve, mut usdc, mut bonk_reserve) = (
            reserve(tokens(1_000)),
            reserve(tokens(100_000)),
            reserve(tokens(1_000)),
        );
        usdc.liquidity
            .borrowed_amount_sf
            .set(Fixed::from_u64(tokens(700)));
        bonk_reserve.last_price_sf.set(Fixed::from_u64(bonk_last));
        let mut obligation = pledged(&keys[0], tokens(10));
        obligation.deposit_collateral(&keys[2], bonk).unwrap();
        obligation
            .add_debt(&keys[1], Fixed::from_u64(tokens(700)), Fixed::ONE)
            .unwrap();
        World {
            pricing: vec![
                pricing(keys[0], &sol_reserve, usd(sol, sol)),
                pricing(keys[1], &usdc, usd(1, 1)),
            ],
            unpriced: vec![Unpriced::new(
                keys[2],
                &bonk_reserve,
                BallastError::OraclePriceStale,
                0,
            )
            .unwrap()],
            obligation,
            sol: sol_reserve,
            usdc,
            bonk: bonk_reserve,
            keys,
        }
    }

    /// Repays as much USDC as the rules allow for SOL cTokens, at `now`.
    fn run(w: &mut World, now: i64) -> Result<Outcome> {
        liquidate(
            &mut w.obligation,
            Held {
                key: w.keys[1],
                reserve: &mut w.usdc,
            },
            Held {
                key: w.keys[0],
                reserve: &mut w.sol,
            },
            &mut [],
            &w.pricing,
            &w.unpriced,
            &Order {
                max_repay: u64::MAX,
                min_payout: 0,
                payout: LiquidationPayout::Collateral,
            },
            &MarketConfig::default(),
            now,
        )
    }

    fn bytes(w: &World) -> Vec<u8> {
        [bytes_of(&w.obligation), bytes_of(&w.sol), bytes_of(&w.usdc)].concat()
    }

    #[test]
    fn dust_without_a_price_is_left_out_and_the_liquidation_goes_on() {
        // BONK: 0.999999 tokens at a last price of $1 is under the market's $1 dust value. The
        // liquidation is the one with no BONK at all: $850 of SOL x 80% against $700, half the
        // debt repaid for 4,235,294 SOL units, 4,223,529 to the liquidator.
        let mut w = world(85, 999_999, 1);
        let done = run(&mut w, 0).unwrap();
        assert_eq!(done.plan.repay_amount, tokens(350));
        assert_eq!(done.plan.seized_collateral, 4_235_294);
        assert_eq!(done.payout_amount, 4_223_529);
        // BONK was neither valued nor seized.
        assert_eq!(
            done.plan.health_before.collateral_value,
            Fixed::from_u64(850)
        );
        assert_eq!(w.obligation.collaterals()[1].reserve, w.keys[2]);
        assert_eq!(w.obligation.collaterals()[1].deposited_amount, 999_999);
        assert!(done.written_off.is_empty());
    }

    #[test]
    fn a_position_worth_the_dust_value_or_more_makes_the_liquidation_wait() {
        // Exactly $1 at its last price: not dust. Nothing moves.
        let mut w = world(85, 1_000_000, 1);
        let before = bytes(&w);
        assert_eq!(
            run(&mut w, 0).unwrap_err(),
            BallastError::CollateralPriceUnavailable.into()
        );
        assert_eq!(bytes(&w), before);
        // A reserve that never had a usable price cannot be judged dust, however small.
        let mut w = world(85, 1, 0);
        assert_eq!(
            run(&mut w, 0).unwrap_err(),
            BallastError::CollateralPriceUnavailable.into()
        );
    }

    #[test]
    fn the_seized_collateral_must_have_a_usable_price() {
        let mut w = world(85, 999_999, 1);
        let sol = Unpriced::new(w.keys[0], &w.sol, BallastError::OracleConfidenceTooWide, 0);
        w.unpriced = vec![sol.unwrap()];
        w.pricing.remove(0);
        let before = bytes(&w);
        assert_eq!(
            run(&mut w, 0).unwrap_err(),
            BallastError::OracleConfidenceTooWide.into()
        );
        assert_eq!(bytes(&w), before);
    }

    #[test]
    fn taking_the_last_priced_collateral_writes_off_the_debt_beside_the_dust() {
        // SOL at $60: $600 against $700, no equity, so no bonus. All 10 SOL go for 600 USDC and
        // the 100 USDC left is written off at once; BONK dust stays where it was.
        let mut w = world(60, 999_999, 1);
        let done = run(&mut w, 0).unwrap();
        assert_eq!(done.plan.repay_amount, tokens(600));
        assert_eq!(done.plan.seized_collateral, tokens(10));
        assert_eq!(done.written_off.len(), 1);
        assert_eq!(done.written_off[0].debt, Fixed::from_u64(tokens(100)));
        assert_eq!(w.obligation.borrow_count, 0);
        assert_eq!(w.obligation.collateral_count, 1);
        assert_eq!(w.obligation.collaterals()[0].deposited_amount, 999_999);
        assert_eq!(w.usdc.liquidity.borrowed(), Fixed::ZERO);
        // Suppliers: 100,000 + 600 repaid, the 100 lost.
        assert_eq!(
            w.usdc.liquidity.total_supply().unwrap(),
            Fixed::from_u64(tokens(100_600))
        );
    }

    #[test]
    fn only_the_debts_and_the_seized_collateral_wait_out_a_grace_period() {
        // BONK is priced ($1 x 2 tokens) but its feed came back at 10,000 from a 1,000 s gap:
        // the grace period runs to 10,900, and it is neither seized nor owed, so no wait.
        let mut w = world(85, tokens(2), 1);
        w.unpriced.clear();
        let recovering = OraclePrice {
            publish_time: 10_000,
            prev_publish_time: 9_000,
            ..usd(1, 1)
        };
        w.pricing.push(pricing(w.keys[2], &w.bonk, recovering));
        let done = run(&mut w, 10_100).unwrap();
        // $852 x 80% = $681.6 against $700: half repaid.
        assert_eq!(done.plan.repay_amount, tokens(350));
        // The same recovery on the seized SOL waits.
        let mut w = world(85, tokens(2), 1);
        w.unpriced.clear();
        w.pricing.push(pricing(w.keys[2], &w.bonk, usd(1, 1)));
        w.pricing[0].price.publish_time = 10_000;
        w.pricing[0].price.prev_publish_time = 9_000;
        assert_eq!(
            run(&mut w, 10_100).unwrap_err(),
            BallastError::LiquidationGracePeriod.into()
        );
    }
}
