//! An obligation's health table: each position's value and weight, and how far each price may
//! move before the obligation can be liquidated.
use {
    super::{plain, plain_units, table, threshold_text, Labels},
    crate::{
        format::{decimal, percent, units, usd},
        health::{obligation_health, ObligationHealth},
        ClientError, Transport,
    },
    ballast::{
        logic::{ramp::group_threshold_at, Health},
        math::Fixed,
        state::{emode_group, EmodeGroup},
    },
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionSide {
    Collateral,
    Borrow,
}

#[derive(Clone, Debug)]
pub struct PositionView {
    pub side: PositionSide,
    pub reserve: Pubkey,
    pub symbol: String,
    pub decimals: u8,
    /// Liquidity units: collateral's cTokens at the exchange rate (down), debt with interest (up).
    pub amount: u64,
    /// Collateral at the lower of spot and EMA, debt at the higher.
    pub price: Fixed,
    pub value: Fixed,
    /// Liquidation threshold (collateral) or borrow factor (debt).
    pub weight_bps: u16,
    /// Loan to value (collateral only).
    pub loan_to_value_bps: u16,
    /// Value x weight: what health compares.
    pub weighted: Fixed,
    /// The price at which, all else equal, the obligation becomes liquidatable; `None` when
    /// this price alone cannot get it there (or there is no debt).
    pub liquidation_price: Option<Fixed>,
}

#[derive(Clone, Debug)]
pub struct ObligationView {
    pub address: Pubkey,
    pub owner: Pubkey,
    pub obligation_id: u16,
    pub positions: Vec<PositionView>,
    /// The e-mode group the obligation is in (0: none).
    pub emode_group: u8,
    /// That group and its liquidation threshold now: its member positions are valued with
    /// these parameters (`positions` and `health` already are).
    pub emode: Option<(EmodeGroup, u16)>,
    pub health: Health,
    /// How far all collateral may fall together before liquidation (0 when liquidatable).
    pub collateral_drop_to_liquidation: Option<Fixed>,
}

fn program(e: anchor_lang::error::Error) -> ClientError {
    ClientError::Rule(e)
}

impl ObligationView {
    /// Reads the obligation and values it now, as the program would.
    pub async fn fetch(
        transport: &impl Transport,
        address: &Pubkey,
        labels: &Labels,
    ) -> Result<ObligationView, ClientError> {
        let valued = obligation_health(transport, address).await?;
        ObligationView::new(*address, &valued, labels).map_err(program)
    }

    pub fn new(
        address: Pubkey,
        valued: &ObligationHealth,
        labels: &Labels,
    ) -> anchor_lang::Result<ObligationView> {
        let h = valued.health;
        // Room left under the liquidation line, in weighted USD.
        let margin = h.liquidation_limit.saturating_sub(h.weighted_debt_value);
        let has_debt = !h.weighted_debt_value.is_zero();
        let pricing = |reserve: &Pubkey| {
            valued
                .pricing
                .iter()
                .find(|p| p.reserve == *reserve)
                .expect("obligation_health prices every position")
        };
        let mut positions = Vec::new();
        for c in valued.obligation.collaterals() {
            let p = pricing(&c.reserve);
            let term = Health::of_collateral(p, c.deposited_amount)?;
            let (value, weighted) = (term.collateral_value, term.liquidation_limit);
            // The price that takes `margin` off this position's weighted value:
            // price x (weighted - margin) / weighted.
            let liquidation_price = if !has_debt || margin >= weighted {
                None
            } else {
                let left = weighted.checked_sub(margin)?;
                Some(p.price.collateral_price().mul_div_floor(left, weighted)?)
            };
            positions.push(PositionView {
                side: PositionSide::Collateral,
                reserve: c.reserve,
                symbol: String::new(),
                decimals: p.decimals,
                amount: p
                    .liquidity
                    .collateral_to_liquidity(c.deposited_amount)?
                    .to_floor()?,
                price: p.price.collateral_price(),
                value,
                weight_bps: p.liquidation_threshold_bps,
                loan_to_value_bps: p.loan_to_value_bps,
                weighted,
                liquidation_price,
            });
        }
        for b in valued.obligation.borrows() {
            let p = pricing(&b.reserve);
            let term = Health::of_debt(p, b)?;
            let (value, weighted) = (term.debt_value, term.weighted_debt_value);
            // The price that adds `margin` to this debt's weighted value:
            // price x (weighted + margin) / weighted.
            let liquidation_price = if weighted.is_zero() {
                None
            } else {
                let grown = weighted.checked_add(margin)?;
                Some(p.price.debt_price().mul_div_ceil(grown, weighted)?)
            };
            positions.push(PositionView {
                side: PositionSide::Borrow,
                reserve: b.reserve,
                symbol: String::new(),
                decimals: p.decimals,
                amount: p.debt(b)?.to_ceil()?,
                price: p.price.debt_price(),
                value,
                weight_bps: p.borrow_factor_bps,
                loan_to_value_bps: 0,
                weighted,
                liquidation_price,
            });
        }
        for position in &mut positions {
            position.symbol = valued
                .reserves
                .iter()
                .find(|(key, _)| *key == position.reserve)
                .map(|(_, r)| labels.name(&r.liquidity_mint))
                .unwrap_or_default();
        }
        let collateral_drop_to_liquidation = if has_debt && !h.liquidation_limit.is_zero() {
            Some(margin.div_floor(h.liquidation_limit)?)
        } else {
            None
        };
        let group = valued.obligation.emode_group;
        let emode = emode_group(&valued.market.emode_groups, group)
            .ok()
            .map(|g| (*g, group_threshold_at(g, valued.now)));
        Ok(ObligationView {
            address,
            owner: valued.obligation.owner,
            obligation_id: valued.obligation.obligation_id,
            positions,
            emode_group: group,
            emode,
            health: h,
            collateral_drop_to_liquidation,
        })
    }

    pub fn json(&self) -> Value {
        let h = &self.health;
        let positions: Vec<Value> = self
            .positions
            .iter()
            .map(|p| {
                json!({
                    "side": match p.side { PositionSide::Collateral => "collateral", PositionSide::Borrow => "borrow" },
                    "reserve": p.reserve.to_string(),
                    "symbol": p.symbol,
                    "amount": plain_units(p.amount, p.decimals),
                    "price_usd": plain(p.price, 8),
                    "value_usd": plain(p.value, 6),
                    "weight_bps": p.weight_bps,
                    "loan_to_value_bps": p.loan_to_value_bps,
                    "weighted_usd": plain(p.weighted, 6),
                    "liquidation_price_usd": p.liquidation_price.map(|v| plain(v, 8)),
                })
            })
            .collect();
        json!({
            "address": self.address.to_string(),
            "owner": self.owner.to_string(),
            "obligation_id": self.obligation_id,
            "emode_group": (self.emode_group != 0).then_some(self.emode_group),
            "positions": positions,
            "collateral_value_usd": plain(h.collateral_value, 6),
            "borrow_limit_usd": plain(h.borrow_limit, 6),
            "liquidation_limit_usd": plain(h.liquidation_limit, 6),
            "debt_value_usd": plain(h.debt_value, 6),
            "weighted_debt_usd": plain(h.weighted_debt_value, 6),
            "health_factor": h.health_factor().map(|f| plain(f, 6)),
            "liquidatable": h.is_liquidatable(),
            "collateral_drop_to_liquidation": self.collateral_drop_to_liquidation.map(|f| plain(f, 6)),
        })
    }

    /// The obligation's e-mode group and the parameters its member positions use.
    fn emode_text(&self) -> String {
        let bps = |v: u16| percent(Fixed::from_bps(v.into()));
        match &self.emode {
            _ if self.emode_group == 0 => "none".into(),
            None => format!("{} (not configured)", self.emode_group),
            Some((g, now)) => format!(
                "{}: member positions at LTV {}, liquidation at {}, max bonus {}",
                self.emode_group,
                bps(g.config.loan_to_value_bps),
                threshold_text(
                    *now,
                    g.config.liquidation_threshold_bps,
                    g.threshold_ramp.end
                ),
                bps(g.config.liquidation_bonus_max_bps)
            ),
        }
    }

    /// The health table and its summary.
    pub fn render(&self) -> String {
        let h = &self.health;
        let rows = self.positions.iter().map(|p| {
            let weight = match p.side {
                PositionSide::Collateral => format!(
                    "{} / {}",
                    percent(Fixed::from_bps(p.loan_to_value_bps.into())),
                    percent(Fixed::from_bps(p.weight_bps.into()))
                ),
                PositionSide::Borrow => {
                    format!("x{}", decimal(Fixed::from_bps(p.weight_bps.into()), 2))
                }
            };
            vec![
                match p.side {
                    PositionSide::Collateral => "collateral".to_string(),
                    PositionSide::Borrow => "borrow".to_string(),
                },
                p.symbol.clone(),
                units(p.amount, p.decimals),
                usd(p.price),
                usd(p.value),
                weight,
                usd(p.weighted),
                match p.liquidation_price {
                    _ if h.is_liquidatable() => "now".into(),
                    Some(price) => usd(price),
                    None => "-".into(),
                },
            ]
        });
        let header = [
            "position",
            "asset",
            "amount",
            "price",
            "value",
            "LTV / liq. or factor",
            "weighted",
            "liquidation price",
        ];
        let status = if h.is_liquidatable() {
            "LIQUIDATABLE".to_string()
        } else {
            match self.collateral_drop_to_liquidation {
                Some(drop) => format!("liquidatable if collateral falls {}", percent(drop)),
                None => "no debt".to_string(),
            }
        };
        let summary = table::pairs(vec![
            (
                "obligation",
                format!(
                    "{} (owner {}, id {})",
                    self.address, self.owner, self.obligation_id
                ),
            ),
            ("e-mode group", self.emode_text()),
            ("collateral", usd(h.collateral_value)),
            ("borrow limit", usd(h.borrow_limit)),
            ("liquidation limit", usd(h.liquidation_limit)),
            (
                "debt",
                format!(
                    "{} (weighted {})",
                    usd(h.debt_value),
                    usd(h.weighted_debt_value)
                ),
            ),
            (
                "health factor",
                h.health_factor()
                    .map_or_else(|| "-".into(), |f| decimal(f, 2)),
            ),
            ("status", status),
        ]);
        if self.positions.is_empty() {
            return format!("{summary}\n(no positions)");
        }
        format!("{}\n{summary}", table::render(&header, rows))
    }
}
