//! The liquidator on live updates: a fake RPC websocket on loopback pushes the accounts the
//! in-process bank holds, as a node would, and the liquidator acts on one oracle update
//! without waiting for its next scan.
use {
    crate::harness::{Harness, SOL, USDC},
    ballast_cli::backoffice::{
        live::{self, LiveConfig},
        monitor_loop::MonitorLoop,
        schedule::Schedule,
        shutdown, LiquidatorConfig, Monitor, PassSummary, Thresholds,
    },
    ballast_client::Transport,
    ballast_testkit::ws::FakeWs,
    std::{
        collections::VecDeque,
        io::Write,
        sync::{Arc, Mutex},
        time::Duration,
    },
};

/// Output shared with the test while a loop writes it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Alice lends 10,000 USDC; Bob pledges 10 SOL ($1,000 at $100) and owes 700 USDC; Liz holds
/// 1,000 USDC to liquidate with.
async fn market_with_bob(h: &Harness) -> [crate::harness::User; 3] {
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
    [alice, bob, liz]
}

fn live_config(ws: &FakeWs) -> LiveConfig {
    LiveConfig {
        ws_url: ws.url.clone(),
        shard: Default::default(),
        // No scan would come in the test's lifetime: only an update can trigger a look.
        full_scan_every: Duration::from_secs(3_600),
        retry: Duration::from_millis(50),
    }
}

#[tokio::test]
async fn an_oracle_update_over_the_websocket_is_liquidated_without_waiting_for_a_scan() {
    let h = Harness::with_market().await;
    let sol = h.asset_index("SOL");
    let [_, bob, liz] = market_with_bob(&h).await;
    let ws = FakeWs::start().await;
    let market = h.market.unwrap();
    let live = live_config(&ws);
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

#[tokio::test]
async fn the_monitor_alerts_on_an_oracle_update_without_waiting_for_a_scan() {
    let h = Harness::with_market().await;
    let sol = h.asset_index("SOL");
    let [_, bob, _] = market_with_bob(&h).await;
    let ws = FakeWs::start().await;
    let mut l = MonitorLoop {
        market: h.market.unwrap(),
        monitor: Monitor::new(Thresholds::default()).with_labels(h.labels.clone()),
        webhook: None,
        undelivered: VecDeque::new(),
        state_file: None,
        schedule: Schedule {
            once: false,
            interval: Duration::from_secs(3_600),
        },
        metrics: Default::default(),
        users: None,
    };
    let (trigger, stop) = shutdown::channel();
    let out = Shared::default();
    let mut writer = out.clone();
    let live = live_config(&ws);
    let bot = l.run_live(&h.bank, &live, &stop, &mut writer);
    let oracle = h.assets[sol].oracle;
    let driver = async {
        ws.subscribed(2).await;
        // Healthy at $100: no alert on connecting.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(out.text(), "");
        h.set_price(sol, 80 * 100_000_000).await;
        let account = h.bank.account(&oracle).await.unwrap().unwrap();
        ws.account_changed(&oracle, &account);
        wait_for(|| out.text().contains("obligation_health_low")).await;
        trigger.stop();
    };
    let (result, ()) = tokio::join!(bot, driver);
    result.unwrap();
    let line = out.text();
    let alert: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(alert["kind"], "obligation_health_low");
    assert_eq!(alert["subject"], h.obligation_key(&bob.key()).to_string());
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
