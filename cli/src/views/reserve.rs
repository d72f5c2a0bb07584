//! A reserve as people read it: supply, debt, rates, price, and risk config.
use {
    super::{plain, plain_units, reserve_sources, table, threshold_text, Labels},
    crate::{
        fetch,
        format::{percent, units, usd},
        settings::{CurveSpec, GroupList},
        source_prices::{self, ReserveReading},
        ClientError, Transport,
    },
    ballast::{
        logic::{
            interest::{rates, Rates},
            projected,
        },
        math::Fixed,
        oracle::PriceClock,
        state::{Reserve, ReserveLiquidity},
    },
    serde_json::{json, Value},
    solana_sdk::pubkey::Pubkey,
};

/// One reserve with its interest projected to now and its oracle read as the program would.
#[derive(Clone, Debug)]
pub struct ReserveView {
    pub address: Pubkey,
    pub symbol: String,
    pub reserve: Reserve,
    /// Accounting with interest accrued to now.
    pub liquidity: ReserveLiquidity,
    /// Spot price in USD, or why the program would refuse the oracle now.
    pub price: Result<Fixed, String>,
    pub utilization: Fixed,
    pub borrow_apr: Fixed,
    pub supply_apr: Fixed,
    /// The liquidation threshold now (below the config's target while a lowering ramps).
    pub threshold_now: u16,
    /// Each price source read now.
    pub reading: ReserveReading,
    pub now: i64,
}

fn program(e: anchor_lang::error::Error) -> ClientError {
    ClientError::Rule(e)
}

impl ReserveView {
    pub async fn fetch(
        transport: &impl Transport,
        address: &Pubkey,
        labels: &Labels,
    ) -> Result<ReserveView, ClientError> {
        let reserve = fetch::reserve(transport, address).await?;
        let at = PriceClock::from(&transport.clock().await?);
        let accounts = fetch::price_accounts(transport, &reserve).await?;
        let reading = source_prices::read(&reserve, &accounts, at);
        ReserveView::new(*address, reserve, reading, at.now, labels)
    }

    pub fn new(
        address: Pubkey,
        reserve: Reserve,
        reading: ReserveReading,
        now: i64,
        labels: &Labels,
    ) -> Result<ReserveView, ClientError> {
        let price = (reading.price)
            .map(|p| p.spot)
            .map_err(|e| format!("{}: {e}", e.name()));
        let liquidity = projected(&reserve.liquidity, &reserve.config, now).map_err(program)?;
        let Rates {
            utilization,
            borrow_apr,
            supply_apr,
        } = rates(&liquidity, &reserve.config).map_err(program)?;
        Ok(ReserveView {
            address,
            symbol: labels.name(&reserve.liquidity_mint),
            reserve,
            liquidity,
            price,
            utilization,
            borrow_apr,
            supply_apr,
            threshold_now: ballast::logic::ramp::liquidation_threshold_at(&reserve, now),
            reading,
            now,
        })
    }

    /// The threshold, and where a lowering is taking it.
    fn threshold(&self) -> String {
        threshold_text(
            self.threshold_now,
            self.reserve.config.liquidation_threshold_bps,
            self.reserve.threshold_ramp.end,
        )
    }

    /// The e-mode groups the reserve belongs to, and those that list it as debt.
    fn emode_groups(&self) -> String {
        let c = &self.reserve.config;
        if c.emode_groups == 0 {
            return "none".into();
        }
        format!(
            "member of {}; listed as debt in {}",
            GroupList(c.emode_groups),
            GroupList(c.emode_debt_groups)
        )
    }

    fn floor(&self, value: Fixed) -> u64 {
        value.to_floor().unwrap_or(u64::MAX)
    }

    pub fn supplied(&self) -> u64 {
        self.liquidity
            .total_supply()
            .map_or(u64::MAX, |v| self.floor(v))
    }

    pub fn borrowed(&self) -> u64 {
        self.floor(self.liquidity.borrowed())
    }

    pub fn protocol_fees(&self) -> u64 {
        self.floor(self.liquidity.protocol_fees())
    }

    fn decimals(&self) -> u8 {
        self.reserve.decimals
    }

    fn cap(&self, cap: u64) -> String {
        if cap == u64::MAX {
            "unlimited".into()
        } else {
            units(cap, self.decimals())
        }
    }

    pub fn json(&self) -> Value {
        let d = self.decimals();
        let exchange_rate = self.liquidity.exchange_rate().unwrap_or(Fixed::ZERO);
        json!({
            "address": self.address.to_string(),
            "symbol": self.symbol,
            "liquidity_mint": self.reserve.liquidity_mint.to_string(),
            "decimals": d,
            "oracle": self.reserve.oracles.primary().account.to_string(),
            "oracles": reserve_sources::json(&self.reserve, &self.reading, self.now),
            "price_usd": self.price.as_ref().ok().map(|p| plain(*p, 8)),
            "oracle_error": self.price.as_ref().err(),
            "supplied": plain_units(self.supplied(), d),
            "borrowed": plain_units(self.borrowed(), d),
            "available": plain_units(self.liquidity.available_amount, d),
            "protocol_fees": plain_units(self.protocol_fees(), d),
            "exchange_rate": plain(exchange_rate, 12),
            "utilization": plain(self.utilization, 6),
            "borrow_apr": plain(self.borrow_apr, 6),
            "supply_apr": plain(self.supply_apr, 6),
            "config": self.config_json(),
        })
    }

    /// The risk config in `json` (its own `json!`: one would pass the macro's recursion limit).
    fn config_json(&self) -> Value {
        let c = &self.reserve.config;
        let d = self.decimals();
        json!({
            "loan_to_value_bps": c.loan_to_value_bps,
            "liquidation_threshold_bps": c.liquidation_threshold_bps,
            "liquidation_threshold_now_bps": self.threshold_now,
            "threshold_ramp_end": (self.threshold_now != c.liquidation_threshold_bps)
                .then_some(self.reserve.threshold_ramp.end),
            "liquidation_bonus_min_bps": c.liquidation_bonus_min_bps,
            "liquidation_bonus_max_bps": c.liquidation_bonus_max_bps,
            "protocol_liquidation_fee_bps": c.protocol_liquidation_fee_bps,
            "borrow_fee_bps": c.borrow_fee_bps,
            "protocol_take_rate_bps": c.protocol_take_rate_bps,
            "borrow_factor_bps": c.borrow_factor_bps,
            "deposit_cap": (c.deposit_cap != u64::MAX).then(|| plain_units(c.deposit_cap, d)),
            "borrow_cap": (c.borrow_cap != u64::MAX).then(|| plain_units(c.borrow_cap, d)),
            "oracle_max_age_secs": c.oracle_max_age_secs,
            "oracle_max_confidence_bps": c.oracle_max_confidence_bps,
            "rate_curve": CurveSpec(c.rate_curve).to_string(),
            "outflow_limit": (c.outflow_limit != u64::MAX).then(|| plain_units(c.outflow_limit, d)),
            "outflow_window_secs": c.outflow_window_secs,
            "flash_loans": c.flash_loans_enabled != 0,
            "flash_loan_fee_bps": c.flash_loan_fee_bps,
            "min_collateral": plain_units(c.min_collateral_amount, d),
            "isolated": c.isolated != 0,
            "min_debt_usd": c.min_debt_usd,
            "collateral_cap_usd": c.collateral_cap_usd,
            "borrow_cap_usd": c.borrow_cap_usd,
            "emode_groups": GroupList::ids(c.emode_groups),
            "emode_debt_groups": GroupList::ids(c.emode_debt_groups),
        })
    }

    fn price_text(&self) -> String {
        match &self.price {
            Ok(p) => usd(*p),
            Err(_) => "unavailable".into(),
        }
    }

    /// The row of this reserve in a market's reserve table.
    pub fn row(&self) -> Vec<String> {
        let d = self.decimals();
        vec![
            self.symbol.clone(),
            self.price_text(),
            units(self.supplied(), d),
            units(self.borrowed(), d),
            percent(self.utilization),
            percent(self.borrow_apr),
            percent(self.supply_apr),
            percent(Fixed::from_bps(
                self.reserve.config.loan_to_value_bps.into(),
            )),
            percent(Fixed::from_bps(
                self.reserve.config.liquidation_threshold_bps.into(),
            )),
            units(self.protocol_fees(), d),
        ]
    }

    pub const HEADER: [&'static str; 10] = [
        "reserve",
        "price",
        "supplied",
        "borrowed",
        "util.",
        "borrow APR",
        "supply APR",
        "LTV",
        "liq. at",
        "fees",
    ];

    /// A table of several reserves.
    pub fn table(views: &[ReserveView]) -> String {
        table::render(&Self::HEADER, views.iter().map(ReserveView::row))
    }

    /// One reserve in detail, as label/value lines.
    pub fn detail(&self) -> String {
        let c = &self.reserve.config;
        let d = self.decimals();
        let bps = |v: u16| percent(Fixed::from_bps(v.into()));
        let mut rows = vec![
            ("reserve", self.address.to_string()),
            (
                "asset",
                format!("{} ({})", self.symbol, self.reserve.liquidity_mint),
            ),
            (
                "price",
                match &self.price {
                    Ok(p) => usd(*p),
                    Err(e) => format!("unavailable: {e}"),
                },
            ),
            ("supplied", units(self.supplied(), d)),
            ("borrowed", units(self.borrowed(), d)),
            ("available", units(self.liquidity.available_amount, d)),
            ("utilization", percent(self.utilization)),
            ("borrow APR", percent(self.borrow_apr)),
            ("supply APR", percent(self.supply_apr)),
            (
                "cToken rate",
                super::plain(self.liquidity.exchange_rate().unwrap_or(Fixed::ZERO), 9),
            ),
            ("protocol fees", units(self.protocol_fees(), d)),
            ("loan to value", bps(c.loan_to_value_bps)),
            ("liquidation threshold", self.threshold()),
            (
                "liquidation bonus",
                format!(
                    "{} - {}",
                    bps(c.liquidation_bonus_min_bps),
                    bps(c.liquidation_bonus_max_bps)
                ),
            ),
            ("borrow factor", bps(c.borrow_factor_bps)),
            ("borrow fee", bps(c.borrow_fee_bps)),
            ("protocol take rate", bps(c.protocol_take_rate_bps)),
            ("deposit cap", self.cap(c.deposit_cap)),
            ("min collateral", units(c.min_collateral_amount, d)),
            ("min debt", format!("${}", c.min_debt_usd)),
            (
                "USD caps",
                format!(
                    "collateral {}, borrowed {}",
                    usd_cap(c.collateral_cap_usd),
                    usd_cap(c.borrow_cap_usd)
                ),
            ),
            ("borrow cap", self.cap(c.borrow_cap)),
            ("rate curve", CurveSpec(c.rate_curve).to_string()),
            (
                "oracle limits",
                format!(
                    "max age {} s, max confidence {}",
                    c.oracle_max_age_secs,
                    bps(c.oracle_max_confidence_bps)
                ),
            ),
            (
                "outflow limit",
                format!(
                    "{} per {} s",
                    self.cap(c.outflow_limit),
                    c.outflow_window_secs
                ),
            ),
        ];
        rows.splice(
            3..3,
            reserve_sources::rows(&self.reserve, &self.reading, self.now),
        );
        rows.push((
            "flash loans",
            if c.flash_loans_enabled != 0 {
                format!("on, fee {}", bps(c.flash_loan_fee_bps))
            } else {
                "off".into()
            },
        ));
        rows.push(("e-mode groups", self.emode_groups()));
        if c.isolated != 0 {
            rows.push((
                "isolated",
                "borrowed only as an obligation's only debt".into(),
            ));
        }
        table::pairs(rows)
    }
}

/// A USD cap as shown: `$N`, or `none` for 0.
fn usd_cap(cap: u64) -> String {
    if cap == 0 {
        "none".into()
    } else {
        format!("${cap}")
    }
}
