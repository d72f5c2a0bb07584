//! The declarative market config: a TOML file naming the market's policy and its reserves.
use {
    crate::MigrationError,
    ballast_cli::{
        amount::UiAmount,
        listing::{Listing, Preset},
        oracle_spec::{fixed_price, OracleKind, OracleSpec, RateSpec, SourceSpec},
        settings::{EmodeGroupSettings, MarketSettings, ReserveSettings},
    },
    serde::Deserialize,
    solana_sdk::pubkey::Pubkey,
    std::{path::Path, str::FromStr},
};

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketFile {
    pub market: MarketSpec,
    /// E-mode groups: `id` (1..=32) and the group's fields; a group's members are named by the
    /// reserves (`emode_groups` in `[reserve.risk]`). Groups left out are left as they are.
    #[serde(default, rename = "emode_group")]
    pub emode_groups: Vec<EmodeGroupSettings>,
    #[serde(default, rename = "reserve")]
    pub reserves: Vec<ReserveSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSpec {
    /// Second seed of the market's address (with the creator).
    #[serde(default)]
    pub id: u64,
    /// Who created (creates) the market: with `id`, it pins the market. Without it or
    /// `address`, the file describes the signer's market, created only with `--create`.
    pub creator: Option<String>,
    /// The market's address: pins it (with `creator`, it must be theirs).
    pub address: Option<String>,
    /// The admin; default: the creator. A different admin on chain is handed over with
    /// `transfer_admin` (the new admin then accepts).
    pub admin: Option<String>,
    /// May pause besides the admin; absent: left as it is.
    pub emergency_authority: Option<String>,
    /// Fields left out keep the program's defaults (new market) or their current value.
    #[serde(default)]
    pub policy: MarketSettings,
    /// The market's address lookup table (`ballast market lookup-table` creates it; its
    /// authority signs): every apply adds the accounts of the file's reserves it lacks.
    pub lookup_table: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveSpec {
    /// For people: shown in the plan.
    pub name: String,
    pub mint: String,
    /// The price sources: one price account (in `oracle_source`'s format), or a list in
    /// priority order (`[[reserve.oracle]]`); with neither, Pyth's sponsored feed account of
    /// `feed_id`.
    pub oracle: Option<OracleField>,
    #[serde(default)]
    pub oracle_source: OracleKind,
    /// Pyth feed id, hex, of a single pull source.
    pub feed_id: Option<String>,
    /// The most the first two usable sources may differ, in bps of the first (0: unchecked).
    #[serde(default)]
    pub max_divergence_bps: u16,
    /// The config the risk fields are laid over.
    #[serde(default)]
    pub preset: Preset,
    /// Seed deposit in token units, from the admin's associated token account.
    #[serde(default = "one_token")]
    pub seed: UiAmount,
    #[serde(default)]
    pub permanent_delegate_acknowledged: bool,
    #[serde(default)]
    pub risk: ReserveSettings,
}

/// `oracle = "<account>"`, or `[[reserve.oracle]]` entries.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum OracleField {
    Account(String),
    Sources(Vec<SourceEntry>),
}

/// One `[[reserve.oracle]]`: a price account of `kind` (pyth-pull, pyth-legacy, switchboard)
/// or a fixed `price` (kind fixed), optionally at a stake pool's or Marinade's rate.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub kind: String,
    pub account: Option<String>,
    /// Hex; default: the one the account carries.
    pub feed_id: Option<String>,
    /// USD, for kind fixed: an admin-set price.
    pub price: Option<String>,
    pub stake_pool: Option<String>,
    pub marinade: Option<String>,
}

impl SourceEntry {
    fn spec(&self, what: &str) -> Result<SourceSpec, MigrationError> {
        let invalid = |text: String| MigrationError::Config(format!("{what}: {text}"));
        let key = |field: &str, text: &Option<String>| {
            text.as_deref()
                .map(|t| address(&format!("{what}: {field}"), t))
                .transpose()
        };
        let rate = match (
            key("stake_pool", &self.stake_pool)?,
            key("marinade", &self.marinade)?,
        ) {
            (Some(_), Some(_)) => {
                return Err(invalid("stake_pool and marinade are exclusive".into()))
            }
            (Some(pool), None) => Some(RateSpec::StakePool(pool)),
            (None, Some(state)) => Some(RateSpec::Marinade(state)),
            (None, None) => None,
        };
        let account = key("account", &self.account)?;
        let spec = if self.kind == "fixed" {
            let price = self
                .price
                .as_deref()
                .ok_or_else(|| invalid("a fixed source needs its price".into()))?;
            if account.is_some() {
                return Err(invalid("a fixed source reads no account".into()));
            }
            SourceSpec::fixed(fixed_price(price).map_err(invalid)?)
        } else {
            let kind =
                <OracleKind as clap::ValueEnum>::from_str(&self.kind, false).map_err(|_| {
                    invalid(format!(
                        "unknown kind {:?} (pyth-pull, pyth-legacy, switchboard, fixed)",
                        self.kind
                    ))
                })?;
            if self.price.is_some() {
                return Err(invalid("price is for a fixed source".into()));
            }
            SourceSpec::account(kind, account, self.feed_id.clone())
        };
        Ok(SourceSpec { rate, ..spec })
    }
}

fn one_token() -> UiAmount {
    UiAmount::from_str("1").expect("valid amount")
}

/// `text` as an address, or an error naming `what`.
pub fn address(what: &str, text: &str) -> Result<Pubkey, MigrationError> {
    Pubkey::from_str(text)
        .map_err(|_| MigrationError::Config(format!("{what}: {text:?} is not an address")))
}

impl MarketSpec {
    /// The file names the market, so no signer can make it describe another one.
    pub fn pins_market(&self) -> bool {
        self.creator.is_some() || self.address.is_some()
    }
}

impl MarketFile {
    pub fn parse(text: &str) -> Result<MarketFile, MigrationError> {
        let file: MarketFile =
            toml::from_str(text).map_err(|e| MigrationError::Config(e.to_string()))?;
        let mut names: Vec<&str> = file.reserves.iter().map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(MigrationError::Config(format!(
                "reserve {} is listed twice",
                pair[0]
            )));
        }
        let mut ids: Vec<u8> = file.emode_groups.iter().map(|g| g.id).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(MigrationError::Config(format!(
                "emode_group {} is listed twice",
                pair[0]
            )));
        }
        for group in &file.emode_groups {
            group.slot()?;
        }
        Ok(file)
    }

    pub fn load(path: &Path) -> Result<MarketFile, MigrationError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| MigrationError::Config(format!("{}: {e}", path.display())))?;
        MarketFile::parse(&text)
    }
}

impl ReserveSpec {
    /// The sources the file names, in priority order.
    pub fn oracles(&self) -> Result<OracleSpec, MigrationError> {
        let what = |field: &str| format!("reserve {}: {field}", self.name);
        let single =
            |account| SourceSpec::account(self.oracle_source, account, self.feed_id.clone());
        let sources = match &self.oracle {
            None if self.feed_id.is_none() => Vec::new(),
            None => vec![single(None)],
            Some(OracleField::Account(text)) => vec![single(Some(address(&what("oracle"), text)?))],
            Some(OracleField::Sources(entries)) => (entries.iter().enumerate())
                .map(|(i, e)| e.spec(&what(&format!("oracle {}", i + 1))))
                .collect::<Result<_, _>>()?,
        };
        Ok(OracleSpec {
            sources,
            max_divergence_bps: self.max_divergence_bps,
        })
    }

    pub fn listing(&self) -> Result<Listing, MigrationError> {
        let what = |field: &str| format!("reserve {}: {field}", self.name);
        Ok(Listing {
            mint: address(&what("mint"), &self.mint)?,
            oracles: self.oracles()?,
            preset: self.preset,
            settings: self.risk.clone(),
            seed: self.seed.clone(),
            permanent_delegate_acknowledged: self.permanent_delegate_acknowledged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_market_file() {
        let file = MarketFile::parse(
            r#"
            [market]
            id = 7
            [market.policy]
            close_factor_bps = 4000

            [[reserve]]
            name = "USDC"
            mint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
            feed_id = "eaa020c61cc479712813461ce153894a96a6c00b21ed0cfc2798d1f9a9e9c94a"
            preset = "stablecoin"
            [reserve.risk]
            deposit_cap = "1_000_000"
            "#,
        )
        .unwrap();
        assert_eq!(file.market.id, 7);
        assert_eq!(file.market.policy.close_factor_bps, Some(4_000));
        let usdc = &file.reserves[0];
        assert_eq!(usdc.preset, Preset::Stablecoin);
        assert_eq!(usdc.oracle_source, OracleKind::PythPull);
        assert_eq!(usdc.seed, one_token());
        assert_eq!(usdc.risk.deposit_cap, Some("1000000".parse().unwrap()));
        assert_eq!(usdc.listing().unwrap().oracles.sources[0].account, None);
    }

    #[test]
    fn parses_emode_groups_and_memberships() {
        let file = MarketFile::parse(
            r#"
            [market]
            [[emode_group]]
            id = 1
            loan_to_value_bps = 9000
            liquidation_threshold_bps = 9300
            liquidation_bonus_max_bps = 200
            debt_restricted = true
            threshold_ramp_secs = 86400

            [[reserve]]
            name = "SOL"
            mint = "So11111111111111111111111111111111111111112"
            [reserve.risk]
            emode_groups = [1, 3]
            emode_debt_groups = [1]
            price_band_min = "50"
            price_band_max = "250.5"
            "#,
        )
        .unwrap();
        let group = &file.emode_groups[0];
        assert_eq!(
            (group.id, group.loan_to_value_bps, group.debt_restricted),
            (1, Some(9_000), Some(true))
        );
        assert_eq!(group.threshold_ramp_secs, Some(86_400));
        let risk = &file.reserves[0].risk;
        assert_eq!(risk.emode_groups.map(|g| g.0), Some(0b101));
        assert_eq!(risk.emode_debt_groups.map(|g| g.0), Some(0b1));
        // Price bands in USD, kept in 10^-8 USD.
        let band = risk.apply(&ballast_client::presets::volatile(), 9).unwrap();
        assert_eq!(
            (band.price_band_min, band.price_band_max),
            (5_000_000_000, 25_050_000_000)
        );

        let twice = "[market]\n[[emode_group]]\nid = 2\n[[emode_group]]\nid = 2";
        assert_eq!(
            MarketFile::parse(twice).unwrap_err().to_string(),
            "market config: emode_group 2 is listed twice"
        );
        assert_eq!(
            MarketFile::parse("[market]\n[[emode_group]]\nid = 33")
                .unwrap_err()
                .to_string(),
            "e-mode groups are numbered 1..=32, not 33"
        );
        let err = MarketFile::parse("[market]\n[[emode_group]]\nid = 1\nltv = 1").unwrap_err();
        assert!(err.to_string().contains("unknown field `ltv`"), "{err}");
        let err = MarketFile::parse(
            "[market]\n[[reserve]]\nname = \"A\"\nmint = \"x\"\n[reserve.risk]\nemode_groups = [0]",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("malformed e-mode group list \"[0]\""),
            "{err}"
        );
    }

    #[test]
    fn refuses_unknown_fields_duplicates_and_bad_addresses() {
        let err = MarketFile::parse("[market]\nclose_factor_bps = 1").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `close_factor_bps`"),
            "{err}"
        );
        let twice = "[market]\n[[reserve]]\nname = \"A\"\nmint = \"x\"\n[[reserve]]\nname = \"A\"\nmint = \"y\"";
        assert_eq!(
            MarketFile::parse(twice).unwrap_err().to_string(),
            "market config: reserve A is listed twice"
        );
        let bad =
            MarketFile::parse("[market]\n[[reserve]]\nname = \"A\"\nmint = \"nope\"").unwrap();
        assert_eq!(
            bad.reserves[0].listing().unwrap_err().to_string(),
            "market config: reserve A: mint: \"nope\" is not an address"
        );
    }
}
