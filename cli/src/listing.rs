//! Listing an asset: what `ballast reserve add` and a migration plan both turn into an
//! `init_reserve`: the mint's decimals and token program, its price sources (feed ids read from their accounts), the risk
//! config (a preset with settings over it), the seed.
use {
    crate::{
        amount::AmountError,
        amount::UiAmount,
        fetch,
        oracle_spec::OracleSpec,
        presets,
        settings::{CurveSpec, GroupList, ReserveSettings, SettingsError},
        ClientError, ReserveKeys, Transport,
    },
    ballast::{
        instructions::InitReserveArgs,
        state::{OracleSources, ReserveConfig},
    },
    serde::Deserialize,
    solana_sdk::pubkey::Pubkey,
    thiserror::Error,
};

pub use crate::oracle_spec::OracleKind;

/// Why an asset cannot be listed as asked.
#[derive(Debug, Error)]
pub enum ListingError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error("a pyth-legacy or switchboard source needs its account")]
    LegacyNeedsOracle,
    #[error("the seed takes an exact amount")]
    SeedNotExact,
    #[error("feed id {0}: expected 64 hex digits")]
    BadFeedId(String),
    #[error("give a price source (--oracle <kind>:<account>) or a Pyth feed id")]
    NoOracle,
    #[error(
        "oracle {0} is not a Pyth PriceUpdateV2 account (a Switchboard pull feed is \
         switchboard:<account>): give its feed id or its kind"
    )]
    NotPriceUpdate(Pubkey),
    #[error("oracle {0} is not a Switchboard On-Demand pull feed")]
    NotSwitchboardFeed(Pubkey),
    #[error("price sources: {0}")]
    Sources(String),
}

/// The reserve config a listing starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    Stablecoin,
    Volatile,
    /// Not usable as collateral.
    #[default]
    Base,
}

impl Preset {
    pub fn config(self) -> ReserveConfig {
        match self {
            Preset::Stablecoin => presets::stablecoin(),
            Preset::Volatile => presets::volatile(),
            Preset::Base => presets::base(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Preset::Stablecoin => "stablecoin",
            Preset::Volatile => "volatile",
            Preset::Base => "base",
        }
    }

    /// What the preset sets, read from its config (so the help cannot drift from it): every
    /// field for `base`, what differs from `base` for the others.
    pub fn summary(self) -> String {
        let config = self.config();
        if self == Preset::Base {
            return PRESET_FIELDS
                .iter()
                .map(|(name, read)| format!("{name} {}", read(&config)))
                .collect::<Vec<_>>()
                .join(", ");
        }
        let base = presets::base();
        let differing: Vec<String> = PRESET_FIELDS
            .iter()
            .filter(|(_, read)| read(&config) != read(&base))
            .map(|(name, read)| format!("{name} {}", read(&config)))
            .collect();
        format!("{}; the rest as base", differing.join(", "))
    }
}

/// The fields a preset sets, as its help shows them.
type PresetField = (&'static str, fn(&ReserveConfig) -> String);

const PRESET_FIELDS: [PresetField; 17] = [
    ("loan-to-value", |c| bps(c.loan_to_value_bps)),
    (
        "liquidation threshold",
        |c| bps(c.liquidation_threshold_bps),
    ),
    ("liquidation bonus", |c| {
        format!(
            "{}-{}",
            bps(c.liquidation_bonus_min_bps),
            bps(c.liquidation_bonus_max_bps)
        )
    }),
    ("borrow fee", |c| bps(c.borrow_fee_bps)),
    ("rate curve (utilization:rate bps)", |c| {
        CurveSpec(c.rate_curve).to_string()
    }),
    ("protocol take rate", |c| bps(c.protocol_take_rate_bps)),
    ("protocol liquidation fee", |c| {
        bps(c.protocol_liquidation_fee_bps)
    }),
    ("borrow factor", |c| {
        format!(
            "x{}",
            crate::format::decimal(
                ballast::math::Fixed::from_bps(c.borrow_factor_bps.into()),
                2
            )
        )
    }),
    ("deposit cap", |c| cap(c.deposit_cap)),
    ("borrow cap", |c| cap(c.borrow_cap)),
    ("outflow limit", |c| {
        format!("{} per {} s", cap(c.outflow_limit), c.outflow_window_secs)
    }),
    ("oracle max age", |c| format!("{} s", c.oracle_max_age_secs)),
    (
        "oracle max confidence",
        |c| bps(c.oracle_max_confidence_bps),
    ),
    ("flash loans", |c| {
        if c.flash_loans_enabled == 0 {
            "off".into()
        } else {
            format!("at {}", bps(c.flash_loan_fee_bps))
        }
    }),
    ("isolated", |c| {
        if c.isolated == 0 { "no" } else { "yes" }.into()
    }),
    ("min collateral and debt", |c| {
        format!(
            "{} base units, ${}",
            c.min_collateral_amount, c.min_debt_usd
        )
    }),
    ("e-mode groups", |c| GroupList(c.emode_groups).to_string()),
];

fn bps(v: u16) -> String {
    crate::format::percent(ballast::math::Fixed::from_bps(v.into()))
}

fn cap(v: u64) -> String {
    if v == u64::MAX {
        "unlimited".into()
    } else {
        format!("{v} base units")
    }
}

/// `--preset stablecoin|volatile|base`, each value's help saying what it sets.
impl clap::ValueEnum for Preset {
    fn value_variants<'a>() -> &'a [Self] {
        &[Preset::Stablecoin, Preset::Volatile, Preset::Base]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.summary()))
    }
}

/// An asset to list, as the operator describes it.
#[derive(Clone, Debug)]
pub struct Listing {
    pub mint: Pubkey,
    /// Its price sources, in priority order.
    pub oracles: OracleSpec,
    pub preset: Preset,
    pub settings: ReserveSettings,
    pub seed: UiAmount,
    pub permanent_delegate_acknowledged: bool,
}

/// A listing resolved against the cluster: ready for `init_reserve`.
#[derive(Clone, Debug)]
pub struct PreparedListing {
    pub keys: ReserveKeys,
    pub args: InitReserveArgs,
    pub decimals: u8,
}

impl Listing {
    /// The risk config: the preset, the settings over it, the delegate acknowledgement.
    pub fn config(&self, decimals: u8) -> Result<ReserveConfig, SettingsError> {
        let mut config = self.settings.apply(&self.preset.config(), decimals)?;
        config.permanent_delegate_acknowledged = u8::from(self.permanent_delegate_acknowledged);
        Ok(config)
    }

    /// Reads the mint (and, when needed, the oracle) to build the listing for `market`.
    pub async fn prepare(
        &self,
        transport: &impl Transport,
        market: &Pubkey,
    ) -> Result<PreparedListing, ListingError> {
        let mint = fetch::account(transport, &self.mint).await?;
        let decimals = crate::accounts::mint_decimals(&self.mint, &mint)?;
        let sources = self.oracles.resolve(transport).await?;
        if self.seed.is_max() {
            return Err(ListingError::SeedNotExact);
        }
        let max_divergence_bps = self.oracles.max_divergence_bps;
        let checked = OracleSources::new(&sources, max_divergence_bps)
            .map_err(|_| ListingError::Sources("the program would refuse these sources".into()))?;
        Ok(PreparedListing {
            keys: ReserveKeys::new(*market, self.mint, mint.owner, Pubkey::default())
                .with_sources(&checked),
            args: InitReserveArgs {
                config: self.config(decimals)?,
                oracle_sources: sources,
                max_divergence_bps,
                seed_amount: self.seed.to_base(decimals)?,
            },
            decimals,
        })
    }
}
