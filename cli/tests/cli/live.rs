//! The liquidator on live updates: a fake RPC websocket on loopback pushes the accounts the
//! in-process bank holds, as a node would, and the liquidator acts on one oracle update
//! without waiting for its next scan.
use {
    crate::harness::{Harness, SOL, USDC},
    ballast_cli::backoffice::{
        live::{self, LiveConfig},
        shutdown, LiquidatorConfig, PassSummary,
    },
    ballast_client::Transport,
    ballast_testkit::ws::FakeWs,
    std::{
        sync::{Arc, Mutex},
        time::Duration,
    },
};

#[tokio::test]
async fn an_oracle_update_over_the_websocket_is_liquidated_without_waiting_for_a_scan() {
    let h = Harness::with_market().await;
    let (sol, usdc) = (h.asset_index("SOL"), h.asset_index("USDC"));
    let (alice, bob, liz) = (
        h.user("alice").await,
        h.user("bob").await,
        h.user("liz").await,
    );
    h.give(&alice, usdc, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "max"]).await;
    h.give(&bob, sol, 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "700"]).await;
    h.give(&liz, usdc, 1_000 * USDC).await;

    let ws = FakeWs::start().await;
    let market = h.market.unwrap();
    let live = LiveConfig {
        ws_url: ws.url.clone(),
        shard: Default::default(),
        // No scan would come in the test's lifetime: only the update can trigger the pass.
        full_scan_every: Duration::from_secs(3_600),
        retry: Duration::from_millis(50),
    };
    let (trigger, stop) = shutdown::channel();
    let passes: Arc<Mutex<Vec<PassSummary>>> = Arc::default();
    let seen = passes.clone();
    let config = LiquidatorConfig::default();
    let bot = live::run(
        &h.bank,
        &market,
        &liz.keypair,
        &config,
        &live,
        &stop,
        move |s| seen.lock().unwrap().push(s.clone()),
    );
    let oracle = h.assets[sol].oracle;
    let driver = async {
        ws.subscribed(2).await;
        // The pass after connecting: Bob is healthy at $100 (limit $750 against $700).
        wait_for(|| passes.lock().unwrap().len() == 1).await;
        assert_eq!(passes.lock().unwrap()[0].liquidated, 0);
        // SOL falls to $80 on chain; the node tells the liquidator.
        h.set_price(sol, 80 * 100_000_000).await;
        let account = h.bank.account(&oracle).await.unwrap().unwrap();
        ws.account_changed(&oracle, &account);
        wait_for(|| passes.lock().unwrap().len() == 2).await;
        trigger.stop();
    };
    let (result, ()) = tokio::join!(bot, driver);
    result.unwrap();
    let passes = passes.lock().unwrap().clone();
    assert_eq!(passes.len(), 2, "one pass on connecting, one on the update");
    assert_eq!((passes[1].unhealthy, passes[1].liquidated), (1, 1));
    // The close factor's half of Bob's 700 USDC.
    let done = &passes[1].done[0];
    assert_eq!(done.obligation, h.obligation_key(&bob.key()));
    assert_eq!(done.repaid, 350_000_000);
    assert_eq!(
        h.obligation(&bob.key()).await.borrows()[0]
            .borrowed_amount_sf
            .get()
            .to_ceil()
            .unwrap(),
        350_000_000
    );
}

async fn wait_for(mut done: impl FnMut() -> bool) {
    for _ in 0..3_000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out");
}
