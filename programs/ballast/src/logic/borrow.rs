//! Borrowing and repaying. Debt is fractional; what the user owes rounds up.
use {
    super::{
        accrue, health::find, prices::observe_price, settle, unpriced::Priced, ReservePricing,
    },
    crate::{
        errors::BallastError,
        math::Fixed,
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

/// What a borrow changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Borrowed {
    /// Origination fee added to the debt (and to the protocol's fees).
    pub fee: Fixed,
    /// Debt added to the obligation: amount + fee.
    pub debt: Fixed,
}

/// The whole `borrow` instruction on state: accrues `reserve`, records its fresh price, lends
/// `amount` (the origination fee added to the debt), counts the outflow, and requires the
/// obligation within its borrow limit afterwards. `pricing` prices every position of the
/// obligation and the borrowed reserve (as read before the borrow: a debt is valued by the
/// reserve's index and price, which a borrow does not move), but collateral whose price is
/// unusable now, which counts as nothing; in an e-mode group, priced for it (`emode::apply`),
/// and the reserve must be one the group lends.
pub fn borrow(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    amount: u64,
    pricing: Priced,
    market: &Market,
    now: i64,
) -> Result<Borrowed> {
    let own = find(pricing.priced, reserve_key)?;
    accrue(reserve, now)?;
    observe_price(
        reserve,
        &own.price,
        market.config.oracle_outage_threshold_secs,
    );
    super::emode::require_borrowable(
        obligation.emode_group,
        &market.emode_groups,
        (
            reserve.config.emode_groups,
            reserve.config.emode_debt_groups,
        ),
    )?;
    require_isolation(reserve, reserve_key, obligation, pricing.priced)?;
    let borrowed = lend(reserve, reserve_key, obligation, amount)?;
    require_debt_limits(reserve, own, reserve_key, obligation)?;
    reserve.record_outflow(amount, now)?;
    settle(reserve)?;
    pricing.require_within_borrow_limit(obligation)?;
    Ok(borrowed)
}

/// An isolated asset is borrowed only as the obligation's only debt: refuses borrowing one
/// beside other debt, and anything beside one (`pricing` prices every debt).
fn require_isolation(
    reserve: &Reserve,
    reserve_key: &Pubkey,
    obligation: &Obligation,
    pricing: &[ReservePricing],
) -> Result<()> {
    for other in obligation
        .borrows()
        .iter()
        .filter(|b| b.reserve != *reserve_key)
    {
        require!(
            reserve.config.isolated == 0 && !find(pricing, &other.reserve)?.isolated,
            BallastError::IsolatedAssetNotOnlyDebt
        );
    }
    Ok(())
}

/// After a borrow, the reserve's borrowed value is within its `borrow_cap_usd`, and the debt
/// left in it is worth at least its `min_debt_usd`, both at the debt price (`own` prices the
/// reserve; a borrow does not move the index it values debt by).
fn require_debt_limits(
    reserve: &Reserve,
    own: &ReservePricing,
    reserve_key: &Pubkey,
    obligation: &Obligation,
) -> Result<()> {
    let cap = reserve.config.borrow_cap_usd;
    if cap > 0 {
        let borrowed = own.debt_amount_value(reserve.liquidity.borrowed())?;
        require!(
            borrowed <= Fixed::from_u64(cap),
            BallastError::BorrowCapUsdExceeded
        );
    }
    let min = reserve.config.min_debt_usd;
    if min == 0 {
        return Ok(());
    }
    let position = obligation
        .find_borrow(reserve_key)
        .map(|i| &obligation.borrows()[i])
        .ok_or(BallastError::BorrowPositionNotFound)?;
    require!(
        own.debt_value(position)? >= Fixed::from_u64(min.into()),
        BallastError::DebtBelowMinimum
    );
    Ok(())
}

/// Lends `amount` from `reserve` (interest already accrued) to `obligation`. The origination
/// fee is added to the debt; the user receives `amount`.
fn lend(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    amount: u64,
) -> Result<Borrowed> {
    require!(amount > 0, BallastError::ZeroAmount);
    require!(
        reserve.config.borrow_cap > 0,
        BallastError::BorrowingDisabled
    );
    let fee = Fixed::from_u64(amount).mul_bps_ceil(reserve.config.borrow_fee_bps.into())?;
    let debt = Fixed::from_u64(amount).checked_add(fee)?;
    let liquidity = &mut reserve.liquidity;
    require!(
        amount <= liquidity.available_amount,
        BallastError::InsufficientLiquidity
    );
    let borrowed = liquidity.borrowed().checked_add(debt)?;
    require!(
        borrowed <= Fixed::from_u64(reserve.config.borrow_cap),
        BallastError::BorrowCapExceeded
    );
    let protocol_fees = liquidity.protocol_fees().checked_add(fee)?;
    obligation.add_debt(reserve_key, debt, liquidity.index())?;
    liquidity.available_amount -= amount;
    liquidity.borrowed_amount_sf.set(borrowed);
    liquidity.accumulated_protocol_fees_sf.set(protocol_fees);
    Ok(Borrowed { fee, debt })
}

/// The whole `repay` instruction on state: accrues `reserve` to `now` and repays up to
/// `requested` of `obligation`'s debt. Returns the amount to transfer in: the request, or the
/// whole debt rounded up if that is less.
pub fn repay(
    reserve: &mut Reserve,
    reserve_key: &Pubkey,
    obligation: &mut Obligation,
    requested: u64,
    now: i64,
) -> Result<u64> {
    require!(requested > 0, BallastError::ZeroAmount);
    accrue(reserve, now)?;
    let liquidity = &mut reserve.liquidity;
    let index = obligation
        .find_borrow(reserve_key)
        .ok_or(BallastError::BorrowPositionNotFound)?;
    let debt = obligation.borrows[index].debt(liquidity.index())?;
    let owed = debt.to_ceil()?;
    let (paid, reduction) = if requested >= owed {
        // The fraction of a unit paid above the exact debt stays with the pool.
        (owed, debt)
    } else {
        (requested, Fixed::from_u64(requested))
    };
    obligation.remove_debt(reserve_key, reduction, liquidity.index())?;
    // Rounding can leave an obligation owing dust more than the reserve records: never underflow.
    liquidity
        .borrowed_amount_sf
        .set(liquidity.borrowed().saturating_sub(reduction));
    liquidity.add_available(paid)?;
    settle(reserve)?;
    Ok(paid)
}

#[cfg(test)]
mod tests {
    use {super::*, crate::state::sample_reserve_config, bytemuck::Zeroable};

    fn reserve(available: u64) -> Reserve {
        let mut r = Reserve::zeroed();
        r.config = sample_reserve_config(); // 10 bps borrow fee
        r.liquidity.available_amount = available;
        r.liquidity.collateral_supply = available;
        r.locked_collateral = 1;
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r
    }

    #[test]
    fn borrow_adds_the_fee_to_the_debt() {
        let (mut r, key, mut o) = (reserve(10_000), Pubkey::new_unique(), Obligation::zeroed());
        let b = lend(&mut r, &key, &mut o, 1_000).unwrap();
        assert_eq!(b.fee, Fixed::from_u64(1)); // 0.1% of 1,000
        assert_eq!(r.liquidity.available_amount, 9_000);
        assert_eq!(r.liquidity.borrowed(), Fixed::from_u64(1_001));
        assert_eq!(r.liquidity.protocol_fees(), Fixed::from_u64(1));
        assert_eq!(
            o.borrows()[0].debt(Fixed::ONE).unwrap(),
            Fixed::from_u64(1_001)
        );
        // The pool's claim is unchanged: the fee is owed to the protocol, not to suppliers.
        assert_eq!(r.liquidity.total_supply().unwrap(), Fixed::from_u64(10_000));
    }

    #[test]
    fn borrow_limits() {
        let (mut r, key, mut o) = (reserve(1_000), Pubkey::new_unique(), Obligation::zeroed());
        assert_eq!(
            lend(&mut r, &key, &mut o, 1_001).unwrap_err(),
            BallastError::InsufficientLiquidity.into()
        );
        r.config.borrow_cap = 500;
        // 500 + 0.5 fee = 500.5 > 500.
        assert_eq!(
            lend(&mut r, &key, &mut o, 500).unwrap_err(),
            BallastError::BorrowCapExceeded.into()
        );
        r.config.borrow_cap = 0;
        assert_eq!(
            lend(&mut r, &key, &mut o, 1).unwrap_err(),
            BallastError::BorrowingDisabled.into()
        );
        assert_eq!(
            lend(&mut r, &key, &mut o, 0).unwrap_err(),
            BallastError::ZeroAmount.into()
        );
    }

    #[test]
    fn repay_all_rounds_the_debt_up_and_closes_the_position() {
        let (mut r, key, mut o) = (reserve(10_000), Pubkey::new_unique(), Obligation::zeroed());
        lend(&mut r, &key, &mut o, 1_500).unwrap(); // debt 1,501.5
        let paid = repay(&mut r, &key, &mut o, u64::MAX, 0).unwrap();
        assert_eq!(paid, 1_502);
        assert_eq!(o.borrow_count, 0);
        assert_eq!(r.liquidity.borrowed(), Fixed::ZERO);
        assert_eq!(r.liquidity.available_amount, 10_002);
        // Suppliers are owed 10,000.5 (fee 1.5 to the protocol; the 0.5 rounding stays with them).
        assert_eq!(
            r.liquidity.total_supply().unwrap(),
            Fixed::from_bps(100_005_000)
        );
    }

    #[test]
    fn partial_repay_reduces_debt_exactly() {
        let (mut r, key, mut o) = (reserve(10_000), Pubkey::new_unique(), Obligation::zeroed());
        lend(&mut r, &key, &mut o, 1_000).unwrap(); // debt 1,001
        assert_eq!(repay(&mut r, &key, &mut o, 400, 0).unwrap(), 400);
        assert_eq!(
            o.borrows()[0].debt(Fixed::ONE).unwrap(),
            Fixed::from_u64(601)
        );
        assert_eq!(r.liquidity.borrowed(), Fixed::from_u64(601));
        assert_eq!(
            repay(&mut r, &Pubkey::new_unique(), &mut o, 1, 0).unwrap_err(),
            BallastError::BorrowPositionNotFound.into()
        );
    }

    #[test]
    fn borrow_then_repay_one_unit_never_profits_the_borrower() {
        let (mut r, key, mut o) = (reserve(10_000), Pubkey::new_unique(), Obligation::zeroed());
        let mut received = 0u64;
        let mut paid = 0u64;
        for _ in 0..1_000 {
            lend(&mut r, &key, &mut o, 1).unwrap();
            received += 1;
            paid += repay(&mut r, &key, &mut o, u64::MAX, 0).unwrap();
        }
        assert!(paid >= received, "paid {paid} < received {received}");
        assert_eq!(o.borrow_count, 0);
    }

    /// 10 SOL ($100) pledged; USDC and an isolated asset, both $1, to borrow.
    #[derive(Clone, Copy)]
    struct Isolation {
        keys: [Pubkey; 3],
        reserves: [Reserve; 3],
    }

    const SOL: usize = 0;
    const USDC: usize = 1;
    const LONG_TAIL: usize = 2;

    impl Isolation {
        fn new() -> (Isolation, Obligation) {
            let keys = [0; 3].map(|_| Pubkey::new_unique());
            let mut reserves = [0; 3].map(|_| crate::logic::fixtures::reserve(1_000_000_000));
            reserves[LONG_TAIL].config.isolated = 1;
            let o = crate::logic::fixtures::pledged(&keys[SOL], 10_000_000);
            (Isolation { keys, reserves }, o)
        }

        fn borrow(&mut self, o: &mut Obligation, asset: usize, amount: u64) -> Result<Borrowed> {
            let prices = [100, 1, 1];
            let pricing: Vec<ReservePricing> = (0..3)
                .map(|i| {
                    let price = crate::logic::fixtures::usd(prices[i], prices[i]);
                    crate::logic::fixtures::pricing(self.keys[i], &self.reserves[i], price)
                })
                .collect();
            borrow(
                &mut self.reserves[asset],
                &self.keys[asset],
                o,
                amount,
                Priced::all(&pricing),
                &crate::logic::fixtures::market(),
                0,
            )
        }

        /// Why a borrow is refused, tried on copies (a refused borrow's writes are its
        /// transaction's, which the runtime discards).
        fn refusal(&self, o: &Obligation, asset: usize, amount: u64) -> Error {
            let (mut w, mut o) = (*self, *o);
            w.borrow(&mut o, asset, amount).unwrap_err()
        }
    }

    #[test]
    fn an_isolated_asset_is_borrowed_only_as_the_only_debt() {
        // Beside USDC debt: refused, and USDC is still lendable.
        let (mut w, mut o) = Isolation::new();
        w.borrow(&mut o, USDC, 100_000_000).unwrap();
        assert_eq!(
            w.refusal(&o, LONG_TAIL, 10_000_000),
            BallastError::IsolatedAssetNotOnlyDebt.into()
        );
        w.borrow(&mut o, USDC, 1_000_000).unwrap();

        // Alone: lent, and more of it; anything beside it refused.
        let (mut w, mut o) = Isolation::new();
        w.borrow(&mut o, LONG_TAIL, 10_000_000).unwrap();
        w.borrow(&mut o, LONG_TAIL, 5_000_000).unwrap();
        assert_eq!(
            o.borrows()[0].debt(Fixed::ONE).unwrap(),
            Fixed::from_u64(15_015_000)
        );
        assert_eq!(
            w.refusal(&o, USDC, 1_000_000),
            BallastError::IsolatedAssetNotOnlyDebt.into()
        );
        assert_eq!(o.borrow_count, 1);
    }

    #[test]
    fn a_borrow_leaves_no_debt_below_the_minimum() {
        // USDC at $1 with a $25 minimum: 24.975024 (+ the 0.1% fee = 24.999999024) is
        // refused; 24.975025 (+ fee = 25.000000025) passes, and then one more base unit.
        let (mut w, mut o) = Isolation::new();
        w.reserves[USDC].config.min_debt_usd = 25;
        assert_eq!(
            w.refusal(&o, USDC, 24_975_024),
            BallastError::DebtBelowMinimum.into()
        );
        w.borrow(&mut o, USDC, 24_975_025).unwrap();
        assert_eq!(
            o.borrows()[0].debt(Fixed::ONE).unwrap(),
            Fixed::from_raw(25_000_000_025 * 1_000_000_000_000_000)
        );
        w.borrow(&mut o, USDC, 1).unwrap();
    }

    #[test]
    fn a_borrow_stays_within_the_usd_borrow_cap() {
        // USDC at $1 capped at $50 borrowed: 49.95 (+ 0.1% fee = 49.99995) lends; 0.05 more
        // (50.05005) is refused.
        let (mut w, mut o) = Isolation::new();
        w.reserves[USDC].config.borrow_cap_usd = 50;
        w.borrow(&mut o, USDC, 49_950_000).unwrap();
        assert_eq!(
            w.refusal(&o, USDC, 50_000),
            BallastError::BorrowCapUsdExceeded.into()
        );
        // 49 base units more (+ fee: 49.999999049) still fit.
        w.borrow(&mut o, USDC, 49).unwrap();
    }

    #[test]
    fn a_borrow_past_the_borrow_limit_is_refused() {
        // 10 SOL at $100, 75%: $750 of limit; 749.25 USDC (+ the 0.1% fee = 749.99925)
        // lends, 749.26 (750.00926) does not.
        let (mut w, mut o) = Isolation::new();
        assert_eq!(
            w.refusal(&o, USDC, 749_260_000),
            BallastError::ObligationUnhealthy.into()
        );
        w.borrow(&mut o, USDC, 749_250_000).unwrap();
    }
}
