//! Obligation health: collateral and debt valued in USD with the reserve weights. The program
//! and the client (off-chain health, liquidator, monitor) both call these functions.
use {
    super::interest::{self, Projection},
    crate::{
        errors::BallastError,
        math::Fixed,
        oracle::OraclePrice,
        state::{BorrowPosition, Obligation, Reserve, ReserveLiquidity},
    },
    anchor_lang::prelude::*,
};

/// What health needs from one reserve: its accounting projected to now, its weights, its price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReservePricing {
    pub reserve: Pubkey,
    pub liquidity: ReserveLiquidity,
    pub decimals: u8,
    pub loan_to_value_bps: u16,
    pub liquidation_threshold_bps: u16,
    pub borrow_factor_bps: u16,
    /// The liquidation bonus range on this collateral.
    pub liquidation_bonus_min_bps: u16,
    pub liquidation_bonus_max_bps: u16,
    /// The reserve's e-mode groups (`ReserveConfig::emode_groups`, `emode_debt_groups`).
    pub emode_groups: u32,
    pub emode_debt_groups: u32,
    /// The e-mode group whose parameters these are (0: none): set by `emode::apply`, and what
    /// health requires of every position's pricing (the obligation's group).
    pub emode_group: u8,
    /// The reserve is isolated: borrowed only as an obligation's only debt.
    pub isolated: bool,
    /// The reserve's USD collateral cap (0: none): see `ltv_scale`.
    pub collateral_cap_usd: u64,
    pub price: OraclePrice,
    /// When the reserve's oracle last came back from an outage (0: never).
    pub oracle_recovered_at: i64,
    /// The newest publish time the reserve had used before this price, from any source (0:
    /// none).
    pub last_publish_time: i64,
    /// The source the reserve had used last (`OracleSources::in_use`).
    pub source_in_use: u8,
    /// What `liquidity` was brought up to date for.
    pub projection: Projection,
}

impl ReservePricing {
    /// Pricing for `reserve` with interest projected to `now`.
    pub fn new(key: Pubkey, reserve: &Reserve, price: OraclePrice, now: i64) -> Result<Self> {
        Self::for_position(key, reserve, price, now, Projection::Full)
    }

    /// `new`, projecting only what one kind of position reads (`Pool` for collateral, `Index`
    /// for debt): the valuation of the other kind is then refused.
    pub fn for_position(
        key: Pubkey,
        reserve: &Reserve,
        price: OraclePrice,
        now: i64,
        projection: Projection,
    ) -> Result<Self> {
        Ok(ReservePricing {
            reserve: key,
            liquidity: interest::projected_for(reserve, now, projection)?,
            decimals: reserve.decimals,
            loan_to_value_bps: reserve.config.loan_to_value_bps,
            liquidation_threshold_bps: super::ramp::liquidation_threshold_at(reserve, now),
            borrow_factor_bps: reserve.config.borrow_factor_bps,
            liquidation_bonus_min_bps: reserve.config.liquidation_bonus_min_bps,
            liquidation_bonus_max_bps: reserve.config.liquidation_bonus_max_bps,
            emode_groups: reserve.config.emode_groups,
            emode_debt_groups: reserve.config.emode_debt_groups,
            emode_group: 0,
            isolated: reserve.config.isolated == 1,
            price,
            oracle_recovered_at: reserve.oracle_recovered_at,
            last_publish_time: reserve.last_oracle_publish_time,
            source_in_use: reserve.oracles.in_use,
            projection,
            collateral_cap_usd: reserve.config.collateral_cap_usd,
        })
    }

    /// Past the reserve's USD collateral cap (its whole supply worth more at the collateral
    /// price), the factor its loan-to-value is scaled by: cap / supply value, rounded down.
    pub fn ltv_scale(&self) -> Result<Option<Fixed>> {
        if self.collateral_cap_usd == 0 {
            return Ok(None);
        }
        let supply = self.liquidity.total_supply()?;
        let supply_value = self.value(supply, self.price.collateral_price(), Rounding::Down)?;
        let cap = Fixed::from_u64(self.collateral_cap_usd);
        if supply_value <= cap {
            return Ok(None);
        }
        cap.div_floor(supply_value).map(Some)
    }

    /// Errors unless the pool (`Projection::Pool`) or the index is up to date, as asked.
    fn require_projected(&self, part: Projection) -> Result<()> {
        require!(
            self.projection == Projection::Full || self.projection == part,
            BallastError::PositionNotProjected
        );
        Ok(())
    }

    /// Whether this reserve is priced at one neutral price (see `at_spot`).
    pub fn is_at_spot(&self) -> bool {
        self.price.ema == self.price.spot
    }

    /// `at_spot`, in place.
    pub fn set_at_spot(&mut self) {
        self.price.ema = self.price.spot;
    }

    /// This reserve priced at one neutral price, its validated spot (the EMA set to it): what
    /// liquidation values positions at.
    pub fn at_spot(&self) -> ReservePricing {
        ReservePricing {
            price: OraclePrice {
                ema: self.price.spot,
                ..self.price
            },
            ..*self
        }
    }

    /// USD value of `collateral` cTokens at the collateral price, rounded down.
    pub fn collateral_value(&self, collateral: u64) -> Result<Fixed> {
        self.require_projected(Projection::Pool)?;
        let amount = self.liquidity.collateral_to_liquidity(collateral)?;
        self.value(amount, self.price.collateral_price(), Rounding::Down)
    }

    /// Debt of `position` now, in liquidity units, rounded up.
    pub fn debt(&self, position: &BorrowPosition) -> Result<Fixed> {
        self.require_projected(Projection::Index)?;
        position.debt(self.liquidity.index())
    }

    /// USD value of `position`'s debt at the debt price, rounded up.
    pub fn debt_value(&self, position: &BorrowPosition) -> Result<Fixed> {
        self.debt_amount_value(self.debt(position)?)
    }

    /// USD value of a debt of `debt` liquidity units at the debt price, rounded up.
    pub fn debt_amount_value(&self, debt: Fixed) -> Result<Fixed> {
        self.value(debt, self.price.debt_price(), Rounding::Up)
    }

    /// USD value of `amount` liquidity at the debt price, rounded down (what a repayment is
    /// credited with).
    pub fn debt_value_of(&self, amount: u64) -> Result<Fixed> {
        self.value(
            Fixed::from_u64(amount),
            self.price.debt_price(),
            Rounding::Down,
        )
    }

    /// Liquidity units worth `value` at the debt price, rounded down.
    pub fn tokens_for_debt_value(&self, value: Fixed) -> Result<u64> {
        value
            .mul_div_floor(self.one_token(), self.price.debt_price())?
            .to_floor()
    }

    /// Liquidity units worth at least `value` at the debt price (rounded up).
    pub fn tokens_for_debt_value_ceil(&self, value: Fixed) -> Result<u64> {
        value
            .mul_div_ceil(self.one_token(), self.price.debt_price())?
            .to_ceil()
    }

    /// cTokens worth at most `value` at the collateral price (rounded down).
    pub fn collateral_for_value(&self, value: Fixed) -> Result<u64> {
        self.require_projected(Projection::Pool)?;
        let liquidity = value.mul_div_floor(self.one_token(), self.price.collateral_price())?;
        liquidity
            .mul_div_floor(
                Fixed::from_u64(self.liquidity.collateral_supply),
                self.liquidity.total_supply()?,
            )?
            .to_floor()
    }

    /// `amount` (base units) x `price` (per whole token), rounded as asked: exactly
    /// `amount x price / one token`, computed as the 10^18 scale divided out first (a
    /// one-limb division), then 10^decimals (a 32-bit one): nested floors, or ceilings, of
    /// positive integers compose into the one division. Where the first step alone would
    /// overflow, the one division.
    fn value(&self, amount: Fixed, price: Fixed, rounding: Rounding) -> Result<Fixed> {
        let scale = crate::math::POW10[usize::from(self.decimals)];
        let nested = match (rounding, u64::try_from(scale)) {
            (Rounding::Down, Ok(scale)) => amount
                .mul_floor(price)
                .and_then(|v| v.mul_div_int_floor(1, scale)),
            (Rounding::Up, Ok(scale)) => amount
                .mul_ceil(price)
                .and_then(|v| v.mul_div_int_ceil(1, scale)),
            _ => err!(BallastError::MathOverflow),
        };
        nested.or_else(|_| match rounding {
            Rounding::Down => amount.mul_div_floor(price, self.one_token()),
            Rounding::Up => amount.mul_div_ceil(price, self.one_token()),
        })
    }

    /// One whole token in base units, as a `Fixed`: 10^(decimals + 18) raw.
    fn one_token(&self) -> Fixed {
        Fixed::from_raw(crate::math::POW10[usize::from(self.decimals) + Fixed::DECIMALS as usize])
    }
}

/// Which way a value rounds.
#[derive(Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

/// Which limits a valuation computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limits {
    /// The borrow limit and the liquidation limit.
    Both,
    /// The liquidation limit only (the borrow limit is left 0).
    LiquidationOnly,
}

/// An obligation's values, in USD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Health {
    /// Collateral at the collateral price.
    pub collateral_value: Fixed,
    /// Sum of collateral value x loan-to-value: how much debt may be carried.
    pub borrow_limit: Fixed,
    /// Sum of collateral value x liquidation threshold: past this, liquidation.
    pub liquidation_limit: Fixed,
    /// Debt at the debt price.
    pub debt_value: Fixed,
    /// Sum of debt value x borrow factor: what the limits are compared with.
    pub weighted_debt_value: Fixed,
}

impl Health {
    /// Values of every position of `obligation`, each priced by its entry in `pricing`.
    pub fn of(obligation: &Obligation, pricing: &[ReservePricing]) -> Result<Health> {
        Ok(Health::with_terms(obligation, pricing)?.0)
    }

    /// The obligation valued for liquidation: every position at its reserve's spot price.
    pub fn for_liquidation(obligation: &Obligation, pricing: &[ReservePricing]) -> Result<Health> {
        let neutral: Vec<ReservePricing> = pricing.iter().map(ReservePricing::at_spot).collect();
        Health::of(obligation, &neutral)
    }

    /// `Health::of`, and each position's term (collateral first, then borrows, in the
    /// obligation's order) for callers that recompute one of them.
    pub fn with_terms(
        obligation: &Obligation,
        pricing: &[ReservePricing],
    ) -> Result<(Health, Vec<Health>)> {
        Health::terms::<true>(obligation, pricing)
    }

    /// `with_terms` as liquidation reads it: without the borrow limit (left 0), which it never
    /// reads and which costs a 128-bit division per collateral position.
    pub fn liquidation_terms(
        obligation: &Obligation,
        pricing: &[ReservePricing],
    ) -> Result<(Health, Vec<Health>)> {
        Health::terms::<false>(obligation, pricing)
    }

    /// The terms, with the borrow limit if `BORROW_LIMIT` (a constant, so each caller's code
    /// has only its own path).
    fn terms<const BORROW_LIMIT: bool>(
        obligation: &Obligation,
        pricing: &[ReservePricing],
    ) -> Result<(Health, Vec<Health>)> {
        let mut h = Health::default();
        let mut terms = Vec::with_capacity(obligation.position_count());
        // Pricing usually comes in the positions' order: look there first.
        let group = obligation.emode_group;
        for (i, position) in obligation.collaterals().iter().enumerate() {
            let p = find_in_group(pricing, i, &position.reserve, group)?;
            terms.push(Health::collateral::<BORROW_LIMIT>(
                p,
                position.deposited_amount,
            )?);
        }
        let collaterals = obligation.collaterals().len();
        for (i, position) in obligation.borrows().iter().enumerate() {
            let p = find_in_group(pricing, collaterals + i, &position.reserve, group)?;
            terms.push(Health::of_debt(p, position)?);
        }
        for term in &terms {
            h = h.plus(term)?;
        }
        Ok((h, terms))
    }

    /// What `collateral` cTokens priced by `p` add to an obligation's health.
    pub fn of_collateral(p: &ReservePricing, collateral: u64) -> Result<Health> {
        Health::collateral::<true>(p, collateral)
    }

    /// `of_collateral`, computing the borrow limit only if `limits` asks.
    pub fn of_collateral_at(p: &ReservePricing, collateral: u64, limits: Limits) -> Result<Health> {
        match limits {
            Limits::Both => Health::collateral::<true>(p, collateral),
            Limits::LiquidationOnly => Health::collateral::<false>(p, collateral),
        }
    }

    fn collateral<const BORROW_LIMIT: bool>(p: &ReservePricing, collateral: u64) -> Result<Health> {
        // Nothing pledged is worth nothing (a liquidation that takes it all asks).
        if collateral == 0 {
            return Ok(Health::default());
        }
        let value = p.collateral_value(collateral)?;
        let mut borrow_limit = Fixed::ZERO;
        if BORROW_LIMIT {
            borrow_limit = value.mul_bps_floor(p.loan_to_value_bps.into())?;
            if let Some(scale) = p.ltv_scale()? {
                borrow_limit = borrow_limit.mul_floor(scale)?;
            }
        }
        Ok(Health {
            collateral_value: value,
            borrow_limit,
            liquidation_limit: value.mul_bps_floor(p.liquidation_threshold_bps.into())?,
            ..Health::default()
        })
    }

    /// What the debt of `position` priced by `p` adds to an obligation's health.
    pub fn of_debt(p: &ReservePricing, position: &BorrowPosition) -> Result<Health> {
        Health::of_debt_amount(p, p.debt(position)?)
    }

    /// What a debt of `debt` (liquidity units, now) in `p`'s reserve adds to health.
    pub fn of_debt_amount(p: &ReservePricing, debt: Fixed) -> Result<Health> {
        let value = p.debt_amount_value(debt)?;
        Ok(Health {
            debt_value: value,
            weighted_debt_value: value.mul_bps_ceil(p.borrow_factor_bps.into())?,
            ..Health::default()
        })
    }

    /// The sum of two healths, field by field.
    pub fn plus(&self, other: &Health) -> Result<Health> {
        Ok(Health {
            collateral_value: self.collateral_value.checked_add(other.collateral_value)?,
            borrow_limit: self.borrow_limit.checked_add(other.borrow_limit)?,
            liquidation_limit: self
                .liquidation_limit
                .checked_add(other.liquidation_limit)?,
            debt_value: self.debt_value.checked_add(other.debt_value)?,
            weighted_debt_value: self
                .weighted_debt_value
                .checked_add(other.weighted_debt_value)?,
        })
    }

    /// This health without `part` (which must be one of its terms), field by field.
    pub fn minus(&self, part: &Health) -> Result<Health> {
        Ok(Health {
            collateral_value: self.collateral_value.checked_sub(part.collateral_value)?,
            borrow_limit: self.borrow_limit.checked_sub(part.borrow_limit)?,
            liquidation_limit: self.liquidation_limit.checked_sub(part.liquidation_limit)?,
            debt_value: self.debt_value.checked_sub(part.debt_value)?,
            weighted_debt_value: self
                .weighted_debt_value
                .checked_sub(part.weighted_debt_value)?,
        })
    }

    /// Debt within the borrow limit: borrows and withdrawals must leave an obligation so.
    pub fn is_within_borrow_limit(&self) -> bool {
        self.weighted_debt_value <= self.borrow_limit
    }

    /// Debt above the liquidation limit: the obligation may be liquidated.
    pub fn is_liquidatable(&self) -> bool {
        self.weighted_debt_value > self.liquidation_limit
    }

    /// Liquidation limit / weighted debt (1.0 = at the liquidation line); `None` without debt.
    pub fn health_factor(&self) -> Option<Fixed> {
        if self.weighted_debt_value.is_zero() {
            return None;
        }
        self.liquidation_limit
            .div_floor(self.weighted_debt_value)
            .ok()
    }
}

/// `find_near`, requiring the pricing made for e-mode `group` (a position priced with its
/// reserve's own parameters in a group would be valued wrong, either way).
fn find_in_group<'a>(
    pricing: &'a [ReservePricing],
    at: usize,
    reserve: &Pubkey,
    group: u8,
) -> Result<&'a ReservePricing> {
    let p = find_near(pricing, at, reserve)?;
    require!(p.emode_group == group, BallastError::EmodeNotApplied);
    Ok(p)
}

/// `find`, trying `pricing[at]` first (one key comparison instead of a scan, when the pricing
/// is in the positions' order: each comparison is a 32-byte memcmp).
pub(crate) fn find_near<'a>(
    pricing: &'a [ReservePricing],
    at: usize,
    reserve: &Pubkey,
) -> Result<&'a ReservePricing> {
    match pricing.get(at) {
        Some(p) if p.reserve == *reserve => Ok(p),
        _ => find(pricing, reserve),
    }
}

/// The pricing of `reserve`, or `MissingPositionAccounts`.
pub(crate) fn find<'a>(
    pricing: &'a [ReservePricing],
    reserve: &Pubkey,
) -> Result<&'a ReservePricing> {
    pricing
        .iter()
        .find(|p| p.reserve == *reserve)
        .ok_or_else(|| error!(BallastError::MissingPositionAccounts))
}

#[cfg(test)]
mod tests {
    use {super::*, bytemuck::Zeroable};

    fn price(usd: u64, ema: u64) -> OraclePrice {
        OraclePrice {
            spot: Fixed::from_u64(usd),
            ema: Fixed::from_u64(ema),
            publish_time: 0,
            prev_publish_time: 0,
            ..OraclePrice::default()
        }
    }

    proptest::proptest! {
        /// The nested division is exactly the one division by a whole token's 10^(decimals +
        /// 18), both ways, from dust to the largest amounts (where it falls back).
        #[test]
        fn values_are_the_one_division(
            amount in proptest::prop_oneof![0u128..=1_000_000_000_000_000_000_000, proptest::num::u128::ANY],
            price in proptest::prop_oneof![1u128..=1_000_000_000_000_000_000_000_000, 1u128..=1_000_000],
            decimals in 0u8..=18,
        ) {
            let mut p = ReservePricing::new(
                Pubkey::default(),
                &Reserve::zeroed(),
                OraclePrice { spot: Fixed::ONE, ema: Fixed::ONE, publish_time: 0, prev_publish_time: 0, ..OraclePrice::default() },
                0,
            )
            .unwrap();
            p.decimals = decimals;
            let (amount, price) = (Fixed::from_raw(amount), Fixed::from_raw(price));
            proptest::prop_assert_eq!(
                p.value(amount, price, Rounding::Down).ok(),
                amount.mul_div_floor(price, p.one_token()).ok()
            );
            proptest::prop_assert_eq!(
                p.value(amount, price, Rounding::Up).ok(),
                amount.mul_div_ceil(price, p.one_token()).ok()
            );
        }
    }

    /// A reserve with 6 decimals, exchange rate `rate_bps`, and the given weights.
    fn pricing(
        ltv: u16,
        threshold: u16,
        factor: u16,
        rate_bps: u64,
        p: OraclePrice,
    ) -> ReservePricing {
        let mut liquidity = ReserveLiquidity {
            available_amount: rate_bps * 1_000_000,
            collateral_supply: 10_000 * 1_000_000,
            ..Default::default()
        };
        liquidity
            .cumulative_borrow_index_sf
            .set(Fixed::from_bps(12_000));
        ReservePricing {
            reserve: Pubkey::new_unique(),
            liquidity,
            decimals: 6,
            loan_to_value_bps: ltv,
            liquidation_threshold_bps: threshold,
            borrow_factor_bps: factor,
            liquidation_bonus_min_bps: 200,
            liquidation_bonus_max_bps: 1_000,
            emode_groups: 0,
            emode_debt_groups: 0,
            emode_group: 0,
            isolated: false,
            collateral_cap_usd: 0,
            price: p,
            oracle_recovered_at: 0,
            last_publish_time: 0,
            source_in_use: 0,
            projection: Projection::Full,
        }
    }

    #[test]
    fn past_the_usd_collateral_cap_loan_to_value_scales_and_the_threshold_does_not() {
        // 1,000 tokens supplied at $10 = $10,000 against a $5,000 cap: LTV scaled by 1/2.
        let mut r = crate::logic::fixtures::reserve(1_000_000_000);
        r.config.collateral_cap_usd = 5_000;
        let p = ReservePricing::new(Pubkey::new_unique(), &r, price(10, 10), 0).unwrap();
        assert_eq!(p.ltv_scale().unwrap(), Some(Fixed::from_bps(5_000)));
        // 100 tokens: $1,000, 75% of it halved, 80% whole.
        let h = Health::of_collateral(&p, 100_000_000).unwrap();
        assert_eq!(
            (h.collateral_value, h.borrow_limit, h.liquidation_limit),
            (
                Fixed::from_u64(1_000),
                Fixed::from_u64(375),
                Fixed::from_u64(800)
            )
        );
        // At the cap exactly, nothing scales.
        r.config.collateral_cap_usd = 10_000;
        let at_cap = ReservePricing::new(Pubkey::new_unique(), &r, price(10, 10), 0).unwrap();
        assert_eq!(at_cap.ltv_scale().unwrap(), None);
    }

    #[test]
    fn a_pricing_projected_for_one_kind_of_position_refuses_the_other() {
        let mut p = pricing(7_500, 8_000, 10_000, 10_000, price(100, 100));
        let mut debt = BorrowPosition::zeroed();
        debt.borrowed_amount_sf.set(Fixed::ONE);
        debt.cumulative_borrow_index_sf.set(Fixed::ONE);
        p.projection = Projection::Index;
        let refused = || error!(BallastError::PositionNotProjected);
        assert_eq!(p.collateral_value(1), Err(refused()));
        assert_eq!(p.collateral_for_value(Fixed::ONE), Err(refused()));
        assert!(p.debt(&debt).is_ok());
        p.projection = Projection::Pool;
        assert_eq!(p.debt(&debt), Err(refused()));
        assert!(p.collateral_value(1).is_ok());
    }

    #[test]
    fn values_use_weights_prices_exchange_rate_and_index() {
        // SOL-like collateral at spot 100 / EMA 90, cToken worth 1.5 tokens; USDC-like debt at
        // spot 1 / EMA 1.02 with borrow factor 1.25, index grown 1.2x since the borrow.
        let sol = pricing(7_500, 8_000, 10_000, 15_000, price(100, 90));
        let usdc = pricing(
            8_000,
            8_500,
            12_500,
            10_000,
            OraclePrice {
                spot: Fixed::ONE,
                ema: Fixed::from_bps(10_200),
                publish_time: 0,
                prev_publish_time: 0,
                ..OraclePrice::default()
            },
        );
        let mut o = Obligation::zeroed();
        o.deposit_collateral(&sol.reserve, 2_000_000).unwrap(); // 2 cTokens = 3 SOL
        o.add_debt(&usdc.reserve, Fixed::from_u64(100_000_000), Fixed::ONE)
            .unwrap(); // 100 USDC at index 1
        let h = Health::of(&o, &[sol, usdc]).unwrap();
        // 3 SOL x min(100, 90) = 270.
        assert_eq!(h.collateral_value, Fixed::from_u64(270));
        assert_eq!(h.borrow_limit, Fixed::from_bps(270 * 7_500));
        assert_eq!(h.liquidation_limit, Fixed::from_u64(216));
        // 100 x 1.2 (index) = 120 USDC x max(1, 1.02) = 122.4; x 1.25 = 153.
        assert_eq!(h.debt_value, Fixed::from_bps(1_224_000));
        assert_eq!(h.weighted_debt_value, Fixed::from_u64(153));
        assert!(h.is_within_borrow_limit());
        assert!(!h.is_liquidatable());
        assert_eq!(
            h.health_factor().unwrap(),
            Fixed::from_u64(216)
                .div_floor(Fixed::from_u64(153))
                .unwrap()
        );
    }

    #[test]
    fn for_liquidation_values_everything_at_spot() {
        // The same obligation as above, valued as liquidation values it: 3 SOL at 100 (not
        // 90), 120 USDC at 1 (not 1.02).
        let sol = pricing(7_500, 8_000, 10_000, 15_000, price(100, 90));
        let usdc = pricing(8_000, 8_500, 12_500, 10_000, price(1, 2));
        let mut o = Obligation::zeroed();
        o.deposit_collateral(&sol.reserve, 2_000_000).unwrap();
        o.add_debt(&usdc.reserve, Fixed::from_u64(100_000_000), Fixed::ONE)
            .unwrap();
        let h = Health::for_liquidation(&o, &[sol, usdc]).unwrap();
        assert_eq!(h.collateral_value, Fixed::from_u64(300));
        assert_eq!(h.liquidation_limit, Fixed::from_u64(240));
        assert_eq!(h.debt_value, Fixed::from_u64(120));
        assert_eq!(h.weighted_debt_value, Fixed::from_u64(150));
    }

    #[test]
    fn each_conversion_rounds_as_its_name_says() {
        // A price of 0.333... USD (18 threes) and cTokens worth 10/3 units each: every product
        // below is inexact, so each rounding shows, checked against plain integer arithmetic.
        const P: u128 = 333_333_333_333_333_333;
        const ONE_TOKEN: u128 = 1_000_000_000_000_000_000_000_000; // 10^(6 + 18)
        let price = OraclePrice {
            spot: Fixed::from_raw(P),
            ema: Fixed::from_raw(P),
            publish_time: 0,
            prev_publish_time: 0,
            ..OraclePrice::default()
        };
        let mut p = pricing(7_500, 8_000, 12_500, 10_000, price);
        p.liquidity.available_amount = 10;
        p.liquidity.collateral_supply = 3;
        p.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        // One cToken is 3.333333333333333333 units (rounded down), worth that x P / 10^24 raw,
        // rounded down.
        let amount: u128 = 3_333_333_333_333_333_333;
        assert_eq!(p.collateral_value(1).unwrap().raw(), amount * P / ONE_TOKEN);
        // One unit of debt is worth P / 10^6 raw: rounded up as a debt, down as a repayment.
        let mut o = Obligation::zeroed();
        o.add_debt(&p.reserve, Fixed::from_u64(1), Fixed::ONE)
            .unwrap();
        assert_eq!(
            p.debt_value(&o.borrows()[0]).unwrap().raw(),
            P / 1_000_000 + 1
        );
        assert_eq!(p.debt_value_of(1).unwrap().raw(), P / 1_000_000);
        // Just under one unit's worth: no whole unit rounding down, one rounding up.
        let just_under = Fixed::from_raw(P / 1_000_000);
        assert_eq!(p.tokens_for_debt_value(just_under), Ok(0));
        assert_eq!(p.tokens_for_debt_value_ceil(just_under), Ok(1));
        // Just over one and a half units' worth: one rounding down, two rounding up.
        let and_a_half = Fixed::from_raw(500_000_000_000);
        assert_eq!(p.tokens_for_debt_value(and_a_half), Ok(1));
        assert_eq!(p.tokens_for_debt_value_ceil(and_a_half), Ok(2));
        // The weights: $X x 75% and x 80% rounded down, the debt x 125% rounded up.
        let c = Health::of_collateral(&p, 1).unwrap();
        let value = amount * P / ONE_TOKEN;
        assert_eq!(c.borrow_limit.raw(), value * 7_500 / 10_000);
        assert_eq!(c.liquidation_limit.raw(), value * 8_000 / 10_000);
        let d = Health::of_debt(&p, &o.borrows()[0]).unwrap();
        let debt = P / 1_000_000 + 1;
        assert_eq!(
            d.weighted_debt_value.raw(),
            (debt * 12_500).div_ceil(10_000)
        );
    }

    #[test]
    fn missing_pricing_is_an_error() {
        let mut o = Obligation::zeroed();
        o.deposit_collateral(&Pubkey::new_unique(), 1).unwrap();
        assert_eq!(
            Health::of(&o, &[]).unwrap_err(),
            BallastError::MissingPositionAccounts.into()
        );
    }

    #[test]
    fn limits_are_inclusive_at_the_borrow_line_and_exclusive_at_the_liquidation_line() {
        let at_line = Health {
            borrow_limit: Fixed::from_u64(100),
            liquidation_limit: Fixed::from_u64(100),
            weighted_debt_value: Fixed::from_u64(100),
            ..Default::default()
        };
        assert!(at_line.is_within_borrow_limit());
        assert!(!at_line.is_liquidatable());
        let over = Health {
            weighted_debt_value: Fixed::from_raw(100 * Fixed::SCALE + 1),
            ..at_line
        };
        assert!(!over.is_within_borrow_limit());
        assert!(over.is_liquidatable());
    }
}
