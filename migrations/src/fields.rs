//! Config fields as a plan shows them: under the file's names, in the file's units (token
//! amounts in tokens, not base units), so a plan reads like the file it came from.
use {
    ballast::state::{EmodeGroupConfig, MarketConfig, ReserveConfig},
    ballast_cli::{
        format,
        settings::{CurveSpec, GroupList},
    },
    serde_json::{json, Value as Json},
};

/// A field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Shown as it is: bps, seconds, flags, curves, group lists, addresses.
    Plain(String),
    /// `base` units of a mint with `decimals`, shown in tokens of `symbol` (the reserve's name in
    /// the file); `u64::MAX` is the program's "unlimited".
    Tokens {
        base: u64,
        decimals: u8,
        symbol: String,
    },
}

impl Value {
    pub fn plain(value: impl ToString) -> Value {
        Value::Plain(value.to_string())
    }

    /// A finite token amount's symbol (none for plain values and `unlimited`).
    fn unit(&self) -> Option<&str> {
        match self {
            Value::Tokens { base, symbol, .. } if *base != u64::MAX => Some(symbol),
            _ => None,
        }
    }

    /// The number alone: "1,000,000", "unlimited", "5000".
    fn number(&self) -> String {
        match self {
            Value::Plain(text) => text.clone(),
            Value::Tokens { base: u64::MAX, .. } => "unlimited".to_string(),
            Value::Tokens { base, decimals, .. } => format::units(*base, *decimals),
        }
    }

    /// For people: "1,000,000 USDC", "unlimited", "5000".
    pub fn human(&self) -> String {
        match self.unit() {
            Some(unit) => format!("{} {unit}", self.number()),
            None => self.number(),
        }
    }

    /// As the file writes it (no separators): "1000000", "unlimited", "5000".
    pub fn file_text(&self) -> String {
        self.number().replace(',', "")
    }
}

/// One field of a step: set on a new account (`old` is `None`) or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<Value>,
    pub new: Value,
    /// How the program applies it, e.g. "ramping down over 86400 s".
    pub note: Option<String>,
}

impl FieldChange {
    /// "field = new" or "field: old -> new", the unit once when both sides share it.
    pub fn render(&self) -> String {
        let line = match &self.old {
            None => format!("{} = {}", self.field, self.new.human()),
            Some(old) if old.unit().is_some() && old.unit() == self.new.unit() => {
                format!("{}: {} -> {}", self.field, old.number(), self.new.human())
            }
            Some(old) => format!("{}: {} -> {}", self.field, old.human(), self.new.human()),
        };
        match &self.note {
            Some(note) => format!("{line} ({note})"),
            None => line,
        }
    }

    /// Values as the file writes them; `unit` names the token of an amount.
    pub fn json(&self) -> Json {
        let unit = match (&self.new, &self.old) {
            (Value::Tokens { symbol, .. }, _) | (_, Some(Value::Tokens { symbol, .. })) => {
                Some(symbol.clone())
            }
            _ => None,
        };
        json!({
            "field": self.field,
            "old": self.old.as_ref().map(Value::file_text),
            "new": self.new.file_text(),
            "unit": unit,
            "note": self.note,
        })
    }
}

/// The fields of a new account: every one set.
pub fn created(fields: Vec<(&'static str, Value)>) -> Vec<FieldChange> {
    fields
        .into_iter()
        .map(|(field, new)| FieldChange {
            field,
            old: None,
            new,
            note: None,
        })
        .collect()
}

/// The fields that differ between `old` and `new` (the same list, from the same function).
pub fn diff(old: Vec<(&'static str, Value)>, new: Vec<(&'static str, Value)>) -> Vec<FieldChange> {
    old.into_iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| FieldChange {
            field,
            old: Some(a),
            new: b,
            note: None,
        })
        .collect()
}

pub fn market_fields(c: &MarketConfig) -> Vec<(&'static str, Value)> {
    vec![
        ("close_factor_bps", Value::plain(c.close_factor_bps)),
        (
            "full_liquidation_health_bps",
            Value::plain(c.full_liquidation_health_bps),
        ),
        ("liquidation_dust_usd", Value::plain(c.liquidation_dust_usd)),
        (
            "oracle_outage_threshold_secs",
            Value::plain(c.oracle_outage_threshold_secs),
        ),
        (
            "oracle_grace_period_secs",
            Value::plain(c.oracle_grace_period_secs),
        ),
    ]
}

/// A reserve's fields; amounts in tokens of a mint with `decimals`, named `symbol`.
pub fn reserve_fields(c: &ReserveConfig, decimals: u8, symbol: &str) -> Vec<(&'static str, Value)> {
    let tokens = |base: u64| Value::Tokens {
        base,
        decimals,
        symbol: symbol.to_string(),
    };
    vec![
        ("loan_to_value_bps", Value::plain(c.loan_to_value_bps)),
        (
            "liquidation_threshold_bps",
            Value::plain(c.liquidation_threshold_bps),
        ),
        (
            "liquidation_bonus_min_bps",
            Value::plain(c.liquidation_bonus_min_bps),
        ),
        (
            "liquidation_bonus_max_bps",
            Value::plain(c.liquidation_bonus_max_bps),
        ),
        (
            "protocol_liquidation_fee_bps",
            Value::plain(c.protocol_liquidation_fee_bps),
        ),
        ("borrow_fee_bps", Value::plain(c.borrow_fee_bps)),
        (
            "protocol_take_rate_bps",
            Value::plain(c.protocol_take_rate_bps),
        ),
        ("borrow_factor_bps", Value::plain(c.borrow_factor_bps)),
        ("deposit_cap", tokens(c.deposit_cap)),
        ("borrow_cap", tokens(c.borrow_cap)),
        ("oracle_max_age_secs", Value::plain(c.oracle_max_age_secs)),
        (
            "oracle_max_confidence_bps",
            Value::plain(c.oracle_max_confidence_bps),
        ),
        ("rate_curve", Value::plain(CurveSpec(c.rate_curve))),
        ("outflow_limit", tokens(c.outflow_limit)),
        ("outflow_window_secs", Value::plain(c.outflow_window_secs)),
        ("flash_loans", Value::plain(c.flash_loans_enabled != 0)),
        ("flash_loan_fee_bps", Value::plain(c.flash_loan_fee_bps)),
        ("min_collateral", tokens(c.min_collateral_amount)),
        ("isolated", Value::plain(c.isolated != 0)),
        ("min_debt_usd", Value::plain(c.min_debt_usd)),
        ("collateral_cap_usd", Value::plain(c.collateral_cap_usd)),
        ("borrow_cap_usd", Value::plain(c.borrow_cap_usd)),
        ("price_band_min", usd_e8(c.price_band_min)),
        ("price_band_max", usd_e8(c.price_band_max)),
        ("emode_groups", Value::plain(GroupList(c.emode_groups))),
        (
            "emode_debt_groups",
            Value::plain(GroupList(c.emode_debt_groups)),
        ),
    ]
}

/// A price band bound (10^-8 USD) as the file writes it: USD.
fn usd_e8(base: u64) -> Value {
    Value::Tokens {
        base,
        decimals: 8,
        symbol: "USD".to_string(),
    }
}

pub fn emode_group_fields(c: &EmodeGroupConfig) -> Vec<(&'static str, Value)> {
    vec![
        ("loan_to_value_bps", Value::plain(c.loan_to_value_bps)),
        (
            "liquidation_threshold_bps",
            Value::plain(c.liquidation_threshold_bps),
        ),
        (
            "liquidation_bonus_max_bps",
            Value::plain(c.liquidation_bonus_max_bps),
        ),
        ("debt_restricted", Value::plain(c.debt_restricted != 0)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usdc(base: u64) -> Value {
        Value::Tokens {
            base,
            decimals: 6,
            symbol: "USDC".to_string(),
        }
    }

    fn change(old: Option<Value>, new: Value) -> FieldChange {
        FieldChange {
            field: "deposit_cap",
            old,
            new,
            note: None,
        }
    }

    #[test]
    fn amounts_read_in_tokens_like_the_file() {
        let raise = change(Some(usdc(1_000_000_000_000)), usdc(2_000_000_000_000));
        assert_eq!(raise.render(), "deposit_cap: 1,000,000 -> 2,000,000 USDC");
        assert_eq!(
            raise.json(),
            json!({"field": "deposit_cap", "old": "1000000", "new": "2000000", "unit": "USDC", "note": null})
        );
        assert_eq!(
            change(Some(usdc(u64::MAX)), usdc(1_500_000)).render(),
            "deposit_cap: unlimited -> 1.5 USDC"
        );
        assert_eq!(
            change(Some(usdc(5)), usdc(u64::MAX)).render(),
            "deposit_cap: 0.000005 USDC -> unlimited"
        );
        assert_eq!(change(None, usdc(0)).render(), "deposit_cap = 0 USDC");
        let ramp = FieldChange {
            field: "liquidation_threshold_bps",
            old: Some(Value::plain(9_300)),
            new: Value::plain(9_200),
            note: Some("ramping down over 86400 s".to_string()),
        };
        assert_eq!(
            ramp.render(),
            "liquidation_threshold_bps: 9300 -> 9200 (ramping down over 86400 s)"
        );
        assert_eq!(
            ramp.json(),
            json!({"field": "liquidation_threshold_bps", "old": "9300", "new": "9200", "unit": null, "note": "ramping down over 86400 s"})
        );
    }
}
