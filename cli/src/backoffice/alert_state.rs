//! The monitor's memory across restarts (`--state-file`, JSON): the conditions firing, so that a
//! restart does not page again for what was already raised (and does clear what ended while it
//! was down), and the alerts the webhook has not taken yet.
use {
    super::monitor::{AlertKind, Condition},
    serde::{Deserialize, Serialize},
    serde_json::Value,
    solana_sdk::pubkey::Pubkey,
    std::{collections::VecDeque, path::Path, str::FromStr},
};

/// Alerts kept for a webhook that is down, at most: past it the oldest are dropped (with a
/// warning), so that a webhook gone for good cannot grow the file without end.
pub const MAX_UNDELIVERED: usize = 1_000;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertState {
    /// The market watched: a file of another market is refused rather than mixed in.
    pub market: String,
    pub firing: Vec<StoredCondition>,
    /// Alert bodies, oldest first.
    pub undelivered: VecDeque<Value>,
}

/// A `Condition` with its keys as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCondition {
    pub kind: String,
    pub subject: String,
    #[serde(default)]
    pub emode_group: u8,
    pub message: String,
    pub details: Value,
}

impl From<&Condition> for StoredCondition {
    fn from(c: &Condition) -> Self {
        StoredCondition {
            kind: c.kind.name().into(),
            subject: c.subject.to_string(),
            emode_group: c.emode_group,
            message: c.message.clone(),
            details: c.details.clone(),
        }
    }
}

impl TryFrom<&StoredCondition> for Condition {
    type Error = String;

    fn try_from(s: &StoredCondition) -> Result<Self, String> {
        Ok(Condition {
            kind: AlertKind::from_name(&s.kind)
                .ok_or_else(|| format!("unknown alert kind {:?}", s.kind))?,
            subject: Pubkey::from_str(&s.subject)
                .map_err(|_| format!("{:?} is not an address", s.subject))?,
            emode_group: s.emode_group,
            message: s.message.clone(),
            details: s.details.clone(),
        })
    }
}

impl AlertState {
    pub fn new<'a>(
        market: &Pubkey,
        firing: impl IntoIterator<Item = &'a Condition>,
        undelivered: &VecDeque<Value>,
    ) -> AlertState {
        AlertState {
            market: market.to_string(),
            firing: firing.into_iter().map(StoredCondition::from).collect(),
            undelivered: undelivered.clone(),
        }
    }

    /// The state saved at `path` for `market`: `None` when there is no file yet (a first run).
    pub fn load(path: &Path, market: &Pubkey) -> Result<Option<AlertState>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let state: AlertState = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if state.market != market.to_string() {
            return Err(format!(
                "holds the alerts of market {}, not {market}",
                state.market
            ));
        }
        // Every condition readable now, not at the first pass.
        state.conditions()?;
        Ok(Some(state))
    }

    pub fn conditions(&self) -> Result<Vec<Condition>, String> {
        self.firing.iter().map(Condition::try_from).collect()
    }

    /// Writes the state to `path` whole: a crash mid-write leaves the previous file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&temporary, text + "\n")?;
        std::fs::rename(&temporary, path)
    }
}
