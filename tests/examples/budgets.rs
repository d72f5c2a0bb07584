//! Prints Ballast's size budgets: `cargo run -p ballast-tests --example budgets`.
use {
    ballast::{
        constants::{MAX_BORROWS, MAX_COLLATERALS, MAX_POSITIONS},
        instructions::LiquidationPayout,
        state::{Market, Obligation, Reserve},
    },
    ballast_tests::budgets::*,
};

fn main() {
    ballast_testkit::bank::quiet_logs();
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(print_budgets());
}

async fn print_budgets() {
    println!("account sizes (bytes, with the 8-byte discriminator):");
    println!("  Market      {:>5}", Market::SPACE);
    println!("  Reserve     {:>5}", Reserve::SPACE);
    println!(
        "  Obligation  {:>5}  (budget 1,200; {MAX_POSITIONS} positions: up to {MAX_COLLATERALS} collateral, up to {MAX_BORROWS} borrows)",
        Obligation::SPACE
    );
    let mut scenario = MaxPositions::new().await;
    let ixs = scenario.borrow_transaction(1_000_000).await;
    let borrow = legacy_tx_size(&ixs, &scenario.user.key());
    let liquidator = scenario.make_liquidatable().await;
    let ixs = scenario
        .liquidate_transaction(&liquidator, LiquidationPayout::Collateral)
        .await;
    let collateral = legacy_tx_size(&ixs, &liquidator.key());
    let ixs = scenario
        .liquidate_transaction(&liquidator, LiquidationPayout::Liquidity)
        .await;
    let liquidity = legacy_tx_size(&ixs, &liquidator.key());
    println!("transactions at {MAX_POSITIONS} positions in {MAX_POSITIONS} distinct reserves (compute-budget instruction included; limit {PACKET_DATA_SIZE}):");
    println!("  borrow                          {borrow:>5}");
    println!("  liquidate, cToken payout        {collateral:>5}");
    println!("  liquidate, liquidity payout     {liquidity:>5}  (needs an address lookup table at this many positions)");
}
