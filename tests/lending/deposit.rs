//! Deposit and redeem: liquidity for cTokens and back, rounding toward the pool.
use {
    ballast::{
        errors::BallastError,
        events::{Deposited, Redeemed},
        math::Fixed,
    },
    ballast_client::{events, instructions as ix},
    ballast_tests::*,
};

#[tokio::test]
async fn deposit_mints_ctokens_one_to_one_on_a_fresh_reserve() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let k = m.keys(usdc);
    m.fund(&alice, usdc, 1_000_000).await;
    let before = m.reserve_state(usdc).await.liquidity;

    let out = m.try_deposit(&alice, usdc, 400_000).await.unwrap();

    assert_eq!(m.balance(&alice.account(&k.liquidity_mint)).await, 600_000);
    assert_eq!(
        m.balance(&alice.account(&k.collateral_mint())).await,
        400_000
    );
    assert_eq!(m.balance(&k.liquidity_vault()).await, 1_000_000 + 400_000);
    assert_eq!(m.mint_supply(&k.collateral_mint()).await, 400_000);
    let after = m.reserve_state(usdc).await.liquidity;
    assert_eq!(after.available_amount, before.available_amount + 400_000);
    assert_eq!(after.collateral_supply, before.collateral_supply + 400_000);
    let event = &events::decode::<Deposited>(&out.event_data)[0];
    assert_eq!(event.header.market, m.market);
    assert_eq!(event.header.reserve, k.address);
    assert_eq!(event.header.signer, alice.key());
    assert_eq!(
        (
            event.liquidity_amount,
            event.collateral_amount,
            event.pledged
        ),
        (400_000, 400_000, false)
    );
}

#[tokio::test]
async fn redeem_burns_ctokens_and_pays_liquidity() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let k = m.keys(usdc);
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_deposit(&alice, usdc, 400_000).await.unwrap();

    let out = m.try_redeem(&alice, usdc, 150_000).await.unwrap();

    assert_eq!(m.balance(&alice.account(&k.liquidity_mint)).await, 750_000);
    assert_eq!(
        m.balance(&alice.account(&k.collateral_mint())).await,
        250_000
    );
    assert_eq!(m.balance(&k.liquidity_vault()).await, 1_000_000 + 250_000);
    assert_eq!(m.mint_supply(&k.collateral_mint()).await, 250_000);
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(r.available_amount, 1_250_000);
    assert_eq!(r.collateral_supply, 1_250_000);
    let event = &events::decode::<Redeemed>(&out.event_data)[0];
    assert_eq!(
        (
            event.collateral_amount,
            event.liquidity_amount,
            event.unpledged
        ),
        (150_000, 150_000, false)
    );
}

/// With interest accrued, cTokens are worth more than one unit: a deposit mints
/// floor(amount x supply / total) and a redeem pays floor(collateral x total / supply).
#[tokio::test]
async fn exchange_rate_after_interest_rounds_toward_the_pool() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    let borrower = m.new_user().await;
    m.fund(&lender, usdc, 2_000_000_000).await;
    m.try_deposit(&lender, usdc, 1_000_000_000).await.unwrap();
    m.fund(&borrower, sol, 20_000_000_000).await;
    m.try_supply(&borrower, sol, 20_000_000_000).await.unwrap();
    m.try_borrow(&borrower, usdc, 900_000_000).await.unwrap();
    m.advance_time(365 * 86_400).await;
    let k = m.keys(usdc);

    let amount = 333_333_333;
    m.try_deposit(&lender, usdc, amount).await.unwrap();
    let after = m.reserve_state(usdc).await.liquidity;
    let minted = m.balance(&lender.account(&k.collateral_mint())).await - 1_000_000_000;
    // Pool state at the deposit (accrued to now) = state after, minus the deposit.
    let supply_before = (after.collateral_supply - minted) as u128;
    let total_before = after.total_supply().unwrap().raw() - amount as u128 * Fixed::SCALE;
    let expected = amount as u128 * supply_before * Fixed::SCALE / total_before;
    assert_eq!(minted as u128, expected);
    assert!(
        minted < amount,
        "a cToken is worth more than one unit after interest"
    );

    // Redeem what was just minted: never more than was deposited.
    let liquidity_before = m.balance(&lender.account(&k.liquidity_mint)).await;
    m.try_redeem(&lender, usdc, minted).await.unwrap();
    let paid = m.balance(&lender.account(&k.liquidity_mint)).await - liquidity_before;
    let expected_paid = minted as u128 * after.total_supply().unwrap().raw()
        / (after.collateral_supply as u128 * Fixed::SCALE);
    assert_eq!(paid as u128, expected_paid);
    assert!(paid <= amount);

    // One unit now buys less than one cToken: refused, nothing moves.
    let before = m.snapshot(&m.touched_accounts(&lender)).await;
    assert_error!(
        m.try_deposit(&lender, usdc, 1).await,
        BallastError::AmountTooSmall
    );
    m.assert_unchanged(&before, &m.touched_accounts(&lender))
        .await;
}

#[tokio::test]
async fn zero_amounts_are_refused_and_change_nothing() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_supply(&alice, usdc, 500_000).await.unwrap();
    m.try_deposit(&alice, usdc, 100_000).await.unwrap();
    let touched = m.touched_accounts(&alice);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_deposit(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_redeem(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_supply(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_withdraw(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_deposit_collateral(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_withdraw_collateral(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_borrow(&alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    assert_error!(
        m.try_repay(&alice, &alice, usdc, 0).await,
        BallastError::ZeroAmount
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn redeem_is_limited_by_available_liquidity() {
    let (m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    let borrower = m.new_user().await;
    m.fund(&lender, usdc, 1_000_000_000).await;
    m.try_deposit(&lender, usdc, 1_000_000_000).await.unwrap();
    m.fund(&borrower, sol, 20_000_000_000).await;
    m.try_supply(&borrower, sol, 20_000_000_000).await.unwrap();
    // Borrow all but 1,000 units of the pool (seed included).
    m.try_borrow(&borrower, usdc, 1_000_000_000).await.unwrap();
    let before = m.snapshot(&m.touched_accounts(&lender)).await;
    assert_error!(
        m.try_redeem(&lender, usdc, 1_000_001).await,
        BallastError::InsufficientLiquidity
    );
    m.assert_unchanged(&before, &m.touched_accounts(&lender))
        .await;
    m.try_redeem(&lender, usdc, 1_000_000).await.unwrap();
}

#[tokio::test]
async fn deposit_cap_is_enforced_to_the_unit() {
    let (m, usdc, _) = TestMarket::standard().await;
    // The pool holds the 1,000,000-unit seed: room for exactly 4,000,000 more.
    m.try_update_reserve(usdc, ballast::state::ReserveChange::DepositCap(5_000_000))
        .await
        .unwrap();
    let alice = m.new_user().await;
    m.fund(&alice, usdc, 10_000_000).await;
    let before = m.snapshot(&m.touched_accounts(&alice)).await;
    assert_error!(
        m.try_deposit(&alice, usdc, 4_000_001).await,
        BallastError::DepositCapExceeded
    );
    assert_error!(
        m.try_supply(&alice, usdc, 4_000_001).await,
        BallastError::DepositCapExceeded
    );
    m.assert_unchanged(&before, &m.touched_accounts(&alice))
        .await;
    m.try_deposit(&alice, usdc, 4_000_000).await.unwrap();
}

#[tokio::test]
async fn another_reserves_vault_or_a_wrong_token_program_is_refused() {
    let (m, usdc, sol) = TestMarket::standard().await;
    let alice = m.new_user().await;
    m.fund(&alice, usdc, 1_000_000).await;
    let k = m.keys(usdc);
    let mut bad = ix::deposit(
        &alice.key(),
        &k,
        &alice.account(&k.liquidity_mint),
        &alice.account(&k.collateral_mint()),
        1_000,
    );
    // Account 5 is the liquidity vault.
    bad.accounts[5].pubkey = m.keys(sol).liquidity_vault();
    let before = m.snapshot(&m.touched_accounts(&alice)).await;
    assert_error!(
        m.send(bad.clone(), &alice.keypair).await,
        BallastError::WrongReserveAccount
    );
    bad.accounts[5].pubkey = k.liquidity_vault();
    // Account 9 is the liquidity token program: Token-2022 is a token program, but not this one.
    bad.accounts[9].pubkey = anchor_spl::token_2022::ID;
    assert_error!(
        m.send(bad, &alice.keypair).await,
        BallastError::WrongTokenProgram
    );
    m.assert_unchanged(&before, &m.touched_accounts(&alice))
        .await;
}
