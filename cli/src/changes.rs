//! Config updates in words, field by field, as `reserve show` and `market show` print the
//! fields: "deposit cap: unlimited -> 5 USDC", amounts in token units, ratios in percent.
use {
    crate::{
        effects::AssetInfo,
        format::{decimal, percent, units, usd},
        oracle_spec::describe,
        settings::{CurveSpec, GroupList},
    },
    ballast::{
        math::Fixed,
        state::{
            EmodeGroupConfig, Market, MarketChange, MarketConfig, OracleSources, ReserveChange,
            ReserveConfig,
        },
    },
    solana_sdk::pubkey::Pubkey,
};

/// One field an update sets: its value before (when known) and after.
struct Field {
    name: &'static str,
    old: Option<String>,
    new: String,
}

/// `name`, read from the config before (`old`, when known) with `read`, set to `new`.
fn field<C>(
    name: &'static str,
    old: Option<&C>,
    read: impl Fn(&C) -> String,
    new: String,
) -> Field {
    Field {
        name,
        old: old.map(read),
        new,
    }
}

/// "name: old -> new" for each field that changes ("name: new" when the old value is not
/// known), joined by ", "; every field when none seems to change.
fn render(fields: Vec<Field>) -> String {
    let changed: Vec<&Field> = fields
        .iter()
        .filter(|f| f.old.as_ref() != Some(&f.new))
        .collect();
    let shown = if changed.is_empty() {
        fields.iter().collect()
    } else {
        changed
    };
    shown
        .iter()
        .map(|f| match &f.old {
            Some(old) if *old != f.new => format!("{}: {old} -> {}", f.name, f.new),
            _ => format!("{}: {}", f.name, f.new),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn bps(v: u16) -> String {
    percent(Fixed::from_bps(v.into()))
}

fn secs(v: u32) -> String {
    format!("{} s", units(v.into(), 0))
}

/// Whole USD, or "none" for 0 where 0 means no limit.
fn usd_or_none(v: u64) -> String {
    if v == 0 {
        "none".into()
    } else {
        usd(Fixed::from_u64(v))
    }
}

fn yes_no(v: bool) -> String {
    if v { "yes" } else { "no" }.into()
}

/// A borrow factor as the health table prints it: "x1.20".
fn factor(v: u16) -> String {
    format!("x{}", decimal(Fixed::from_bps(v.into()), 2))
}

/// A liquidation threshold, with the ramp a lowering walks down over.
fn threshold(new: u16, old: Option<u16>, ramp_secs: u32) -> String {
    let lowered = old.is_none_or(|old| new < old);
    if ramp_secs > 0 && lowered {
        format!("{} (ramping down over {})", bps(new), secs(ramp_secs))
    } else {
        bps(new)
    }
}

/// A divergence bound, or "unchecked" for 0.
fn divergence(v: u16) -> String {
    if v == 0 {
        "unchecked".into()
    } else {
        bps(v)
    }
}

/// A price band bound (10^-8 USD) in USD, or "none".
fn band_bound(v: u64) -> String {
    if v == 0 {
        return "none".into();
    }
    format!("${}", units(v, 8))
}

/// A reserve's amounts in its token units ("5 USDC"), or "unlimited" for a cap of `u64::MAX`.
struct Units<'a>(&'a AssetInfo);

impl Units<'_> {
    fn amount(&self, v: u64) -> String {
        format!("{} {}", units(v, self.0.decimals), self.0.symbol)
    }

    fn cap(&self, v: u64) -> String {
        if v == u64::MAX {
            "unlimited".into()
        } else {
            self.amount(v)
        }
    }
}

/// `change` of the reserve `asset`, field by field, against its config and oracle before the
/// change when known: "deposit cap: unlimited -> 5 USDC".
pub fn reserve_change(
    change: &ReserveChange,
    before: Option<(&ReserveConfig, &OracleSources)>,
    asset: &AssetInfo,
) -> String {
    let old = before.map(|(config, _)| config);
    let u = Units(asset);
    let fields = match change.clone() {
        ReserveChange::LoanToValue {
            loan_to_value_bps,
            liquidation_threshold_bps,
            ramp_secs,
        } => vec![
            field(
                "loan to value",
                old,
                |c| bps(c.loan_to_value_bps),
                bps(loan_to_value_bps),
            ),
            field(
                "liquidation threshold",
                old,
                |c| bps(c.liquidation_threshold_bps),
                threshold(
                    liquidation_threshold_bps,
                    old.map(|c| c.liquidation_threshold_bps),
                    ramp_secs,
                ),
            ),
        ],
        ReserveChange::LiquidationBonus { min_bps, max_bps } => vec![
            field(
                "min liquidation bonus",
                old,
                |c| bps(c.liquidation_bonus_min_bps),
                bps(min_bps),
            ),
            field(
                "max liquidation bonus",
                old,
                |c| bps(c.liquidation_bonus_max_bps),
                bps(max_bps),
            ),
        ],
        ReserveChange::ProtocolLiquidationFeeBps(v) => vec![field(
            "protocol liquidation fee",
            old,
            |c| bps(c.protocol_liquidation_fee_bps),
            bps(v),
        )],
        ReserveChange::BorrowFeeBps(v) => {
            vec![field("borrow fee", old, |c| bps(c.borrow_fee_bps), bps(v))]
        }
        ReserveChange::ProtocolTakeRateBps(v) => vec![field(
            "protocol take rate",
            old,
            |c| bps(c.protocol_take_rate_bps),
            bps(v),
        )],
        ReserveChange::BorrowFactorBps(v) => vec![field(
            "borrow factor",
            old,
            |c| factor(c.borrow_factor_bps),
            factor(v),
        )],
        ReserveChange::DepositCap(v) => {
            vec![field(
                "deposit cap",
                old,
                |c| u.cap(c.deposit_cap),
                u.cap(v),
            )]
        }
        ReserveChange::BorrowCap(v) => {
            vec![field("borrow cap", old, |c| u.cap(c.borrow_cap), u.cap(v))]
        }
        ReserveChange::OracleLimits {
            max_age_secs,
            max_confidence_bps,
        } => vec![
            field(
                "oracle max age",
                old,
                |c| secs(c.oracle_max_age_secs),
                secs(max_age_secs),
            ),
            field(
                "oracle max confidence",
                old,
                |c| bps(c.oracle_max_confidence_bps),
                bps(max_confidence_bps),
            ),
        ],
        ReserveChange::RateCurve(curve) => vec![field(
            "rate curve",
            old,
            |c| CurveSpec(c.rate_curve).to_string(),
            CurveSpec(curve).to_string(),
        )],
        ReserveChange::OutflowLimit { limit, window_secs } => vec![
            field(
                "outflow limit",
                old,
                |c| u.cap(c.outflow_limit),
                u.cap(limit),
            ),
            field(
                "outflow window",
                old,
                |c| secs(c.outflow_window_secs),
                secs(window_secs),
            ),
        ],
        ReserveChange::FlashLoans { enabled, fee_bps } => vec![
            field(
                "flash loans",
                old,
                |c| yes_no(c.flash_loans_enabled != 0),
                yes_no(enabled),
            ),
            field(
                "flash loan fee",
                old,
                |c| bps(c.flash_loan_fee_bps),
                bps(fee_bps),
            ),
        ],
        ReserveChange::MinCollateralAmount(v) => vec![field(
            "min collateral",
            old,
            |c| u.amount(c.min_collateral_amount),
            u.amount(v),
        )],
        ReserveChange::Isolated(v) => {
            vec![field(
                "isolated",
                old,
                |c| yes_no(c.isolated != 0),
                yes_no(v),
            )]
        }
        ReserveChange::MinDebtUsd(v) => vec![field(
            "min debt",
            old,
            |c| usd_or_none(c.min_debt_usd.into()),
            usd_or_none(v.into()),
        )],
        ReserveChange::UsdCaps {
            collateral_usd,
            borrow_usd,
        } => vec![
            field(
                "collateral cap (USD)",
                old,
                |c| usd_or_none(c.collateral_cap_usd),
                usd_or_none(collateral_usd),
            ),
            field(
                "borrow cap (USD)",
                old,
                |c| usd_or_none(c.borrow_cap_usd),
                usd_or_none(borrow_usd),
            ),
        ],
        ReserveChange::EmodeGroups { member, debt } => vec![
            field(
                "e-mode groups",
                old,
                |c| GroupList(c.emode_groups).to_string(),
                GroupList(member).to_string(),
            ),
            field(
                "e-mode debt groups",
                old,
                |c| GroupList(c.emode_debt_groups).to_string(),
                GroupList(debt).to_string(),
            ),
        ],
        ReserveChange::PriceBand { min, max } => vec![
            field(
                "price band min",
                old,
                |c| band_bound(c.price_band_min),
                band_bound(min),
            ),
            field(
                "price band max",
                old,
                |c| band_bound(c.price_band_max),
                band_bound(max),
            ),
        ],
        ReserveChange::OracleSources {
            sources,
            max_divergence_bps,
        } => {
            let oracles = before.map(|(_, oracles)| oracles);
            vec![
                field(
                    "price sources",
                    oracles,
                    |o| describe(o.configured()),
                    describe(&sources),
                ),
                field(
                    "max divergence",
                    oracles,
                    |o| divergence(o.max_divergence_bps),
                    divergence(max_divergence_bps),
                ),
            ]
        }
    };
    render(fields)
}

/// `change` of a market, field by field, against the market before the change when known:
/// "close factor: 50.00% -> 40.00%", "e-mode group 1: liquidation threshold: ...".
pub fn market_change(change: &MarketChange, before: Option<&Market>) -> String {
    let old = before.map(|m| &m.config);
    let policy = |name, read: fn(&MarketConfig) -> String, new| field(name, old, read, new);
    let fields = match *change {
        MarketChange::CloseFactorBps(v) => {
            vec![policy("close factor", |c| bps(c.close_factor_bps), bps(v))]
        }
        MarketChange::FullLiquidationHealthBps(v) => vec![policy(
            "full liquidation below health",
            |c| bps(c.full_liquidation_health_bps),
            bps(v),
        )],
        MarketChange::LiquidationDustUsd(v) => vec![policy(
            "liquidation dust",
            |c| usd(Fixed::from_u64(c.liquidation_dust_usd.into())),
            usd(Fixed::from_u64(v.into())),
        )],
        MarketChange::OracleOutageThresholdSecs(v) => vec![policy(
            "oracle outage threshold",
            |c| outage(c.oracle_outage_threshold_secs),
            outage(v),
        )],
        MarketChange::OracleGracePeriodSecs(v) => vec![policy(
            "oracle grace period",
            |c| secs(c.oracle_grace_period_secs),
            secs(v),
        )],
        MarketChange::EmergencyAuthority(key) => vec![field(
            "emergency authority",
            before,
            |m| key_or_none(&m.emergency_authority),
            key_or_none(&key),
        )],
        MarketChange::EmodeGroup {
            id,
            config,
            ramp_secs,
        } => return emode_group_change(id, &config, ramp_secs, before),
    };
    render(fields)
}

/// An outage threshold: 0 turns outage detection off.
fn outage(v: u32) -> String {
    if v == 0 {
        "off".into()
    } else {
        secs(v)
    }
}

fn key_or_none(key: &Pubkey) -> String {
    if *key == Pubkey::default() {
        "none".into()
    } else {
        key.to_string()
    }
}

/// "e-mode group 1: ..." against the group before, or "e-mode group 1 (new): ..." when it was
/// not configured.
fn emode_group_change(
    id: u8,
    config: &EmodeGroupConfig,
    ramp_secs: u32,
    before: Option<&Market>,
) -> String {
    let old = before
        .and_then(|m| m.emode_groups.get(usize::from(id).checked_sub(1)?))
        .filter(|g| g.is_configured())
        .map(|g| &g.config);
    let title = match (before, old) {
        (Some(_), None) => format!("e-mode group {id} (new)"),
        _ => format!("e-mode group {id}"),
    };
    let fields = vec![
        field(
            "loan to value",
            old,
            |c| bps(c.loan_to_value_bps),
            bps(config.loan_to_value_bps),
        ),
        field(
            "liquidation threshold",
            old,
            |c| bps(c.liquidation_threshold_bps),
            threshold(
                config.liquidation_threshold_bps,
                old.map(|c| c.liquidation_threshold_bps),
                ramp_secs,
            ),
        ),
        field(
            "max liquidation bonus",
            old,
            |c| bps(c.liquidation_bonus_max_bps),
            bps(config.liquidation_bonus_max_bps),
        ),
        field(
            "debt restricted",
            old,
            |c| yes_no(c.debt_restricted != 0),
            yes_no(config.debt_restricted != 0),
        ),
    ];
    format!("{title}: {}", render(fields))
}

/// `market` with `change` made: what the next change of the same transaction starts from.
pub fn apply_market_change(market: &mut Market, change: &MarketChange) {
    match *change {
        MarketChange::EmergencyAuthority(key) => market.emergency_authority = key,
        MarketChange::EmodeGroup { id, config, .. } => {
            if let Some(group) =
                (usize::from(id).checked_sub(1)).and_then(|i| market.emode_groups.get_mut(i))
            {
                group.config = config;
            }
        }
        policy => {
            if let Ok(next) = policy.apply(&market.config) {
                market.config = next;
            }
        }
    }
}

/// The config and price sources with `change` made: what the next change of the same transaction
/// starts from.
pub fn apply_reserve_change(
    config: &mut ReserveConfig,
    oracles: &mut OracleSources,
    change: &ReserveChange,
) {
    if let ReserveChange::OracleSources {
        sources,
        max_divergence_bps,
    } = change
    {
        if let Ok(next) = OracleSources::new(sources, *max_divergence_bps) {
            *oracles = next;
        }
    } else if let Ok(next) = change.apply(config) {
        *config = next;
    }
}
