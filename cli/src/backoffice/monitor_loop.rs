//! `ballast monitor`'s loop: each pass prints the new alerts (one JSON line each), posts them
//! to the webhook, keeping what it does not take for the next pass, and saves the state file.
use {
    super::{
        alert_state::{AlertState, MAX_UNDELIVERED},
        live::{follow, Change, LiveConfig, LiveSnapshot},
        metrics::MonitorMetrics,
        monitor::Monitor,
        schedule::{Next, Schedule},
        shutdown::Shutdown,
        user_alerts::UserAlerts,
        webhook::{Delivery, Webhook},
        Snapshot,
    },
    crate::{ClientError, Transport},
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
    /// Owners registered for their own health alerts (`--user-alerts`).
    pub users: Option<UserAlerts>,
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

    /// One look at the market: its new alerts (or the failure to read it) printed and queued,
    /// what waits posted to the webhook, the state saved.
    async fn look(
        &mut self,
        snapshot: Result<&Snapshot, ClientError>,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match snapshot {
            Ok(snapshot) => {
                let alerts = self.monitor.check(snapshot);
                self.metrics.record(&alerts, self.monitor.firing());
                for alert in alerts {
                    if let Some(users) = &mut self.users {
                        users.route(&alert, snapshot, &self.monitor.labels);
                    }
                    let body = alert.json();
                    writeln!(out, "{body}")?;
                    if self.webhook.is_some() {
                        self.undelivered.push_back(body);
                    }
                }
            }
            Err(e) => {
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
        if let Some(users) = &mut self.users {
            users.deliver().await;
        }
        self.metrics.set_undelivered(self.undelivered.len());
        self.save();
        Ok(())
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
                Some(Ok(snapshot)) => self.look(Ok(&snapshot), out).await?,
                Some(Err(e)) => self.look(Err(e), out).await?,
                None => {}
            }
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

    /// `run` on live updates (`--live`): a look after every update of an obligation, a reserve
    /// or an oracle of the market, a full scan every interval and after each (re)connection.
    pub async fn run_live(
        &mut self,
        transport: &impl Transport,
        live: &LiveConfig,
        shutdown: &Shutdown,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let (market, shard) = (self.market, self.monitor.shard);
        let take = || LiveSnapshot::take(transport, &market, shard);
        let mut state = match take().await {
            Ok(state) => state,
            Err(e) => return self.look(Err(e), out).await,
        };
        let mut changes = follow(live.ws_url.clone(), market, state.oracles(), live.retry);
        let mut next_scan = tokio::time::Instant::now() + live.full_scan_every;
        self.look(Ok(&state.snapshot), out).await?;
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    None => return Ok(()),
                    Some(Change::Connected) => {
                        state = match take().await {
                            Ok(state) => state,
                            Err(e) => { self.look(Err(e), out).await?; continue; }
                        };
                    }
                    Some(change) => {
                        let at = match transport.clock().await {
                            Ok(clock) => ballast::oracle::PriceClock::from(&clock),
                            Err(e) => { self.look(Err(e), out).await?; continue; }
                        };
                        state.apply(&change, at);
                    }
                },
                () = tokio::time::sleep_until(next_scan) => {
                    next_scan = tokio::time::Instant::now() + live.full_scan_every;
                    state = match take().await {
                        Ok(state) => state,
                        Err(e) => { self.look(Err(e), out).await?; continue; }
                    };
                }
                () = shutdown.wait() => {
                    info!("stopping");
                    return Ok(());
                }
            }
            self.look(Ok(&state.snapshot), out).await?;
        }
    }
}
