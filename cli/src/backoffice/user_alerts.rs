//! Per-user alerts: a borrower registers an owner address and a webhook in a file; the monitor
//! posts that owner's health alerts there, with each position's liquidation price, once when an
//! alert fires and once when it clears (the operator's alerts go on as before).
use {
    super::{
        monitor::{Alert, AlertKind},
        webhook::{self, Delivery, Retry, Webhook},
        Snapshot,
    },
    crate::views::{Labels, ObligationView},
    serde::Deserialize,
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
    std::{collections::VecDeque, path::Path, str::FromStr},
    tracing::warn,
};

/// The registrations file: `[[subscription]]` tables of `owner` and `webhook`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    subscription: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    owner: String,
    webhook: String,
}

/// The owners registered for alerts, each with its webhook, and what waits to be posted.
pub struct UserAlerts {
    owners: Vec<(Pubkey, Webhook)>,
    /// Alerts an owner's webhook has not taken yet, oldest first.
    pub undelivered: VecDeque<(Pubkey, Value)>,
}

impl UserAlerts {
    /// Reads the registrations at `path` (an owner registered twice: the last webhook).
    pub fn load(path: &Path, retry: Retry) -> Result<UserAlerts, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let file: File = toml::from_str(&text).map_err(|e| e.to_string())?;
        let mut owners: Vec<(Pubkey, Webhook)> = Vec::new();
        for entry in file.subscription {
            let owner = Pubkey::from_str(&entry.owner)
                .map_err(|_| format!("owner {:?} is not an address", entry.owner))?;
            let url = webhook::parse_url(&entry.webhook)?;
            owners.retain(|(o, _)| *o != owner);
            owners.push((owner, Webhook::new(url, retry)));
        }
        Ok(UserAlerts {
            owners,
            undelivered: VecDeque::new(),
        })
    }

    pub fn len(&self) -> usize {
        self.owners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// Queues `alert` for its owner when it is about an obligation's health and the owner is
    /// registered: with the obligation as `snapshot` values it now (each position's price and
    /// liquidation price), when it still can.
    pub fn route(&mut self, alert: &Alert, snapshot: &Snapshot, labels: &Labels) {
        if alert.condition.kind != AlertKind::ObligationHealthLow {
            return;
        }
        let owner = alert.condition.details["owner"].as_str();
        let Some(owner) = owner.and_then(|o| Pubkey::from_str(o).ok()) else {
            return;
        };
        if !self.owners.iter().any(|(o, _)| *o == owner) {
            return;
        }
        let address = alert.condition.subject;
        let valued = (snapshot.obligations.iter())
            .find(|o| o.address == address)
            .and_then(|o| snapshot.priced(o))
            .and_then(|priced| ObligationView::new(address, &priced, labels).ok());
        self.undelivered.push_back((
            owner,
            json!({
                "status": if alert.firing { "firing" } else { "cleared" },
                "kind": alert.condition.kind.name(),
                "owner": owner.to_string(),
                "obligation": address.to_string(),
                "market": alert.market.to_string(),
                "at": alert.at,
                "message": alert.condition.message,
                "now": valued.map(|v| v.json()),
            }),
        ));
    }

    /// Posts what waits, oldest first; what an owner's webhook fails to take after its retries
    /// waits for the next pass (a refusal is final).
    pub async fn deliver(&mut self) {
        let mut kept = VecDeque::new();
        while let Some((owner, body)) = self.undelivered.pop_front() {
            let Some((_, hook)) = self.owners.iter().find(|(o, _)| *o == owner) else {
                continue;
            };
            if let Delivery::Failed(why) = hook.post(&body).await {
                warn!(%owner, error = %why, "owner's webhook down: alert kept for the next pass");
                kept.push_back((owner, body));
            }
        }
        self.undelivered = kept;
    }
}
