//! The liquidator's counters in Prometheus text format, served on a loopback address.
use {
    super::liquidator::PassSummary,
    ballast::math::Fixed,
    http_body_util::Full,
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Response},
    hyper_util::rt::TokioIo,
    prometheus_client::{
        encoding::text::encode,
        metrics::{counter::Counter, gauge::Gauge},
        registry::Registry,
    },
    std::{
        convert::Infallible,
        io,
        net::SocketAddr,
        sync::{atomic::AtomicU64, Arc},
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
    repaid_usd: Counter<f64, AtomicU64>,
    seized_usd: Counter<f64, AtomicU64>,
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
            self.fee_payer_lamports
                .set(i64::try_from(balance.lamports).unwrap_or(i64::MAX));
        }
        self.repaid_usd.inc_by(usd(s.repaid_usd));
        self.seized_usd.inc_by(usd(s.seized_usd));
    }

    pub fn record_failed_pass(&self) {
        self.failed_passes.inc();
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

/// Serves `metrics` at every path of `addr`, which must be a loopback address; returns the
/// bound address (port 0 picks one).
pub async fn serve(addr: SocketAddr, metrics: Arc<LiquidatorMetrics>) -> io::Result<SocketAddr> {
    if !addr.ip().is_loopback() {
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
                    let body = metrics.encode();
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
