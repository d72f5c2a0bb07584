//! `ballast liquidator` and `ballast monitor`: loops over market snapshots. One bad pass (an RPC
//! error, a failed transaction) is logged and counted; the loop goes on.
use {
    super::{CliError, LiquidatorArgs, LoopArgs, MonitorArgs, OutputFormat, Payout, Session},
    crate::{
        backoffice::{
            liquidator::{pass, LiquidatorConfig, PassSummary},
            metrics::{serve, LiquidatorMetrics},
            monitor::{Monitor, Thresholds},
            webhook::Webhook,
            Snapshot,
        },
        format::usd,
        Transport,
    },
    ballast::instructions::LiquidationPayout,
    serde_json::json,
    std::{io::Write, sync::Arc, time::Duration},
    tracing::{error, info, warn},
};

/// Waits out the interval; false when interrupted (Ctrl-C) or running once.
async fn next_pass(schedule: &LoopArgs) -> bool {
    if schedule.once {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_secs(schedule.interval)) => true,
        _ = tokio::signal::ctrl_c() => false,
    }
}

fn summary_line(number: u64, s: &PassSummary, dry_run: bool) -> String {
    format!(
        "pass {number}: scanned {}, unhealthy {}, {} {}, repaid {}, seized {}, skipped {}, errors {}",
        s.scanned,
        s.unhealthy,
        if dry_run { "would liquidate" } else { "liquidated" },
        s.liquidated,
        usd(s.repaid_usd),
        usd(s.seized_usd),
        s.skipped,
        s.errors
    )
}

pub async fn liquidator(
    session: &Session<'_, impl Transport>,
    args: &LiquidatorArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let signer = session.signer()?;
    let (market, _) = session.market().await?;
    let config = LiquidatorConfig {
        dry_run: session.dry_run,
        max_per_pass: args.max_obligations_per_pass,
        payout: match args.payout {
            Payout::Ctokens => LiquidationPayout::Collateral,
            Payout::Liquidity => LiquidationPayout::Liquidity,
        },
        compute_unit_limit: args.compute_unit_limit,
        compute_unit_price: args.priority_fee,
        min_payout_bps: args.min_payout_bps,
        lookup_table: session.lookup_table,
    };
    let metrics = Arc::new(LiquidatorMetrics::default());
    if let Some(addr) = args.metrics {
        let bound = serve(addr, metrics.clone())
            .await
            .map_err(|e| CliError::Invalid(format!("--metrics {addr}: {e}")))?;
        info!(%bound, "serving metrics");
    }
    let mut number = 0;
    loop {
        number += 1;
        match Snapshot::take(session.transport, &market).await {
            Ok(snapshot) => {
                let s = pass(session.transport, &snapshot, &signer, &config).await;
                metrics.record(&s);
                info!(
                    pass = number,
                    scanned = s.scanned,
                    unhealthy = s.unhealthy,
                    liquidated = s.liquidated,
                    skipped = s.skipped,
                    errors = s.errors,
                    "pass done"
                );
                let json = json!({
                    "pass": number,
                    "dry_run": config.dry_run,
                    "scanned": s.scanned,
                    "unhealthy": s.unhealthy,
                    "liquidated": s.liquidated,
                    "repaid_usd": crate::views::plain(s.repaid_usd, 6),
                    "seized_usd": crate::views::plain(s.seized_usd, 6),
                    "skipped": s.skipped,
                    "errors": s.errors,
                    "obligations": s.done.iter().map(|d| d.obligation.to_string()).collect::<Vec<_>>(),
                });
                match session.output {
                    OutputFormat::Json => writeln!(out, "{json}")?,
                    OutputFormat::Display => {
                        writeln!(out, "{}", summary_line(number, &s, config.dry_run))?
                    }
                }
            }
            Err(e) => {
                metrics.record_failed_pass();
                error!(pass = number, error = %e, "could not read the market");
            }
        }
        if !next_pass(&args.schedule).await {
            return Ok(());
        }
    }
}

fn thresholds(args: &MonitorArgs) -> Result<Thresholds, CliError> {
    let Some(path) = &args.thresholds_file else {
        return Ok(args.thresholds);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("thresholds file {}: {e}", path.display())))?;
    toml::from_str(&text)
        .map_err(|e| CliError::Invalid(format!("thresholds file {}: {e}", path.display())))
}

pub async fn monitor(
    session: &Session<'_, impl Transport>,
    args: &MonitorArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, _) = session.market().await?;
    let mut monitor = Monitor::new(thresholds(args)?);
    let webhook = args.webhook.as_deref().map(Webhook::new);
    loop {
        match Snapshot::take(session.transport, &market).await {
            Ok(snapshot) => {
                for alert in monitor.check(&snapshot) {
                    let body = alert.json();
                    writeln!(out, "{body}")?;
                    if let Some(hook) = &webhook {
                        if let Err(e) = hook.post(&body).await {
                            warn!(error = %e, "webhook failed");
                        }
                    }
                }
            }
            Err(e) => error!(error = %e, "could not read the market"),
        }
        if !next_pass(&args.schedule).await {
            return Ok(());
        }
    }
}
