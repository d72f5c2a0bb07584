//! Liquidation: eligibility, close factor, bonus, collateral cap, payouts, health margin.
//! Every amount is checked against the test's own exact computation (`Expected`).
use {
    ballast::{
        errors::BallastError,
        events::{BadDebtSocialized, Liquidated},
        instructions::{LiquidateArgs, LiquidationPayout},
        math::Fixed,
    },
    ballast_client::{events, health},
    ballast_tests::{
        expect::{mul_div_ceil, mul_div_floor, protocol_share, WAD},
        specs::USD,
        *,
    },
};

const SOL: u64 = 1_000_000_000;
const USDC: u64 = 1_000_000;

/// A USDC pool of 10,000, a borrower with `collateral` SOL pledged owing `debt` USDC, and a
/// liquidator holding 10,000 USDC.
async fn setup(collateral: u64, debt: u64) -> (TestMarket, ReserveId, ReserveId, User, User) {
    let (m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 10_000 * USDC).await;
    m.try_deposit(&lender, usdc, 10_000 * USDC).await.unwrap();
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, collateral).await;
    m.try_supply(&borrower, sol, collateral).await.unwrap();
    m.try_borrow(&borrower, usdc, debt).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 10_000 * USDC).await;
    (m, usdc, sol, borrower, liquidator)
}

fn args(max_repay_amount: u64, payout: LiquidationPayout) -> LiquidateArgs {
    LiquidateArgs {
        max_repay_amount,
        min_payout: 0,
        payout,
    }
}

/// The liquidation the rules prescribe for `collateral` SOL at `price` USD against `debt`
/// USDC at $1 (SOL: threshold 80%, bonus 5-10%, protocol share 10%; market: close factor 50%,
/// full liquidation below health 0.9, dust $1), computed in plain integers.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    repay: u64,
    seized: u64,
    protocol: u64,
    liquidator: u64,
    bonus_raw: u128,
    debt_left: u64,
    /// Debt written off in the same instruction (the last collateral taken).
    written_off: u64,
}

fn expected(collateral: u64, debt: u64, price: u64, requested: u64) -> Expected {
    let collateral_value = mul_div_floor(collateral.into(), u128::from(price) * WAD, SOL.into());
    let limit = collateral_value * 8_000 / 10_000;
    let debt_value = u128::from(debt) * (WAD / u128::from(USDC));
    let health = mul_div_floor(limit, WAD, debt_value);
    // Within the reserve's bounds, and never more than the equity (collateral / debt - 1).
    let equity = mul_div_floor(collateral_value, WAD, debt_value).saturating_sub(WAD);
    let bonus = (WAD - health).clamp(WAD / 20, WAD / 10).min(equity);
    let close = debt_value / 2;
    let full = health < WAD * 9 / 10 || debt_value <= WAD || debt_value - close < WAD;
    let max_repay = if full {
        debt
    } else {
        (close / (WAD / u128::from(USDC))) as u64
    };
    let mut repay = requested.min(max_repay);
    let repaid_value = u128::from(repay) * (WAD / u128::from(USDC));
    let seize_value = repaid_value + mul_div_floor(repaid_value, bonus, WAD);
    let mut seized = mul_div_floor(seize_value, SOL.into(), u128::from(price) * WAD) as u64;
    if seized >= collateral {
        seized = collateral;
        let covered = mul_div_ceil(collateral_value, WAD, WAD + bonus);
        repay = repay.min(covered.div_ceil(WAD / u128::from(USDC)) as u64);
    }
    let protocol = protocol_share(seized, bonus, 1_000);
    let written_off = if seized == collateral {
        debt - repay
    } else {
        0
    };
    Expected {
        repay,
        seized,
        protocol,
        liquidator: seized - protocol,
        bonus_raw: bonus,
        debt_left: debt - repay - written_off,
        written_off,
    }
}

/// Liquidates 10 SOL / 700 USDC at `price` and checks every balance and state change.
async fn liquidate_and_check(price: u64, requested: u64, payout: LiquidationPayout) -> Expected {
    let (collateral, debt) = (10 * SOL, 700 * USDC);
    let (mut m, usdc, sol, borrower, liquidator) = setup(collateral, debt).await;
    m.set_price(sol, price as i64 * USD).await;
    let (uk, sk) = (m.keys(usdc), m.keys(sol));
    let exp = expected(collateral, debt, price, requested);
    let health_before = health::obligation_health(&m.bank, &borrower.obligation)
        .await
        .unwrap()
        .health;
    let usdc_wallet = liquidator.account(&uk.liquidity_mint);
    let destination = match payout {
        LiquidationPayout::Collateral => liquidator.account(&sk.collateral_mint()),
        LiquidationPayout::Liquidity => liquidator.account(&sk.liquidity_mint),
    };
    let (usdc_vault, collateral_vault) = (
        m.balance(&uk.liquidity_vault()).await,
        m.balance(&sk.collateral_vault()).await,
    );
    let (sol_vault, ctoken_supply) = (
        m.balance(&sk.liquidity_vault()).await,
        m.mint_supply(&sk.collateral_mint()).await,
    );

    let out = m
        .try_liquidate(&liquidator, &borrower, usdc, sol, args(requested, payout))
        .await
        .unwrap();

    assert_eq!(m.balance(&usdc_wallet).await, 10_000 * USDC - exp.repay);
    assert_eq!(m.balance(&destination).await, exp.liquidator);
    assert_eq!(
        m.balance(&uk.liquidity_vault()).await,
        usdc_vault + exp.repay
    );
    assert_eq!(
        m.balance(&sk.collateral_vault()).await,
        collateral_vault - exp.liquidator
    );
    match payout {
        LiquidationPayout::Collateral => {
            assert_eq!(m.balance(&sk.liquidity_vault()).await, sol_vault);
            assert_eq!(m.mint_supply(&sk.collateral_mint()).await, ctoken_supply);
        }
        LiquidationPayout::Liquidity => {
            // SOL's exchange rate is exactly 1: the cTokens redeem one for one.
            assert_eq!(
                m.balance(&sk.liquidity_vault()).await,
                sol_vault - exp.liquidator
            );
            assert_eq!(
                m.mint_supply(&sk.collateral_mint()).await,
                ctoken_supply - exp.liquidator
            );
        }
    }
    let sol_reserve = m.reserve_state(sol).await;
    assert_eq!(sol_reserve.protocol_collateral, exp.protocol);
    let usdc_reserve = m.reserve_state(usdc).await.liquidity;
    assert_eq!(usdc_reserve.borrowed(), Fixed::from_u64(exp.debt_left));
    let o = m.obligation_state(&borrower).await;
    let left = collateral - exp.seized;
    assert_eq!(
        o.collaterals().first().map_or(0, |p| p.deposited_amount),
        left
    );
    assert_eq!(o.collateral_count, u8::from(left > 0));
    let debt_left = o
        .borrows()
        .first()
        .map(|p| p.debt(usdc_reserve.index()).unwrap());
    assert_eq!(
        debt_left.unwrap_or(Fixed::ZERO),
        Fixed::from_u64(exp.debt_left)
    );
    assert_eq!(o.borrow_count, u8::from(exp.debt_left > 0));

    let event = &events::decode::<Liquidated>(&out.event_data)[0];
    assert_eq!(event.header.obligation, borrower.obligation);
    assert_eq!(event.header.reserve, uk.address);
    assert_eq!(event.header.signer, liquidator.key());
    assert_eq!(event.withdraw_reserve, sk.address);
    assert_eq!(
        (
            event.repaid_amount,
            event.seized_collateral,
            event.protocol_collateral,
            event.payout_amount
        ),
        (exp.repay, exp.seized, exp.protocol, exp.liquidator)
    );
    assert_eq!(event.bonus_sf, exp.bonus_raw);
    let written_off: Vec<u128> = events::decode::<BadDebtSocialized>(&out.event_data)
        .iter()
        .map(|e| e.written_off_sf)
        .collect();
    let expected_write_offs = if exp.written_off > 0 {
        vec![u128::from(exp.written_off) * WAD]
    } else {
        vec![]
    };
    assert_eq!(written_off, expected_write_offs);

    // Health margin (liquidation limit - weighted debt) never falls; collateral seized is worth at
    // most the repaid value times (1 + bonus).
    let after = health::obligation_health(&m.bank, &borrower.obligation)
        .await
        .unwrap()
        .health;
    assert!(
        after.liquidation_limit.raw() + health_before.weighted_debt_value.raw()
            >= health_before.liquidation_limit.raw() + after.weighted_debt_value.raw()
    );
    let seized_value = mul_div_floor(exp.seized.into(), u128::from(price) * WAD, SOL.into());
    let repaid_value = u128::from(exp.repay) * (WAD / u128::from(USDC));
    assert!(seized_value <= repaid_value + mul_div_floor(repaid_value, exp.bonus_raw, WAD));
    exp
}

#[tokio::test]
async fn barely_unhealthy_pays_the_minimum_bonus_on_the_close_factor() {
    // $86: health 688/700 = 0.98: bonus 5% (the floor), repay 50% of $700.
    let e = liquidate_and_check(86, u64::MAX, LiquidationPayout::Collateral).await;
    assert_eq!((e.repay, e.bonus_raw), (350 * USDC, WAD / 20));
}

#[tokio::test]
async fn deeper_pays_a_bonus_that_grows_with_unhealthiness() {
    // $80: health 640/700 = 0.914: bonus 1 - 0.914 = 8.57%, between the bounds.
    let e = liquidate_and_check(80, u64::MAX, LiquidationPayout::Collateral).await;
    assert_eq!(e.repay, 350 * USDC);
    assert!(e.bonus_raw > WAD / 20 && e.bonus_raw < WAD / 10);
    assert_eq!(e.bonus_raw, WAD - mul_div_floor(640, WAD, 700));
}

#[tokio::test]
async fn below_the_full_liquidation_level_all_of_the_debt_may_be_repaid_at_the_maximum_bonus() {
    // $78: health 624/700 = 0.891 < 0.9: the whole 700, bonus capped at 10%.
    let e = liquidate_and_check(78, u64::MAX, LiquidationPayout::Collateral).await;
    assert_eq!(
        (e.repay, e.bonus_raw, e.debt_left),
        (700 * USDC, WAD / 10, 0)
    );
    assert!(e.seized < 10 * SOL);
}

#[tokio::test]
async fn never_more_collateral_than_there_is() {
    // $60: $600 of collateral against $700: no equity, so no bonus. All of it goes, for $600
    // of debt; the $100 left without collateral is written off in the same instruction.
    let e = liquidate_and_check(60, u64::MAX, LiquidationPayout::Collateral).await;
    assert_eq!((e.seized, e.bonus_raw, e.protocol), (10 * SOL, 0, 0));
    assert_eq!(e.repay, 600 * USDC);
    assert_eq!((e.written_off, e.debt_left), (100 * USDC, 0));
}

#[tokio::test]
async fn repaying_more_than_the_close_factor_is_clamped() {
    let e = liquidate_and_check(80, 500 * USDC, LiquidationPayout::Collateral).await;
    assert_eq!(e.repay, 350 * USDC);
    // Less than the close factor is taken as asked.
    let e = liquidate_and_check(80, 100 * USDC, LiquidationPayout::Collateral).await;
    assert_eq!(e.repay, 100 * USDC);
}

#[tokio::test]
async fn the_liquidator_may_take_the_underlying_liquidity() {
    let e = liquidate_and_check(80, u64::MAX, LiquidationPayout::Liquidity).await;
    assert_eq!(e, expected(10 * SOL, 700 * USDC, 80, u64::MAX));
}

#[tokio::test]
async fn dust_debt_is_liquidated_in_full() {
    // 0.01 SOL against 0.7 USDC: at $86 health is 0.98 (close factor territory), but the whole
    // debt is worth less than the $1 dust level.
    let (collateral, debt) = (SOL / 100, 700_000);
    let (mut m, usdc, sol, borrower, liquidator) = setup(collateral, debt).await;
    m.set_price(sol, 86 * USD).await;
    let exp = expected(collateral, debt, 86, u64::MAX);
    assert_eq!(exp.repay, debt);
    m.try_liquidate(
        &liquidator,
        &borrower,
        usdc,
        sol,
        args(u64::MAX, LiquidationPayout::Collateral),
    )
    .await
    .unwrap();
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
    let sk = m.keys(sol);
    assert_eq!(
        m.balance(&liquidator.account(&sk.collateral_mint())).await,
        exp.liquidator
    );
}

#[tokio::test]
async fn what_would_remain_after_the_close_factor_being_dust_allows_full_repayment() {
    // 1.5 USDC of debt: 50% would leave $0.75 < $1.
    let (collateral, debt) = (SOL / 50, 1_500_000);
    let (mut m, usdc, sol, borrower, liquidator) = setup(collateral, debt).await;
    m.set_price(sol, 93 * USD).await; // health 1.488 / 1.5 = 0.992
    let exp = expected(collateral, debt, 93, u64::MAX);
    assert_eq!(exp.repay, debt);
    m.try_liquidate(
        &liquidator,
        &borrower,
        usdc,
        sol,
        args(u64::MAX, LiquidationPayout::Collateral),
    )
    .await
    .unwrap();
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
}

#[tokio::test]
async fn refusals_leave_everything_unchanged() {
    let (mut m, usdc, sol, borrower, liquidator) = setup(10 * SOL, 700 * USDC).await;
    m.set_price(sol, 80 * USD).await;
    let touched = [
        m.touched_accounts(&borrower),
        m.touched_accounts(&liquidator),
    ]
    .concat();
    let before = m.snapshot(&touched).await;
    let collateral = LiquidationPayout::Collateral;
    // The pair reversed: no debt in SOL, no collateral in USDC.
    assert_error!(
        m.try_liquidate(
            &liquidator,
            &borrower,
            sol,
            usdc,
            args(u64::MAX, collateral)
        )
        .await,
        BallastError::BorrowPositionNotFound
    );
    assert_error!(
        m.try_liquidate(
            &liquidator,
            &borrower,
            usdc,
            usdc,
            args(u64::MAX, collateral)
        )
        .await,
        BallastError::SameReserveCollateralAndDebt
    );
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, args(0, collateral))
            .await,
        BallastError::ZeroAmount
    );
    // Slippage: the payout would be below the liquidator's minimum.
    let exp = expected(10 * SOL, 700 * USDC, 80, u64::MAX);
    let greedy = LiquidateArgs {
        min_payout: exp.liquidator + 1,
        ..args(u64::MAX, collateral)
    };
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, greedy)
            .await,
        BallastError::LiquidationBelowMinimum
    );
    m.assert_unchanged(&before, &touched).await;
    let exact = LiquidateArgs {
        min_payout: exp.liquidator,
        ..args(u64::MAX, collateral)
    };
    m.try_liquidate(&liquidator, &borrower, usdc, sol, exact)
        .await
        .unwrap();
}

#[tokio::test]
async fn liquidity_payout_needs_the_withdraw_reserves_own_accounts() {
    let (mut m, usdc, sol, borrower, liquidator) = setup(10 * SOL, 700 * USDC).await;
    m.set_price(sol, 80 * USD).await;
    let (uk, sk) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let build = |payout| {
        ballast_client::instructions::liquidate(
            &liquidator.key(),
            &o,
            &uk,
            &sk,
            &liquidator.account(&uk.liquidity_mint),
            &liquidator.account(&sk.liquidity_mint),
            args(u64::MAX, payout),
        )
    };
    // Missing payout accounts.
    let mut short = build(LiquidationPayout::Liquidity);
    short.accounts.pop();
    assert_error!(
        m.send(short, &liquidator.keypair).await,
        BallastError::InvalidPayoutAccounts
    );
    // Another reserve's liquidity vault.
    let mut foreign = build(LiquidationPayout::Liquidity);
    let n = foreign.accounts.len();
    foreign.accounts[n - 3].pubkey = uk.liquidity_vault();
    assert_error!(
        m.send(foreign, &liquidator.keypair).await,
        BallastError::InvalidPayoutAccounts
    );
    // Payout accounts with a cToken payout.
    let mut extra = build(LiquidationPayout::Liquidity);
    extra.data = build(LiquidationPayout::Collateral).data;
    assert_error!(
        m.send(extra, &liquidator.keypair).await,
        BallastError::InvalidPayoutAccounts
    );
}

/// Two collaterals and two debts: the liquidator picks the pair; only that pair changes.
#[tokio::test]
async fn several_collateral_and_debt_reserves() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let eth = m
        .add_reserve(ReserveSpec::sol().with_price(2_000 * USD))
        .await;
    let usdt = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 10_000 * USDC).await;
    m.try_deposit(&lender, usdc, 10_000 * USDC).await.unwrap();
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10 * SOL).await;
    m.try_supply(&borrower, sol, 10 * SOL).await.unwrap();
    m.fund(&borrower, eth, SOL).await;
    m.try_supply(&borrower, eth, SOL).await.unwrap();
    // Limit 10 x $100 x 75% + $2,000 x 75% = $2,250; owe $1,200 + $1,000.
    m.try_borrow(&borrower, usdc, 1_200 * USDC).await.unwrap();
    m.try_borrow(&borrower, usdt, 1_000 * USDC).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdt, 2_000 * USDC).await;
    // SOL crashes to $30: liquidation limit 300 x 0.8 + 2,000 x 0.8 = 1,840 < 2,200;
    // health 0.836 < 0.9, so the whole USDT position may go. ETH's bonus would be its maximum
    // of 10%, but the obligation's equity is only $2,300 / $2,200 - 1 = 4.5454...%.
    m.set_price(sol, 30 * USD).await;
    let untouched: Vec<_> = [usdc, sol]
        .iter()
        .flat_map(|&r| {
            let k = m.keys(r);
            [
                k.address,
                k.liquidity_vault(),
                k.collateral_vault(),
                k.collateral_mint(),
            ]
        })
        .collect();
    let before = m.snapshot(&untouched).await;

    m.try_liquidate(
        &liquidator,
        &borrower,
        usdt,
        eth,
        args(u64::MAX, LiquidationPayout::Collateral),
    )
    .await
    .unwrap();

    // 1,000 USDT repaid, worth $1,000; x 1.045454... = $1,045.45 of ETH at $2,000.
    let bonus = mul_div_floor(2_300 * WAD, WAD, 2_200 * WAD) - WAD;
    let seized = mul_div_floor(1_000 * (WAD + bonus), SOL.into(), 2_000 * WAD) as u64;
    assert_eq!(seized, 522_727_272);
    let protocol = protocol_share(seized, bonus, 1_000);
    let (tk, ek) = (m.keys(usdt), m.keys(eth));
    assert_eq!(
        m.balance(&liquidator.account(&tk.liquidity_mint)).await,
        1_000 * USDC
    );
    assert_eq!(
        m.balance(&liquidator.account(&ek.collateral_mint())).await,
        seized - protocol
    );
    assert_eq!(m.reserve_state(eth).await.protocol_collateral, protocol);
    let o = m.obligation_state(&borrower).await;
    let positions: Vec<_> = o
        .collaterals()
        .iter()
        .map(|p| (p.reserve, p.deposited_amount))
        .collect();
    assert_eq!(
        positions,
        vec![(m.keys(sol).address, 10 * SOL), (ek.address, SOL - seized)]
    );
    assert_eq!(o.borrow_count, 1);
    assert_eq!(o.borrows()[0].reserve, m.keys(usdc).address);
    m.assert_unchanged(&before, &untouched).await;
}

/// The protocol's share of the bonus waits in the collateral vault as protocol-owned cTokens;
/// `withdraw_protocol_fees` redeems it into the fee vault.
#[tokio::test]
async fn the_protocols_bonus_share_reaches_the_fee_vault() {
    let e = expected(10 * SOL, 700 * USDC, 80, u64::MAX);
    let (mut m, usdc, sol, borrower, liquidator) = setup(10 * SOL, 700 * USDC).await;
    m.set_price(sol, 80 * USD).await;
    m.try_liquidate(
        &liquidator,
        &borrower,
        usdc,
        sol,
        args(u64::MAX, LiquidationPayout::Collateral),
    )
    .await
    .unwrap();
    let sk = m.keys(sol);
    // The vault holds exactly the obligation's remaining cTokens plus the protocol's.
    assert_eq!(
        m.balance(&sk.collateral_vault()).await,
        m.obligation_state(&borrower).await.collaterals[0].deposited_amount + e.protocol
    );
    let supply = m.mint_supply(&sk.collateral_mint()).await;
    let destination = m
        .create_token_account(
            &sk.liquidity_mint,
            &solana_sdk::signer::Signer::pubkey(&m.admin),
            &sk.token_program,
        )
        .await;
    m.try_withdraw_protocol_fees(sol, &destination, u64::MAX)
        .await
        .unwrap();
    // SOL's exchange rate is 1 (no SOL was ever borrowed): one SOL unit per cToken.
    assert_eq!(m.balance(&destination).await, e.protocol);
    assert_eq!(m.reserve_state(sol).await.protocol_collateral, 0);
    assert_eq!(
        m.mint_supply(&sk.collateral_mint()).await,
        supply - e.protocol
    );
    assert_eq!(
        m.balance(&sk.collateral_vault()).await,
        m.obligation_state(&borrower).await.collaterals[0].deposited_amount
    );
}
