//! What the liquidator and the monitor share to run as services: the metrics address, the log
//! format, their shard. Every flag may come from the environment too (`BALLAST_*`).
use {
    super::shard::Shard,
    std::net::{Ipv4Addr, SocketAddr},
    tracing::Subscriber,
    tracing_subscriber::{fmt::MakeWriter, EnvFilter},
};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per event (timestamp, level, message, fields, target).
    Json,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Args)]
pub struct ServiceArgs {
    /// Serve Prometheus metrics at this address: a port (9464, on 127.0.0.1) or IP:PORT,
    /// loopback only unless --metrics-public.
    #[arg(long, env = "BALLAST_METRICS", value_name = "ADDR", value_parser = metrics_address)]
    pub metrics: Option<SocketAddr>,
    /// Allow --metrics on an address other than loopback (0.0.0.0:9464: every interface).
    #[arg(long, env = "BALLAST_METRICS_PUBLIC", requires = "metrics",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub metrics_public: bool,
    /// How the logs on stderr are written (BALLAST_LOG filters them).
    #[arg(long, env = "BALLAST_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Run as share K of N instances: only the obligations whose address is K modulo N (the
    /// market-wide checks by 0/N alone).
    #[arg(long, env = "BALLAST_SHARD", value_name = "K/N", default_value_t = Shard::ALL)]
    pub shard: Shard,
}

/// `--metrics`: a port alone is on 127.0.0.1.
pub fn metrics_address(s: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    }
    s.parse().map_err(|_| {
        format!("{s:?} is neither a port (9464, on 127.0.0.1) nor an IP:PORT (127.0.0.1:9464)")
    })
}

/// Whether metrics may be served at `addr`: loopback, or anywhere with `--metrics-public`.
pub fn check_metrics_address(addr: SocketAddr, public: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || public {
        return Ok(());
    }
    Err(format!(
        "--metrics {addr}: metrics are served on loopback only, not {addr} (add \
         --metrics-public to serve them there)"
    ))
}

/// The bots' log subscriber: events filtered by `BALLAST_LOG` (default `info`; RUST_LOG is the
/// bank's), written to `writer` as text or JSON lines.
pub fn log_subscriber<W>(format: LogFormat, writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env("BALLAST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        // The event's fields at the top level, beside timestamp, level and target.
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
    }
}

/// Sets `log_subscriber` on stderr as the process's; `main` calls it for the bots.
pub fn init_logs(format: LogFormat) {
    use tracing_subscriber::util::SubscriberInitExt;
    log_subscriber(format, std::io::stderr).init();
}
