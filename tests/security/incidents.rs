//! Incident replays: one test per incident of SECURITY.md whose root cause applies to a lending
//! program, named after it, showing Ballast refuses it.
use {
    anchor_lang::error::ErrorCode as Anchor,
    anchor_spl::token::spl_token,
    ballast::{
        constants::SECONDS_PER_YEAR,
        errors::BallastError,
        events::Liquidated,
        instructions::LiquidateArgs,
        math::{Fixed, RateCurve},
        state::ReserveChange,
    },
    ballast_client::{events, health, instructions as ix},
    ballast_testkit::pyth::PythPrice,
    ballast_tests::{
        attacker,
        expect::{mul_div_floor, WAD},
        specs::USD,
        *,
    },
    solana_sdk::pubkey::Pubkey,
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// SPL token-lending (2021): deposit/redeem rounded half-up, so loops paid out more than went
/// in. Here both round toward the pool: at an exchange rate above one, one unit buys no cToken
/// (refused), two units buy one, and one cToken redeems for one unit: every loop loses.
#[tokio::test]
async fn incident_spl_token_lending_rounding_2021() {
    let (mut m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let steep = RateCurve::new(&[(0, 5_000), (10_000, 5_000)]).unwrap();
    m.try_update_reserve(usdc, ReserveChange::RateCurve(steep))
        .await
        .unwrap();
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.advance_time(SECONDS_PER_YEAR as i64).await;
    m.try_refresh_reserve(usdc).await.unwrap();
    let rate = m
        .reserve_state(usdc)
        .await
        .liquidity
        .exchange_rate()
        .unwrap();
    assert!(rate > Fixed::ONE && rate < Fixed::from_u64(2), "{rate}");
    let attacker = m.new_user().await;
    m.fund(&attacker, usdc, 1_000).await;
    let k = m.keys(usdc);
    let one = ix::deposit(
        &attacker.key(),
        &k,
        &attacker.account(&k.liquidity_mint),
        &attacker.account(&k.collateral_mint()),
        1,
    );
    m.assert_refused(one, &attacker.keypair, BallastError::AmountTooSmall)
        .await;
    for _ in 0..100 {
        m.try_deposit(&attacker, usdc, 2).await.unwrap();
        m.try_redeem(&attacker, usdc, 1).await.unwrap();
    }
    // Each loop: 2 in, 1 out.
    assert_eq!(
        m.balance(&attacker.account(&k.liquidity_mint)).await,
        1_000 - 100
    );
}

/// Solend USDH (2022): collateral priced off one thin pool with no TWAP; a pumped spot was
/// borrowed against. Here collateral counts at the lower of spot and EMA: a spot pumped 9x
/// adds nothing to the borrow limit.
#[tokio::test]
async fn incident_solend_usdh_thin_pool_price_2022() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let now = m.now().await;
    let mut pumped = PythPrice::new(m.reserve(sol).feed_id, 900 * USD, -8, now);
    pumped.ema_price = 100 * USD;
    m.set_oracle(sol, pumped).await;
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    // At spot the limit would be $6,750; at the EMA it is $750.
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 750 * USDC + 1);
    m.assert_refused(borrow, &borrower.keypair, BallastError::ObligationUnhealthy)
        .await;
}

/// Mango Markets (2022): the spot price of an illiquid token moved 10x and the inflated
/// collateral borrowed the treasury. Here: EMA valuation, and a borrow cap that bounds what
/// any single borrower can take from a reserve even if a price were wrong.
#[tokio::test]
async fn incident_mango_markets_2022() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_update_reserve(usdc, ReserveChange::BorrowCap(2_000 * USDC))
        .await
        .unwrap();
    // EMA catches up over time: suppose the EMA itself reached 10x.
    m.set_price(sol, 1_000 * USD).await;
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    let drain = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 7_500 * USDC);
    m.assert_refused(drain, &borrower.keypair, BallastError::BorrowCapExceeded)
        .await;
    m.try_borrow(&borrower, usdc, 2_000 * USDC).await.unwrap();
}

/// Cashio (2022): collateral accounts were checked against each other but the root was never
/// checked, so a self-consistent fake chain passed. Here every account chains up to the market:
/// a fully consistent reserve of another market, and a copy owned by another program, fail.
#[tokio::test]
async fn incident_cashio_unchecked_root_2022() {
    let (m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let (_, fake) = m.foreign_reserve().await;
    let o = m.obligation_keys(&borrower).await;
    let borrow = ix::borrow(
        &fake,
        &o,
        &borrower.account(&m.keys(usdc).liquidity_mint),
        1,
    );
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongMarket)
        .await;
    // A byte-for-byte copy of a real reserve, owned by the attacker's program.
    let k = m.keys(usdc);
    let copy_address = Pubkey::new_unique();
    let mut copy = m.account(&k.address).await.unwrap();
    copy.owner = attacker::ID;
    m.bank.set_account(&copy_address, copy).await;
    let mut borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    borrow.accounts[3].pubkey = copy_address;
    m.assert_refused(
        borrow,
        &borrower.keypair,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;
}

/// Crema (2022): a forged account passed an owner check that was not specific enough. Here an
/// oracle must be owned by exactly the Pyth receiver: a forged update with a price of $1,000,000
/// owned by another program is refused.
#[tokio::test]
async fn incident_crema_forged_account_2022() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let now = m.now().await;
    let mut forged = PythPrice::new(m.reserve(sol).feed_id, 1_000_000 * USD, -8, now).account();
    forged.owner = attacker::ID;
    m.bank.set_account(&m.keys(sol).oracle(), forged).await;
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 9_000 * USDC);
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongOracleOwner)
        .await;
}

/// Jet v1: a liquidator could seize collateral beyond the debt repaid. Here the liquidator
/// chooses only how much to repay; the seizure follows: repaying one unit seizes at most one
/// unit's worth times one plus the bonus.
#[tokio::test]
async fn incident_jet_v1_seize_beyond_repaid() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.set_price(sol, 80 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    let one = LiquidateArgs {
        max_repay_amount: 1,
        ..ballast_tests::specs::seize_all()
    };
    let out = m
        .try_liquidate(&liquidator, &borrower, usdc, sol, one)
        .await
        .unwrap();
    let e = &events::decode::<Liquidated>(&out.event_data)[0];
    assert_eq!(e.repaid_amount, 1);
    // One micro-USDC ($0.000001) x 1.0857 at $80 per SOL: 13 lamports, no more.
    let value = WAD / 1_000_000;
    let limit = mul_div_floor(
        value + mul_div_floor(value, e.bonus_sf, WAD),
        SOL.into(),
        80 * WAD,
    );
    assert_eq!(e.seized_collateral as u128, limit);
    assert_eq!(e.seized_collateral, 13);
}

/// Port Finance (near miss): max-withdraw ignored the LTV of the collateral withdrawn. Here,
/// what a withdrawal frees is the withdrawn collateral's value times *its own*
/// loan-to-value, not another position's.
#[tokio::test]
async fn incident_port_finance_withdrawn_collaterals_own_ltv() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_update_reserve(
        sol,
        ReserveChange::LoanToValue {
            loan_to_value_bps: 5_000,
            liquidation_threshold_bps: 6_000,
            ramp_secs: 3_600,
        },
    )
    .await
    .unwrap();
    m.fund(&borrower, usdc, 1_000_000_000).await;
    m.try_supply(&borrower, usdc, 1_000_000_000).await.unwrap();
    // Limit: $1,000 USDC x 80% + $1,000 SOL x 50% = $1,300. Borrow $1,250 of another
    // stablecoin (an obligation never owes the asset it pledges).
    let pool = m.add_pool(ReserveSpec::usdc(), 10_000_000_000).await;
    let borrower = m.with_accounts_for(borrower).await;
    m.try_borrow(&borrower, pool, 1_250_000_000).await.unwrap();
    // Withdrawing $62.50 of USDC costs 62.5 x 80% = 50 of limit: exactly at the line.
    // (Valued at SOL's 50%, $100 could leave: the bug.)
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_withdraw(&borrower, usdc, 62_500_001).await,
        BallastError::ObligationUnhealthy
    );
    assert_error!(
        m.try_withdraw(&borrower, usdc, 100_000_000).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    m.try_withdraw(&borrower, usdc, 62_500_000).await.unwrap();
}

/// Loopscale (2025): the id of a program called by CPI was not checked, so a spoofed "pricer"
/// set the value. Here the programs Ballast calls are checked: a token program other than the
/// reserve's, or a price from a program other than Pyth's, is refused.
#[tokio::test]
async fn incident_loopscale_spoofed_program_2025() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    let mut spoofed = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    let last = spoofed
        .accounts
        .iter()
        .position(|a| a.pubkey == anchor_spl::token::ID)
        .unwrap();
    spoofed.accounts[last].pubkey = attacker::ID;
    m.assert_refused(spoofed, &borrower.keypair, Anchor::InvalidProgramId)
        .await;
    let now = m.now().await;
    let mut pricer = PythPrice::new(m.reserve(sol).feed_id, 10_000 * USD, -8, now).account();
    pricer.owner = attacker::ID;
    m.bank.set_account(&m.keys(sol).oracle(), pricer).await;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 5_000 * USDC);
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongOracleOwner)
        .await;
}

/// Compound forks (Hundred, Cream): an empty market; a donation inflated the exchange rate and
/// rounding took the next depositor's funds. Here a market is never empty (the locked seed)
/// and the reserve counts its own liquidity: after the attacker's deposit, near-total
/// redemption and donation, the victim still gets exactly their share.
#[tokio::test]
async fn incident_compound_forks_empty_market_donation() {
    let mut m = TestMarket::new().await;
    let usdc = m.add_reserve(ReserveSpec::usdc()).await;
    let (attacker, victim) = (m.new_user().await, m.new_user().await);
    let k = m.keys(usdc);
    m.fund(&attacker, usdc, 1_000 + 5_000 * USDC).await;
    m.try_deposit(&attacker, usdc, 1_000).await.unwrap();
    m.try_redeem(&attacker, usdc, 999).await.unwrap();
    let donate = spl_token::instruction::transfer(
        &spl_token::ID,
        &attacker.account(&k.liquidity_mint),
        &k.liquidity_vault(),
        &attacker.key(),
        &[],
        5_000 * USDC,
    )
    .unwrap();
    m.send(donate, &attacker.keypair).await.unwrap();
    assert_eq!(
        m.reserve_state(usdc)
            .await
            .liquidity
            .exchange_rate()
            .unwrap(),
        Fixed::ONE
    );
    m.fund(&victim, usdc, 2_500 * USDC).await;
    m.try_deposit(&victim, usdc, 2_500 * USDC).await.unwrap();
    m.try_redeem(&victim, usdc, 2_500 * USDC).await.unwrap();
    assert_eq!(
        m.balance(&victim.account(&k.liquidity_mint)).await,
        2_500 * USDC
    );
}

/// Solend whale (2022): one account too large to liquidate in the market. Here a large
/// obligation is liquidated in close-factor steps, each one transaction, each improving its
/// health margin, until it is healthy again.
#[tokio::test]
async fn incident_solend_whale_2022() {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000_000 * USDC).await;
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let whale = m.new_user().await;
    m.fund(&whale, sol, 100_000 * SOL).await;
    m.try_supply(&whale, sol, 100_000 * SOL).await.unwrap();
    m.try_borrow(&whale, usdc, 7_000_000 * USDC).await.unwrap();
    m.set_price(sol, 86 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 10_000_000 * USDC).await;
    let mut steps = 0;
    loop {
        let before = health::obligation_health(&m.bank, &whale.obligation)
            .await
            .unwrap()
            .health;
        if !before.is_liquidatable() {
            break;
        }
        m.try_liquidate(
            &liquidator,
            &whale,
            usdc,
            sol,
            ballast_tests::specs::seize_all(),
        )
        .await
        .unwrap();
        let after = health::obligation_health(&m.bank, &whale.obligation)
            .await
            .unwrap()
            .health;
        assert!(
            after.liquidation_limit.raw() + before.weighted_debt_value.raw()
                >= before.liquidation_limit.raw() + after.weighted_debt_value.raw()
        );
        steps += 1;
        assert!(steps < 10);
    }
    // One step at 50% of $7M: health 0.98 -> above 1 again.
    assert_eq!(steps, 1);
}

/// marginfi (2025 near miss): an account transfer was allowed during a flash loan, whose health
/// checks were deferred to its end, and dropped the liabilities. Here flash loans defer nothing
/// and belong to no obligation; every instruction between borrow and repay is checked on its
/// own, and no instruction moves an obligation to another owner. Taking collateral out past the
/// limit while a flash loan is open is refused on the spot.
#[tokio::test]
async fn incident_marginfi_flash_loan_deferred_health_2025() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let wallet = borrower.account(&k.liquidity_mint);
    let tx = [
        ix::flash_borrow(&borrower.key(), &k, &wallet, 700 * USDC),
        // With the loan in hand, take out collateral the debt still needs...
        ix::withdraw(&s, &o, &borrower.account(&s.liquidity_mint), 5 * SOL),
        // ...meaning to settle it all before the end.
        ix::repay(&borrower.key(), &k, &borrower.obligation, &wallet, u64::MAX),
        ix::flash_repay(&borrower.key(), &k, &wallet, 700 * USDC, 0),
    ];
    m.assert_tx_refused(&tx, &[&borrower.keypair], BallastError::ObligationUnhealthy)
        .await;
}
