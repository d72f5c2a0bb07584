//! A reserve's price sources as an operator names them (`--oracle pyth-pull:<account>`,
//! `fixed:1.00`, `--stake-pool <pool>`; a market file's `[[reserve.oracle]]`), resolved against
//! the cluster into the program's `PriceSource`s: feed ids and hashes read from the accounts.
use {
    crate::{
        amount::UiAmount, fetch, listing::ListingError, pyth::sponsored_feed_account, Transport,
    },
    anchor_lang::AccountDeserialize,
    ballast::{
        constants::{BPS, MAX_PRICE_SOURCES},
        oracle::switchboard,
        state::{OracleSource, OracleSources, PriceRate, PriceSource},
    },
    pyth_solana_receiver_sdk::price_update::{get_feed_id_from_hex, PriceUpdateV2},
    serde::Deserialize,
    solana_sdk::pubkey::Pubkey,
    std::str::FromStr,
};

/// A price account's format (`--oracle-source`, for an `--oracle` given as a bare account).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OracleKind {
    /// Pyth pull oracle `PriceUpdateV2` (receiver program).
    #[default]
    PythPull,
    /// Pyth legacy push price account.
    PythLegacy,
    /// Switchboard On-Demand pull feed (`PullFeedAccountData`).
    #[value(alias = "switchboard")]
    #[serde(alias = "switchboard")]
    SwitchboardOnDemand,
}

/// How a source is named on the command line and in plans: "pyth-pull", ..., "fixed".
pub fn kind_name(kind: u8) -> &'static str {
    match OracleSource::from_byte(kind) {
        Ok(OracleSource::PythPull) => "pyth-pull",
        Ok(OracleSource::PythLegacy) => "pyth-legacy",
        Ok(OracleSource::SwitchboardOnDemand) => "switchboard",
        Ok(OracleSource::Fixed) => "fixed",
        Err(_) => "unknown",
    }
}

/// One `--oracle` value: `<kind>:<account>`, `fixed:<USD price>`, or a bare account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceArg {
    /// A price account; without a kind, in `--oracle-source`'s format.
    Account {
        kind: Option<OracleKind>,
        account: Pubkey,
    },
    /// An admin-set price, in 10^-8 USD (above 0).
    Fixed(u64),
}

const SOURCE_FORMS: &str = "expected <kind>:<account> (kinds: pyth-pull, pyth-legacy, \
                            switchboard), fixed:<USD price>, or an account";

impl FromStr for SourceArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let account = |text: &str| {
            Pubkey::from_str(text).map_err(|_| format!("oracle {s:?}: {text:?} is not an address"))
        };
        let Some((kind, rest)) = s.split_once(':') else {
            return Ok(SourceArg::Account {
                kind: None,
                account: Pubkey::from_str(s)
                    .map_err(|_| format!("oracle {s:?}: {SOURCE_FORMS}"))?,
            });
        };
        if kind == "fixed" {
            return fixed_price(rest).map(SourceArg::Fixed);
        }
        let kind = <OracleKind as clap::ValueEnum>::from_str(kind, false)
            .map_err(|_| format!("oracle {s:?}: unknown kind {kind:?}; {SOURCE_FORMS}"))?;
        Ok(SourceArg::Account {
            kind: Some(kind),
            account: account(rest)?,
        })
    }
}

/// A fixed price in USD ("1", "0.9998") as 10^-8 USD, above 0.
pub fn fixed_price(text: &str) -> Result<u64, String> {
    let price = UiAmount::from_str(text)
        .and_then(|a| a.to_base(8))
        .map_err(|e| format!("fixed price {text:?}: {e}"))?;
    if price == 0 {
        return Err(format!("fixed price {text:?}: must be above 0"));
    }
    Ok(price)
}

/// What converts a source's price into the token's (a liquid staking token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateSpec {
    /// An SPL stake pool (its total lamports per pool token).
    StakePool(Pubkey),
    /// Marinade's state (its mSOL price).
    Marinade(Pubkey),
}

impl RateSpec {
    fn apply(self, source: PriceSource) -> PriceSource {
        match self {
            RateSpec::StakePool(pool) => source.at_rate(PriceRate::SplStakePool, pool),
            RateSpec::Marinade(state) => source.at_rate(PriceRate::Marinade, state),
        }
    }
}

/// One source as named, before its feed id is read from the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    /// The price account's format; `None`: a fixed price.
    pub kind: Option<OracleKind>,
    /// The price account; a pull source without one is Pyth's sponsored account of `feed_id`.
    pub account: Option<Pubkey>,
    /// Hex; default: the feed id (Switchboard: feed hash) the account carries.
    pub feed_id: Option<String>,
    /// 10^-8 USD, for a fixed price.
    pub fixed_price: u64,
    pub rate: Option<RateSpec>,
}

impl SourceSpec {
    /// A price account in `kind`'s format.
    pub fn account(kind: OracleKind, account: Option<Pubkey>, feed_id: Option<String>) -> Self {
        SourceSpec {
            kind: Some(kind),
            account,
            feed_id,
            fixed_price: 0,
            rate: None,
        }
    }

    pub fn fixed(price: u64) -> Self {
        SourceSpec {
            kind: None,
            account: None,
            feed_id: None,
            fixed_price: price,
            rate: None,
        }
    }

    /// The program's source, reading the account for its feed id where none is given.
    async fn resolve(&self, transport: &impl Transport) -> Result<PriceSource, ListingError> {
        let Some(kind) = self.kind else {
            if self.fixed_price == 0 {
                return Err(ListingError::Sources(
                    "a fixed price must be above 0".into(),
                ));
            }
            return Ok(self.with_rate(PriceSource::fixed(self.fixed_price)));
        };
        let source = match (kind, self.account) {
            (OracleKind::PythLegacy, Some(account)) => PriceSource::pyth_legacy(account),
            (OracleKind::PythPull, account) => {
                let feed_id = match (&self.feed_id, account) {
                    (Some(hex), _) => parse_feed_id(hex)?,
                    (None, Some(account)) => pull_feed_id(transport, &account).await?,
                    (None, None) => return Err(ListingError::NoOracle),
                };
                let account = account.unwrap_or_else(|| sponsored_feed_account(0, &feed_id));
                PriceSource::pyth_pull(account, feed_id)
            }
            (OracleKind::SwitchboardOnDemand, Some(account)) => {
                let hash = match &self.feed_id {
                    Some(hex) => parse_feed_id(hex)?,
                    None => feed_hash(transport, &account).await?,
                };
                PriceSource::switchboard(account, hash)
            }
            (OracleKind::PythLegacy | OracleKind::SwitchboardOnDemand, None) => {
                return Err(ListingError::LegacyNeedsOracle)
            }
        };
        Ok(self.with_rate(source))
    }

    fn with_rate(&self, source: PriceSource) -> PriceSource {
        match self.rate {
            Some(rate) => rate.apply(source),
            None => source,
        }
    }
}

/// A reserve's sources in priority order and the most the first two usable ones may differ.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OracleSpec {
    pub sources: Vec<SourceSpec>,
    /// Bps of the first usable source's price; 0: unchecked.
    pub max_divergence_bps: u16,
}

impl OracleSpec {
    /// The program's sources, checked as the program checks them (count, fixed prices, the
    /// divergence bound) before anything is sent.
    pub async fn resolve(
        &self,
        transport: &impl Transport,
    ) -> Result<Vec<PriceSource>, ListingError> {
        self.check_shape()?;
        let mut sources = Vec::with_capacity(self.sources.len());
        for spec in &self.sources {
            sources.push(spec.resolve(transport).await?);
        }
        OracleSources::new(&sources, self.max_divergence_bps)
            .map_err(|_| ListingError::Sources("the program would refuse these sources".into()))?;
        Ok(sources)
    }

    /// What needs no cluster: 1 to 3 sources, a divergence bound within 100%.
    pub fn check_shape(&self) -> Result<(), ListingError> {
        let count = self.sources.len();
        if count == 0 {
            return Err(ListingError::NoOracle);
        }
        if count > MAX_PRICE_SOURCES {
            return Err(ListingError::Sources(format!(
                "{count} price sources given; a reserve takes at most {MAX_PRICE_SOURCES}"
            )));
        }
        if u64::from(self.max_divergence_bps) > BPS {
            return Err(ListingError::Sources(format!(
                "max divergence {} bps is above 10000 (100%)",
                self.max_divergence_bps
            )));
        }
        Ok(())
    }
}

/// Sources as a plan or a report spells them: "pyth-pull:<account>, fixed:$1.00 (admin-set)",
/// a rate as " x stake-pool:<pool>".
pub fn describe(sources: &[PriceSource]) -> String {
    sources
        .iter()
        .map(describe_one)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_one(source: &PriceSource) -> String {
    let price = if source.is_fixed() {
        format!(
            "fixed:${} (admin-set)",
            crate::format::units(source.fixed_price, 8)
        )
    } else {
        format!("{}:{}", kind_name(source.kind), source.account)
    };
    match source.price_rate() {
        Ok(PriceRate::SplStakePool) => format!("{price} x stake-pool:{}", source.rate_account),
        Ok(PriceRate::Marinade) => format!("{price} x marinade:{}", source.rate_account),
        _ => price,
    }
}

fn parse_feed_id(hex: &str) -> Result<[u8; 32], ListingError> {
    get_feed_id_from_hex(hex).map_err(|_| ListingError::BadFeedId(hex.to_string()))
}

/// The feed id a `PriceUpdateV2` account carries.
async fn pull_feed_id(
    transport: &impl Transport,
    account: &Pubkey,
) -> Result<[u8; 32], ListingError> {
    let data = fetch::account(transport, account).await?.data;
    let update = PriceUpdateV2::try_deserialize(&mut data.as_slice())
        .map_err(|_| ListingError::NotPriceUpdate(*account))?;
    Ok(update.price_message.feed_id)
}

/// The feed hash a Switchboard pull feed carries.
async fn feed_hash(transport: &impl Transport, account: &Pubkey) -> Result<[u8; 32], ListingError> {
    let data = fetch::account(transport, account).await?.data;
    data.get(2_120..2_152)
        .filter(|_| data.starts_with(&switchboard::DISCRIMINATOR))
        .map(|hash| hash.try_into().expect("32 bytes"))
        .ok_or(ListingError::NotSwitchboardFeed(*account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_values_parse_or_say_what_is_wrong() {
        let key = Pubkey::new_unique();
        let parse = |s: String| SourceArg::from_str(&s);
        assert_eq!(
            parse(format!("pyth-pull:{key}")),
            Ok(SourceArg::Account {
                kind: Some(OracleKind::PythPull),
                account: key
            })
        );
        assert_eq!(
            parse(format!("switchboard:{key}")),
            Ok(SourceArg::Account {
                kind: Some(OracleKind::SwitchboardOnDemand),
                account: key
            })
        );
        assert_eq!(
            parse(key.to_string()),
            Ok(SourceArg::Account {
                kind: None,
                account: key
            })
        );
        assert_eq!(
            parse("fixed:1.0001".into()),
            Ok(SourceArg::Fixed(100_010_000))
        );
        assert_eq!(
            parse("fixed:0".into()),
            Err("fixed price \"0\": must be above 0".into())
        );
        assert_eq!(
            parse(format!("chainlink:{key}")),
            Err(format!(
                "oracle \"chainlink:{key}\": unknown kind \"chainlink\"; {SOURCE_FORMS}"
            ))
        );
        assert_eq!(
            parse("pyth-pull:nope".into()),
            Err("oracle \"pyth-pull:nope\": \"nope\" is not an address".into())
        );
    }
}
