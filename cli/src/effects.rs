//! What a transaction did (or, simulated, would do), in words, from the program's events.
use {
    crate::{
        changes::{apply_market_change, apply_reserve_change, market_change, reserve_change},
        events::decode,
        format::units,
        views::Labels,
    },
    ballast::{
        events::*,
        instructions::LiquidationPayout,
        math::Fixed,
        state::{Market, Reserve},
    },
    solana_sdk::pubkey::Pubkey,
};

/// What `describe` needs to know about a reserve to write its amounts.
#[derive(Clone, Debug)]
pub struct AssetInfo {
    pub reserve: Pubkey,
    pub symbol: String,
    pub decimals: u8,
}

/// Markets and reserves as they were before a transaction, so that its updates read
/// "field: old -> new".
#[derive(Clone, Default)]
pub struct Before {
    pub markets: Vec<(Pubkey, Market)>,
    pub reserves: Vec<(Pubkey, Reserve)>,
}

impl Before {
    fn market(&mut self, key: &Pubkey) -> Option<&mut Market> {
        self.markets
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, m)| m)
    }

    fn reserve(&mut self, key: &Pubkey) -> Option<&mut Reserve> {
        self.reserves
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r)
    }
}

/// One line per event in `event_data`, amounts in token units of the reserves in `assets`
/// (base units when a reserve is not among them).
pub fn describe(event_data: &[Vec<u8>], assets: &[AssetInfo], labels: &Labels) -> Vec<String> {
    describe_from(event_data, assets, labels, Before::default())
}

/// `describe`, updates read against `before` (each event's update moving it on, for the next).
pub fn describe_from(
    event_data: &[Vec<u8>],
    assets: &[AssetInfo],
    labels: &Labels,
    mut before: Before,
) -> Vec<String> {
    let asset = |reserve: &Pubkey| {
        assets
            .iter()
            .find(|a| a.reserve == *reserve)
            .cloned()
            .unwrap_or_else(|| AssetInfo {
                reserve: *reserve,
                symbol: format!("units of reserve {}", labels.name(reserve)),
                decimals: 0,
            })
    };
    let amount = |reserve: &Pubkey, base: u64| {
        let a = asset(reserve);
        format!("{} {}", units(base, a.decimals), a.symbol)
    };
    let ctokens = |reserve: &Pubkey, base: u64| {
        let a = asset(reserve);
        format!("{} c{}", units(base, a.decimals), a.symbol)
    };
    let fixed_amount = |reserve: &Pubkey, sf: u128| {
        amount(reserve, Fixed::from_raw(sf).to_ceil().unwrap_or(u64::MAX))
    };
    let mut lines = Vec::new();
    for data in event_data {
        let one = std::slice::from_ref(data);
        let line = if let Some(e) = decode::<Deposited>(one).pop() {
            let r = &e.header.reserve;
            let pledged = if e.pledged {
                ", pledged as collateral"
            } else {
                ""
            };
            format!(
                "deposit {} for {}{pledged}",
                amount(r, e.liquidity_amount),
                ctokens(r, e.collateral_amount)
            )
        } else if let Some(e) = decode::<Redeemed>(one).pop() {
            let r = &e.header.reserve;
            let from = if e.unpledged {
                " (from collateral)"
            } else {
                ""
            };
            format!(
                "redeem {}{from} for {}",
                ctokens(r, e.collateral_amount),
                amount(r, e.liquidity_amount)
            )
        } else if let Some(e) = decode::<CollateralDeposited>(one).pop() {
            format!("pledge {}", ctokens(&e.header.reserve, e.collateral_amount))
        } else if let Some(e) = decode::<CollateralWithdrawn>(one).pop() {
            format!(
                "unpledge {}",
                ctokens(&e.header.reserve, e.collateral_amount)
            )
        } else if let Some(e) = decode::<Borrowed>(one).pop() {
            let r = &e.header.reserve;
            if e.fee_sf == 0 {
                format!("borrow {}", amount(r, e.amount))
            } else {
                format!(
                    "borrow {} (origination fee {} added to the debt)",
                    amount(r, e.amount),
                    fixed_amount(r, e.fee_sf)
                )
            }
        } else if let Some(e) = decode::<Repaid>(one).pop() {
            let closed = if e.closed { ", debt fully repaid" } else { "" };
            format!("repay {}{closed}", amount(&e.header.reserve, e.amount))
        } else if let Some(e) = decode::<Liquidated>(one).pop() {
            let paid = match e.payout {
                LiquidationPayout::Collateral => ctokens(&e.withdraw_reserve, e.payout_amount),
                LiquidationPayout::Liquidity => amount(&e.withdraw_reserve, e.payout_amount),
            };
            format!(
                "liquidate obligation {}: repay {}, seize {} ({} to the protocol), liquidator receives {paid}",
                e.header.obligation,
                amount(&e.header.reserve, e.repaid_amount),
                ctokens(&e.withdraw_reserve, e.seized_collateral),
                ctokens(&e.withdraw_reserve, e.protocol_collateral),
            )
        } else if let Some(e) = decode::<ObligationInitialized>(one).pop() {
            format!(
                "open obligation {} (id {}) for {}",
                e.header.obligation, e.obligation_id, e.owner
            )
        } else if let Some(e) = decode::<EmodeSet>(one).pop() {
            let group = |id: u8| {
                if id == 0 {
                    "none".to_string()
                } else {
                    id.to_string()
                }
            };
            format!(
                "obligation {}: e-mode group {} -> {}",
                e.header.obligation,
                group(e.previous_group),
                group(e.group)
            )
        } else if let Some(e) = decode::<ObligationClosed>(one).pop() {
            format!("close obligation {}", e.header.obligation)
        } else if let Some(e) = decode::<MarketInitialized>(one).pop() {
            format!("create market {} with admin {}", e.header.market, e.admin)
        } else if let Some(e) = decode::<MarketUpdated>(one).pop() {
            let market = before.market(&e.header.market);
            let line = format!(
                "market {}: {}",
                e.header.market,
                market_change(&e.change, market.as_deref())
            );
            if let Some(m) = market {
                apply_market_change(m, &e.change);
            }
            line
        } else if let Some(e) = decode::<ReserveInitialized>(one).pop() {
            format!(
                "list reserve {} for mint {} (oracle {}), seed {} locked",
                e.header.reserve,
                e.liquidity_mint,
                e.oracle,
                amount(&e.header.reserve, e.seed_amount)
            )
        } else if let Some(e) = decode::<ReserveUpdated>(one).pop() {
            let a = asset(&e.header.reserve);
            let reserve = before.reserve(&e.header.reserve);
            let old = reserve.as_ref().map(|r| (&r.config, &r.oracles));
            let line = format!(
                "reserve {}: {}",
                a.symbol,
                reserve_change(&e.change, old, &a)
            );
            if let Some(r) = reserve {
                apply_reserve_change(&mut r.config, &mut r.oracles, &e.change);
            }
            line
        } else if let Some(e) = decode::<ReserveRefreshed>(one).pop() {
            format!("refresh reserve {}", asset(&e.header.reserve).symbol)
        } else if let Some(e) = decode::<ProtocolFeesWithdrawn>(one).pop() {
            format!(
                "withdraw {} of protocol fees to {}",
                amount(&e.header.reserve, e.amount),
                e.destination
            )
        } else if let Some(e) = decode::<BadDebtSocialized>(one).pop() {
            format!(
                "write off {} of bad debt of obligation {}",
                fixed_amount(&e.header.reserve, e.written_off_sf),
                e.header.obligation
            )
        } else if let Some(e) = decode::<PauseSet>(one).pop() {
            let what = if e.paused { "pause" } else { "unpause" };
            format!("{what} market {}", e.header.market)
        } else if let Some(e) = decode::<AdminChanged>(one).pop() {
            format!(
                "market {}: admin {}, pending admin {}",
                e.header.market, e.admin, e.pending_admin
            )
        } else if let Some(e) = decode::<FlashBorrowed>(one).pop() {
            format!("flash borrow {}", amount(&e.header.reserve, e.amount))
        } else if let Some(e) = decode::<FlashRepaid>(one).pop() {
            format!(
                "flash repay {} (fee {})",
                amount(&e.header.reserve, e.amount),
                amount(&e.header.reserve, e.fee)
            )
        } else {
            continue;
        };
        lines.push(line);
    }
    lines
}
