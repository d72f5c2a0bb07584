//! Issue 16, the back office as a service: metrics for the monitor too (alerts by kind, passes,
//! the last pass) and the liquidator's wallet gauges, a metrics address that is loopback unless
//! `--metrics-public`, JSON logs, every bot flag from the environment, a spinner on the fetch,
//! and `--shard K/N`.
use {
    crate::{
        backoffice::{bob_owes_600, lines},
        harness::{Harness, User, SOL, USDC},
    },
    ballast_cli::{
        backoffice::{
            liquidator::{pass, Held},
            metrics::{self, LiquidatorMetrics, MonitorMetrics},
            monitor::Condition,
            monitor_loop::MonitorLoop,
            schedule::Schedule,
            service::{self, LogFormat, ServiceArgs},
            shard::Shard,
            shutdown::Shutdown,
            snapshot::fetch_spinner,
            LiquidatorConfig, Monitor, Snapshot, Thresholds,
        },
        commands::{self, Command, Payout},
    },
    indicatif::{ProgressDrawTarget, TermLike},
    serde_json::Value,
    solana_sdk::pubkey::Pubkey,
    std::{
        collections::{BTreeSet, VecDeque},
        io::{self, Write},
        net::SocketAddr,
        process,
        sync::{Arc, Mutex},
        time::{Duration, SystemTime, UNIX_EPOCH},
    },
};

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `text` has exactly this line.
fn has_line(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "{line:?} missing from:\n{text}"
    );
}

/// The value of the metric line that starts with `name `.
fn value_of(text: &str, name: &str) -> i64 {
    let line = (text.lines())
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} missing from:\n{text}"));
    line[name.len() + 1..].parse().unwrap()
}

async fn scrape(addr: SocketAddr) -> String {
    reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn monitor_loop(h: &Harness, market: Pubkey, metrics: &Arc<MonitorMetrics>) -> MonitorLoop {
    let thresholds = Thresholds {
        // Bob's health factor is 2.00 at $150 SOL.
        health_warning_bps: 25_000,
        ..Thresholds::default()
    };
    MonitorLoop {
        market,
        monitor: Monitor::new(thresholds).with_labels(h.labels.clone()),
        webhook: None,
        undelivered: VecDeque::new(),
        state_file: None,
        schedule: Schedule {
            once: true,
            interval: Duration::from_secs(1),
        },
        metrics: metrics.clone(),
        users: None,
    }
}

#[tokio::test]
async fn the_monitor_counts_passes_and_alerts_by_kind_and_serves_them() {
    let h = bob_owes_600().await;
    let metrics = Arc::new(MonitorMetrics::default());
    let mut l = monitor_loop(&h, h.market.unwrap(), &metrics);
    let before = unix_now();
    let mut out = Vec::new();
    l.run(&h.bank, &Shutdown::never(), &mut out).await.unwrap();
    let after = unix_now();
    let alerts = lines(&String::from_utf8(out).unwrap());
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["kind"], "obligation_health_low");
    let text = metrics.encode();
    for line in [
        "ballast_monitor_passes_total 1",
        "ballast_monitor_failed_passes_total 0",
        "ballast_monitor_alerts_total{kind=\"obligation_health_low\",status=\"firing\"} 1",
        "ballast_monitor_alerts_total{kind=\"obligation_health_low\",status=\"cleared\"} 0",
        "ballast_monitor_alerts_total{kind=\"bad_debt\",status=\"firing\"} 0",
        "ballast_monitor_firing{kind=\"obligation_health_low\"} 1",
        "ballast_monitor_firing{kind=\"oracle_stale\"} 0",
        "ballast_monitor_webhook_undelivered 0",
    ] {
        has_line(&text, line);
    }
    let last = value_of(&text, "ballast_monitor_last_pass_timestamp_seconds");
    assert!(
        (before..=after).contains(&last),
        "{last} not in {before}..={after}"
    );

    // SOL at $200: health factor 2.67, the alert clears.
    h.set_price(1, 20_000_000_000).await;
    let mut out = Vec::new();
    l.run(&h.bank, &Shutdown::never(), &mut out).await.unwrap();
    assert_eq!(
        lines(&String::from_utf8(out).unwrap())[0]["status"],
        "cleared"
    );
    // A market that is not there: a failed pass, the counts of the others unchanged.
    let mut missing = monitor_loop(&h, Pubkey::new_unique(), &metrics);
    missing
        .run(&h.bank, &Shutdown::never(), &mut Vec::new())
        .await
        .unwrap();

    let bound = metrics::serve("127.0.0.1:0".parse().unwrap(), metrics.clone())
        .await
        .unwrap();
    let text = scrape(bound).await;
    for line in [
        "ballast_monitor_passes_total 2",
        "ballast_monitor_failed_passes_total 1",
        "ballast_monitor_alerts_total{kind=\"obligation_health_low\",status=\"firing\"} 1",
        "ballast_monitor_alerts_total{kind=\"obligation_health_low\",status=\"cleared\"} 1",
        "ballast_monitor_firing{kind=\"obligation_health_low\"} 0",
    ] {
        has_line(&text, line);
    }
    // Thirteen kinds, each with its firing gauge and two alert counters.
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("ballast_monitor_firing{"))
            .count(),
        13
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("ballast_monitor_alerts_total{"))
            .count(),
        26
    );
}

#[tokio::test]
async fn the_liquidator_gauges_its_wallet_its_inventory_and_its_last_pass() {
    let h = bob_owes_600().await;
    let liz = h.user("liz").await;
    h.give(&liz, 0, 250 * USDC).await;
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    let before = unix_now();
    let s = pass(
        &h.bank,
        &snapshot,
        &liz.keypair,
        &LiquidatorConfig::default(),
    )
    .await;
    let (usdc, sol) = (h.reserve_key("USDC"), h.reserve_key("SOL"));
    let (usdc_mint, sol_mint) = (h.assets[0].mint, h.assets[1].mint);
    let mut inventory = s.inventory.clone();
    inventory.sort_by_key(|held| held.reserve);
    let mut want = vec![
        Held {
            reserve: usdc,
            mint: usdc_mint,
            amount: 250 * USDC,
        },
        Held {
            reserve: sol,
            mint: sol_mint,
            amount: 0,
        },
    ];
    want.sort_by_key(|held| held.reserve);
    assert_eq!(inventory, want);
    let metrics = Arc::new(LiquidatorMetrics::default());
    metrics.record(&s);
    let after = unix_now();
    let text = metrics.encode();
    for line in [
        format!(
            "ballast_liquidator_inventory{{reserve=\"{usdc}\",mint=\"{usdc_mint}\"}} 250000000"
        ),
        format!("ballast_liquidator_inventory{{reserve=\"{sol}\",mint=\"{sol_mint}\"}} 0"),
        // The 10 SOL every harness user starts with (its token accounts are the payer's).
        "ballast_liquidator_fee_payer_lamports 10000000000".into(),
        "ballast_liquidator_passes_total 1".into(),
    ] {
        has_line(&text, &line);
    }
    let last = value_of(&text, "ballast_liquidator_last_pass_timestamp_seconds");
    assert!(
        (before..=after).contains(&last),
        "{last} not in {before}..={after}"
    );

    // Any address only when asked; loopback otherwise.
    let refused = metrics::serve_on("0.0.0.0:0".parse().unwrap(), false, metrics.clone())
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "metrics are served on loopback only, not 0.0.0.0:0"
    );
    let public = metrics::serve_on("0.0.0.0:0".parse().unwrap(), true, metrics.clone())
        .await
        .unwrap();
    assert!(public.ip().is_unspecified());
    let text = scrape(SocketAddr::from(([127, 0, 0, 1], public.port()))).await;
    has_line(&text, "ballast_liquidator_passes_total 1");
}

fn parse(argv: &[&str]) -> Result<commands::Cli, String> {
    commands::parse_args(argv).map_err(|e| e.to_string())
}

fn service_of(cli: &commands::Cli) -> &ServiceArgs {
    match &cli.command {
        Command::Liquidator(a) => &a.service,
        Command::Monitor(a) => &a.service,
        _ => panic!("not a bot"),
    }
}

#[test]
fn the_metrics_address_is_a_port_on_loopback_or_an_address_and_public_needs_asking() {
    for (flag, addr) in [
        ("9464", "127.0.0.1:9464"),
        ("127.0.0.1:9100", "127.0.0.1:9100"),
        ("[::1]:9464", "[::1]:9464"),
        ("0.0.0.0:9464", "0.0.0.0:9464"),
    ] {
        let cli = parse(&["ballast", "monitor", "--metrics", flag]).unwrap();
        assert_eq!(service_of(&cli).metrics, Some(addr.parse().unwrap()));
        assert!(!service_of(&cli).metrics_public);
    }
    assert_eq!(
        service::check_metrics_address("0.0.0.0:9464".parse().unwrap(), false).unwrap_err(),
        "--metrics 0.0.0.0:9464: metrics are served on loopback only, not 0.0.0.0:9464 (add \
         --metrics-public to serve them there)"
    );
    assert_eq!(
        service::check_metrics_address("0.0.0.0:9464".parse().unwrap(), true),
        Ok(())
    );
    let cli = parse(&[
        "ballast",
        "liquidator",
        "--metrics",
        "0.0.0.0:9464",
        "--metrics-public",
    ])
    .unwrap();
    assert!(service_of(&cli).metrics_public);
    let err = parse(&["ballast", "liquidator", "--metrics", "metrics.local"]).unwrap_err();
    assert!(
        err.starts_with(
            "error: invalid value 'metrics.local' for '--metrics <ADDR>': \"metrics.local\" is \
             neither a port (9464, on 127.0.0.1) nor an IP:PORT (127.0.0.1:9464)"
        ),
        "{err}"
    );
    let err = parse(&["ballast", "liquidator", "--metrics-public"]).unwrap_err();
    assert!(
        err.starts_with(
            "error: the following required arguments were not provided:\n  --metrics <ADDR>"
        ),
        "{err}"
    );
}

/// A writer the tests read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[test]
fn json_logs_are_one_object_per_event_with_its_fields_at_the_top() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = service::log_subscriber(LogFormat::Json, move || writer.clone());
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(pass = 3, scanned = 17, underfunded = false, "pass done");
        tracing::debug!("filtered out at the default level");
    });
    let text = captured.text();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 1, "{text}");
    let e = &events[0];
    assert_eq!(
        (
            &e["level"],
            &e["message"],
            &e["pass"],
            &e["scanned"],
            &e["underfunded"]
        ),
        (
            &"INFO".into(),
            &"pass done".into(),
            &3.into(),
            &17.into(),
            &false.into()
        )
    );
    assert_eq!(e["target"], "cli::backoffice_service");
    assert!(e["timestamp"].as_str().is_some_and(|t| t.contains('T')));

    // Text, as before.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = service::log_subscriber(LogFormat::Text, move || writer.clone());
    tracing::subscriber::with_default(subscriber, || tracing::info!(pass = 3, "pass done"));
    let text = captured.text();
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.contains("INFO") && text.contains("pass done"),
        "{text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let cli = parse(&["ballast", "liquidator", "--log-format", "json"]).unwrap();
    assert_eq!(service_of(&cli).log_format, LogFormat::Json);
    let cli = parse(&["ballast", "monitor"]).unwrap();
    assert_eq!(service_of(&cli).log_format, LogFormat::Text);
}

/// Every flag of the bots' own (not the global ones) has its environment variable: BALLAST_
/// and its long name in capitals.
#[test]
fn every_bot_flag_has_its_ballast_environment_variable() {
    let command = commands::command_line();
    let mut seen = 0;
    for bot in ["liquidator", "monitor"] {
        let sub = command.find_subcommand(bot).unwrap();
        for arg in sub.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.is_global_set() || long == "help" {
                continue;
            }
            let want = format!("BALLAST_{}", long.to_uppercase().replace('-', "_"));
            assert_eq!(
                arg.get_env().and_then(|e| e.to_str()),
                Some(want.as_str()),
                "{bot} --{long}"
            );
            seen += 1;
        }
    }
    // liquidator: once, interval, 6 of its own (--live and --websocket-url among them), 4 of
    // the service; monitor: once, interval, 4 thresholds, 4 files and URLs (--user-alerts
    // among them), --live and --websocket-url, 4 of the service.
    assert_eq!(seen, 12 + 16);
}

/// Set by `every_bot_flag_comes_from_the_environment` on the process it starts to run
/// `env_probe` alone: the variables it sets are then seen by no other test.
const PROBE: &str = "BALLAST_TEST_ENV_PROBE";

#[test]
#[ignore = "run in a child process by every_bot_flag_comes_from_the_environment"]
fn env_probe() {
    if std::env::var_os(PROBE).is_none() {
        return;
    }
    let set = |vars: &[(&str, &str)]| {
        for (k, v) in vars {
            std::env::set_var(k, v);
        }
    };
    set(&[
        ("BALLAST_ONCE", "true"),
        ("BALLAST_INTERVAL", "7"),
        ("BALLAST_MAX_OBLIGATIONS_PER_PASS", "5"),
        ("BALLAST_PAYOUT", "liquidity"),
        ("BALLAST_COMPUTE_UNIT_LIMIT", "200000"),
        ("BALLAST_MIN_PAYOUT_BPS", "9000"),
        ("BALLAST_METRICS", "9464"),
        ("BALLAST_METRICS_PUBLIC", "yes"),
        ("BALLAST_LOG_FORMAT", "json"),
        ("BALLAST_SHARD", "1/3"),
    ]);
    let cli = parse(&["ballast", "liquidator"]).unwrap();
    let Command::Liquidator(a) = &cli.command else {
        panic!()
    };
    assert!(a.schedule.once);
    assert_eq!(a.schedule.interval, 7);
    assert_eq!(a.max_obligations_per_pass, Some(5));
    assert_eq!(a.payout, Payout::Liquidity);
    assert_eq!(a.compute_unit_limit, 200_000);
    assert_eq!(a.min_payout_bps, 9_000);
    assert_eq!(
        a.service,
        ServiceArgs {
            metrics: Some("127.0.0.1:9464".parse().unwrap()),
            metrics_public: true,
            log_format: LogFormat::Json,
            shard: Shard { index: 1, count: 3 },
        }
    );
    // A flag given wins over its variable.
    let cli = parse(&["ballast", "liquidator", "--interval", "9", "--shard", "0/3"]).unwrap();
    let Command::Liquidator(a) = &cli.command else {
        panic!()
    };
    assert_eq!((a.schedule.interval, a.service.shard.index), (9, 0));

    set(&[
        ("BALLAST_ONCE", "0"),
        ("BALLAST_HEALTH_WARNING_BPS", "12000"),
        ("BALLAST_ORACLE_AGE_WARNING_BPS", "7000"),
        ("BALLAST_UTILIZATION_WARNING_BPS", "8500"),
        ("BALLAST_CAP_WARNING_BPS", "9500"),
        ("BALLAST_THRESHOLDS_FILE", "/etc/ballast/thresholds.toml"),
        ("BALLAST_WEBHOOK", "https://hooks.example.com/alerts"),
        ("BALLAST_STATE_FILE", "/var/lib/ballast/state.json"),
    ]);
    let cli = parse(&["ballast", "monitor"]).unwrap();
    let Command::Monitor(m) = &cli.command else {
        panic!()
    };
    assert!(!m.schedule.once);
    assert_eq!(
        m.thresholds,
        Thresholds {
            health_warning_bps: 12_000,
            oracle_age_warning_bps: 7_000,
            utilization_warning_bps: 8_500,
            cap_warning_bps: 9_500,
        }
    );
    assert_eq!(
        m.thresholds_file.as_deref(),
        Some(std::path::Path::new("/etc/ballast/thresholds.toml"))
    );
    assert_eq!(
        m.webhook.as_deref(),
        Some("https://hooks.example.com/alerts")
    );
    assert_eq!(
        m.state_file.as_deref(),
        Some(std::path::Path::new("/var/lib/ballast/state.json"))
    );
    assert_eq!(m.service.shard, Shard { index: 1, count: 3 });

    // A bad value is refused as the flag's would be, with the variable named.
    set(&[("BALLAST_SHARD", "3/3")]);
    let err = parse(&["ballast", "monitor"]).unwrap_err();
    assert!(
        err.starts_with(
            "error: invalid value '3/3' for '--shard <K/N>': \"3/3\": K counts from 0, so it \
             must be below N (0 to 2)"
        ),
        "{err}"
    );
    println!("env probe: every variable read");
}

#[test]
fn every_bot_flag_comes_from_the_environment() {
    // The probe runs alone in a process of its own: setting variables here would race with
    // the other tests, which parse command lines concurrently.
    let out = process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "backoffice_service::env_probe",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PROBE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("env probe: every variable read"),
        "{stdout}"
    );
    assert!(stdout.contains("test result: ok. 1 passed"), "{stdout}");
}

/// The binary end to end: the log format and the metrics address from the environment.
#[test]
fn the_binary_logs_json_lines_when_the_environment_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let keypair = dir.path().join("id.json");
    solana_keypair::write_keypair_file(&solana_sdk::signature::Keypair::new(), &keypair).unwrap();
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "json_rpc_url: http://127.0.0.1:9\nwebsocket_url: ''\nkeypair_path: {}\n\
             commitment: confirmed\n",
            keypair.display()
        ),
    )
    .unwrap();
    let out = process::Command::new(env!("CARGO_BIN_EXE_ballast"))
        .args(["--config"])
        .arg(&config)
        .args([
            "--market",
            "BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15",
            "liquidator",
            "--once",
        ])
        .env("BALLAST_LOG_FORMAT", "json")
        .env("BALLAST_METRICS", "127.0.0.1:0")
        .env_remove("BALLAST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let mut lines = stderr.lines();
    // The metrics are served before the first request, which fails (nothing listens on :9).
    let first: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        (&first["level"], &first["message"]),
        (&"INFO".into(), &"serving metrics".into())
    );
    assert!(
        first["bound"]
            .as_str()
            .is_some_and(|b| b.starts_with("127.0.0.1:")),
        "{first}"
    );
    assert_eq!(
        lines.next(),
        Some("error: cannot reach the RPC node http://127.0.0.1:9: connection refused")
    );
}

/// A terminal that keeps what is drawn on it.
#[derive(Debug, Default, Clone)]
struct Screen(Arc<Mutex<String>>);

impl TermLike for Screen {
    fn width(&self) -> u16 {
        120
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.write_str(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        self.0.lock().unwrap().push_str(s);
        Ok(())
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_spinner_shows_while_the_obligations_are_fetched_on_a_terminal_only() {
    let screen = Screen::default();
    let spinner = fetch_spinner(ProgressDrawTarget::term_like(Box::new(screen.clone())));
    assert!(!spinner.is_hidden());
    std::thread::sleep(Duration::from_millis(300));
    spinner.finish_and_clear();
    let drawn = screen.0.lock().unwrap().clone();
    assert!(
        drawn.contains("fetching the market's obligations (getProgramAccounts) 0s"),
        "{drawn:?}"
    );
    // Not a terminal (a service's stderr, a pipe): nothing is drawn, no ticking thread.
    assert!(fetch_spinner(ProgressDrawTarget::hidden()).is_hidden());
}

#[test]
fn a_shard_is_k_of_n() {
    assert_eq!("1/4".parse(), Ok(Shard { index: 1, count: 4 }));
    assert_eq!(Shard::default(), Shard::ALL);
    assert_eq!(Shard::ALL.to_string(), "0/1");
    for (text, err) in [
        (
            "4/4",
            "\"4/4\": K counts from 0, so it must be below N (0 to 3)",
        ),
        ("0/0", "\"0/0\": N must be at least 1"),
        (
            "1",
            "\"1\" is not K/N (this instance's share K of N, 0 <= K < N)",
        ),
        (
            "a/2",
            "\"a/2\" is not K/N (this instance's share K of N, 0 <= K < N)",
        ),
    ] {
        assert_eq!(text.parse::<Shard>(), Err(err.to_string()));
    }
    // The address as a big-endian number: ...0x01_05 is 261 = 2 x 128 + 5.
    let mut bytes = [0u8; 32];
    bytes[30] = 1;
    bytes[31] = 5;
    let address = Pubkey::new_from_array(bytes);
    assert_eq!(Shard::of(&address, 128), 5);
    assert_eq!(Shard::of(&address, 2), 1);
    assert!(Shard {
        index: 5,
        count: 128
    }
    .owns(&address));
    assert!(Shard::ALL.owns(&address));
}

/// Per shard of 2: four borrowers against 10 SOL each, two of them owing 1,100 USDC (unhealthy
/// with SOL at $130), two 600.
async fn four_borrowers_per_half() -> (Harness, Vec<User>) {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, 0, 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    let mut per_shard = [0; 2];
    let mut borrowers = Vec::new();
    let mut n = 0;
    while per_shard != [4, 4] {
        n += 1;
        let user = h.user(&format!("borrower{n}")).await;
        let shard = Shard::of(&h.obligation_key(&user.key()), 2) as usize;
        if per_shard[shard] == 4 {
            continue;
        }
        let debt = if per_shard[shard] < 2 { "1100" } else { "600" };
        per_shard[shard] += 1;
        h.give(&user, 1, 10 * SOL).await;
        h.ok(&user, &["supply", "SOL", "10"]).await;
        h.ok(&user, &["borrow", "USDC", debt]).await;
        borrowers.push(user);
    }
    h.set_price(1, 13_000_000_000).await;
    (h, borrowers)
}

fn keys(conditions: &[Condition]) -> BTreeSet<(String, Pubkey)> {
    (conditions.iter())
        .map(|c| (c.kind.name().to_string(), c.subject))
        .collect()
}

#[tokio::test]
async fn shards_split_the_obligations_exactly_once_with_the_market_checks_on_the_first() {
    let (h, borrowers) = four_borrowers_per_half().await;
    let market = h.market.unwrap();
    let all: BTreeSet<Pubkey> = (borrowers.iter())
        .map(|u| h.obligation_key(&u.key()))
        .collect();
    assert_eq!(all.len(), 8);
    let liz = h.user("liz").await;
    h.give(&liz, 0, 5_000 * USDC).await;
    let dry = |shard| LiquidatorConfig {
        dry_run: true,
        shard,
        ..LiquidatorConfig::default()
    };
    let halves = [Shard { index: 0, count: 2 }, Shard { index: 1, count: 2 }];

    // The snapshot: each shard decodes its own obligations only.
    let whole = Snapshot::take(&h.bank, &market).await.unwrap();
    let whole_set: BTreeSet<Pubkey> = whole.obligations.iter().map(|o| o.address).collect();
    assert_eq!(whole_set, all);
    let mut union = BTreeSet::new();
    for shard in halves {
        let part = Snapshot::take_shard(&h.bank, &market, shard).await.unwrap();
        assert_eq!(part.obligations.len(), 4, "{shard}");
        for o in &part.obligations {
            assert!(shard.owns(&o.address));
            assert!(union.insert(o.address), "{} in two shards", o.address);
        }
        assert_eq!(part.reserves.len(), whole.reserves.len());
    }
    assert_eq!(union, all);

    // The liquidator: each pass considers its half; together they do what one pass does.
    let unsharded = pass(&h.bank, &whole, &liz.keypair, &dry(Shard::ALL)).await;
    assert_eq!(
        (unsharded.scanned, unsharded.unhealthy, unsharded.liquidated),
        (8, 4, 4)
    );
    let unsharded_done: BTreeSet<Pubkey> = unsharded.done.iter().map(|d| d.obligation).collect();
    let mut done = BTreeSet::new();
    for shard in halves {
        let part = Snapshot::take_shard(&h.bank, &market, shard).await.unwrap();
        for s in [
            pass(&h.bank, &part, &liz.keypair, &dry(shard)).await,
            // The whole market seen, the shard's share acted on.
            pass(&h.bank, &whole, &liz.keypair, &dry(shard)).await,
        ] {
            assert_eq!(
                (s.scanned, s.unhealthy, s.liquidated, s.errors),
                (4, 2, 2, 0),
                "{shard}"
            );
            assert!(s.done.iter().all(|d| shard.owns(&d.obligation)));
        }
        let s = pass(&h.bank, &part, &liz.keypair, &dry(shard)).await;
        for d in &s.done {
            assert!(
                done.insert(d.obligation),
                "{} liquidated twice",
                d.obligation
            );
        }
    }
    assert_eq!(done, unsharded_done);

    // The monitor: obligations by shard, the reserves (USDC utilization here) by 0/2 alone.
    let thresholds = Thresholds {
        utilization_warning_bps: 1,
        ..Thresholds::default()
    };
    let unsharded = Monitor::new(thresholds).conditions(&whole);
    let kinds = |cs: &[Condition], kind: &str| cs.iter().filter(|c| c.kind.name() == kind).count();
    assert_eq!(kinds(&unsharded, "obligation_health_low"), 4);
    assert_eq!(kinds(&unsharded, "utilization_high"), 1);
    let mut union = BTreeSet::new();
    for (shard, market_wide) in [(halves[0], 1), (halves[1], 0)] {
        let found = Monitor::new(thresholds)
            .with_shard(shard)
            .conditions(&whole);
        assert_eq!(kinds(&found, "obligation_health_low"), 2, "{shard}");
        assert_eq!(kinds(&found, "utilization_high"), market_wide, "{shard}");
        assert_eq!(found.len(), 2 + market_wide, "{shard}");
        for key in keys(&found) {
            assert!(union.insert(key), "raised by two shards");
        }
    }
    assert_eq!(union, keys(&unsharded));

    // The command line.
    for shard in ["0/2", "1/2"] {
        let out = h
            .ok(
                &liz,
                &["--dry-run", "liquidator", "--once", "--shard", shard],
            )
            .await;
        assert!(
            out.starts_with("pass 1: scanned 4, unhealthy 2, would liquidate 2,"),
            "{shard}: {out}"
        );
        let alerts = lines(
            &h.ok(&h.admin, &["monitor", "--once", "--shard", shard])
                .await,
        );
        assert_eq!(alerts.len(), 2, "{shard}");
        for a in &alerts {
            let subject: Pubkey = a["subject"].as_str().unwrap().parse().unwrap();
            assert!(shard.parse::<Shard>().unwrap().owns(&subject));
        }
    }
    let err = h
        .fails(&liz, &["liquidator", "--once", "--shard", "2/2"])
        .await;
    assert!(
        err.starts_with(
            "error: invalid value '2/2' for '--shard <K/N>': \"2/2\": K counts from 0, so it \
             must be below N (0 to 1)"
        ),
        "{err}"
    );
}
