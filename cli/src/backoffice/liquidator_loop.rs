//! `ballast liquidator`'s loop: a snapshot, a pass, its report, then the next on schedule. One
//! bad pass (an RPC error, a failed transaction) is logged and counted; the loop goes on until
//! it ran once as asked or a stop is requested.
use {
    super::{
        liquidator::{pass_until, LiquidatorConfig, PassSummary},
        metrics::LiquidatorMetrics,
        schedule::{Next, Schedule},
        shutdown::Shutdown,
        Snapshot,
    },
    crate::Transport,
    solana_sdk::{pubkey::Pubkey, signature::Keypair},
    std::io,
    tracing::{error, info},
};

/// What the loop works with besides the transport.
pub struct LiquidatorLoop<'a> {
    pub market: Pubkey,
    pub liquidator: &'a Keypair,
    pub config: LiquidatorConfig,
    pub schedule: Schedule,
    pub metrics: &'a LiquidatorMetrics,
}

/// Runs passes until done; `report` gets each pass's number and summary. A stop request is
/// honoured between transactions: the one in flight lands (or fails) first, then "stopping"
/// is logged and the loop returns.
pub async fn run(
    transport: &impl Transport,
    l: &LiquidatorLoop<'_>,
    shutdown: &Shutdown,
    mut report: impl FnMut(u64, &PassSummary) -> io::Result<()>,
) -> io::Result<()> {
    let mut number = 0;
    loop {
        number += 1;
        // Reading the market sends nothing: a stop request may drop it half-way.
        let taken = tokio::select! {
            taken = Snapshot::take_shard(transport, &l.market, l.config.shard) => taken,
            _ = shutdown.wait() => break,
        };
        match taken {
            Ok(snapshot) => {
                let s = pass_until(transport, &snapshot, l.liquidator, &l.config, shutdown).await;
                l.metrics.record(&s);
                info!(
                    pass = number,
                    scanned = s.scanned,
                    unhealthy = s.unhealthy,
                    liquidated = s.liquidated,
                    skipped = s.skipped,
                    no_inventory = s.no_inventory,
                    bad_debt = s.bad_debt,
                    errors = s.errors,
                    underfunded = s.underfunded,
                    "pass done"
                );
                report(number, &s)?;
            }
            Err(e) => {
                l.metrics.record_failed_pass();
                error!(pass = number, error = %e, "could not read the market");
            }
        }
        match l.schedule.wait(shutdown).await {
            Next::Pass => continue,
            Next::Done => return Ok(()),
            Next::Stop => break,
        }
    }
    info!("stopping");
    Ok(())
}
