//! The liquidator's and the monitor's counters in Prometheus text format, served on a loopback
//! address (or any, when asked).
use {
    super::{
        liquidator::PassSummary,
        monitor::{Alert, AlertKind, Condition},
    },
    ballast::math::Fixed,
    http_body_util::Full,
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Response},
    hyper_util::rt::TokioIo,
    prometheus_client::{
        encoding::text::encode,
        metrics::{counter::Counter, family::Family, gauge::Gauge},
        registry::Registry,
    },
    std::{
        convert::Infallible,
        io,
        net::SocketAddr,
        sync::{atomic::AtomicU64, Arc},
        time::{SystemTime, UNIX_EPOCH},
    },
    tokio::net::TcpListener,
};

/// Totals over every pass since start.
pub struct LiquidatorMetrics {
    registry: Registry,
    passes: Counter,
    failed_passes: Counter,
    scanned: Counter,
    unhealthy: Counter,
    liquidated: Counter,
    skipped: Counter,
    no_inventory: Counter,
    bad_debt: Counter,
    errors: Counter,
    underfunded_passes: Counter,
    fee_payer_lamports: Gauge,
    /// The liquidator's balance of each reserve's liquidity mint, in base units.
    inventory: Family<[(&'static str, String); 2], Gauge>,
    last_pass: Gauge,
    repaid_usd: Counter<f64, AtomicU64>,
    seized_usd: Counter<f64, AtomicU64>,
}

/// Metrics that can be scraped.
pub trait Exposition: Send + Sync + 'static {
    /// The Prometheus text exposition.
    fn encode(&self) -> String;
}

fn encoded(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = encode(&mut text, registry);
    text
}

/// Now, in unix seconds (0 on a clock before 1970).
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn gauge_value(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// USD for a metric (floating point is fine off chain, for display).
fn usd(value: Fixed) -> f64 {
    value.raw() as f64 / Fixed::SCALE as f64
}

impl Default for LiquidatorMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ballast_liquidator");
        let m = LiquidatorMetrics {
            passes: Counter::default(),
            failed_passes: Counter::default(),
            scanned: Counter::default(),
            unhealthy: Counter::default(),
            liquidated: Counter::default(),
            skipped: Counter::default(),
            no_inventory: Counter::default(),
            bad_debt: Counter::default(),
            errors: Counter::default(),
            underfunded_passes: Counter::default(),
            fee_payer_lamports: Gauge::default(),
            inventory: Family::default(),
            last_pass: Gauge::default(),
            repaid_usd: Counter::default(),
            seized_usd: Counter::default(),
            registry: Registry::default(),
        };
        registry.register("passes", "Passes completed", m.passes.clone());
        registry.register(
            "failed_passes",
            "Passes that could not read the market",
            m.failed_passes.clone(),
        );
        registry.register(
            "obligations_scanned",
            "Obligations scanned",
            m.scanned.clone(),
        );
        registry.register(
            "obligations_unhealthy",
            "Liquidatable obligations seen",
            m.unhealthy.clone(),
        );
        registry.register("liquidations", "Liquidations done", m.liquidated.clone());
        registry.register(
            "skipped",
            "Liquidations no longer possible when sent",
            m.skipped.clone(),
        );
        registry.register(
            "no_inventory",
            "Liquidations not tried: the liquidator holds none of the debts",
            m.no_inventory.clone(),
        );
        registry.register(
            "bad_debt",
            "Obligations with debt and no collateral seen (socialize-bad-debt writes them off)",
            m.bad_debt.clone(),
        );
        registry.register("errors", "Liquidations that failed", m.errors.clone());
        registry.register(
            "underfunded_passes",
            "Passes that sent nothing: the fee payer could not pay for one liquidation",
            m.underfunded_passes.clone(),
        );
        registry.register(
            "fee_payer_lamports",
            "The fee payer's balance at the last pass",
            m.fee_payer_lamports.clone(),
        );
        registry.register(
            "inventory",
            "The liquidator's balance of each reserve's liquidity mint at the last pass, in base \
             units",
            m.inventory.clone(),
        );
        registry.register(
            "last_pass_timestamp_seconds",
            "When the last pass that read the market ended, in unix seconds",
            m.last_pass.clone(),
        );
        registry.register("repaid_usd", "Debt repaid, in USD", m.repaid_usd.clone());
        registry.register(
            "seized_usd",
            "Collateral seized, in USD",
            m.seized_usd.clone(),
        );
        LiquidatorMetrics { registry, ..m }
    }
}

impl LiquidatorMetrics {
    pub fn record(&self, s: &PassSummary) {
        self.passes.inc();
        self.scanned.inc_by(s.scanned as u64);
        self.unhealthy.inc_by(s.unhealthy as u64);
        self.liquidated.inc_by(s.liquidated as u64);
        self.skipped.inc_by(s.skipped as u64);
        self.no_inventory.inc_by(s.no_inventory as u64);
        self.bad_debt.inc_by(s.bad_debt as u64);
        self.errors.inc_by(s.errors as u64);
        if s.underfunded {
            self.underfunded_passes.inc();
        }
        if let Some(balance) = s.fee_payer {
            self.fee_payer_lamports.set(gauge_value(balance.lamports));
        }
        for held in &s.inventory {
            let labels = [
                ("reserve", held.reserve.to_string()),
                ("mint", held.mint.to_string()),
            ];
            self.inventory
                .get_or_create(&labels)
                .set(gauge_value(held.amount));
        }
        self.repaid_usd.inc_by(usd(s.repaid_usd));
        self.seized_usd.inc_by(usd(s.seized_usd));
        self.last_pass.set(unix_now());
    }

    pub fn record_failed_pass(&self) {
        self.failed_passes.inc();
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        encoded(&self.registry)
    }
}

impl Exposition for LiquidatorMetrics {
    fn encode(&self) -> String {
        encoded(&self.registry)
    }
}

/// The monitor's totals over every pass since start.
pub struct MonitorMetrics {
    registry: Registry,
    passes: Counter,
    failed_passes: Counter,
    /// Alerts raised, by kind and status (firing, cleared).
    alerts: Family<[(&'static str, &'static str); 2], Counter>,
    /// Conditions firing now, by kind.
    firing: Family<[(&'static str, &'static str); 1], Gauge>,
    /// Alerts the webhook has not taken yet.
    undelivered: Gauge,
    last_pass: Gauge,
}

impl Default for MonitorMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ballast_monitor");
        let m = MonitorMetrics {
            passes: Counter::default(),
            failed_passes: Counter::default(),
            alerts: Family::default(),
            firing: Family::default(),
            undelivered: Gauge::default(),
            last_pass: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("passes", "Passes completed", m.passes.clone());
        registry.register(
            "failed_passes",
            "Passes that could not read the market",
            m.failed_passes.clone(),
        );
        registry.register(
            "alerts",
            "Alerts raised, by kind and status (firing, cleared)",
            m.alerts.clone(),
        );
        registry.register("firing", "Conditions firing now, by kind", m.firing.clone());
        registry.register(
            "webhook_undelivered",
            "Alerts the webhook has not taken yet",
            m.undelivered.clone(),
        );
        registry.register(
            "last_pass_timestamp_seconds",
            "When the last pass that read the market ended, in unix seconds",
            m.last_pass.clone(),
        );
        // Every kind has its series from the start, at 0.
        for kind in AlertKind::ALL {
            m.firing.get_or_create(&[("kind", kind.name())]).set(0);
            for status in ["firing", "cleared"] {
                (m.alerts
                    .get_or_create(&[("kind", kind.name()), ("status", status)]))
                .inc_by(0);
            }
        }
        MonitorMetrics { registry, ..m }
    }
}

impl MonitorMetrics {
    /// A pass that read the market: the alerts it raised and what is firing after it.
    pub fn record<'a>(&self, alerts: &[Alert], firing: impl IntoIterator<Item = &'a Condition>) {
        self.passes.inc();
        for a in alerts {
            let status = if a.firing { "firing" } else { "cleared" };
            self.alerts
                .get_or_create(&[("kind", a.condition.kind.name()), ("status", status)])
                .inc();
        }
        let mut counts = [0i64; AlertKind::ALL.len()];
        for c in firing {
            if let Some(i) = AlertKind::ALL.iter().position(|k| *k == c.kind) {
                counts[i] += 1;
            }
        }
        for (kind, count) in AlertKind::ALL.into_iter().zip(counts) {
            self.firing
                .get_or_create(&[("kind", kind.name())])
                .set(count);
        }
        self.last_pass.set(unix_now());
    }

    pub fn record_failed_pass(&self) {
        self.failed_passes.inc();
    }

    pub fn set_undelivered(&self, n: usize) {
        self.undelivered.set(gauge_value(n as u64));
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        encoded(&self.registry)
    }
}

impl Exposition for MonitorMetrics {
    fn encode(&self) -> String {
        encoded(&self.registry)
    }
}

/// Serves `metrics` at every path of `addr`, which must be a loopback address; returns the
/// bound address (port 0 picks one).
pub async fn serve(addr: SocketAddr, metrics: Arc<impl Exposition>) -> io::Result<SocketAddr> {
    serve_on(addr, false, metrics).await
}

/// `serve`, on any address when `public` (`--metrics-public`).
pub async fn serve_on(
    addr: SocketAddr,
    public: bool,
    metrics: Arc<impl Exposition>,
) -> io::Result<SocketAddr> {
    if !addr.ip().is_loopback() && !public {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("metrics are served on loopback only, not {addr}"),
        ));
    }
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    let body = Exposition::encode(&*metrics);
                    async move {
                        let mut response = Response::new(Full::new(Bytes::from(body)));
                        response.headers_mut().insert(
                            "content-type",
                            hyper::header::HeaderValue::from_static(
                                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                            ),
                        );
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(bound)
}
