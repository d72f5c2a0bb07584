//! One look at a market: every reserve priced once, every obligation decoded and valued with the
//! program's own health logic. The liquidator and the monitor both work from it.
use {
    super::{
        price_refusal::{describe, OracleSeen, PriceRefusal},
        shard::Shard,
    },
    crate::{
        accounts::decode_obligation,
        fetch,
        health::ObligationHealth,
        source_prices::{self, ReserveReading},
        ClientError, ReserveKeys, Transport,
    },
    ballast::{
        logic::{
            emode,
            liquidate::LiquidationPolicy,
            unpriced::{counted_positions, without_unpriced},
            Health, ReservePricing, Unpriced,
        },
        oracle::PriceClock,
        state::{Market, Obligation, Reserve},
    },
    indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle},
    solana_sdk::{account::Account, pubkey::Pubkey},
};

/// A reserve and how the program would price it now.
#[derive(Clone, Debug)]
pub struct PricedReserve {
    pub address: Pubkey,
    pub reserve: Reserve,
    /// `Err`: why the program would refuse the oracle now (stale, too wide, ...).
    pub pricing: Result<ReservePricing, PriceRefusal>,
    /// When the oracle account is right but its price unusable now: the reserve at its last
    /// usable price, for liquidation's dust rule.
    pub unpriced: Option<Unpriced>,
    /// The publish time of the price in use (else the primary's, even when refused); `None`
    /// if unreadable.
    pub publish_time: Option<i64>,
    /// Each source read now (which is usable, in use, diverging).
    pub reading: ReserveReading,
}

#[derive(Clone, Debug)]
pub struct ValuedObligation {
    pub address: Pubkey,
    pub obligation: Obligation,
    /// At the neutral prices liquidation uses (each reserve's validated spot), without
    /// collateral liquidation would leave out (dust whose price is unusable). `Err`: a debt's
    /// reserve has no usable price (or is not in the market), or collateral worth more than dust
    /// has none (liquidation waits).
    pub health: Result<Health, String>,
}

impl ValuedObligation {
    pub fn is_liquidatable(&self) -> bool {
        self.health.as_ref().is_ok_and(Health::is_liquidatable)
    }

    /// Debt and no collateral at all: nothing a liquidation could seize, only a write-off
    /// (`socialize_bad_debt`) clears it.
    pub fn has_debt_and_no_collateral(&self) -> bool {
        self.obligation.has_debt() && self.obligation.collaterals().is_empty()
    }
}

pub struct Snapshot {
    pub market: Pubkey,
    pub state: Market,
    pub now: i64,
    /// The epoch a stake pool's last update is judged against.
    pub epoch: u64,
    pub reserves: Vec<PricedReserve>,
    pub obligations: Vec<ValuedObligation>,
}

/// Scans with more obligations than this show a progress bar (when stderr is a terminal).
const PROGRESS_FROM: usize = 10_000;

/// A fetch of the obligations that takes longer than this shows a spinner (when stderr is a
/// terminal).
const SPINNER_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

impl Snapshot {
    /// Reads the market, its reserves and their oracles, and all its obligations.
    pub async fn take(
        transport: &impl Transport,
        market: &Pubkey,
    ) -> Result<Snapshot, ClientError> {
        Snapshot::take_shard(transport, market, Shard::ALL).await
    }

    /// `take`, with only `shard`'s obligations decoded and kept (`--shard K/N`).
    pub async fn take_shard(
        transport: &impl Transport,
        market: &Pubkey,
        shard: Shard,
    ) -> Result<Snapshot, ClientError> {
        let state = fetch::market(transport, market).await?;
        let at = PriceClock::from(&transport.clock().await?);
        let now = at.now;
        let mut reserves = Vec::new();
        for (address, reserve) in fetch::market_reserves(transport, market).await? {
            let accounts = fetch::price_accounts(transport, &reserve).await?;
            reserves.push(price(address, reserve, &accounts, at));
        }
        let filters = fetch::obligation_filters(market);
        // The slow part: every obligation of the market in one answer. A spinner shows when it
        // takes more than a moment (and stderr is a terminal).
        let request = transport.program_accounts(&filters);
        tokio::pin!(request);
        let accounts = tokio::select! {
            biased;
            accounts = &mut request => accounts,
            _ = tokio::time::sleep(SPINNER_AFTER) => {
                let fetching = fetch_spinner(ProgressDrawTarget::stderr());
                let accounts = request.await;
                fetching.finish_and_clear();
                accounts
            }
        };
        let mut accounts = accounts?;
        accounts.retain(|(address, _)| shard.owns(address));
        let (pricing, unpriced) = valuation_inputs(&reserves);
        let progress = progress_bar(accounts.len());
        let mut obligations = Vec::with_capacity(accounts.len());
        for (address, account) in &accounts {
            obligations.push(value(address, account, (&pricing, &unpriced), &state, now)?);
            progress.inc(1);
        }
        progress.finish_and_clear();
        obligations.sort_by_key(|o| o.address);
        Ok(Snapshot {
            market: *market,
            state,
            now,
            epoch: at.epoch,
            reserves,
            obligations,
        })
    }

    pub fn reserve(&self, address: &Pubkey) -> Option<&PricedReserve> {
        self.reserves.iter().find(|r| r.address == *address)
    }

    /// The keys of `address`, a reserve of this market.
    pub fn reserve_keys(&self, address: &Pubkey) -> Result<ReserveKeys, ClientError> {
        let r = self
            .reserve(address)
            .ok_or(ClientError::UnknownReserve(*address))?;
        Ok(ReserveKeys::from_reserve(*address, &r.reserve))
    }

    /// How the program would price `address` now (`None`: it would refuse, or no such reserve).
    pub fn pricing_of(&self, address: &Pubkey) -> Option<&ReservePricing> {
        self.reserve(address)?.pricing.as_ref().ok()
    }

    /// `o` with its reserves and their prices, for the program's operations; `None` when a
    /// position's reserve has no usable price.
    pub fn priced(&self, o: &ValuedObligation) -> Option<ObligationHealth> {
        let mut reserves: Vec<(Pubkey, Reserve)> = Vec::new();
        let (mut pricing, mut unpriced) = (Vec::new(), Vec::new());
        for key in o.obligation.position_reserves() {
            if reserves.iter().any(|(k, _)| k == key) {
                continue;
            }
            let r = self.reserve(key)?;
            match (self.pricing_of(key), r.unpriced) {
                (Some(p), _) => pricing.push(*p),
                // Collateral only: a debt needs a usable price.
                (None, Some(u)) if o.obligation.find_borrow(key).is_none() => unpriced.push(u),
                (None, _) => return None,
            }
            reserves.push((*key, r.reserve));
        }
        let counted = without_unpriced(&o.obligation, &unpriced).ok()?;
        let groups = &self.state.emode_groups;
        emode::apply(&mut pricing, o.obligation.emode_group, groups, self.now).ok()?;
        Some(ObligationHealth {
            health: Health::of(&counted, &pricing).ok()?,
            obligation: o.obligation,
            market: self.state,
            reserves,
            pricing,
            unpriced,
            now: self.now,
        })
    }

    /// Prices of the reserves that have one.
    pub fn pricing(&self) -> Vec<ReservePricing> {
        self.reserves
            .iter()
            .filter_map(|r| r.pricing.as_ref().ok().copied())
            .collect()
    }
}

/// `reserve` priced at `at` as the program would, from its sources' accounts in order (a
/// missing one as `Account::default()`).
pub fn price(
    address: Pubkey,
    reserve: Reserve,
    accounts: &[(Pubkey, Account)],
    at: PriceClock,
) -> PricedReserve {
    let now = at.now;
    let reading = source_prices::read(&reserve, accounts, at);
    let primary = reading.sources.first();
    let primary_raw = primary.and_then(|s| s.raw.ok());
    let owner = accounts.first().map(|(_, a)| a.owner).unwrap_or_default();
    let seen = OracleSeen {
        owner: &owner,
        raw: primary_raw.as_ref(),
        reserve: &reserve,
        now,
    };
    let (pricing, unpriced) = match reading.price {
        Ok(p) => (
            ReservePricing::new(address, &reserve, p, now)
                .map_err(|e| PriceRefusal::of_error(&e, &seen)),
            None,
        ),
        Err(_) if !reading.primary_exists => (
            Err(PriceRefusal::missing_account(
                &reserve.oracles.primary().account,
            )),
            None,
        ),
        Err(e) => (
            Err(PriceRefusal::of_price(e, &seen)),
            Unpriced::new(address, &reserve, e, now).ok(),
        ),
    };
    let publish_time = match &reading.price {
        Ok(p) => Some(p.publish_time),
        Err(_) => primary_raw.map(|r| r.publish_time),
    };
    PricedReserve {
        address,
        reserve,
        pricing,
        unpriced,
        publish_time,
        reading,
    }
}

/// What obligations are valued with: each reserve with a usable price at one neutral price (its
/// spot), as liquidation values them, and the others at their last usable price.
pub fn valuation_inputs(reserves: &[PricedReserve]) -> (Vec<ReservePricing>, Vec<Unpriced>) {
    let pricing = reserves
        .iter()
        .filter_map(|r| r.pricing.as_ref().ok().map(ReservePricing::at_spot))
        .collect();
    (
        pricing,
        reserves.iter().filter_map(|r| r.unpriced).collect(),
    )
}

/// Decodes an obligation account and values it with `pricing` (the hot path of a scan), as
/// liquidation would: collateral in `unpriced` left out when it is under `dust` at its last
/// usable price, and with `market`'s e-mode group parameters if it is in a group.
pub fn value(
    address: &Pubkey,
    account: &Account,
    (pricing, unpriced): (&[ReservePricing], &[Unpriced]),
    market: &Market,
    now: i64,
) -> Result<ValuedObligation, ClientError> {
    let obligation = decode_obligation(address, account)?;
    Ok(valued(
        address,
        obligation,
        (pricing, unpriced),
        market,
        now,
    ))
}

/// `value`, of an obligation already decoded.
pub fn valued(
    address: &Pubkey,
    obligation: Obligation,
    (pricing, unpriced): (&[ReservePricing], &[Unpriced]),
    market: &Market,
    now: i64,
) -> ValuedObligation {
    let dust = LiquidationPolicy::from(&market.config).dust_value;
    let groups = &market.emode_groups;
    let health = counted_positions(&obligation, unpriced, None, dust)
        .and_then(|counted| {
            let pricing = emode::priced_for(pricing, obligation.emode_group, groups, now)?;
            Health::of(&counted, &pricing)
        })
        .map_err(|e| describe(&e));
    ValuedObligation {
        address: *address,
        obligation,
        health,
    }
}

/// A spinner while the obligations are fetched (no count is known before the answer), drawn on
/// `target` unless it is hidden (stderr that is not a terminal: a service, a pipe, a test).
pub fn fetch_spinner(target: ProgressDrawTarget) -> ProgressBar {
    if target.is_hidden() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::with_draw_target(None, target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} fetching the market's obligations (getProgramAccounts) {elapsed}",
    ) {
        spinner.set_style(style);
    }
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}

fn progress_bar(len: usize) -> ProgressBar {
    if len < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    // Drawn only when stderr is a terminal.
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("scanning {pos}/{len} obligations {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}
