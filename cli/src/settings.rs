//! Market and reserve settings as an operator writes them, on the command line (`ballast market
//! update --close-factor-bps 4000`) or in a TOML plan (migrations): every field optional, laid
//! over a base config, then turned into the typed changes the program takes.
use {
    crate::amount::{AmountError, UiAmount},
    ballast::{
        constants::MAX_EMODE_GROUPS,
        math::RateCurve,
        state::{
            emode_bit, EmodeGroup, EmodeGroupConfig, MarketChange, MarketConfig, ReserveChange,
            ReserveConfig,
        },
    },
    serde::{Deserialize, Deserializer},
    std::{fmt, str::FromStr},
    thiserror::Error,
};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("invalid market config: {0}")]
    Market(&'static str),
    #[error("invalid reserve config: {0}")]
    Reserve(&'static str),
    #[error("{field}: {error}")]
    Amount {
        field: &'static str,
        error: AmountError,
    },
    #[error("malformed rate curve {0:?}: expected utilization:rate pairs in bps, like 0:0,8000:800,10000:5000")]
    Curve(String),
    #[error("invalid e-mode group {id}: {rule}")]
    EmodeGroup { id: u8, rule: &'static str },
    #[error("e-mode groups are numbered 1..=32, not {0}")]
    EmodeGroupId(u8),
    #[error("malformed e-mode group list {0:?}: expected group ids 1..=32 separated by commas, like 1,2, or none")]
    EmodeGroupList(String),
}

/// Market policy fields; absent ones keep their current value.
#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSettings {
    /// Largest share of debt one liquidation may repay (bps).
    #[arg(long)]
    pub close_factor_bps: Option<u16>,
    /// Health factor (bps of 1.0) below which a liquidation may repay all debt.
    #[arg(long)]
    pub full_liquidation_health_bps: Option<u16>,
    /// Debt worth less than this many USD may be liquidated in full.
    #[arg(long)]
    pub liquidation_dust_usd: Option<u32>,
    /// A gap between oracle publish times longer than this is an outage (0: off).
    #[arg(long)]
    pub oracle_outage_threshold_secs: Option<u32>,
    /// Liquidations wait this long after an oracle outage ends.
    #[arg(long)]
    pub oracle_grace_period_secs: Option<u32>,
}

impl MarketSettings {
    /// `base` with these settings laid over it, validated with the program's rules.
    pub fn apply(&self, base: &MarketConfig) -> Result<MarketConfig, SettingsError> {
        let next = MarketConfig {
            close_factor_bps: self.close_factor_bps.unwrap_or(base.close_factor_bps),
            full_liquidation_health_bps: self
                .full_liquidation_health_bps
                .unwrap_or(base.full_liquidation_health_bps),
            liquidation_dust_usd: self
                .liquidation_dust_usd
                .unwrap_or(base.liquidation_dust_usd),
            oracle_outage_threshold_secs: self
                .oracle_outage_threshold_secs
                .unwrap_or(base.oracle_outage_threshold_secs),
            oracle_grace_period_secs: self
                .oracle_grace_period_secs
                .unwrap_or(base.oracle_grace_period_secs),
        };
        match next.broken_rule() {
            Some(rule) => Err(SettingsError::Market(rule)),
            None => Ok(next),
        }
    }
}

/// The changes that turn market config `old` into `new`, one per differing field.
pub fn market_changes(old: &MarketConfig, new: &MarketConfig) -> Vec<MarketChange> {
    let mut changes = Vec::new();
    let mut differ = |a: u64, b: u64, change: MarketChange| {
        if a != b {
            changes.push(change);
        }
    };
    differ(
        old.close_factor_bps.into(),
        new.close_factor_bps.into(),
        MarketChange::CloseFactorBps(new.close_factor_bps),
    );
    differ(
        old.full_liquidation_health_bps.into(),
        new.full_liquidation_health_bps.into(),
        MarketChange::FullLiquidationHealthBps(new.full_liquidation_health_bps),
    );
    differ(
        old.liquidation_dust_usd.into(),
        new.liquidation_dust_usd.into(),
        MarketChange::LiquidationDustUsd(new.liquidation_dust_usd),
    );
    differ(
        old.oracle_outage_threshold_secs.into(),
        new.oracle_outage_threshold_secs.into(),
        MarketChange::OracleOutageThresholdSecs(new.oracle_outage_threshold_secs),
    );
    differ(
        old.oracle_grace_period_secs.into(),
        new.oracle_grace_period_secs.into(),
        MarketChange::OracleGracePeriodSecs(new.oracle_grace_period_secs),
    );
    changes
}

/// A rate curve as `utilization:rate` pairs in bps: `0:0,8000:800,10000:5000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurveSpec(pub RateCurve);

impl FromStr for CurveSpec {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, SettingsError> {
        let bad = || SettingsError::Curve(s.to_string());
        let points = s
            .split(',')
            .map(|pair| {
                let (u, r) = pair.trim().split_once(':').ok_or_else(bad)?;
                Ok((
                    u.trim().parse().map_err(|_| bad())?,
                    r.trim().parse().map_err(|_| bad())?,
                ))
            })
            .collect::<Result<Vec<(u32, u32)>, SettingsError>>()?;
        curve(&points).ok_or_else(bad)
    }
}

fn curve(points: &[(u32, u32)]) -> Option<CurveSpec> {
    RateCurve::new(points).ok().map(CurveSpec)
}

impl fmt::Display for CurveSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs: Vec<String> = self
            .0
            .used()
            .iter()
            .map(|p| format!("{}:{}", p.utilization_bps, p.borrow_rate_bps))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

/// In TOML a curve is a string or an array of `[utilization_bps, rate_bps]` pairs.
impl<'de> Deserialize<'de> for CurveSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Points(Vec<(u32, u32)>),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
            Raw::Points(points) => curve(&points).ok_or_else(|| {
                serde::de::Error::custom(SettingsError::Curve(format!("{points:?}")))
            }),
        }
    }
}

/// Reserve risk fields; absent ones keep their current value. Caps and the outflow limit are in
/// token units (`unlimited` for none).
#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveSettings {
    /// Share of a collateral's value that may be borrowed against (bps; 0: not collateral).
    #[arg(long)]
    pub loan_to_value_bps: Option<u16>,
    /// Share of a collateral's value above which its obligation's debt may be liquidated
    /// (bps, above the loan-to-value; a lower one ramps down over --threshold-ramp-secs).
    #[arg(long)]
    pub liquidation_threshold_bps: Option<u16>,
    /// Liquidation bonus on this collateral for a barely unhealthy obligation (bps).
    #[arg(long)]
    pub liquidation_bonus_min_bps: Option<u16>,
    /// Largest liquidation bonus, reached as health falls (bps; threshold x (1 + bonus) must
    /// stay within 100%).
    #[arg(long)]
    pub liquidation_bonus_max_bps: Option<u16>,
    /// Share of the liquidation bonus taken by the protocol.
    #[arg(long)]
    pub protocol_liquidation_fee_bps: Option<u16>,
    /// Origination fee added to the debt of each borrow (bps of the amount).
    #[arg(long)]
    pub borrow_fee_bps: Option<u16>,
    /// Share of interest taken by the protocol.
    #[arg(long)]
    pub protocol_take_rate_bps: Option<u16>,
    /// How much a debt here counts toward the borrow limit (bps; 10000 = at its value, more
    /// for riskier assets).
    #[arg(long)]
    pub borrow_factor_bps: Option<u16>,
    /// Largest total supply, in token units, or `unlimited`.
    #[arg(long, allow_negative_numbers = true)]
    pub deposit_cap: Option<UiAmount>,
    /// Largest total borrowed, in token units, or `unlimited` (0 disables borrowing).
    #[arg(long, allow_negative_numbers = true)]
    pub borrow_cap: Option<UiAmount>,
    /// Oldest oracle price the reserve accepts, in seconds since it was published.
    #[arg(long)]
    pub oracle_max_age_secs: Option<u32>,
    /// Widest oracle confidence interval accepted, in bps of the price.
    #[arg(long)]
    pub oracle_max_confidence_bps: Option<u16>,
    /// Borrow rate curve: `utilization:rate` pairs in bps, e.g. 0:0,8000:800,10000:5000.
    #[arg(long)]
    pub rate_curve: Option<CurveSpec>,
    /// Most liquidity that may leave per window, in token units, or `unlimited`.
    #[arg(long, allow_negative_numbers = true)]
    pub outflow_limit: Option<UiAmount>,
    /// Length of the outflow limit's window, in seconds.
    #[arg(long)]
    pub outflow_window_secs: Option<u32>,
    /// Whether the reserve lends flash loans (true or false).
    #[arg(long)]
    pub flash_loans: Option<bool>,
    /// Fee on a flash loan, paid into the fee vault (bps of the amount).
    #[arg(long)]
    pub flash_loan_fee_bps: Option<u16>,
    /// Smallest collateral position an owner may hold, in token units (0: none).
    #[arg(long, allow_negative_numbers = true)]
    pub min_collateral: Option<UiAmount>,
    /// Isolated asset: borrowed only as an obligation's only debt (with loan-to-value and
    /// threshold 0: borrowable, never collateral).
    #[arg(long)]
    pub isolated: Option<bool>,
    /// Smallest debt a borrow may leave in the reserve, in whole USD (0: none).
    #[arg(long)]
    pub min_debt_usd: Option<u32>,
    /// Most collateral value (whole USD) counted toward borrow limits; past it loan-to-value
    /// is scaled down (0: no cap).
    #[arg(long)]
    pub collateral_cap_usd: Option<u64>,
    /// Most borrowed value (whole USD) a borrow may leave (0: no cap).
    #[arg(long)]
    pub borrow_cap_usd: Option<u64>,
    /// The lowest oracle price accepted, in USD per whole token (0: no floor): a price (spot or
    /// EMA) below it is unusable, as a stale one is.
    #[arg(long, value_name = "USD")]
    pub price_band_min: Option<UiAmount>,
    /// The highest oracle price accepted, in USD per whole token (0: no ceiling).
    #[arg(long, value_name = "USD")]
    pub price_band_max: Option<UiAmount>,
    /// The e-mode groups the reserve belongs to: group ids, e.g. 1,2 (none: in no group).
    #[arg(long, value_name = "IDS")]
    pub emode_groups: Option<GroupList>,
    /// Of those, the groups that list it as debt (a debt-restricted group lends only these):
    /// group ids, e.g. 1 (none: listed in no group).
    #[arg(long, value_name = "IDS")]
    pub emode_debt_groups: Option<GroupList>,
    /// Seconds over which a lower liquidation threshold ramps down from the current one (at
    /// least 3600; not part of the config: a rise applies at once).
    #[arg(long)]
    pub threshold_ramp_secs: Option<u32>,
}

impl ReserveSettings {
    /// `base` with these settings laid over it (amounts in a mint of `decimals`), validated
    /// with the program's rules.
    pub fn apply(
        &self,
        base: &ReserveConfig,
        decimals: u8,
    ) -> Result<ReserveConfig, SettingsError> {
        let amount = |field: &'static str, v: &Option<UiAmount>, old: u64| match v {
            None => Ok(old),
            Some(a) => a
                .to_base(decimals)
                .map_err(|error| SettingsError::Amount { field, error }),
        };
        // Band bounds are USD with 8 decimals (Pyth's usual exponent), whatever the token's.
        let usd = |field: &'static str, v: &Option<UiAmount>, old: u64| match v {
            None => Ok(old),
            Some(a) => a
                .to_base(8)
                .map_err(|error| SettingsError::Amount { field, error }),
        };
        let next = ReserveConfig {
            loan_to_value_bps: self.loan_to_value_bps.unwrap_or(base.loan_to_value_bps),
            liquidation_threshold_bps: self
                .liquidation_threshold_bps
                .unwrap_or(base.liquidation_threshold_bps),
            liquidation_bonus_min_bps: self
                .liquidation_bonus_min_bps
                .unwrap_or(base.liquidation_bonus_min_bps),
            liquidation_bonus_max_bps: self
                .liquidation_bonus_max_bps
                .unwrap_or(base.liquidation_bonus_max_bps),
            protocol_liquidation_fee_bps: self
                .protocol_liquidation_fee_bps
                .unwrap_or(base.protocol_liquidation_fee_bps),
            borrow_fee_bps: self.borrow_fee_bps.unwrap_or(base.borrow_fee_bps),
            protocol_take_rate_bps: self
                .protocol_take_rate_bps
                .unwrap_or(base.protocol_take_rate_bps),
            borrow_factor_bps: self.borrow_factor_bps.unwrap_or(base.borrow_factor_bps),
            deposit_cap: amount("deposit_cap", &self.deposit_cap, base.deposit_cap)?,
            borrow_cap: amount("borrow_cap", &self.borrow_cap, base.borrow_cap)?,
            oracle_max_age_secs: self.oracle_max_age_secs.unwrap_or(base.oracle_max_age_secs),
            oracle_max_confidence_bps: self
                .oracle_max_confidence_bps
                .unwrap_or(base.oracle_max_confidence_bps),
            rate_curve: self.rate_curve.map_or(base.rate_curve, |c| c.0),
            outflow_limit: amount("outflow_limit", &self.outflow_limit, base.outflow_limit)?,
            outflow_window_secs: self.outflow_window_secs.unwrap_or(base.outflow_window_secs),
            flash_loans_enabled: self.flash_loans.map_or(base.flash_loans_enabled, u8::from),
            flash_loan_fee_bps: self.flash_loan_fee_bps.unwrap_or(base.flash_loan_fee_bps),
            min_collateral_amount: amount(
                "min_collateral",
                &self.min_collateral,
                base.min_collateral_amount,
            )?,
            isolated: self.isolated.map_or(base.isolated, u8::from),
            min_debt_usd: self.min_debt_usd.unwrap_or(base.min_debt_usd),
            collateral_cap_usd: self.collateral_cap_usd.unwrap_or(base.collateral_cap_usd),
            borrow_cap_usd: self.borrow_cap_usd.unwrap_or(base.borrow_cap_usd),
            price_band_min: usd("price_band_min", &self.price_band_min, base.price_band_min)?,
            price_band_max: usd("price_band_max", &self.price_band_max, base.price_band_max)?,
            emode_groups: self.emode_groups.map_or(base.emode_groups, |g| g.0),
            emode_debt_groups: self
                .emode_debt_groups
                .map_or(base.emode_debt_groups, |g| g.0),
            ..*base
        };
        match next.broken_rule() {
            Some(rule) => Err(SettingsError::Reserve(rule)),
            None => Ok(next),
        }
    }
}

/// The changes that turn reserve config `old` into `new`, ordered so that every intermediate
/// config is valid when both ends are: limits that loosen go before those that tighten. A lower
/// liquidation threshold ramps down over `ramp_secs`.
pub fn reserve_changes(
    old: &ReserveConfig,
    new: &ReserveConfig,
    ramp_secs: u32,
) -> Vec<ReserveChange> {
    let mut changes = Vec::new();
    if (old.loan_to_value_bps, old.liquidation_threshold_bps)
        != (new.loan_to_value_bps, new.liquidation_threshold_bps)
    {
        changes.push(ReserveChange::LoanToValue {
            loan_to_value_bps: new.loan_to_value_bps,
            liquidation_threshold_bps: new.liquidation_threshold_bps,
            ramp_secs,
        });
    }
    let bonus = ReserveChange::LiquidationBonus {
        min_bps: new.liquidation_bonus_min_bps,
        max_bps: new.liquidation_bonus_max_bps,
    };
    if (old.liquidation_bonus_min_bps, old.liquidation_bonus_max_bps)
        != (new.liquidation_bonus_min_bps, new.liquidation_bonus_max_bps)
    {
        // Threshold x (1 + bonus) is bounded: a smaller bonus must land before a higher
        // threshold, a larger one after a lower threshold.
        if new.liquidation_bonus_max_bps < old.liquidation_bonus_max_bps {
            changes.insert(0, bonus);
        } else {
            changes.push(bonus);
        }
    }
    let mut push_if = |differs: bool, change: ReserveChange| {
        if differs {
            changes.push(change);
        }
    };
    push_if(
        old.protocol_liquidation_fee_bps != new.protocol_liquidation_fee_bps,
        ReserveChange::ProtocolLiquidationFeeBps(new.protocol_liquidation_fee_bps),
    );
    push_if(
        old.borrow_fee_bps != new.borrow_fee_bps,
        ReserveChange::BorrowFeeBps(new.borrow_fee_bps),
    );
    push_if(
        old.protocol_take_rate_bps != new.protocol_take_rate_bps,
        ReserveChange::ProtocolTakeRateBps(new.protocol_take_rate_bps),
    );
    push_if(
        old.borrow_factor_bps != new.borrow_factor_bps,
        ReserveChange::BorrowFactorBps(new.borrow_factor_bps),
    );
    push_if(
        old.deposit_cap != new.deposit_cap,
        ReserveChange::DepositCap(new.deposit_cap),
    );
    push_if(
        old.borrow_cap != new.borrow_cap,
        ReserveChange::BorrowCap(new.borrow_cap),
    );
    push_if(
        (old.oracle_max_age_secs, old.oracle_max_confidence_bps)
            != (new.oracle_max_age_secs, new.oracle_max_confidence_bps),
        ReserveChange::OracleLimits {
            max_age_secs: new.oracle_max_age_secs,
            max_confidence_bps: new.oracle_max_confidence_bps,
        },
    );
    push_if(
        old.rate_curve != new.rate_curve,
        ReserveChange::RateCurve(new.rate_curve),
    );
    push_if(
        (old.outflow_limit, old.outflow_window_secs)
            != (new.outflow_limit, new.outflow_window_secs),
        ReserveChange::OutflowLimit {
            limit: new.outflow_limit,
            window_secs: new.outflow_window_secs,
        },
    );
    push_if(
        (old.flash_loans_enabled, old.flash_loan_fee_bps)
            != (new.flash_loans_enabled, new.flash_loan_fee_bps),
        ReserveChange::FlashLoans {
            enabled: new.flash_loans_enabled != 0,
            fee_bps: new.flash_loan_fee_bps,
        },
    );
    push_if(
        old.min_collateral_amount != new.min_collateral_amount,
        ReserveChange::MinCollateralAmount(new.min_collateral_amount),
    );
    push_if(
        old.isolated != new.isolated,
        ReserveChange::Isolated(new.isolated != 0),
    );
    push_if(
        old.min_debt_usd != new.min_debt_usd,
        ReserveChange::MinDebtUsd(new.min_debt_usd),
    );
    push_if(
        (old.collateral_cap_usd, old.borrow_cap_usd)
            != (new.collateral_cap_usd, new.borrow_cap_usd),
        ReserveChange::UsdCaps {
            collateral_usd: new.collateral_cap_usd,
            borrow_usd: new.borrow_cap_usd,
        },
    );
    push_if(
        (old.price_band_min, old.price_band_max) != (new.price_band_min, new.price_band_max),
        ReserveChange::PriceBand {
            min: new.price_band_min,
            max: new.price_band_max,
        },
    );
    push_if(
        (old.emode_groups, old.emode_debt_groups) != (new.emode_groups, new.emode_debt_groups),
        ReserveChange::EmodeGroups {
            member: new.emode_groups,
            debt: new.emode_debt_groups,
        },
    );
    changes
}

/// A set of e-mode groups as their ids, `1,2` (`none` or nothing: no group); in TOML also an
/// array, `[1, 2]`. Held as the program's mask: bit `id - 1` per group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupList(pub u32);

impl GroupList {
    /// The ids of the groups in `mask`, ascending.
    pub fn ids(mask: u32) -> Vec<u8> {
        (1..=MAX_EMODE_GROUPS as u8)
            .filter(|id| mask & emode_bit(*id) != 0)
            .collect()
    }

    fn from_ids(ids: &[u8]) -> Option<GroupList> {
        ids.iter()
            .try_fold(0u32, |mask, id| {
                (1..=MAX_EMODE_GROUPS as u8)
                    .contains(id)
                    .then(|| mask | emode_bit(*id))
            })
            .map(GroupList)
    }
}

impl FromStr for GroupList {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, SettingsError> {
        let bad = || SettingsError::EmodeGroupList(s.to_string());
        let trimmed = s.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") {
            return Ok(GroupList(0));
        }
        let ids = trimmed
            .split(',')
            .map(|id| id.trim().parse::<u8>().map_err(|_| bad()))
            .collect::<Result<Vec<u8>, SettingsError>>()?;
        GroupList::from_ids(&ids).ok_or_else(bad)
    }
}

/// `1,2`, or `none`: what `from_str` reads back.
impl fmt::Display for GroupList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids = GroupList::ids(self.0);
        if ids.is_empty() {
            return f.write_str("none");
        }
        let ids: Vec<String> = ids.iter().map(u8::to_string).collect();
        f.write_str(&ids.join(","))
    }
}

/// In TOML a group list is an array of ids or a string.
impl<'de> Deserialize<'de> for GroupList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Ids(Vec<u8>),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
            Raw::Ids(ids) => GroupList::from_ids(&ids).ok_or_else(|| {
                serde::de::Error::custom(SettingsError::EmodeGroupList(format!("{ids:?}")))
            }),
        }
    }
}

/// One e-mode group as an operator writes it: `ballast market emode-group 1 ...`, or an
/// `[[emode_group]]` of a migrations file. Absent fields keep their current value (a group not
/// configured yet has none: give them all).
#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmodeGroupSettings {
    /// The group, 1..=32.
    #[arg(value_name = "ID")]
    pub id: u8,
    /// Share of a member collateral's value that may be borrowed against (bps).
    #[arg(long)]
    pub loan_to_value_bps: Option<u16>,
    /// Share of a member collateral's value above which debt may be liquidated (bps).
    #[arg(long)]
    pub liquidation_threshold_bps: Option<u16>,
    /// Largest liquidation bonus on member collateral (bps, 1..=5000; a member reserve's own
    /// minimum bonus applies up to it).
    #[arg(long)]
    pub liquidation_bonus_max_bps: Option<u16>,
    /// true: the group lends only the reserves that list it in their e-mode debt groups
    /// (`reserve update --emode-debt-groups`); false: it lends any member.
    #[arg(long)]
    pub debt_restricted: Option<bool>,
    /// Seconds over which a lower liquidation threshold ramps down from the current one (at
    /// least 3600; not part of the config: a rise applies at once).
    #[arg(long)]
    pub threshold_ramp_secs: Option<u32>,
}

impl EmodeGroupSettings {
    /// `base` (the group as stored; all zero when not configured) with these settings laid
    /// over it, validated with the program's rules.
    pub fn apply(&self, base: &EmodeGroupConfig) -> Result<EmodeGroupConfig, SettingsError> {
        self.slot()?;
        let next = EmodeGroupConfig {
            loan_to_value_bps: self.loan_to_value_bps.unwrap_or(base.loan_to_value_bps),
            liquidation_threshold_bps: self
                .liquidation_threshold_bps
                .unwrap_or(base.liquidation_threshold_bps),
            liquidation_bonus_max_bps: self
                .liquidation_bonus_max_bps
                .unwrap_or(base.liquidation_bonus_max_bps),
            debt_restricted: self.debt_restricted.map_or(base.debt_restricted, u8::from),
            ..*base
        };
        match next.broken_rule() {
            Some(rule) => Err(SettingsError::EmodeGroup { id: self.id, rule }),
            None => Ok(next),
        }
    }

    /// The group's index in `Market::emode_groups`.
    pub fn slot(&self) -> Result<usize, SettingsError> {
        usize::from(self.id)
            .checked_sub(1)
            .filter(|i| *i < MAX_EMODE_GROUPS)
            .ok_or(SettingsError::EmodeGroupId(self.id))
    }

    /// The change that makes group `id` of `groups` match these settings, validated; `None`
    /// when it already does. A lower threshold ramps down over `threshold_ramp_secs`.
    pub fn change(
        &self,
        groups: &[EmodeGroup; MAX_EMODE_GROUPS],
    ) -> Result<Option<MarketChange>, SettingsError> {
        let old = &groups[self.slot()?];
        let config = self.apply(&old.config)?;
        Ok(
            (!old.is_configured() || old.config != config).then_some(MarketChange::EmodeGroup {
                id: self.id,
                config,
                ramp_secs: self.threshold_ramp_secs.unwrap_or(0),
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use {super::*, crate::presets};

    #[test]
    fn overlays_and_diffs_reserve_settings() {
        let base = presets::volatile();
        let settings = ReserveSettings {
            loan_to_value_bps: Some(6_000),
            liquidation_threshold_bps: Some(7_000),
            deposit_cap: Some("1_000.5".parse().unwrap()),
            rate_curve: Some("0:0, 10000:2000".parse().unwrap()),
            flash_loans: Some(false),
            ..ReserveSettings::default()
        };
        let next = settings.apply(&base, 6).unwrap();
        assert_eq!(next.deposit_cap, 1_000_500_000);
        assert_eq!(
            reserve_changes(&base, &next, 0),
            vec![
                ReserveChange::LoanToValue {
                    loan_to_value_bps: 6_000,
                    liquidation_threshold_bps: 7_000,
                    ramp_secs: 0,
                },
                ReserveChange::DepositCap(1_000_500_000),
                ReserveChange::RateCurve(RateCurve::new(&[(0, 0), (10_000, 2_000)]).unwrap()),
                ReserveChange::FlashLoans {
                    enabled: false,
                    fee_bps: base.flash_loan_fee_bps
                },
            ]
        );
        // Applying the changes one by one reaches `next`, each step valid.
        let reached = reserve_changes(&base, &next, 0)
            .into_iter()
            .try_fold(base, |c, change| change.apply(&c))
            .unwrap();
        assert_eq!(reached, next);
        assert_eq!(reserve_changes(&next, &next, 0), vec![]);
    }

    #[test]
    fn orders_bonus_and_threshold_so_each_step_is_valid() {
        // 90% threshold allows a bonus of at most 11.1%; going to 95% needs the bonus at 5% first.
        let mut old = presets::volatile();
        old.liquidation_threshold_bps = 9_000;
        old.loan_to_value_bps = 8_500;
        old.liquidation_bonus_max_bps = 1_100;
        let mut new = old;
        new.liquidation_threshold_bps = 9_500;
        new.liquidation_bonus_max_bps = 500;
        let steps = reserve_changes(&old, &new, 0);
        assert!(matches!(steps[0], ReserveChange::LiquidationBonus { .. }));
        let reached = steps.iter().try_fold(old, |c, s| s.apply(&c)).unwrap();
        assert_eq!(reached, new);
        // And back down: threshold first, then the larger bonus.
        let back = reserve_changes(&new, &old, 0);
        assert!(matches!(back[0], ReserveChange::LoanToValue { .. }));
        assert_eq!(back.iter().try_fold(new, |c, s| s.apply(&c)).unwrap(), old);
    }

    #[test]
    fn refuses_invalid_settings_with_the_rule() {
        let base = presets::stablecoin();
        let err = ReserveSettings {
            loan_to_value_bps: Some(9_000),
            ..ReserveSettings::default()
        }
        .apply(&base, 6)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid reserve config: loan_to_value_bps must be below liquidation_threshold_bps"
        );
        let err = ReserveSettings {
            borrow_cap: Some("0.0000001".parse().unwrap()),
            ..ReserveSettings::default()
        }
        .apply(&base, 6)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "borrow_cap: amount 0.0000001 has more decimals than the mint's 6"
        );
        assert_eq!(
            "0:0,5000:10".parse::<CurveSpec>().unwrap_err(),
            SettingsError::Curve("0:0,5000:10".into())
        );
        let market = MarketSettings {
            close_factor_bps: Some(0),
            ..MarketSettings::default()
        };
        assert_eq!(
            market.apply(&MarketConfig::default()).unwrap_err(),
            SettingsError::Market("close_factor_bps must be 1..=10000")
        );
    }

    #[test]
    fn group_lists_parse_print_and_diff() {
        assert_eq!(
            "1, 2,32".parse::<GroupList>().unwrap(),
            GroupList(0b11 | 1 << 31)
        );
        for empty in ["none", "NONE", "", " "] {
            assert_eq!(empty.parse::<GroupList>().unwrap(), GroupList(0));
        }
        for bad in ["0", "33", "1;2", "one", "1,"] {
            assert_eq!(
                bad.parse::<GroupList>().unwrap_err(),
                SettingsError::EmodeGroupList(bad.into())
            );
        }
        assert_eq!(GroupList(0b101).to_string(), "1,3");
        assert_eq!(GroupList(0).to_string(), "none");
        assert_eq!(GroupList::ids(0b101), vec![1, 3]);
        let settings = ReserveSettings {
            emode_groups: Some(GroupList(0b11)),
            emode_debt_groups: Some(GroupList(0b10)),
            ..ReserveSettings::default()
        };
        let base = presets::volatile();
        let next = settings.apply(&base, 9).unwrap();
        assert_eq!((next.emode_groups, next.emode_debt_groups), (0b11, 0b10));
        assert_eq!(
            reserve_changes(&base, &next, 0),
            vec![ReserveChange::EmodeGroups {
                member: 0b11,
                debt: 0b10
            }]
        );
        // Debt groups must be among the member groups: the program's rule, before sending.
        let err = ReserveSettings {
            emode_debt_groups: Some(GroupList(0b100)),
            ..settings
        }
        .apply(&base, 9)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid reserve config: emode_debt_groups must be among the reserve's emode_groups"
        );
        let from_toml: ReserveSettings =
            toml::from_str("emode_groups = [1, 2]\nemode_debt_groups = \"2\"").unwrap();
        assert_eq!(from_toml.emode_groups, Some(GroupList(0b11)));
        assert_eq!(from_toml.emode_debt_groups, Some(GroupList(0b10)));
        assert!(toml::from_str::<ReserveSettings>("emode_groups = [0]").is_err());
    }

    #[test]
    fn emode_group_settings_lay_over_the_stored_group() {
        let mut groups = [EmodeGroup::default(); MAX_EMODE_GROUPS];
        let settings = EmodeGroupSettings {
            id: 2,
            loan_to_value_bps: Some(9_000),
            liquidation_threshold_bps: Some(9_300),
            liquidation_bonus_max_bps: Some(200),
            ..EmodeGroupSettings::default()
        };
        let config = EmodeGroupConfig {
            loan_to_value_bps: 9_000,
            liquidation_threshold_bps: 9_300,
            liquidation_bonus_max_bps: 200,
            debt_restricted: 0,
            padding: 0,
        };
        assert_eq!(
            settings.change(&groups).unwrap(),
            Some(MarketChange::EmodeGroup {
                id: 2,
                config,
                ramp_secs: 0
            })
        );
        groups[1].config = config;
        assert_eq!(settings.change(&groups).unwrap(), None);
        // Absent fields keep the stored values.
        let lower = EmodeGroupSettings {
            id: 2,
            liquidation_threshold_bps: Some(9_200),
            debt_restricted: Some(true),
            threshold_ramp_secs: Some(3_600),
            ..EmodeGroupSettings::default()
        };
        assert_eq!(
            lower.change(&groups).unwrap(),
            Some(MarketChange::EmodeGroup {
                id: 2,
                config: EmodeGroupConfig {
                    liquidation_threshold_bps: 9_200,
                    debt_restricted: 1,
                    ..config
                },
                ramp_secs: 3_600
            })
        );
        // The program's rules, in its words, and the id's range.
        let err = EmodeGroupSettings {
            liquidation_bonus_max_bps: Some(800),
            ..settings.clone()
        }
        .change(&groups)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid e-mode group 2: a group's liquidation_threshold x (1 + max bonus) must be at \
             most 100%"
        );
        let unset = EmodeGroupSettings {
            id: 3,
            loan_to_value_bps: Some(9_000),
            ..EmodeGroupSettings::default()
        };
        assert_eq!(
            unset.change(&groups).unwrap_err(),
            SettingsError::EmodeGroup {
                id: 3,
                rule: "a group's loan_to_value_bps must be above 0 and below its \
                       liquidation_threshold_bps"
            }
        );
        for id in [0, 33] {
            let out_of_range = EmodeGroupSettings {
                id,
                ..settings.clone()
            };
            assert_eq!(
                out_of_range.change(&groups).unwrap_err(),
                SettingsError::EmodeGroupId(id)
            );
        }
    }

    #[test]
    fn reads_settings_from_toml() {
        let settings: ReserveSettings = toml::from_str(
            r#"
            loan_to_value_bps = 7000
            deposit_cap = "unlimited"
            borrow_cap = 5000
            rate_curve = [[0, 100], [8000, 900], [10000, 6000]]
            "#,
        )
        .unwrap();
        let next = settings.apply(&presets::stablecoin(), 6).unwrap();
        assert_eq!(next.deposit_cap, u64::MAX);
        assert_eq!(next.borrow_cap, 5_000_000_000);
        assert_eq!(
            CurveSpec(next.rate_curve).to_string(),
            "0:100,8000:900,10000:6000"
        );
        assert!(toml::from_str::<ReserveSettings>("ltv = 1").is_err());
    }
}
