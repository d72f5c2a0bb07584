//! Posting alerts to a webhook (Slack, PagerDuty, a collector): one JSON body per alert.
use {serde_json::Value, std::time::Duration};

pub struct Webhook {
    client: reqwest::Client,
    url: String,
}

impl Webhook {
    pub fn new(url: &str) -> Webhook {
        Webhook {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            url: url.to_string(),
        }
    }

    /// POSTs `alert` as JSON; a failure is returned, never retried here.
    pub async fn post(&self, alert: &Value) -> Result<(), String> {
        let response = self
            .client
            .post(&self.url)
            .json(alert)
            .send()
            .await
            .map_err(|e| format!("webhook {}: {e}", self.url))?;
        if !response.status().is_success() {
            return Err(format!("webhook {}: HTTP {}", self.url, response.status()));
        }
        Ok(())
    }
}
