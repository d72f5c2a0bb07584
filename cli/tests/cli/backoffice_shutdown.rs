//! Issue 16, item 7: a stop request (SIGINT or SIGTERM) lets the liquidation in flight land,
//! starts no other, and ends the loop with "stopping" logged.
use {
    crate::{
        harness::{Harness, User, SOL, USDC},
        spy::Spy,
    },
    ballast_cli::backoffice::{
        liquidator_loop::{self, LiquidatorLoop},
        metrics::LiquidatorMetrics,
        schedule::Schedule,
        shutdown::{self, Shutdown},
        LiquidatorConfig, PassSummary,
    },
    ballast_client::Transport,
    std::{
        io::{BufRead, BufReader, Read, Write},
        process::{Command, Stdio},
        sync::{Arc, Mutex},
        time::Duration,
    },
};

/// Log lines, captured.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

impl Logs {
    /// Captures this thread's logs (the test's runtime runs on it) until the guard drops.
    fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish();
        (logs.clone(), tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Bob and Dan borrow 1,100 and 1,090 USDC against 10 SOL each; SOL falls to $130 and both
/// can be liquidated, Bob first (the less healthy). Liz holds 5,000 USDC.
async fn two_unhealthy() -> (Harness, [User; 2], User) {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    let mut borrowers = Vec::new();
    for (name, debt) in [("bob", "1100"), ("dan", "1090")] {
        let user = h.user(name).await;
        h.give(&user, 1, 10 * SOL).await;
        h.ok(&user, &["supply", "SOL", "10"]).await;
        h.ok(&user, &["borrow", "USDC", debt]).await;
        borrowers.push(user);
    }
    h.set_price(1, 13_000_000_000).await;
    let liz = h.user("liz").await;
    h.give(&liz, 0, 5_000 * USDC).await;
    let [bob, dan] = <[User; 2]>::try_from(borrowers).ok().unwrap();
    (h, [bob, dan], liz)
}

/// An hour between passes: a loop that returns promptly did not wait it out.
const HOURLY: Schedule = Schedule {
    once: false,
    interval: Duration::from_secs(3_600),
};

#[tokio::test]
async fn a_stop_mid_pass_lets_the_liquidation_in_flight_land_and_starts_no_other() {
    let (h, [bob, dan], liz) = two_unhealthy().await;
    let (bob, dan) = (h.obligation_key(&bob.key()), h.obligation_key(&dan.key()));
    let dan_before = h.bank.account(&dan).await.unwrap();
    let bob_before = h.bank.account(&bob).await.unwrap();
    let (trigger, stop) = shutdown::channel();
    // The stop comes while the first liquidation is being sent (after its payout account).
    let spy = Spy::before_send(&h.bank, |instructions| {
        if instructions.iter().any(|i| i.program_id == ballast::ID) {
            trigger.stop();
        }
    });
    let metrics = LiquidatorMetrics::default();
    let l = LiquidatorLoop {
        market: h.market.unwrap(),
        liquidator: &liz.keypair,
        config: LiquidatorConfig::default(),
        schedule: HOURLY,
        metrics: &metrics,
    };
    let (logs, guard) = Logs::capture();
    let mut passes: Vec<PassSummary> = Vec::new();
    let run = liquidator_loop::run(&spy, &l, &stop, |_, s| {
        passes.push(s.clone());
        Ok(())
    });
    tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the loop returned without waiting out its interval")
        .unwrap();
    drop(guard);

    assert_eq!(passes.len(), 1);
    let p = &passes[0];
    assert_eq!(
        (p.unhealthy, p.liquidated, p.errors, p.stopped),
        (2, 1, 0, true)
    );
    // The liquidation in flight landed: Bob's, the least healthy; Dan's was never sent.
    assert_eq!(p.done[0].obligation, bob);
    assert_ne!(h.bank.account(&bob).await.unwrap(), bob_before);
    assert_eq!(h.bank.account(&dan).await.unwrap(), dan_before);
    let logs = logs.text();
    let landed = logs.find(" liquidated ").expect("liquidation logged");
    let stopping = logs.find(" stopping").expect("\"stopping\" logged");
    assert!(landed < stopping, "{logs}");
}

#[tokio::test]
async fn a_stop_between_passes_ends_the_wait() {
    let (h, _, liz) = two_unhealthy().await;
    let (trigger, stop) = shutdown::channel();
    let metrics = LiquidatorMetrics::default();
    let l = LiquidatorLoop {
        market: h.market.unwrap(),
        liquidator: &liz.keypair,
        config: LiquidatorConfig::default(),
        schedule: HOURLY,
        metrics: &metrics,
    };
    let (logs, guard) = Logs::capture();
    let mut passes = 0;
    let run = liquidator_loop::run(&h.bank, &l, &stop, |_, s| {
        passes += 1;
        assert_eq!((s.liquidated, s.stopped), (2, false));
        trigger.stop();
        Ok(())
    });
    tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the loop returned without waiting out its interval")
        .unwrap();
    drop(guard);
    assert_eq!(passes, 1);
    assert!(logs.text().contains(" stopping"), "{}", logs.text());
    // A `never` shutdown is never requested.
    assert!(!Shutdown::never().requested());
}

/// Run in a child process by `sigterm_and_sigint_ask_the_loops_to_stop`: a signal reaches the
/// whole process, and so every test running in it.
#[tokio::test]
#[ignore = "run in a child process by sigterm_and_sigint_ask_the_loops_to_stop"]
async fn signal_child() {
    let stop = shutdown::on_signals().unwrap();
    println!("ready");
    std::io::stdout().flush().unwrap();
    tokio::time::timeout(Duration::from_secs(60), stop.wait())
        .await
        .expect("no signal came");
    assert!(stop.requested());
    println!("stop requested");
}

#[test]
fn sigterm_and_sigint_ask_the_loops_to_stop() {
    for signal in ["TERM", "INT"] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "backoffice_shutdown::signal_child",
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "no ready: {seen}");
            seen.push_str(&line);
            if line.trim_end().ends_with("ready") {
                break;
            }
        }
        let pid = child.id().to_string();
        let sent = Command::new("kill")
            .args(["-s", signal, &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        stdout.read_to_string(&mut seen).unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "SIG{signal}: {status:?}\n{seen}");
        assert!(seen.contains("stop requested"), "SIG{signal}:\n{seen}");
    }
}
