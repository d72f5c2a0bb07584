//! The end-to-end suite over RPC (see the crate's docs): the lending story, a liquidation by
//! the reference liquidator, an alert from the monitor. Each test opens its own market, so
//! they run side by side on one validator.
mod alert;
mod lending;
mod liquidation;

use ballast_e2e::{TestMarket, User, SOL, USDC};

/// The tests' markets' oracle grace period: a changed fixed price counts as the end of an
/// oracle outage, and liquidations wait this long (the default, 15 minutes, would stall a run
/// on a validator).
pub const GRACE_SECS: u32 = 10;

/// A market listing USDC ($1, stablecoin preset, a 0.1% origination fee) and SOL ($150,
/// volatile preset: 75% loan-to-value, liquidation at 80%), both without interest; Alice has
/// lent 10,000 USDC.
pub async fn usdc_and_sol() -> (TestMarket, User) {
    let mut m = TestMarket::open(GRACE_SECS).await;
    let usdc_settings = ["--preset", "stablecoin", "--borrow-fee-bps", "10"];
    m.list("USDC", 6, "1", &usdc_settings).await;
    m.list("SOL", 9, "150", &["--preset", "volatile"]).await;
    let alice = m.user("alice").await;
    m.give(&alice, "USDC", 10_000 * USDC).await;
    m.ok(&alice, &["deposit", "USDC", "10000"]).await;
    (m, alice)
}

/// `usdc_and_sol`, and Bob, who pledged 10 SOL ($1,500) and borrowed 1,000 USDC: he owes
/// 1,001 USDC (the fee included) against a liquidation limit of $1,200, health factor 1.1988.
pub async fn bob_borrows() -> (TestMarket, User) {
    let (m, _alice) = usdc_and_sol().await;
    let bob = m.user("bob").await;
    m.give(&bob, "SOL", 10 * SOL).await;
    m.ok(&bob, &["supply", "SOL", "10"]).await;
    m.ok(&bob, &["borrow", "USDC", "1000"]).await;
    (m, bob)
}
