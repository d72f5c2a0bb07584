//! Posting alerts to a webhook (Slack, PagerDuty, a collector): one JSON body per alert, retried
//! with backoff when the endpoint is down, so that a blip does not lose the page.
use {
    serde_json::Value,
    std::time::Duration,
    tracing::{error, warn},
};

/// How hard one post tries: `attempts` in all, waiting `first_delay`, then twice as long each
/// time. The default (4 attempts over 7 s) rides out a restart of the endpoint without holding
/// a pass up for long; what still fails is kept for the next pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_secs(1),
        }
    }
}

/// How a post ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The endpoint answered that it will never take this body (a 4xx other than 408 and
    /// 429): sending it again cannot help.
    Refused(String),
    /// Every attempt failed (unreachable, timed out, 5xx, 408, 429): worth another try later.
    Failed(String),
}

pub struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    retry: Retry,
}

/// `url` checked as a webhook address: absolute http(s) with a host.
pub fn parse_url(url: &str) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(format!("{url:?} is not an http(s) URL with a host"));
    }
    Ok(parsed)
}

impl Webhook {
    pub fn new(url: reqwest::Url, retry: Retry) -> Webhook {
        Webhook {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            url,
            retry,
        }
    }

    /// POSTs `alert` as JSON, retrying per `Retry`.
    pub async fn post(&self, alert: &Value) -> Delivery {
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
            }
            match self.client.post(self.url.clone()).json(alert).send().await {
                Ok(r) if r.status().is_success() => return Delivery::Delivered,
                Ok(r) if r.status().is_client_error() && !retryable(r.status()) => {
                    let why = format!("webhook {}: HTTP {}", self.url, r.status());
                    error!(error = %why, "webhook refused the alert; dropped");
                    return Delivery::Refused(why);
                }
                Ok(r) => last = format!("webhook {}: HTTP {}", self.url, r.status()),
                Err(e) => last = format!("webhook {}: {e}", self.url),
            }
            warn!(attempt, attempts = self.retry.attempts, error = %last, "webhook post failed");
        }
        Delivery::Failed(last)
    }
}

/// Statuses that say "later": timeout and rate limiting.
fn retryable(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429)
}
