//! `ballast monitor`'s loop: each pass prints the new alerts (one JSON line each), posts them
//! to the webhook, keeping what it does not take for the next pass, and saves the state file.
use {
    super::{
        alert_state::{AlertState, MAX_UNDELIVERED},
        metrics::MonitorMetrics,
        monitor::Monitor,
        schedule::{Next, Schedule},
        shutdown::Shutdown,
        webhook::{Delivery, Webhook},
        Snapshot,
    },
    crate::Transport,
    serde_json::Value,
    solana_sdk::pubkey::Pubkey,
    std::{collections::VecDeque, io::Write, path::PathBuf, sync::Arc},
    tracing::{error, info, warn},
};

pub struct MonitorLoop {
    pub market: Pubkey,
    pub monitor: Monitor,
    pub webhook: Option<Webhook>,
    /// Alerts the webhook has not taken yet, oldest first.
    pub undelivered: VecDeque<Value>,
    /// Where the firing conditions and `undelivered` are kept across restarts.
    pub state_file: Option<PathBuf>,
    pub schedule: Schedule,
    /// Passes, alerts by kind, what is firing (served by `--metrics`).
    pub metrics: Arc<MonitorMetrics>,
}

impl MonitorLoop {
    /// Picks up where `state` (a previous run's) left off.
    pub fn restore(&mut self, state: AlertState) -> Result<(), String> {
        self.monitor.restore(state.conditions()?);
        self.undelivered = state.undelivered;
        Ok(())
    }

    /// Posts what is waiting, oldest first. The first alert the webhook still fails after its
    /// retries ends the round: the endpoint is down, and the rest wait with it.
    async fn deliver(&mut self) {
        let Some(hook) = &self.webhook else {
            return;
        };
        while let Some(alert) = self.undelivered.front() {
            match hook.post(alert).await {
                // A refusal is final (logged by the webhook): waiting will not change it.
                Delivery::Delivered | Delivery::Refused(_) => {
                    self.undelivered.pop_front();
                }
                Delivery::Failed(why) => {
                    warn!(
                        error = %why,
                        kept = self.undelivered.len(),
                        "webhook down: alerts kept for the next pass"
                    );
                    return;
                }
            }
        }
    }

    fn save(&self) {
        let Some(path) = &self.state_file else {
            return;
        };
        let state = AlertState::new(&self.market, self.monitor.firing(), &self.undelivered);
        if let Err(e) = state.save(path) {
            // The loop goes on: only a restart would page again.
            error!(path = %path.display(), error = %e, "cannot write the state file");
        }
    }

    /// Runs passes until done: once as asked, or until a stop is requested (then "stopping"
    /// is logged, after the state is saved).
    pub async fn run(
        &mut self,
        transport: &impl Transport,
        shutdown: &Shutdown,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        loop {
            let taken = tokio::select! {
                taken = Snapshot::take_shard(transport, &self.market, self.monitor.shard) =>
                    Some(taken),
                _ = shutdown.wait() => None,
            };
            match taken {
                None => {}
                Some(Ok(snapshot)) => {
                    let alerts = self.monitor.check(&snapshot);
                    self.metrics.record(&alerts, self.monitor.firing());
                    for alert in alerts {
                        let body = alert.json();
                        writeln!(out, "{body}")?;
                        if self.webhook.is_some() {
                            self.undelivered.push_back(body);
                        }
                    }
                }
                Some(Err(e)) => {
                    self.metrics.record_failed_pass();
                    error!(error = %e, "could not read the market");
                }
            }
            if self.undelivered.len() > MAX_UNDELIVERED {
                let dropped = self.undelivered.len() - MAX_UNDELIVERED;
                self.undelivered.drain(..dropped);
                warn!(dropped, "webhook down too long: the oldest alerts dropped");
            }
            // Even after a failed look: what waits from before is sent.
            self.deliver().await;
            self.metrics.set_undelivered(self.undelivered.len());
            self.save();
            match self.schedule.wait(shutdown).await {
                Next::Pass => continue,
                Next::Done => return Ok(()),
                Next::Stop => {
                    info!("stopping");
                    return Ok(());
                }
            }
        }
    }
}
