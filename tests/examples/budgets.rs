//! Prints Ballast's size budgets: `cargo run -p ballast-tests --example budgets`.
use {
    ballast::{
        constants::{MAX_BORROWS, MAX_COLLATERALS, MAX_POSITIONS},
        state::{Market, Obligation, Reserve},
    },
    ballast_tests::budgets::*,
};

#[tokio::main]
async fn main() {
    println!("account sizes (bytes, with the 8-byte discriminator):");
    println!("  Market      {:>5}", Market::SPACE);
    println!("  Reserve     {:>5}", Reserve::SPACE);
    println!(
        "  Obligation  {:>5}  (budget 1,200; {MAX_POSITIONS} positions: up to {MAX_COLLATERALS} collateral, up to {MAX_BORROWS} borrows)",
        Obligation::SPACE
    );
    let scenario = MaxPositions::new().await;
    let ixs = scenario.borrow_transaction(1_000_000).await;
    let size = legacy_tx_size(&ixs, &scenario.user.key());
    println!("transactions at {MAX_POSITIONS} positions in {MAX_POSITIONS} distinct reserves (compute-budget instruction included):");
    println!("  borrow      {size:>5}  (limit {PACKET_DATA_SIZE})");
}
