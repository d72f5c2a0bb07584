//! The HTTP side: the page, its two assets, and `/api/...` (JSON), on loopback unless asked.
use {
    crate::api,
    http_body_util::Full,
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Request, Response, StatusCode},
    hyper_util::rt::TokioIo,
    serde_json::Value,
    sqlx::AnyPool,
    std::{convert::Infallible, io, net::SocketAddr, sync::Arc},
    tokio::net::TcpListener,
    tracing::warn,
};

const PAGE: &str = include_str!("page.html");
const UPLOT_JS: &str = include_str!("../assets/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../assets/uPlot.min.css");

/// The database the dashboard reads.
#[derive(Clone)]
pub struct Dashboard {
    pub pool: AnyPool,
}

impl Dashboard {
    /// Opens the indexer's database (`postgres://...`, or a SQLite file path or `sqlite:` URL).
    pub async fn open(target: &str) -> Result<Dashboard, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let url = if target.contains("://") || target.starts_with("sqlite:") {
            target.to_string()
        } else if std::path::Path::new(target).exists() {
            format!("sqlite://{target}?mode=ro")
        } else {
            let missing = format!("no database at {target} (`ballast indexer` writes one)");
            return Err(sqlx::Error::Configuration(missing.into()));
        };
        Ok(Dashboard {
            pool: AnyPool::connect(&url).await?,
        })
    }

    /// The response to `path` (with its query string).
    async fn answer(&self, path: &str) -> (StatusCode, &'static str, String) {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let json = |v: Result<Value, sqlx::Error>| match v {
            Ok(v) => (StatusCode::OK, "application/json", v.to_string()),
            Err(e) => {
                warn!(error = %e, route, "query failed");
                let body = serde_json::json!({ "error": e.to_string() }).to_string();
                (StatusCode::INTERNAL_SERVER_ERROR, "application/json", body)
            }
        };
        match route {
            "/" => (StatusCode::OK, "text/html; charset=utf-8", PAGE.into()),
            "/uPlot.iife.min.js" => (StatusCode::OK, "text/javascript", UPLOT_JS.into()),
            "/uPlot.min.css" => (StatusCode::OK, "text/css", UPLOT_CSS.into()),
            "/api/reserves" => json(api::reserves(&self.pool).await),
            "/api/reserve-history" => {
                let reserve = query.strip_prefix("reserve=").unwrap_or_default();
                json(api::reserve_history(&self.pool, reserve).await)
            }
            "/api/rate-curve" => {
                let reserve = query.strip_prefix("reserve=").unwrap_or_default();
                json(api::rate_curve(&self.pool, reserve).await)
            }
            "/api/what-if" => {
                let reserve = query.strip_prefix("reserve=").unwrap_or_default();
                json(api::what_if(&self.pool, reserve).await)
            }
            "/api/health" => json(api::health(&self.pool).await),
            "/api/liquidations" => json(api::liquidations(&self.pool, 200).await),
            "/api/bad-debt" => json(api::bad_debt(&self.pool).await),
            _ => (StatusCode::NOT_FOUND, "text/plain", "not found".into()),
        }
    }
}

/// Errors unless `addr` is loopback or `public` is asked: the dashboard has no authentication.
pub fn check_address(addr: SocketAddr, public: bool) -> io::Result<()> {
    if !addr.ip().is_loopback() && !public {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the dashboard is served on loopback only, not {addr}"),
        ));
    }
    Ok(())
}

/// Serves `dashboard` at `addr` (loopback only unless `public`) until the process ends;
/// returns the address bound (a port of 0 picks one).
pub async fn serve(dashboard: Dashboard, addr: SocketAddr, public: bool) -> io::Result<SocketAddr> {
    check_address(addr, public)?;
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let dashboard = Arc::new(dashboard);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let dashboard = dashboard.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let dashboard = dashboard.clone();
                    async move {
                        let path = request
                            .uri()
                            .path_and_query()
                            .map_or("/".to_string(), |p| p.to_string());
                        let (status, kind, body) = dashboard.answer(&path).await;
                        let mut response = Response::new(Full::new(Bytes::from(body)));
                        *response.status_mut() = status;
                        response.headers_mut().insert(
                            "content-type",
                            hyper::header::HeaderValue::from_static(kind),
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
