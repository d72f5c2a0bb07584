//! #13: position accounts (remaining accounts) are exactly each position's reserve and oracle,
//! in the obligation's order, or the instruction is refused before any state changes.
use {
    ballast::errors::BallastError,
    ballast_client::instructions as ix,
    ballast_tests::*,
    solana_sdk::instruction::{AccountMeta, Instruction},
};

/// A borrower with SOL and USDC pledged and one unit of a third stablecoin (the pool borrowed
/// from) owed. Position accounts: SOL (0, 1), USDC (2, 3), the debt (4, 5).
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.fund(&borrower, usdc, 100_000_000).await;
    m.try_supply(&borrower, usdc, 100_000_000).await.unwrap();
    let pool = m.add_pool(ReserveSpec::usdc(), 10_000_000_000).await;
    let borrower = m.with_accounts_for(borrower).await;
    m.try_borrow(&borrower, pool, 1).await.unwrap();
    (m, pool, sol, borrower)
}

/// A borrow of 1 unit of `pool` whose position accounts are replaced by `edit(current)`.
async fn borrow_with(
    m: &TestMarket,
    pool: ReserveId,
    borrower: &User,
    edit: impl FnOnce(Vec<AccountMeta>) -> Vec<AccountMeta>,
) -> Instruction {
    let mut o = m.obligation_keys(borrower).await;
    o.position_accounts = edit(o.position_accounts);
    let k = m.keys(pool);
    ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1_000_000)
}

async fn expect_refused(
    edit: impl FnOnce(Vec<AccountMeta>) -> Vec<AccountMeta>,
    error: BallastError,
) {
    let (m, pool, _, borrower) = setup().await;
    let borrow = borrow_with(&m, pool, &borrower, edit).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(m.send(borrow, &borrower.keypair).await, error);
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn the_right_accounts_pass() {
    let (m, pool, _, borrower) = setup().await;
    let borrow = borrow_with(&m, pool, &borrower, |a| a).await;
    m.send(borrow, &borrower.keypair).await.unwrap();
}

// The borrowed reserve is a new position: its price account follows the positions', and is
// what the program finds where the missing position's reserve should be.
#[tokio::test]
async fn attack_13_missing_pair() {
    expect_refused(|a| a[..4].to_vec(), BallastError::PositionReserveMismatch).await;
}

#[tokio::test]
async fn attack_13_missing_oracle() {
    expect_refused(|a| a[..5].to_vec(), BallastError::MissingPositionAccounts).await;
}

#[tokio::test]
async fn attack_13_none_at_all() {
    expect_refused(|_| Vec::new(), BallastError::PositionReserveMismatch).await;
}

#[tokio::test]
async fn attack_13_extra_pair() {
    expect_refused(
        |a| [a.clone(), a[..2].to_vec()].concat(),
        BallastError::UnexpectedPositionAccounts,
    )
    .await;
}

#[tokio::test]
async fn attack_13_reordered_pairs() {
    expect_refused(
        |a| [&a[2..4], &a[..2], &a[4..]].concat(),
        BallastError::PositionReserveMismatch,
    )
    .await;
}

#[tokio::test]
async fn attack_13_oracle_in_place_of_the_reserve() {
    expect_refused(
        |mut a| {
            a.swap(0, 1);
            a
        },
        BallastError::PositionReserveMismatch,
    )
    .await;
}

#[tokio::test]
async fn attack_13_a_reserve_the_obligation_does_not_hold() {
    let (mut m, pool, _, borrower) = setup().await;
    let other = m.add_reserve(ReserveSpec::sol()).await;
    let other_keys = m.keys(other);
    let borrow = borrow_with(&m, pool, &borrower, |mut a| {
        a[0] = AccountMeta::new_readonly(other_keys.address, false);
        a[1] = AccountMeta::new_readonly(other_keys.oracle(), false);
        a
    })
    .await;
    assert_error!(
        m.send(borrow, &borrower.keypair).await,
        BallastError::PositionReserveMismatch
    );
}

#[tokio::test]
async fn attack_13_the_right_reserve_with_the_wrong_oracle() {
    expect_refused(
        |mut a| {
            a[1] = a[3].clone(); // SOL's reserve with USDC's oracle
            a
        },
        BallastError::WrongOracleAccount,
    )
    .await;
}

#[tokio::test]
async fn attack_13_the_instructions_own_reserve_with_the_wrong_oracle() {
    expect_refused(
        |mut a| {
            a[5] = a[1].clone(); // the borrowed reserve's own position, with SOL's oracle
            a
        },
        BallastError::WrongOracleAccount,
    )
    .await;
}

#[tokio::test]
async fn attack_13_checked_even_when_no_price_is_needed() {
    let (m, _, sol, borrower) = setup().await;
    let k = m.keys(sol);
    let mut o = m.obligation_keys(&borrower).await;
    o.position_accounts.truncate(2);
    let withdraw = ix::withdraw_collateral(&k, &o, &borrower.account(&k.collateral_mint()), 1);
    assert_error!(
        m.send(withdraw, &borrower.keypair).await,
        BallastError::MissingPositionAccounts
    );
    let mut o = m.obligation_keys(&borrower).await;
    o.position_accounts.swap(0, 2);
    o.position_accounts.swap(1, 3);
    let withdraw = ix::withdraw(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    assert_error!(
        m.send(withdraw, &borrower.keypair).await,
        BallastError::PositionReserveMismatch
    );
}

#[tokio::test]
async fn a_reserve_cannot_hold_both_collateral_and_debt_of_one_obligation() {
    let (m, pool, sol, borrower) = setup().await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    // Borrowing the pledged SOL; pledging the owed pool asset.
    assert_error!(
        m.try_borrow(&borrower, sol, 1).await,
        BallastError::SameReserveCollateralAndDebt
    );
    m.assert_unchanged(&before, &touched).await;
    m.fund(&borrower, pool, 10).await;
    let funded = m.snapshot(&touched).await;
    assert_error!(
        m.try_supply(&borrower, pool, 10).await,
        BallastError::SameReserveCollateralAndDebt
    );
    m.assert_unchanged(&funded, &touched).await;
}
