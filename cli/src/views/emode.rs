//! A market's e-mode groups as people read them: parameters, any threshold ramp, and which
//! reserves are members and listed as debt.
use {
    super::{table, threshold_text, ReserveView},
    crate::format::percent,
    ballast::{
        logic::ramp::group_threshold_at,
        math::Fixed,
        state::{emode_bit, EmodeGroup, Market},
    },
    serde_json::{json, Value},
};

/// One configured group.
#[derive(Clone, Debug)]
pub struct EmodeGroupView {
    pub id: u8,
    pub group: EmodeGroup,
    /// The liquidation threshold now (above the config's target while a lowering ramps).
    pub threshold_now: u16,
    /// Symbols of the member reserves, sorted.
    pub members: Vec<String>,
    /// Symbols of the reserves that list the group as debt, sorted.
    pub debt: Vec<String>,
}

impl EmodeGroupView {
    /// Every configured group of `market` at `now`, by id, with the members among `reserves`.
    pub fn of_market(market: &Market, reserves: &[ReserveView], now: i64) -> Vec<EmodeGroupView> {
        (1..=market.emode_groups.len() as u8)
            .zip(market.emode_groups.iter())
            .filter(|(_, g)| g.is_configured())
            .map(|(id, group)| {
                let bit = emode_bit(id);
                let listing = |mask: fn(&ReserveView) -> u32| {
                    let mut symbols: Vec<String> = reserves
                        .iter()
                        .filter(|r| mask(r) & bit != 0)
                        .map(|r| r.symbol.clone())
                        .collect();
                    symbols.sort();
                    symbols
                };
                EmodeGroupView {
                    id,
                    group: *group,
                    threshold_now: group_threshold_at(group, now),
                    members: listing(|r| r.reserve.config.emode_groups),
                    debt: listing(|r| r.reserve.config.emode_debt_groups),
                }
            })
            .collect()
    }

    fn ramping(&self) -> bool {
        self.threshold_now != self.group.config.liquidation_threshold_bps
    }

    pub fn json(&self) -> Value {
        let c = &self.group.config;
        json!({
            "id": self.id,
            "loan_to_value_bps": c.loan_to_value_bps,
            "liquidation_threshold_bps": c.liquidation_threshold_bps,
            "liquidation_threshold_now_bps": self.threshold_now,
            "threshold_ramp_end": self.ramping().then_some(self.group.threshold_ramp.end),
            "liquidation_bonus_max_bps": c.liquidation_bonus_max_bps,
            "debt_restricted": c.debt_restricted != 0,
            "members": self.members,
            "debt_reserves": self.debt,
        })
    }

    pub const HEADER: [&'static str; 7] = [
        "e-mode group",
        "LTV",
        "liq. at",
        "max bonus",
        "debt restricted",
        "members",
        "debt reserves",
    ];

    pub fn row(&self) -> Vec<String> {
        let c = &self.group.config;
        let bps = |v: u16| percent(Fixed::from_bps(v.into()));
        let names = |list: &[String]| {
            if list.is_empty() {
                "-".to_string()
            } else {
                list.join(", ")
            }
        };
        vec![
            self.id.to_string(),
            bps(c.loan_to_value_bps),
            if self.ramping() {
                format!(
                    "{} -> {}",
                    bps(self.threshold_now),
                    bps(c.liquidation_threshold_bps)
                )
            } else {
                bps(c.liquidation_threshold_bps)
            },
            bps(c.liquidation_bonus_max_bps),
            if c.debt_restricted != 0 { "yes" } else { "no" }.to_string(),
            names(&self.members),
            names(&self.debt),
        ]
    }

    /// A table of several groups, then a line for each whose threshold is ramping down.
    pub fn table(views: &[EmodeGroupView]) -> String {
        let mut text = table::render(&Self::HEADER, views.iter().map(EmodeGroupView::row));
        for v in views.iter().filter(|v| v.ramping()) {
            text.push_str(&format!(
                "\ne-mode group {}: liquidation threshold {}",
                v.id,
                threshold_text(
                    v.threshold_now,
                    v.group.config.liquidation_threshold_bps,
                    v.group.threshold_ramp.end
                )
            ));
        }
        text
    }
}
