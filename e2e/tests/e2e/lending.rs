//! The lending story through the CLI: deposit, pledge, borrow, repay, withdraw, redeem, every
//! balance to the unit.
use {
    crate::{usdc_and_sol, SOL, USDC},
    ballast::math::Fixed,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lend_borrow_repay_and_redeem_to_the_unit() {
    let (m, alice) = usdc_and_sol().await;
    assert_eq!(m.balance(&alice.key(), "USDC").await, 0);
    // One cToken per unit while nothing is borrowed (the admin's seed set the rate).
    assert_eq!(m.ctokens(&alice.key(), "USDC").await, 10_000 * USDC);

    let bob = m.user("bob").await;
    m.give(&bob, "SOL", 10 * SOL).await;
    m.ok(&bob, &["supply", "SOL", "10"]).await;
    assert_eq!(m.balance(&bob.key(), "SOL").await, 0);
    let pledged = m.obligation(&bob.key()).await;
    assert_eq!(pledged.collaterals()[0].deposited_amount, 10 * SOL);

    // $1,500 of SOL at 75% lends at most $1,125.
    let refused = m.fails(&bob, &["borrow", "USDC", "1200"]).await;
    assert_eq!(
        refused,
        "transaction failed: ObligationUnhealthy: obligation would be unhealthy: borrowed value \
         would exceed the collateral's borrowing power (error 6502)"
    );
    assert!(m.obligation(&bob.key()).await.borrows().is_empty());
    m.ok(&bob, &["borrow", "USDC", "1000"]).await;
    assert_eq!(m.balance(&bob.key(), "USDC").await, 1_000 * USDC);
    let owes = m.obligation(&bob.key()).await;
    // The 0.1% origination fee is added to the debt.
    assert_eq!(
        owes.borrows()[0].borrowed_amount_sf.get(),
        Fixed::from_u64(1_001 * USDC)
    );

    // Bob brings the fee from outside and repays everything.
    m.give(&bob, "USDC", USDC).await;
    m.ok(&bob, &["repay", "USDC", "max"]).await;
    assert_eq!(m.balance(&bob.key(), "USDC").await, 0);
    assert!(m.obligation(&bob.key()).await.borrows().is_empty());
    m.ok(&bob, &["withdraw", "SOL", "max"]).await;
    assert_eq!(m.balance(&bob.key(), "SOL").await, 10 * SOL);
    assert!(m.obligation(&bob.key()).await.collaterals().is_empty());

    // No interest: Alice gets back what she lent; the fee is the protocol's.
    m.ok(&alice, &["redeem", "USDC", "max"]).await;
    assert_eq!(m.balance(&alice.key(), "USDC").await, 10_000 * USDC);
    assert_eq!(m.ctokens(&alice.key(), "USDC").await, 0);
    let reserve = m.reserve("USDC").await;
    // The admin's seed and the fee stay in the vault.
    assert_eq!(reserve.liquidity.available_amount, USDC + USDC);
    assert_eq!(reserve.liquidity.protocol_fees(), Fixed::from_u64(USDC));
    assert_eq!(reserve.liquidity.borrowed(), Fixed::ZERO);
}
