//! The program's operations run off chain, on copies of the state: the most a user may borrow or
//! withdraw, and the liquidation that pays a liquidator most. Every answer is what the program
//! itself would do with the same state, prices and time: its `logic` functions are called, not
//! copied.
use {
    crate::{health::ObligationHealth, ClientError},
    ballast::{
        logic::{
            self,
            liquidate::{Held, Order, Outcome},
            unpriced::Priced,
            ReservePricing, Unpriced,
        },
        math::Fixed,
        state::{LiquidationPayout, Reserve},
    },
    solana_sdk::pubkey::Pubkey,
};

/// Interest moves debt and collateral while a transaction is on its way: a maximum is one that
/// the program accepts both now and this many seconds later.
pub const MAX_HORIZON_SECS: i64 = 60;

impl ObligationHealth {
    fn reserve(&self, key: &Pubkey) -> Result<&Reserve, ClientError> {
        self.reserves
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r)
            .ok_or(ClientError::UnknownReserve(*key))
    }

    /// Every reserve priced at its current price with interest projected to `now`, for the
    /// obligation's e-mode group.
    pub fn pricing_at(&self, now: i64) -> Result<Vec<ReservePricing>, ClientError> {
        let mut pricing = self
            .pricing
            .iter()
            .map(|p| {
                Ok(ReservePricing::new(
                    p.reserve,
                    self.reserve(&p.reserve)?,
                    p.price,
                    now,
                )?)
            })
            .collect::<Result<Vec<_>, ClientError>>()?;
        let (group, groups) = (self.obligation.emode_group, &self.market.emode_groups);
        logic::emode::apply(&mut pricing, group, groups, now)?;
        Ok(pricing)
    }

    /// The unpriced collateral at its last usable price with interest projected to `now`.
    fn unpriced_at(&self, now: i64) -> Result<Vec<Unpriced>, ClientError> {
        self.unpriced
            .iter()
            .map(|u| {
                let key = u.pricing.reserve;
                Ok(Unpriced {
                    pricing: ReservePricing::new(key, self.reserve(&key)?, u.pricing.price, now)?,
                    error: u.error,
                })
            })
            .collect()
    }

    /// The most `reserve`'s liquidity the obligation may borrow (its origination fee included
    /// in the debt), accepted at `now` and `MAX_HORIZON_SECS` later; 0 when nothing can be.
    pub fn max_borrow(&self, reserve: &Pubkey, now: i64) -> Result<u64, ClientError> {
        let state = self.reserve(reserve)?;
        self.most_for_a_minute(
            state.liquidity.available_amount,
            now,
            |pricing, at, amount| {
                let (mut r, mut o) = (*state, self.obligation);
                let market = &self.market;
                logic::borrow(&mut r, reserve, &mut o, amount, pricing, market, at).is_ok()
            },
        )
    }

    /// The most cTokens of `reserve` the obligation may withdraw as liquidity (`withdraw`),
    /// accepted at `now` and `MAX_HORIZON_SECS` later; 0 when nothing can be.
    pub fn max_withdraw(&self, reserve: &Pubkey, now: i64) -> Result<u64, ClientError> {
        let state = self.reserve(reserve)?;
        let pledged = self
            .obligation
            .collaterals()
            .iter()
            .find(|c| c.reserve == *reserve)
            .map_or(0, |c| c.deposited_amount);
        let has_debt = self.obligation.has_debt();
        self.most_for_a_minute(pledged, now, |pricing, at, collateral| {
            let (mut r, mut o) = (*state, self.obligation);
            let pricing = has_debt.then_some(pricing);
            let market = &self.market.config;
            logic::withdraw(&mut r, reserve, &mut o, collateral, pricing, market, at).is_ok()
        })
    }

    /// The largest amount up to `upper` that `accepted(pricing, time, amount)` takes both at
    /// `now` and `MAX_HORIZON_SECS` later, with every reserve priced at that time (collateral
    /// without a usable price counting as nothing, as the program counts it).
    fn most_for_a_minute(
        &self,
        upper: u64,
        now: i64,
        accepted: impl Fn(Priced, i64, u64) -> bool,
    ) -> Result<u64, ClientError> {
        let mut most = upper;
        for at in [now, now + MAX_HORIZON_SECS] {
            let (pricing, unpriced) = (self.pricing_at(at)?, self.unpriced_at(at)?);
            let priced = Priced {
                priced: &pricing,
                unpriced: &unpriced,
            };
            most = largest(most, |amount| accepted(priced, at, amount));
        }
        Ok(most)
    }

    /// The liquidation of this obligation that pays most, over every pair of its debts and
    /// collaterals, repaying at most `budget(repay reserve)` (the liquidator's balance): each
    /// pair is run through the program's `liquidate` at `now`. The error is the first pair's
    /// when none can be liquidated (healthy, grace period, nothing to repay with).
    pub fn best_liquidation(
        &self,
        now: i64,
        payout: LiquidationPayout,
        budget: impl Fn(&Pubkey) -> u64,
    ) -> Result<PlannedLiquidation, ClientError> {
        let (pricing, unpriced) = (self.pricing_at(now)?, self.unpriced_at(now)?);
        let mut best: Option<PlannedLiquidation> = None;
        let mut first_error = None;
        for debt in self.obligation.borrows() {
            for collateral in self.obligation.collaterals() {
                let (repay_key, withdraw_key) = (debt.reserve, collateral.reserve);
                let planned = self.liquidation(
                    (repay_key, withdraw_key),
                    (&pricing, &unpriced),
                    now,
                    Order {
                        max_repay: budget(&repay_key),
                        min_payout: 0,
                        payout,
                    },
                );
                match planned {
                    Ok(p) if best.as_ref().is_none_or(|b| p.profit > b.profit) => best = Some(p),
                    Ok(_) => {}
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        best.ok_or_else(|| {
            first_error.unwrap_or(ClientError::Rule(
                ballast::errors::BallastError::BorrowPositionNotFound.into(),
            ))
        })
    }

    /// The liquidation the program would do at `now` repaying debt in `repay` and seizing
    /// collateral in `withdraw`, repaying at most `max_repay` (`u64::MAX`: what its rules
    /// allow); the program's error when it would refuse.
    pub fn plan_liquidation(
        &self,
        (repay, withdraw): (Pubkey, Pubkey),
        now: i64,
        payout: LiquidationPayout,
        max_repay: u64,
    ) -> Result<PlannedLiquidation, ClientError> {
        let (pricing, unpriced) = (self.pricing_at(now)?, self.unpriced_at(now)?);
        let order = Order {
            max_repay,
            min_payout: 0,
            payout,
        };
        self.liquidation((repay, withdraw), (&pricing, &unpriced), now, order)
    }

    fn liquidation(
        &self,
        (repay_key, withdraw_key): (Pubkey, Pubkey),
        (pricing, unpriced): (&[ReservePricing], &[Unpriced]),
        now: i64,
        order: Order,
    ) -> Result<PlannedLiquidation, ClientError> {
        if order.max_repay == 0 {
            return Err(ClientError::Rule(
                ballast::errors::BallastError::ZeroAmount.into(),
            ));
        }
        let (mut repay, mut withdraw) = (*self.reserve(&repay_key)?, *self.reserve(&withdraw_key)?);
        // The other debt reserves, as the program would write off in them (`ix::liquidate`
        // passes them writable).
        let mut others: Vec<(Pubkey, Reserve)> = Vec::new();
        for b in self.obligation.borrows() {
            if b.reserve != repay_key {
                others.push((b.reserve, *self.reserve(&b.reserve)?));
            }
        }
        let mut debts: Vec<Held> = others
            .iter_mut()
            .map(|(key, reserve)| Held { key: *key, reserve })
            .collect();
        let mut obligation = self.obligation;
        let outcome = logic::liquidate::liquidate(
            &mut obligation,
            Held {
                key: repay_key,
                reserve: &mut repay,
            },
            Held {
                key: withdraw_key,
                reserve: &mut withdraw,
            },
            &mut debts,
            pricing,
            unpriced,
            &order,
            &self.market.config,
            now,
        )?;
        let price = |key: &Pubkey| {
            pricing
                .iter()
                .find(|p| p.reserve == *key)
                .ok_or(ClientError::UnknownReserve(*key))
        };
        let repaid_usd = price(&repay_key)?.debt_value_of(outcome.plan.repay_amount)?;
        let received_usd =
            price(&withdraw_key)?.collateral_value(outcome.plan.liquidator_collateral)?;
        Ok(PlannedLiquidation {
            repay_reserve: repay_key,
            withdraw_reserve: withdraw_key,
            outcome,
            repaid_usd,
            received_usd,
            profit: received_usd.saturating_sub(repaid_usd),
        })
    }
}

/// A liquidation planned with the program's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedLiquidation {
    pub repay_reserve: Pubkey,
    pub withdraw_reserve: Pubkey,
    /// What the program would do: the exact repay, the seized cTokens, the payout.
    pub outcome: Outcome,
    /// The repayment's value at the program's debt price.
    pub repaid_usd: Fixed,
    /// The liquidator's cTokens' value at the program's collateral price.
    pub received_usd: Fixed,
    /// `received_usd - repaid_usd` (0 if negative): what the pairs are compared by.
    pub profit: Fixed,
}

/// The largest `x` in `1..=upper` with `accepted(x)`, for an `accepted` that holds for every
/// amount below one it holds for; 0 when it holds for none.
fn largest(upper: u64, accepted: impl Fn(u64) -> bool) -> u64 {
    let (mut low, mut high) = (0, upper); // accepted(low) (or low = 0); the answer is <= high
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if accepted(mid) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        crate::presets,
        ballast::{
            logic::Health,
            oracle::OraclePrice,
            state::{Market, MarketConfig, Obligation, ReserveConfig},
        },
        bytemuck::Zeroable,
    };

    const SOL: u64 = 1_000_000_000;
    const USDC: u64 = 1_000_000;

    /// A reserve of `decimals` with `available` liquidity for as many cTokens, nothing lent.
    fn reserve(config: ReserveConfig, decimals: u8, available: u64) -> Reserve {
        let mut r = Reserve::zeroed();
        r.config = config;
        r.decimals = decimals;
        r.locked_collateral = 1;
        r.liquidity.available_amount = available;
        r.liquidity.collateral_supply = available;
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r
    }

    fn usd(price: u64) -> OraclePrice {
        OraclePrice {
            spot: Fixed::from_u64(price),
            ema: Fixed::from_u64(price),
            publish_time: 0,
            prev_publish_time: 0,
            ..OraclePrice::default()
        }
    }

    /// `positions` pledged or owed in (key, reserve, price) reserves; no time passes.
    fn state(
        reserves: &[(Pubkey, Reserve, u64)],
        collateral: &[(usize, u64)],
        debt: &[(usize, u64)],
    ) -> ObligationHealth {
        let mut obligation = Obligation::zeroed();
        for &(i, amount) in collateral {
            obligation
                .deposit_collateral(&reserves[i].0, amount)
                .unwrap();
        }
        for &(i, amount) in debt {
            obligation
                .add_debt(&reserves[i].0, Fixed::from_u64(amount), Fixed::ONE)
                .unwrap();
        }
        let pricing: Vec<ReservePricing> = reserves
            .iter()
            .map(|(k, r, p)| ReservePricing::new(*k, r, usd(*p), 0).unwrap())
            .collect();
        let mut market: Market = Zeroable::zeroed();
        market.config = MarketConfig::default();
        ObligationHealth {
            health: Health::of(&obligation, &pricing).unwrap(),
            obligation,
            market,
            reserves: reserves.iter().map(|(k, r, _)| (*k, *r)).collect(),
            pricing,
            unpriced: Vec::new(),
            now: 0,
        }
    }

    fn sol_and_usdc() -> [(Pubkey, Reserve, u64); 2] {
        [
            (
                Pubkey::new_unique(),
                reserve(presets::volatile(), 9, 1_000 * SOL),
                150,
            ),
            (
                Pubkey::new_unique(),
                reserve(presets::volatile(), 6, 100_000 * USDC),
                1,
            ),
        ]
    }

    #[test]
    fn max_borrow_is_the_borrow_limit_less_the_origination_fee_to_the_unit() {
        // 10 SOL at $150 x 75% = $1,125 of borrowing power, $750 used: $375 left, and the
        // 0.1% fee is debt too: a x 1.001 <= 375 -> 374.625374 USDC.
        let r = sol_and_usdc();
        let s = state(&r, &[(0, 10 * SOL)], &[(1, 750 * USDC)]);
        let market = s.market;
        assert_eq!(s.max_borrow(&r[1].0, 0).unwrap(), 374_625_374);
        // The program takes exactly that, and not one unit more.
        let pricing = s.pricing_at(0).unwrap();
        let borrow = |amount| {
            let (mut reserve, mut o) = (r[1].1, s.obligation);
            logic::borrow(
                &mut reserve,
                &r[1].0,
                &mut o,
                amount,
                Priced::all(&pricing),
                &market,
                0,
            )
        };
        assert!(borrow(374_625_374).is_ok());
        assert_eq!(
            borrow(374_625_375).unwrap_err(),
            ballast::errors::BallastError::ObligationUnhealthy.into()
        );
        // Without collateral nothing; with little liquidity, the liquidity.
        let bare = state(&r, &[], &[]);
        assert_eq!(bare.max_borrow(&r[1].0, 0).unwrap(), 0);
        let mut thin = sol_and_usdc();
        thin[1].1.liquidity.available_amount = 100 * USDC;
        let s = state(&thin, &[(0, 10 * SOL)], &[]);
        assert_eq!(s.max_borrow(&thin[1].0, 0).unwrap(), 100 * USDC);
    }

    #[test]
    fn max_withdraw_keeps_exactly_the_collateral_the_debt_needs() {
        // $750 of debt needs $1,000 of SOL at 75%: 6.666666667 SOL stay (6.666666666 would be
        // $999.9999999), 3.333333333 may go.
        let r = sol_and_usdc();
        let s = state(&r, &[(0, 10 * SOL)], &[(1, 750 * USDC)]);
        assert_eq!(s.max_withdraw(&r[0].0, 0).unwrap(), 3_333_333_333);
        // Without debt, all of it; at the limit, nothing.
        let free = state(&r, &[(0, 10 * SOL)], &[]);
        assert_eq!(free.max_withdraw(&r[0].0, 0).unwrap(), 10 * SOL);
        let full = state(&r, &[(0, 10 * SOL)], &[(1, 1_125 * USDC)]);
        assert_eq!(full.max_withdraw(&r[0].0, 0).unwrap(), 0);
        assert_eq!(
            full.max_withdraw(&r[1].0, 0).unwrap(),
            0,
            "no USDC collateral"
        );
    }

    #[test]
    fn the_best_liquidation_is_the_pair_that_pays_most_within_the_budget() {
        // 1 SOL ($150) and 1 ETH ($3,000, 8 decimals) against $2,900 of USDC: liquidatable.
        // Seizing SOL is capped by its $150; ETH pays far more.
        let eth = (
            Pubkey::new_unique(),
            reserve(presets::volatile(), 8, 1_000 * 100_000_000),
            3_000,
        );
        let [sol, usdc] = sol_and_usdc();
        let r = [sol, usdc, eth];
        let s = state(&r, &[(0, SOL), (2, 100_000_000)], &[(1, 2_900 * USDC)]);
        assert!(s.health.is_liquidatable());
        let market = s.market.config;
        let plan = s
            .best_liquidation(0, LiquidationPayout::Collateral, |_| u64::MAX)
            .unwrap();
        assert_eq!(
            (plan.repay_reserve, plan.withdraw_reserve),
            (r[1].0, r[2].0)
        );
        // Health 2,520 / 2,900 = 0.87 < 0.9: all the debt may be repaid, as far as the whole ETH
        // position covers at the bonus, which is the equity (3,150 / 2,900 - 1 = 8.62%) rather
        // than the 10% maximum: $3,000 / 1.0862... = $2,761.904762 (rounded up).
        assert_eq!(plan.outcome.plan.repay_amount, 2_761_904_762);
        assert_eq!(plan.outcome.plan.seized_collateral, 100_000_000);
        assert!(plan.profit > Fixed::ZERO);
        // The same pair, run by the program's rules directly, gives the same outcome.
        let mut o = s.obligation;
        let (mut repay, mut withdraw) = (r[1].1, r[2].1);
        let direct = logic::liquidate::liquidate(
            &mut o,
            Held {
                key: r[1].0,
                reserve: &mut repay,
            },
            Held {
                key: r[2].0,
                reserve: &mut withdraw,
            },
            &mut [],
            &s.pricing,
            &[],
            &Order {
                max_repay: u64::MAX,
                min_payout: 0,
                payout: LiquidationPayout::Collateral,
            },
            &market,
            0,
        )
        .unwrap();
        assert_eq!(plan.outcome, direct);
        // A budget of 100 USDC repays 100 USDC.
        let small = s
            .best_liquidation(0, LiquidationPayout::Collateral, |_| 100 * USDC)
            .unwrap();
        assert_eq!(small.outcome.plan.repay_amount, 100 * USDC);
        // Nothing to repay with, or a healthy obligation: the program's refusal.
        let broke = s.best_liquidation(0, LiquidationPayout::Collateral, |_| 0);
        assert_eq!(
            broke.unwrap_err().rule_error(),
            Some(ballast::errors::BallastError::ZeroAmount)
        );
        let healthy = state(&r, &[(2, 100_000_000)], &[(1, 100 * USDC)]);
        let refused = healthy.best_liquidation(0, LiquidationPayout::Collateral, |_| u64::MAX);
        assert_eq!(
            refused.unwrap_err().rule_error(),
            Some(ballast::errors::BallastError::ObligationHealthy)
        );
    }

    #[test]
    fn largest_finds_the_edge_of_a_monotone_rule() {
        assert_eq!(largest(1_000, |x| x <= 637), 637);
        assert_eq!(largest(1_000, |x| x <= 1_000), 1_000);
        assert_eq!(largest(1_000, |_| false), 0);
        assert_eq!(largest(0, |_| true), 0);
        assert_eq!(largest(u64::MAX, |x| x < u64::MAX), u64::MAX - 1);
        assert_eq!(largest(u64::MAX, |_| true), u64::MAX);
    }
}
