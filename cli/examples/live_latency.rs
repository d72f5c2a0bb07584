//! How fast the live liquidator reacts: the time from an oracle update reaching it over the
//! websocket (a fake node on loopback, fed from the in-process bank) to its liquidation
//! transaction being sent, and landed, for a market whose one borrower the update makes
//! liquidatable. Run: `cargo run --profile measure -p ballast-cli --example live_latency`.
#[allow(dead_code)]
#[path = "../tests/cli/harness.rs"]
mod harness;

use {
    ballast_cli::backoffice::{
        live::{self, LiveConfig},
        shutdown, LiquidatorConfig,
    },
    ballast_client::{transport::AccountFilter, ClientError, Transport, TxOutcome},
    ballast_testkit::{bank::Bank, ws::FakeWs},
    harness::{Harness, SOL, USDC},
    solana_sdk::{
        account::Account, clock::Clock, hash::Hash, instruction::Instruction,
        message::AddressLookupTableAccount, pubkey::Pubkey, signer::Signer,
    },
    std::{
        sync::{Arc, Mutex},
        time::{Duration, Instant},
    },
};

const RUNS: usize = 5;

/// The bank, noting when the first transaction is sent.
struct Timed<'a> {
    bank: &'a Bank,
    first_send: Arc<Mutex<Option<Instant>>>,
}

impl Transport for Timed<'_> {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        self.bank.account(address).await
    }
    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        self.bank.program_accounts(filters).await
    }
    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        self.first_send
            .lock()
            .unwrap()
            .get_or_insert_with(Instant::now);
        self.bank
            .send_with_tables(instructions, signers, tables)
            .await
    }
    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        self.bank
            .simulate_with_tables(instructions, signers, tables)
            .await
    }
    async fn clock(&self) -> Result<Clock, ClientError> {
        self.bank.clock().await
    }
    async fn latest_blockhash(&self) -> Result<Hash, ClientError> {
        self.bank.latest_blockhash().await
    }
}

/// One run: (update -> sent, update -> landed).
async fn run() -> (Duration, Duration) {
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
    let first_send = Arc::new(Mutex::new(None));
    let timed = Timed {
        bank: &h.bank,
        first_send: first_send.clone(),
    };
    let live = LiveConfig {
        ws_url: ws.url.clone(),
        shard: Default::default(),
        full_scan_every: Duration::from_secs(3_600),
        retry: Duration::from_millis(50),
    };
    let (trigger, stop) = shutdown::channel();
    let passes = Arc::new(Mutex::new(0usize));
    let seen = passes.clone();
    let config = LiquidatorConfig::default();
    let market = h.market.unwrap();
    let bot = live::run(
        &timed,
        &market,
        &liz.keypair,
        &config,
        &live,
        &stop,
        move |_| *seen.lock().unwrap() += 1,
    );
    let oracle = h.assets[sol].oracle;
    let driver = async {
        ws.subscribed(2).await;
        while *passes.lock().unwrap() < 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        h.set_price(sol, 80 * 100_000_000).await;
        let account = h.bank.account(&oracle).await.unwrap().unwrap();
        let updated = Instant::now();
        ws.account_changed(&oracle, &account);
        while *passes.lock().unwrap() < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let landed = updated.elapsed();
        trigger.stop();
        let first = first_send.lock().unwrap().expect("a liquidation was sent");
        let sent = first.saturating_duration_since(updated);
        (sent, landed)
    };
    let (result, times) = tokio::join!(bot, driver);
    result.expect("the live liquidator");
    times
}

#[tokio::main]
async fn main() {
    let mut sent = Vec::new();
    let mut landed = Vec::new();
    for _ in 0..RUNS {
        let (s, l) = run().await;
        sent.push(s);
        landed.push(l);
    }
    sent.sort();
    landed.sort();
    println!(
        "oracle update over the websocket -> liquidation sent: median {:.2} ms (min {:.2}, max {:.2}); \
         -> landed on the in-process bank: median {:.2} ms ({RUNS} runs)",
        ms(sent[RUNS / 2]),
        ms(sent[0]),
        ms(sent[RUNS - 1]),
        ms(landed[RUNS / 2]),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}
