//! Amounts: 0, 1 and u64::MAX, and a decade without activity (#10); deposit/redeem and
//! borrow/repay loops with tiny amounts (#11); the first depositor's donation (#12).
use {
    anchor_spl::token::spl_token,
    ballast::{
        constants::{MAX_BORROW_RATE_BPS, SECONDS_PER_YEAR},
        errors::BallastError,
        logic::interest::MAX_DEBT,
        math::{Fixed, RateCurve},
        state::ReserveChange,
    },
    ballast_client::instructions as ix,
    ballast_tests::{
        expect::{mul_div_floor, WAD},
        *,
    },
};

const USDC: u64 = 1_000_000;

/// #10: zero is refused everywhere; one unit works; u64::MAX is a clear error or means "all".
#[tokio::test]
async fn attack_10_zero_one_and_max_amounts() {
    let (m, usdc, sol, lender, borrower) = TestMarket::with_borrower().await;
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let wallet = borrower.account(&k.liquidity_mint);
    for amount_zero in [
        ix::deposit(
            &lender.key(),
            &k,
            &lender.account(&k.liquidity_mint),
            &lender.account(&k.collateral_mint()),
            0,
        ),
        ix::redeem(
            &lender.key(),
            &k,
            &lender.account(&k.collateral_mint()),
            &lender.account(&k.liquidity_mint),
            0,
        ),
        ix::borrow(&k, &o, &wallet, 0),
        ix::repay(&borrower.key(), &k, &borrower.obligation, &wallet, 0),
        ix::withdraw(&s, &o, &borrower.account(&s.liquidity_mint), 0),
    ] {
        let signer = if amount_zero.accounts[0].pubkey == lender.key() {
            &lender.keypair
        } else {
            &borrower.keypair
        };
        m.assert_refused(amount_zero, signer, BallastError::ZeroAmount)
            .await;
    }

    // One unit: exact both ways at an exchange rate of one.
    m.fund(&lender, usdc, 1).await;
    let ctokens = lender.account(&k.collateral_mint());
    let before = m.balance(&ctokens).await;
    m.try_deposit(&lender, usdc, 1).await.unwrap();
    assert_eq!(m.balance(&ctokens).await, before + 1);
    m.try_borrow(&borrower, usdc, 1).await.unwrap();
    assert_eq!(m.balance(&wallet).await, 1);
    m.try_repay(&borrower, &borrower, usdc, 1).await.unwrap();
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);

    // u64::MAX: more than any cap, any pool, any balance; or "the whole position".
    let user = |u: &User, mint| u.account(mint);
    m.assert_refused(
        ix::deposit(
            &lender.key(),
            &k,
            &user(&lender, &k.liquidity_mint),
            &ctokens,
            u64::MAX,
        ),
        &lender.keypair,
        BallastError::DepositCapExceeded,
    )
    .await;
    m.assert_refused(
        ix::borrow(&k, &o, &wallet, u64::MAX),
        &borrower.keypair,
        BallastError::InsufficientLiquidity,
    )
    .await;
    m.assert_refused(
        ix::redeem(
            &lender.key(),
            &k,
            &ctokens,
            &user(&lender, &k.liquidity_mint),
            u64::MAX,
        ),
        &lender.keypair,
        BallastError::InsufficientLiquidity,
    )
    .await;
    let no_debt = ix::repay(&borrower.key(), &k, &borrower.obligation, &wallet, u64::MAX);
    m.assert_refused(
        no_debt,
        &borrower.keypair,
        BallastError::BorrowPositionNotFound,
    )
    .await;
    m.try_withdraw(&borrower, sol, u64::MAX).await.unwrap();
    assert_eq!(m.obligation_state(&borrower).await.position_count(), 0);
}

/// #10 and #30 (finding 6): fifty years without a crank at the highest rate the curve allows.
/// The debt would pass what any amount can repay after about 2.4 years; instead interest
/// saturates at `MAX_DEBT` and every instruction on the reserve still works, the admin's rate
/// cut included. (At ordinary rates interest compounds to the closed form: `lending::interest`.)
#[tokio::test]
async fn attack_30_fifty_idle_years_at_the_highest_rate_lock_nothing() {
    let (mut m, usdc, _, lender, borrower) = TestMarket::with_borrower().await;
    let max = RateCurve::new(&[(0, MAX_BORROW_RATE_BPS), (10_000, MAX_BORROW_RATE_BPS)]).unwrap();
    m.try_update_reserve(usdc, ReserveChange::RateCurve(max))
        .await
        .unwrap();
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.advance_time(50 * SECONDS_PER_YEAR as i64).await;
    m.try_refresh_reserve(usdc).await.unwrap();
    let r = m.reserve_state(usdc).await.liquidity;
    let growth = MAX_DEBT.div_floor(Fixed::from_u64(700 * USDC)).unwrap();
    assert_eq!(r.index(), growth);
    assert_eq!(
        r.borrowed(),
        Fixed::from_u64(700 * USDC).mul_ceil(growth).unwrap()
    );
    // The admin lowers the rate; repays, fee collection and redemptions go on.
    let calm = RateCurve::new(&[(0, 0), (10_000, 1_000)]).unwrap();
    m.try_update_reserve(usdc, ReserveChange::RateCurve(calm))
        .await
        .unwrap();
    m.fund(&borrower, usdc, USDC).await;
    m.try_repay(&borrower, &borrower, usdc, USDC).await.unwrap();
    let k = m.keys(usdc);
    let destination = m
        .create_token_account(
            &k.liquidity_mint,
            &solana_sdk::signer::Signer::pubkey(&m.admin),
            &k.token_program,
        )
        .await;
    m.try_withdraw_protocol_fees(usdc, &destination, u64::MAX)
        .await
        .unwrap();
    let available = m.reserve_state(usdc).await.liquidity.available_amount;
    assert_eq!(available, 0, "the fees took all that was available");
    m.fund(&borrower, usdc, 1_000 * USDC).await;
    m.try_repay(&borrower, &borrower, usdc, 1_000 * USDC)
        .await
        .unwrap();
    // A base unit of cUSDC is now worth about 1,660 USDC, more than the 1,000 the pool holds:
    // redemptions are refused for what they are, not for an overflow.
    assert_error!(
        m.try_redeem(&lender, usdc, 1).await,
        BallastError::InsufficientLiquidity
    );
}

/// #11: a thousand deposit/redeem round trips with amounts of one to seven units against a pool
/// whose cTokens are worth more than one unit: the attacker never ends richer, to the unit.
#[tokio::test]
async fn attack_11_deposit_redeem_loop_never_profits() {
    let (mut m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.advance_time(SECONDS_PER_YEAR as i64).await;
    let attacker = m.new_user().await;
    m.fund(&attacker, usdc, 10_000).await;
    let k = m.keys(usdc);
    let (wallet, ctokens) = (
        attacker.account(&k.liquidity_mint),
        attacker.account(&k.collateral_mint()),
    );
    // An amount that mints nothing is refused on its own.
    assert_eq!(
        m.try_deposit(&attacker, usdc, 1)
            .await
            .unwrap_err()
            .custom_code(),
        Some(u32::from(BallastError::AmountTooSmall))
    );
    // Interest accrued to now (time stands still from here): the pool's total is fixed but for
    // what the round trips move.
    m.try_refresh_reserve(usdc).await.unwrap();
    let start = m.reserve_state(usdc).await.liquidity;
    let (mut available, mut supply) = (start.available_amount, start.collateral_supply);
    let owed_raw = start.borrowed().raw() - start.protocol_fees().raw();
    let total = |available: u64| u128::from(available) * WAD + owed_raw;
    // Round trips in batches of 8 (the instructions a transaction at a time would send). What
    // each deposit mints (rounded down) and each redemption pays (rounded down) is computed here
    // in plain integers, independently of the program, and the chain must agree after every
    // batch: a rounding flipped either way shows.
    let (mut paid_in, mut paid_out, mut round_trips) = (0u64, 0u64, 0);
    for batch in (0..1_000u64).collect::<Vec<_>>().chunks(8) {
        let mut ixs = Vec::new();
        for i in batch {
            let amount = 1 + i % 7;
            let minted =
                mul_div_floor(u128::from(amount) * WAD, supply.into(), total(available)) as u64;
            if minted == 0 {
                continue; // mints nothing: refused, as checked above
            }
            available += amount;
            supply += minted;
            let paid = (mul_div_floor(total(available), minted.into(), supply.into()) / WAD) as u64;
            available -= paid;
            supply -= minted;
            paid_in += amount;
            paid_out += paid;
            round_trips += 1;
            ixs.push(ix::deposit(&attacker.key(), &k, &wallet, &ctokens, amount));
            ixs.push(ix::redeem(&attacker.key(), &k, &ctokens, &wallet, minted));
        }
        m.send_all(&ixs, &attacker.keypair).await.unwrap();
        let chain = m.reserve_state(usdc).await.liquidity;
        assert_eq!(
            (chain.available_amount, chain.collateral_supply),
            (available, supply)
        );
    }
    assert!(round_trips > 500, "{round_trips} round trips");
    assert_eq!(m.balance(&ctokens).await, 0);
    let left = m.balance(&wallet).await;
    assert_eq!(left, 10_000 - paid_in + paid_out);
    assert!(left <= 10_000, "attacker ended with {left} > 10,000");
}

/// #11: a thousand borrow(1)/repay(1) round trips, with a 0.1% fee (SOL) and without one
/// (USDC): the borrower never ends richer: what they received, they paid, and any fee is owed.
#[tokio::test]
async fn attack_11_borrow_repay_loop_never_profits() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let eth = m.add_reserve(ReserveSpec::sol()).await;
    let lender = m.new_user().await;
    for (r, amount) in [(usdc, 1_000 * USDC), (sol, 10_000_000_000)] {
        m.fund(&lender, r, amount).await;
        m.try_deposit(&lender, r, amount).await.unwrap();
    }
    let attacker = m.new_user().await;
    m.fund(&attacker, eth, 10_000_000_000).await;
    m.try_supply(&attacker, eth, 10_000_000_000).await.unwrap();
    for reserve in [usdc, sol] {
        let k = m.keys(reserve);
        let wallet = attacker.account(&k.liquidity_mint);
        // The first round trip on its own (with a fee it leaves a debt position behind), then
        // the other 999 in batches of 5, the same instructions a transaction at a time.
        m.try_borrow(&attacker, reserve, 1).await.unwrap();
        m.try_repay(&attacker, &attacker, reserve, 1).await.unwrap();
        let o = m.obligation_keys(&attacker).await;
        for batch in (1..1_000).collect::<Vec<_>>().chunks(5) {
            let ixs: Vec<_> = batch
                .iter()
                .flat_map(|_| {
                    [
                        ix::borrow(&k, &o, &wallet, 1),
                        ix::repay(&attacker.key(), &k, &attacker.obligation, &wallet, 1),
                    ]
                })
                .collect();
            m.send_all(&ixs, &attacker.keypair).await.unwrap();
        }
        assert_eq!(
            m.balance(&wallet).await,
            0,
            "received exactly what was repaid"
        );
        let r = m.reserve_state(reserve).await;
        let owed = m
            .obligation_state(&attacker)
            .await
            .borrows()
            .iter()
            .find(|p| p.reserve == m.keys(reserve).address)
            .map(|p| p.debt(r.liquidity.index()).unwrap())
            .unwrap_or(Fixed::ZERO);
        // USDC: no fee, nothing owed. SOL: 1,000 fees of 0.001 unit each are still owed.
        let fee = if reserve == sol {
            Fixed::from_u64(1)
        } else {
            Fixed::ZERO
        };
        assert_eq!(owed, fee);
    }
}

/// #11 with time passing: fifty borrow(1) / a month / repay(1) round trips against a pool half
/// lent out (about 5% a year). Each month's interest on the 1-unit debt is a fraction of a unit;
/// repaying 1 removes exactly 1, so the fractions stay owed and add up, and closing the debt
/// costs them rounded up. The borrower pays for every second of the loan.
#[tokio::test]
async fn attack_11_borrow_repay_loop_with_time_passing_never_profits() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 1_000 * USDC).await;
    m.try_deposit(&lender, usdc, 1_000 * USDC).await.unwrap();
    let (whale, attacker) = (m.new_user().await, m.new_user().await);
    for user in [&whale, &attacker] {
        m.fund(user, sol, 100_000_000_000).await;
        m.try_supply(user, sol, 100_000_000_000).await.unwrap();
    }
    m.try_borrow(&whale, usdc, 500 * USDC).await.unwrap();
    let k = m.keys(usdc);
    let wallet = attacker.account(&k.liquidity_mint);
    let owed = |o: &ballast::state::Obligation, index| {
        o.borrows()
            .iter()
            .find(|p| p.reserve == k.address)
            .map_or(Fixed::ZERO, |p| p.debt(index).unwrap())
    };
    let mut expected = Fixed::ZERO;
    for _ in 0..50 {
        m.try_borrow(&attacker, usdc, 1).await.unwrap();
        let at_borrow = m.reserve_state(usdc).await.liquidity.index();
        expected = expected.checked_add(Fixed::from_u64(1)).unwrap();
        m.advance_time(30 * 86_400).await;
        m.try_repay(&attacker, &attacker, usdc, 1).await.unwrap();
        let index = m.reserve_state(usdc).await.liquidity.index();
        // The month's interest, rounded up, then exactly one unit off.
        expected = expected
            .mul_div_ceil(index, at_borrow)
            .unwrap()
            .checked_sub(Fixed::from_u64(1))
            .unwrap();
        assert_eq!(owed(&m.obligation_state(&attacker).await, index), expected);
        assert_eq!(
            m.balance(&wallet).await,
            0,
            "received exactly what was repaid"
        );
    }
    // Fifty months of 5% on one unit: about 0.2 of a unit owed, paid as one whole unit.
    assert!(
        expected > Fixed::from_bps(1_000) && expected < Fixed::ONE,
        "{expected}"
    );
    m.fund(&attacker, usdc, 1).await;
    m.try_repay(&attacker, &attacker, usdc, u64::MAX)
        .await
        .unwrap();
    assert_eq!(m.balance(&wallet).await, 0);
    assert_eq!(m.obligation_state(&attacker).await.borrow_count, 0);
}

/// #12: the first depositor makes a tiny deposit and donates straight to the vault; a victim
/// then deposits and still gets a fair share, because the reserve tracks its own liquidity and
/// starts with a locked seed.
#[tokio::test]
async fn attack_12_first_depositor_donation_does_not_skew_the_rate() {
    let mut m = TestMarket::new().await;
    let usdc = m.add_reserve(ReserveSpec::usdc()).await;
    let (attacker, victim) = (m.new_user().await, m.new_user().await);
    let k = m.keys(usdc);
    m.fund(&attacker, usdc, 1_000_000 * USDC + 1).await;
    m.try_deposit(&attacker, usdc, 1).await.unwrap();
    let donate = spl_token::instruction::transfer(
        &spl_token::ID,
        &attacker.account(&k.liquidity_mint),
        &k.liquidity_vault(),
        &attacker.key(),
        &[],
        1_000_000 * USDC,
    )
    .unwrap();
    m.send(donate, &attacker.keypair).await.unwrap();
    let rate = m
        .reserve_state(usdc)
        .await
        .liquidity
        .exchange_rate()
        .unwrap();
    assert_eq!(
        rate,
        Fixed::ONE,
        "a donation does not move the exchange rate"
    );

    m.fund(&victim, usdc, 1_000 * USDC).await;
    m.try_deposit(&victim, usdc, 1_000 * USDC).await.unwrap();
    assert_eq!(
        m.balance(&victim.account(&k.collateral_mint())).await,
        1_000 * USDC
    );
    m.try_redeem(&victim, usdc, 1_000 * USDC).await.unwrap();
    assert_eq!(
        m.balance(&victim.account(&k.liquidity_mint)).await,
        1_000 * USDC
    );
    // The attacker's one cToken is still worth one unit; the donation is simply lost to them.
    m.try_redeem(&attacker, usdc, 1).await.unwrap();
    assert_eq!(m.balance(&attacker.account(&k.liquidity_mint)).await, 1);
}
