//! A liquidation by the reference liquidator (`ballast liquidator --once`): the admin moves
//! SOL's fixed price down, the bot waits out the grace period, then liquidates exactly once.
use {
    crate::{bob_borrows, GRACE_SECS, SOL, USDC},
    ballast::math::Fixed,
    serde_json::{json, Value},
};

/// One pass's JSON line without the fee payer's SOL (what the relay's priority fee costs
/// depends on the cluster's recent fees).
fn pass(mut lines: Vec<Value>) -> Value {
    assert_eq!(lines.len(), 1, "{lines:?}");
    let mut line = lines.remove(0);
    line.as_object_mut()
        .expect("a JSON object")
        .remove("fee_payer_lamports");
    line
}

fn summary(unhealthy: u64, liquidated: u64, skipped: u64, obligations: Value) -> Value {
    let (repaid, seized) = match liquidated {
        0 => ("0.000000", "0.000000"),
        _ => ("500.500000", "525.525000"),
    };
    json!({
        "pass": 1, "dry_run": false, "scanned": 1, "unhealthy": unhealthy,
        "liquidated": liquidated, "repaid_usd": repaid, "seized_usd": seized,
        "skipped": skipped, "no_inventory": 0, "bad_debt": 0, "errors": 0,
        "underfunded": false, "stopped": false, "obligations": obligations,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_liquidator_waits_out_the_grace_period_then_liquidates_bob() {
    let (m, bob) = bob_borrows().await;
    let obligation = m.obligation_key(&bob.key());
    let liz = m.user("liz").await;
    m.give(&liz, "USDC", 1_000 * USDC).await;
    let once = ["liquidator", "--once"];
    assert_eq!(
        pass(m.json_lines(&liz, &once).await),
        summary(0, 0, 0, json!([]))
    );

    // $1,200 of SOL at 80% against 1,001 USDC: health factor 0.959. The new source counts as
    // the end of an oracle outage: the program refuses liquidations for the grace period.
    m.set_price("SOL", "120").await;
    assert_eq!(
        pass(m.json_lines(&liz, &once).await),
        summary(1, 0, 1, json!([]))
    );
    assert_eq!(m.balance(&liz.key(), "USDC").await, 1_000 * USDC);
    assert_eq!(
        m.obligation(&bob.key()).await.collaterals()[0].deposited_amount,
        10 * SOL
    );

    m.pass_time(GRACE_SECS.into()).await;
    let done = summary(1, 1, 0, json!([obligation.to_string()]));
    assert_eq!(pass(m.json_lines(&liz, &once).await), done);
    // Half the debt (the close factor): 500.5 USDC repaid for $525.525 of SOL (a 5% bonus) at
    // $120, 4.379375 SOL, of which the protocol keeps a tenth of the bonus (0.020854167 SOL);
    // Liz is paid in cTokens, one per lamport while SOL is not borrowed.
    assert_eq!(m.balance(&liz.key(), "USDC").await, 499_500_000);
    assert_eq!(m.ctokens(&liz.key(), "SOL").await, 4_358_520_833);
    let after = m.obligation(&bob.key()).await;
    assert_eq!(
        after.collaterals()[0].deposited_amount,
        10 * SOL - 4_379_375_000
    );
    let debt = after.borrows()[0].borrowed_amount_sf.get();
    assert_eq!(debt, Fixed::from_u64(500_500_000));

    // Healthy again: $674.475 of SOL at 80% against 500.5 USDC, health factor 1.078.
    assert_eq!(
        pass(m.json_lines(&liz, &once).await),
        summary(0, 0, 0, json!([]))
    );
}
