//! Size budgets (figures printed by `cargo run -p ballast-tests --example budgets`). The
//! obligation's size budget (<= 1,200 bytes, >= 10 positions) is asserted at compile time in
//! the program's `state` module.
use {
    ballast::constants::MAX_POSITIONS,
    ballast_tests::{budgets::*, *},
};

#[tokio::test]
async fn max_position_borrow_fits_one_legacy_transaction_and_succeeds() {
    let scenario = MaxPositions::new().await;
    let m = &scenario.market;
    assert_eq!(
        m.obligation_state(&scenario.user).await.position_count(),
        MAX_POSITIONS
    );
    let ixs = scenario.borrow_transaction(1_000_000).await;
    let size = legacy_tx_size(&ixs, &scenario.user.key());
    assert!(
        size <= PACKET_DATA_SIZE,
        "borrow transaction is {size} bytes"
    );
    // And it really runs, paid and signed by the user alone.
    let k = m.keys(*scenario.debt.last().unwrap());
    let wallet = scenario.user.account(&k.liquidity_mint);
    let before = m.balance(&wallet).await;
    m.bank.send(&ixs, &[&scenario.user.keypair]).await.unwrap();
    assert_eq!(m.balance(&wallet).await, before + 1_000_000);
}

#[tokio::test]
async fn max_position_liquidation_fits_one_legacy_transaction_and_succeeds() {
    let mut scenario = MaxPositions::new().await;
    let liquidator = scenario.make_liquidatable().await;
    let ixs = scenario
        .liquidate_transaction(
            &liquidator,
            ballast::instructions::LiquidationPayout::Collateral,
        )
        .await;
    let size = legacy_tx_size(&ixs, &liquidator.key());
    assert!(
        size <= PACKET_DATA_SIZE,
        "liquidate transaction is {size} bytes"
    );
    let m = &scenario.market;
    let collateral_mint = m.keys(scenario.collateral[0]).collateral_mint();
    m.bank.send(&ixs, &[&liquidator.keypair]).await.unwrap();
    assert!(m.balance(&liquidator.account(&collateral_mint)).await > 0);
}
