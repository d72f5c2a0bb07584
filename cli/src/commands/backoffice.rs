//! `ballast liquidator` and `ballast monitor`: the flags checked, then the loops of
//! `backoffice` run until done or stopped by SIGINT / SIGTERM. Everything local (flags, files,
//! the metrics address) is checked before the first request: a typo must fail at once, with the
//! flag named, not after a round trip or, worse, be accepted and quietly do nothing.
use {
    super::{CliError, LiquidatorArgs, LoopArgs, MonitorArgs, OutputFormat, Payout, Session},
    crate::{
        backoffice::{
            alert_state::AlertState,
            liquidator::{LiquidatorConfig, PassSummary},
            liquidator_loop::{self, LiquidatorLoop},
            live::{self, LiveConfig},
            metrics::{serve_on, Exposition, LiquidatorMetrics, MonitorMetrics},
            monitor::{Monitor, Thresholds},
            monitor_loop::MonitorLoop,
            schedule::Schedule,
            service::{check_metrics_address, ServiceArgs},
            shutdown::{self, Shutdown},
            user_alerts::UserAlerts,
            webhook::{self, Retry, Webhook},
        },
        format::usd,
        Transport,
    },
    ballast::instructions::LiquidationPayout,
    serde_json::json,
    std::{collections::VecDeque, io::Write, sync::Arc, time::Duration},
    tracing::info,
};

/// The most compute units a transaction may ask for.
const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;

fn schedule(args: &LoopArgs) -> Result<Schedule, CliError> {
    if args.interval == 0 {
        return Err(CliError::Invalid(
            "--interval 0: passes would run back to back without a pause; give at least 1 \
             second (or --once)"
                .into(),
        ));
    }
    Ok(Schedule {
        once: args.once,
        interval: Duration::from_secs(args.interval),
    })
}

/// `--metrics` on loopback, or anywhere with `--metrics-public`: checked with the other flags.
fn check_service(args: &ServiceArgs) -> Result<(), CliError> {
    match args.metrics {
        Some(addr) => check_metrics_address(addr, args.metrics_public).map_err(CliError::Invalid),
        None => Ok(()),
    }
}

/// Serves `metrics` at `--metrics` (bound now: a port in use fails before any request).
async fn serve_metrics(args: &ServiceArgs, metrics: Arc<impl Exposition>) -> Result<(), CliError> {
    let Some(addr) = args.metrics else {
        return Ok(());
    };
    let bound = serve_on(addr, args.metrics_public, metrics)
        .await
        .map_err(|e| CliError::Invalid(format!("--metrics {addr}: {e}")))?;
    info!(%bound, "serving metrics");
    Ok(())
}

fn liquidator_config(
    session: &Session<'_, impl Transport>,
    args: &LiquidatorArgs,
) -> Result<LiquidatorConfig, CliError> {
    let invalid = |s: String| Err(CliError::Invalid(s));
    if args.min_payout_bps > 10_000 {
        return invalid(format!(
            "--min-payout-bps {}: above 10000 (100% of the planned payout) every liquidation \
             would be refused",
            args.min_payout_bps
        ));
    }
    if args.max_obligations_per_pass == Some(0) {
        return invalid(
            "--max-obligations-per-pass 0: no obligation would be liquidated (leave the flag \
             out for all of them)"
                .into(),
        );
    }
    if !(1..=MAX_COMPUTE_UNIT_LIMIT).contains(&args.compute_unit_limit) {
        return invalid(format!(
            "--compute-unit-limit {}: a transaction may ask for 1 to {MAX_COMPUTE_UNIT_LIMIT}",
            args.compute_unit_limit
        ));
    }
    Ok(LiquidatorConfig {
        dry_run: session.dry_run,
        max_per_pass: args.max_obligations_per_pass,
        payout: match args.payout {
            Payout::Ctokens => LiquidationPayout::Collateral,
            Payout::Liquidity => LiquidationPayout::Liquidity,
        },
        compute_unit_limit: args.compute_unit_limit,
        compute_unit_price: session.compute_unit_price.unwrap_or(0),
        most_compute_unit_price: (session.compute_unit_price).unwrap_or(session.max_priority_fee),
        min_payout_bps: args.min_payout_bps,
        lookup_table: session.lookup_table,
        shard: args.service.shard,
    })
}

fn signals() -> Result<Shutdown, CliError> {
    shutdown::on_signals().map_err(|e| CliError::Invalid(e.to_string()))
}

fn summary_line(number: u64, s: &PassSummary, dry_run: bool) -> String {
    let mut line = format!(
        "pass {number}: scanned {}, unhealthy {}, {} {}, repaid {}, seized {}, skipped {}, \
         no inventory {}, bad debt {}, errors {}",
        s.scanned,
        s.unhealthy,
        if dry_run {
            "would liquidate"
        } else {
            "liquidated"
        },
        s.liquidated,
        usd(s.repaid_usd),
        usd(s.seized_usd),
        s.skipped,
        s.no_inventory,
        s.bad_debt,
        s.errors
    );
    if let (true, Some(balance)) = (s.underfunded, s.fee_payer) {
        line.push_str(&format!("; {}: nothing sent", balance.shortfall_text()));
    }
    if s.stopped {
        line.push_str("; stopped after the transaction in flight");
    }
    line
}

fn summary_json(number: u64, s: &PassSummary, dry_run: bool) -> serde_json::Value {
    json!({
        "pass": number,
        "dry_run": dry_run,
        "scanned": s.scanned,
        "unhealthy": s.unhealthy,
        "liquidated": s.liquidated,
        "repaid_usd": crate::views::plain(s.repaid_usd, 6),
        "seized_usd": crate::views::plain(s.seized_usd, 6),
        "skipped": s.skipped,
        "no_inventory": s.no_inventory,
        "bad_debt": s.bad_debt,
        "errors": s.errors,
        "fee_payer_lamports": s.fee_payer.map(|b| b.lamports),
        "underfunded": s.underfunded,
        "stopped": s.stopped,
        "obligations": s.done.iter().map(|d| d.obligation.to_string()).collect::<Vec<_>>(),
    })
}

pub async fn liquidator(
    session: &Session<'_, impl Transport>,
    args: &LiquidatorArgs,
    rpc_url: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let config = liquidator_config(session, args)?;
    let schedule = schedule(&args.schedule)?;
    check_service(&args.service)?;
    let signer = session.signer()?;
    let metrics = Arc::new(LiquidatorMetrics::default());
    serve_metrics(&args.service, metrics.clone()).await?;
    let shutdown = signals()?;
    let (market, _) = session.market().await?;
    let l = LiquidatorLoop {
        market,
        liquidator: &signer,
        config,
        schedule,
        metrics: &metrics,
    };
    let mut report = |number, s: &PassSummary| match session.output {
        OutputFormat::Json | OutputFormat::JsonCompact => {
            writeln!(out, "{}", summary_json(number, s, config.dry_run))
        }
        OutputFormat::Display => writeln!(out, "{}", summary_line(number, s, config.dry_run)),
    };
    if args.live {
        let live = live_config(
            args.websocket_url.as_deref(),
            rpc_url,
            &args.service,
            schedule.interval,
        );
        let mut number = 0;
        let on_pass = |s: &PassSummary| {
            number += 1;
            metrics.record(s);
            // A closed output ends nothing: the bot keeps liquidating.
            let _ = report(number, s);
        };
        live::run(
            session.transport,
            &market,
            &signer,
            &config,
            &live,
            &shutdown,
            on_pass,
        )
        .await?;
        return Ok(());
    }
    liquidator_loop::run(session.transport, &l, &shutdown, report).await?;
    Ok(())
}

/// The thresholds of the flags or of `--thresholds-file`, each within its range.
fn thresholds(args: &MonitorArgs) -> Result<Thresholds, CliError> {
    let (thresholds, source) = match &args.thresholds_file {
        None => (args.thresholds, String::new()),
        Some(path) => {
            let invalid = |e: &dyn std::fmt::Display| {
                CliError::Invalid(format!("--thresholds-file {}: {e}", path.display()))
            };
            let text = std::fs::read_to_string(path).map_err(|e| invalid(&e))?;
            let parsed = toml::from_str(&text).map_err(|e| invalid(&e))?;
            (parsed, format!(" in --thresholds-file {}", path.display()))
        }
    };
    // Above 100%, these would never fire.
    for (flag, value) in [
        ("oracle-age-warning-bps", thresholds.oracle_age_warning_bps),
        (
            "utilization-warning-bps",
            thresholds.utilization_warning_bps,
        ),
        ("cap-warning-bps", thresholds.cap_warning_bps),
    ] {
        if value > 10_000 {
            let name = if source.is_empty() {
                format!("--{flag}")
            } else {
                flag.replace('-', "_")
            };
            return Err(CliError::Invalid(format!(
                "{name} {value}{source}: above 10000 (100%) the alert never fires"
            )));
        }
    }
    Ok(thresholds)
}

pub async fn monitor(
    session: &Session<'_, impl Transport>,
    args: &MonitorArgs,
    rpc_url: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let monitor = (Monitor::new(thresholds(args)?).with_labels(session.labels.clone()))
        .with_shard(args.service.shard);
    let schedule = schedule(&args.schedule)?;
    check_service(&args.service)?;
    let webhook = match &args.webhook {
        None => None,
        Some(url) => {
            let url =
                webhook::parse_url(url).map_err(|e| CliError::Invalid(format!("--webhook {e}")))?;
            Some(Webhook::new(url, Retry::default()))
        }
    };
    let market = session.market_key()?;
    let state = match &args.state_file {
        None => None,
        Some(path) => AlertState::load(path, &market)
            .map_err(|e| CliError::Invalid(format!("--state-file {}: {e}", path.display())))?,
    };
    let metrics = Arc::new(MonitorMetrics::default());
    let mut l = MonitorLoop {
        market,
        monitor,
        webhook,
        undelivered: VecDeque::new(),
        state_file: args.state_file.clone(),
        schedule,
        metrics: metrics.clone(),
        users: match &args.user_alerts {
            None => None,
            Some(path) => Some(UserAlerts::load(path, Retry::default()).map_err(|e| {
                CliError::Invalid(format!("--user-alerts {}: {e}", path.display()))
            })?),
        },
    };
    if let Some(state) = state {
        // Checked by `load`.
        l.restore(state).map_err(CliError::Invalid)?;
    }
    serve_metrics(&args.service, metrics).await?;
    let shutdown = signals()?;
    session.market().await?;
    if args.live {
        let live = live_config(
            args.websocket_url.as_deref(),
            rpc_url,
            &args.service,
            l.schedule.interval,
        );
        l.run_live(session.transport, &live, &shutdown, out).await?;
        return Ok(());
    }
    l.run(session.transport, &shutdown, out).await?;
    Ok(())
}

/// `--live`'s settings: the websocket (default: the RPC URL's), the shard, a full scan every
/// `interval`.
fn live_config(
    websocket_url: Option<&str>,
    rpc_url: &str,
    service: &ServiceArgs,
    interval: Duration,
) -> LiveConfig {
    LiveConfig {
        ws_url: websocket_url.map_or_else(
            || solana_cli_config::Config::compute_websocket_url(rpc_url),
            str::to_string,
        ),
        shard: service.shard,
        full_scan_every: interval,
        retry: Duration::from_secs(2),
    }
}
