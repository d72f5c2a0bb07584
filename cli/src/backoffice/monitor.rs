//! The monitor: turns a snapshot into alerts (JSON lines), raising each condition once until it
//! clears.
use {
    super::{
        shard::Shard,
        snapshot::{PricedReserve, Snapshot},
        source_alerts,
    },
    crate::{
        format::{percent, units, usd},
        views::{plain, Labels},
    },
    ballast::{logic::ramp::group_threshold_at, math::Fixed},
    serde::Deserialize,
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
    std::collections::BTreeMap,
};

/// When to alert. Ratios are basis points (10,000 = 100%).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::Args, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Alert when an obligation's health factor falls below this (11000 = 1.10).
    #[arg(long, env = "BALLAST_HEALTH_WARNING_BPS", default_value_t = 11_000)]
    pub health_warning_bps: u32,
    /// Alert when an oracle's price is older than this share of the reserve's max age.
    #[arg(long, env = "BALLAST_ORACLE_AGE_WARNING_BPS", default_value_t = 8_000)]
    pub oracle_age_warning_bps: u32,
    /// Alert when a reserve's utilization is above this.
    #[arg(long, env = "BALLAST_UTILIZATION_WARNING_BPS", default_value_t = 9_000)]
    pub utilization_warning_bps: u32,
    /// Alert when a deposit or borrow cap is used to this share.
    #[arg(long, env = "BALLAST_CAP_WARNING_BPS", default_value_t = 9_000)]
    pub cap_warning_bps: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            health_warning_bps: 11_000,
            oracle_age_warning_bps: 8_000,
            utilization_warning_bps: 9_000,
            cap_warning_bps: 9_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertKind {
    /// Health factor under the warning level (liquidatable ones included).
    ObligationHealthLow,
    /// Debt worth more than all collateral: a loss for lenders unless repaid.
    BadDebt,
    /// The program refuses the reserve's price (stale, too wide, unreadable).
    OracleStale,
    /// The price is close to its max age.
    OracleNearStale,
    UtilizationHigh,
    DepositCapNear,
    BorrowCapNear,
    /// The reserve's supply is worth nearly its USD collateral cap (past it, loan-to-value
    /// scales down).
    CollateralCapUsdNear,
    /// The reserve's borrowed value is near its USD borrow cap.
    BorrowCapUsdNear,
    /// An e-mode group's liquidation threshold is ramping down: its obligations' liquidation
    /// limits fall until the ramp ends.
    EmodeThresholdRamping,
    /// The reserve is priced by a fallback source: the primary is unusable now while a later
    /// source is usable, or the reserve last used a fallback.
    OracleFallbackInUse,
    /// The first two usable sources differ by more than the reserve's max divergence: borrows
    /// and withdrawals with debt are refused.
    OracleSourcesDiverge,
    /// A stake pool a source's rate comes from was not updated this epoch (the program refuses
    /// it from two epochs behind).
    StakePoolNotUpdated,
}

impl AlertKind {
    pub const ALL: [AlertKind; 13] = [
        AlertKind::ObligationHealthLow,
        AlertKind::BadDebt,
        AlertKind::OracleStale,
        AlertKind::OracleNearStale,
        AlertKind::UtilizationHigh,
        AlertKind::DepositCapNear,
        AlertKind::BorrowCapNear,
        AlertKind::CollateralCapUsdNear,
        AlertKind::BorrowCapUsdNear,
        AlertKind::EmodeThresholdRamping,
        AlertKind::OracleFallbackInUse,
        AlertKind::OracleSourcesDiverge,
        AlertKind::StakePoolNotUpdated,
    ];

    /// The kind named `name` (as `name` spells it).
    pub fn from_name(name: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            AlertKind::ObligationHealthLow => "obligation_health_low",
            AlertKind::BadDebt => "bad_debt",
            AlertKind::OracleStale => "oracle_stale",
            AlertKind::OracleNearStale => "oracle_near_stale",
            AlertKind::UtilizationHigh => "utilization_high",
            AlertKind::DepositCapNear => "deposit_cap_near",
            AlertKind::BorrowCapNear => "borrow_cap_near",
            AlertKind::CollateralCapUsdNear => "collateral_cap_usd_near",
            AlertKind::BorrowCapUsdNear => "borrow_cap_usd_near",
            AlertKind::EmodeThresholdRamping => "emode_threshold_ramping",
            AlertKind::OracleFallbackInUse => "oracle_fallback_in_use",
            AlertKind::OracleSourcesDiverge => "oracle_sources_diverge",
            AlertKind::StakePoolNotUpdated => "stake_pool_not_updated",
        }
    }
}

/// A condition that holds now.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub kind: AlertKind,
    /// The obligation or reserve concerned (the market, for an e-mode group).
    pub subject: Pubkey,
    /// The e-mode group concerned, for an alert about one (0: none).
    pub emode_group: u8,
    pub message: String,
    pub details: Value,
}

impl Condition {
    /// What identifies it from one look to the next.
    pub fn key(&self) -> (AlertKind, Pubkey, u8) {
        (self.kind, self.subject, self.emode_group)
    }
}

/// An alert: a condition that began (`firing`) or ended (`cleared`).
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub firing: bool,
    pub condition: Condition,
    pub market: Pubkey,
    pub at: i64,
}

impl Alert {
    pub fn json(&self) -> Value {
        json!({
            "status": if self.firing { "firing" } else { "cleared" },
            "kind": self.condition.kind.name(),
            "subject": self.condition.subject.to_string(),
            "market": self.market.to_string(),
            "at": self.at,
            "message": self.condition.message,
            "details": self.condition.details,
        })
    }
}

/// Keeps what is firing, so each condition is raised once until it clears.
#[derive(Default)]
pub struct Monitor {
    pub thresholds: Thresholds,
    /// Names reserves by their liquidity mint's label ("reserve USDC: ...").
    pub labels: Labels,
    /// The obligations this instance watches (`--shard K/N`); the market as a whole is
    /// checked by the first shard only.
    pub shard: Shard,
    firing: BTreeMap<(AlertKind, Pubkey, u8), Condition>,
}

fn bps(v: u32) -> Fixed {
    Fixed::from_bps(v.into())
}

/// `used` >= `cap` x `share`, for a cap that is set.
/// `value` (USD) is at least `share` (bps) of a USD `cap` (0: none).
fn near_usd_cap(value: Fixed, cap: u64, share: u32) -> bool {
    cap != 0 && near_cap(value, cap, share)
}

fn near_cap(used: Fixed, cap: u64, share: u32) -> bool {
    cap != u64::MAX
        && Fixed::from_u64(cap)
            .mul_bps_floor(share.into())
            .is_ok_and(|limit| used >= limit)
}

impl Monitor {
    pub fn new(thresholds: Thresholds) -> Monitor {
        Monitor {
            thresholds,
            labels: Labels::default(),
            shard: Shard::ALL,
            firing: BTreeMap::new(),
        }
    }

    /// Reserves named by the labels of their mints.
    pub fn with_labels(self, labels: Labels) -> Monitor {
        Monitor { labels, ..self }
    }

    /// Watches `shard`'s obligations only, and the market as a whole if it is the first.
    pub fn with_shard(self, shard: Shard) -> Monitor {
        Monitor { shard, ..self }
    }

    /// The conditions firing now (raised and not cleared).
    pub fn firing(&self) -> impl Iterator<Item = &Condition> {
        self.firing.values()
    }

    /// Takes `conditions` as firing, as a previous run left them: they are not raised again.
    pub fn restore(&mut self, conditions: impl IntoIterator<Item = Condition>) {
        self.firing = conditions.into_iter().map(|c| (c.key(), c)).collect();
    }

    /// "USDC": the label of `r`'s liquidity mint (its abbreviated address without one).
    fn symbol(&self, r: &PricedReserve) -> String {
        self.labels.name(&r.reserve.liquidity_mint)
    }

    /// Every condition that holds in `snapshot`.
    pub fn conditions(&self, snapshot: &Snapshot) -> Vec<Condition> {
        let t = &self.thresholds;
        let mut found = Vec::new();
        // Reserves, oracles, caps and e-mode groups: the first shard's alone.
        let market_wide = self.shard.checks_the_market();
        let reserves: &[PricedReserve] = if market_wide { &snapshot.reserves } else { &[] };
        for r in reserves {
            let c = &r.reserve.config;
            let symbol = self.symbol(r);
            let amount = |base: Fixed| {
                let base = base.to_floor().unwrap_or(u64::MAX);
                format!("{} {symbol}", units(base, r.reserve.decimals))
            };
            match (&r.pricing, r.publish_time) {
                (Err(why), _) => found.push(Condition {
                    kind: AlertKind::OracleStale,
                    subject: r.address,
                    emode_group: 0,
                    message: format!("reserve {symbol}: price refused: {why}"),
                    details: json!({
                        "symbol": symbol,
                        "oracle": r.reserve.oracles.primary().account.to_string(),
                        "error": why.error,
                        "reason": why.text,
                    }),
                }),
                (Ok(_), Some(published)) => {
                    let age = snapshot.now.saturating_sub(published);
                    let warn_at = i64::from(c.oracle_max_age_secs)
                        * i64::from(t.oracle_age_warning_bps)
                        / 10_000;
                    if age >= warn_at {
                        found.push(Condition {
                            kind: AlertKind::OracleNearStale,
                            subject: r.address,
                            emode_group: 0,
                            message: format!(
                                "reserve {symbol}: price is {age} s old; refused after {} s",
                                c.oracle_max_age_secs
                            ),
                            details: json!({
                                "symbol": symbol,
                                "age_secs": age,
                                "max_age_secs": c.oracle_max_age_secs,
                            }),
                        });
                    }
                }
                (Ok(_), None) => {}
            }
            found.extend(source_alerts::conditions(r, &symbol, snapshot.epoch));
            let Ok(p) = &r.pricing else { continue };
            let utilization = p.liquidity.utilization().unwrap_or(Fixed::ZERO);
            if utilization > bps(t.utilization_warning_bps) {
                found.push(Condition {
                    kind: AlertKind::UtilizationHigh,
                    subject: r.address,
                    emode_group: 0,
                    message: format!(
                        "reserve {symbol}: utilization {}, warning above {}",
                        percent(utilization),
                        percent(bps(t.utilization_warning_bps))
                    ),
                    details: json!({"symbol": symbol, "utilization": plain(utilization, 6)}),
                });
            }
            let supplied = p.liquidity.total_supply().unwrap_or(Fixed::ZERO);
            if near_cap(supplied, c.deposit_cap, t.cap_warning_bps) {
                found.push(Condition {
                    kind: AlertKind::DepositCapNear,
                    subject: r.address,
                    emode_group: 0,
                    message: format!(
                        "reserve {symbol}: deposits {} of the {} cap",
                        amount(supplied),
                        amount(Fixed::from_u64(c.deposit_cap))
                    ),
                    details: json!({
                        "symbol": symbol,
                        "supplied": plain(supplied, 0),
                        "cap": c.deposit_cap,
                    }),
                });
            }
            let borrowed = p.liquidity.borrowed();
            if near_cap(borrowed, c.borrow_cap, t.cap_warning_bps) {
                found.push(Condition {
                    kind: AlertKind::BorrowCapNear,
                    subject: r.address,
                    emode_group: 0,
                    message: format!(
                        "reserve {symbol}: borrows {} of the {} cap",
                        amount(borrowed),
                        amount(Fixed::from_u64(c.borrow_cap))
                    ),
                    details: json!({
                        "symbol": symbol,
                        "borrowed": plain(borrowed, 0),
                        "cap": c.borrow_cap,
                    }),
                });
            }
            // The USD caps, valued as the program values them (supply at the collateral
            // price, borrows at the debt price).
            let supply_usd = p.collateral_value(p.liquidity.collateral_supply).ok();
            if let Some(value) =
                supply_usd.filter(|v| near_usd_cap(*v, c.collateral_cap_usd, t.cap_warning_bps))
            {
                found.push(Condition {
                    kind: AlertKind::CollateralCapUsdNear,
                    subject: r.address,
                    emode_group: 0,
                    message: format!(
                        "reserve {symbol}: supply worth {} of its {} collateral cap",
                        usd(value),
                        usd(Fixed::from_u64(c.collateral_cap_usd))
                    ),
                    details: json!({
                        "symbol": symbol,
                        "supply_usd": plain(value, 2),
                        "cap_usd": c.collateral_cap_usd,
                    }),
                });
            }
            let borrowed_usd = p.debt_amount_value(borrowed).ok();
            if let Some(value) =
                borrowed_usd.filter(|v| near_usd_cap(*v, c.borrow_cap_usd, t.cap_warning_bps))
            {
                found.push(Condition {
                    kind: AlertKind::BorrowCapUsdNear,
                    subject: r.address,
                    emode_group: 0,
                    message: format!(
                        "reserve {symbol}: borrows worth {} of its {} borrow cap",
                        usd(value),
                        usd(Fixed::from_u64(c.borrow_cap_usd))
                    ),
                    details: json!({
                        "symbol": symbol,
                        "borrowed_usd": plain(value, 2),
                        "cap_usd": c.borrow_cap_usd,
                    }),
                });
            }
        }
        for (id, group) in (1..=snapshot.state.emode_groups.len() as u8)
            .zip(&snapshot.state.emode_groups)
            .filter(|(_, g)| market_wide && g.is_configured())
        {
            let target = group.config.liquidation_threshold_bps;
            let current = group_threshold_at(group, snapshot.now);
            if current != target {
                let end = group.threshold_ramp.end;
                let pct = |v: u16| crate::format::percent(Fixed::from_bps(v.into()));
                found.push(Condition {
                    kind: AlertKind::EmodeThresholdRamping,
                    subject: snapshot.market,
                    emode_group: id,
                    message: format!(
                        "e-mode group {id}: liquidation threshold {} now, ramping down to {} \
                         until unix time {end}",
                        pct(current),
                        pct(target)
                    ),
                    details: json!({
                        "group": id,
                        "threshold_now_bps": current,
                        "target_threshold_bps": target,
                        "ramp_end": end,
                    }),
                });
            }
        }
        for o in (snapshot.obligations.iter()).filter(|o| self.shard.owns(&o.address)) {
            let Ok(h) = &o.health else { continue };
            let Some(factor) = h.health_factor() else {
                continue;
            };
            if factor < bps(t.health_warning_bps) {
                found.push(Condition {
                    kind: AlertKind::ObligationHealthLow,
                    subject: o.address,
                    emode_group: 0,
                    message: format!(
                        "obligation {} (owner {}): health factor {}{}",
                        o.address,
                        o.obligation.owner,
                        crate::format::decimal(factor, 4),
                        if h.is_liquidatable() {
                            ", liquidatable"
                        } else {
                            ""
                        }
                    ),
                    details: json!({
                        "owner": o.obligation.owner.to_string(),
                        "health_factor": plain(factor, 6),
                        "liquidatable": h.is_liquidatable(),
                        "debt_usd": plain(h.debt_value, 6),
                    }),
                });
            }
            if h.debt_value > h.collateral_value {
                let shortfall = h.debt_value.saturating_sub(h.collateral_value);
                let message = if o.has_debt_and_no_collateral() {
                    format!(
                        "obligation {0}: debt of {1} and no collateral left \
                         (`ballast obligation socialize-bad-debt {0}` writes it off)",
                        o.address,
                        usd(shortfall)
                    )
                } else {
                    format!(
                        "obligation {}: debt exceeds collateral by {}",
                        o.address,
                        usd(shortfall)
                    )
                };
                found.push(Condition {
                    kind: AlertKind::BadDebt,
                    subject: o.address,
                    emode_group: 0,
                    message,
                    details: json!({"shortfall_usd": plain(shortfall, 6)}),
                });
            }
        }
        found
    }

    /// The alerts of this look: conditions that began, and firing ones that ended.
    pub fn check(&mut self, snapshot: &Snapshot) -> Vec<Alert> {
        let now: BTreeMap<(AlertKind, Pubkey, u8), Condition> = self
            .conditions(snapshot)
            .into_iter()
            .map(|c| (c.key(), c))
            .collect();
        let alert = |firing, condition: &Condition| Alert {
            firing,
            condition: condition.clone(),
            market: snapshot.market,
            at: snapshot.now,
        };
        let mut alerts: Vec<Alert> = now
            .iter()
            .filter(|(key, _)| !self.firing.contains_key(key))
            .map(|(_, c)| alert(true, c))
            .collect();
        alerts.extend(
            self.firing
                .iter()
                .filter(|(key, _)| !now.contains_key(key))
                .map(|(_, c)| alert(false, c)),
        );
        self.firing = now;
        alerts
    }
}
