//! Prints Ballast's size budgets: `cargo run -p ballast-tests --example budgets`.
use {
    ballast::{
        constants::{MAX_BORROWS, MAX_COLLATERALS, MAX_POSITIONS},
        instructions::LiquidationPayout,
        state::{Market, Obligation, Reserve},
    },
    ballast_tests::budgets::*,
    solana_compute_budget_interface::ComputeBudgetInstruction,
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
    // What a liquidator sends: with a priority fee, and through the market's lookup table.
    let fee = ComputeBudgetInstruction::set_compute_unit_price(50_000);
    let mut sizes = Vec::new();
    for payout in [LiquidationPayout::Collateral, LiquidationPayout::Liquidity] {
        let mut ixs = scenario.liquidate_transaction(&liquidator, payout).await;
        ixs.insert(1, fee.clone());
        let table = scenario.lookup_addresses();
        sizes.push((
            legacy_tx_size(&ixs, &liquidator.key()),
            v0_tx_size(&ixs, &liquidator.key(), table),
        ));
    }
    println!("transactions at {MAX_POSITIONS} positions in {MAX_POSITIONS} distinct reserves (compute-budget instruction included; limit {PACKET_DATA_SIZE}):");
    println!("  borrow                          {borrow:>5}");
    println!("  liquidate, cToken payout        {collateral:>5}");
    println!("  liquidate, liquidity payout     {liquidity:>5}");
    println!("with a priority fee: legacy / version 0 through the market's lookup table");
    println!(
        "  liquidate, cToken payout        {:>5} / {:>4}",
        sizes[0].0, sizes[0].1
    );
    println!(
        "  liquidate, liquidity payout     {:>5} / {:>4}",
        sizes[1].0, sizes[1].1
    );
}
