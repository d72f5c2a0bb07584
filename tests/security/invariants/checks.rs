//! The invariants of SECURITY.md, checked after every step of the fuzz.
use {
    super::world::{Action, Step, World, RESERVES},
    ballast::{
        events::{BadDebtSocialized, Liquidated},
        logic::{self, Health, ReservePricing, Unpriced},
        math::Fixed,
        oracle,
        state::{MarketConfig, Obligation},
    },
    ballast_client::{events, fetch, TxOutcome},
    ballast_tests::*,
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::collections::HashMap,
};

/// Debt and supply may differ by rounding dust: 10^-6 of a base unit per step is far above it.
const DUST_RAW: u128 = 1_000_000_000_000;
const WAD: u128 = 1_000_000_000_000_000_000;

/// An obligation as liquidation sees it: every position's reserve at its spot price, except
/// collateral whose oracle is unusable now (`unpriced`, at its last usable price).
pub struct View {
    pub obligation: Obligation,
    pub pricing: Vec<ReservePricing>,
    pub unpriced: Vec<Unpriced>,
}

impl View {
    /// The obligation without its unpriced collateral, and its health at the neutral prices.
    fn counted(&self) -> (Obligation, Health) {
        let mut counted = self.obligation;
        for u in &self.unpriced {
            if let Some(i) = counted.find_collateral(&u.pricing.reserve) {
                let all = counted.collaterals()[i].deposited_amount;
                counted
                    .withdraw_collateral(&u.pricing.reserve, all)
                    .unwrap();
            }
        }
        let health = Health::of(&counted, &self.pricing).unwrap();
        (counted, health)
    }

    fn price(&self, reserve: &Pubkey) -> &ReservePricing {
        self.pricing.iter().find(|p| p.reserve == *reserve).unwrap()
    }
}

/// `owner`'s obligation as liquidation sees it now; `None` when a debt has no usable price.
pub async fn neutral_view(w: &World, owner: usize) -> Option<View> {
    let m = &w.m;
    let obligation = m.obligation_state(&w.users[owner]).await;
    let now = m.now().await;
    let (mut pricing, mut unpriced) = (Vec::new(), Vec::new());
    for (i, key) in obligation.position_reserves().enumerate() {
        let reserve = fetch::reserve(&m.bank, key).await.unwrap();
        let accounts = fetch::price_accounts(&m.bank, &reserve).await.unwrap();
        let parts = fetch::account_parts(&accounts);
        let at = oracle::PriceClock {
            now,
            epoch: m.bank.clock().await.unwrap().epoch,
        };
        let read = oracle::reserve_price(&reserve, &parts, at, oracle::Check::FirstUsable).unwrap();
        match read {
            Ok(price) => pricing.push(
                ReservePricing::new(*key, &reserve, price, now)
                    .unwrap()
                    .at_spot(),
            ),
            Err(error) if i < usize::from(obligation.collateral_count) => {
                unpriced.push(Unpriced::new(*key, &reserve, error, now).unwrap())
            }
            Err(_) => return None,
        }
    }
    // In an e-mode group, the group's parameters, as the program prices it.
    let groups = m.market_state().await.emode_groups;
    ballast::logic::emode::apply(&mut pricing, obligation.emode_group, &groups, now).unwrap();
    Some(View {
        obligation,
        pricing,
        unpriced,
    })
}

/// After a successful liquidation of `owner` (`before`: the view before it): what the
/// liquidator received, what was written off, the margin, and the positions left out.
pub async fn liquidation_checks(
    w: &World,
    action: &Action,
    owner: usize,
    (repay, withdraw): (usize, usize),
    before: &Option<View>,
    out: &TxOutcome,
) {
    let m = &w.m;
    let k = |r: usize| m.keys(w.reserves[r]);
    let v = before
        .as_ref()
        .expect("a liquidated obligation's debts were priced");
    let after = neutral_view(w, owner).await.expect("still priced");
    // Left out only as dust (under the market's dust value at its last usable price), and
    // left where it was.
    let dust = Fixed::from_u64(MarketConfig::default().liquidation_dust_usd.into());
    for u in &v.unpriced {
        let i = v.obligation.find_collateral(&u.pricing.reserve).unwrap();
        let held = v.obligation.collaterals()[i].deposited_amount;
        assert!(
            u.pricing.collateral_value(held).unwrap() < dust,
            "{action:?}: a position worth more than dust was left out"
        );
        let j = after.obligation.find_collateral(&u.pricing.reserve);
        assert_eq!(
            j.map(|j| after.obligation.collaterals()[j].deposited_amount),
            Some(held),
            "{action:?}: an unpriced position was seized"
        );
    }
    // No debt is left without collateral that covers it: the liquidation that takes the last
    // counted collateral writes the rest off.
    let (counted_after, health_after) = View {
        obligation: after.obligation,
        pricing: after.pricing.clone(),
        unpriced: v.unpriced.clone(),
    }
    .counted();
    assert!(
        counted_after.collateral_count > 0 || counted_after.borrow_count == 0,
        "debt left without collateral: {action:?}"
    );
    // At neutral prices, what the liquidator receives is worth at most the repaid value x
    // (1 + the withdraw reserve's maximum bonus).
    let e = &events::decode::<Liquidated>(&out.event_data)[0];
    let received = v
        .price(&k(withdraw).address)
        .collateral_value(e.seized_collateral - e.protocol_collateral)
        .unwrap();
    let repaid = v
        .price(&k(repay).address)
        .debt_value_of(e.repaid_amount)
        .unwrap();
    let max_bonus = m
        .reserve_state(w.reserves[withdraw])
        .await
        .config
        .liquidation_bonus_max_bps;
    let cap = repaid.mul_bps_ceil(10_000 + u64::from(max_bonus)).unwrap();
    assert!(received <= cap, "{action:?}: {received} > {cap}");
    // Only an insolvent obligation (at neutral prices) is ever written off.
    let (_, health_before) = v.counted();
    if !events::decode::<BadDebtSocialized>(&out.event_data).is_empty() {
        assert!(
            health_before.collateral_value < health_before.debt_value,
            "solvent obligation written off: {action:?}"
        );
    }
    // A liquidation never lowers the health margin at the neutral prices it uses.
    assert!(
        health_after.liquidation_limit.raw() + health_before.weighted_debt_value.raw()
            >= health_before.liquidation_limit.raw() + health_after.weighted_debt_value.raw(),
        "{action:?}"
    );
}

/// Right after a write-off in reserve `r`, every holder of its cTokens redeems them all: each
/// is paid at the rate after the loss (nobody exits at the old rate), and the loss is spread
/// over every cToken (the rate fell by the debt over the supply). Returns who was paid.
pub async fn race_to_redeem(w: &World, r: usize, e: &BadDebtSocialized) -> Vec<Pubkey> {
    let (m, id) = (&w.m, w.reserves[r]);
    let k = m.keys(id);
    let supply = u128::from(m.reserve_state(id).await.liquidity.collateral_supply);
    let fall = e.exchange_rate_before_sf - e.exchange_rate_after_sf;
    let spread = fall * supply;
    assert!(
        spread.abs_diff(e.written_off_sf) <= 2 * supply,
        "loss of {} spread as {spread}",
        e.written_off_sf
    );
    let mut paid = Vec::new();
    for holder in w.holders() {
        let ctokens = m.balance(&holder.account(&k.collateral_mint())).await;
        if ctokens == 0 {
            continue;
        }
        let mut expected = m.reserve_state(id).await.liquidity;
        let rate = expected.exchange_rate().unwrap().raw();
        let expected = logic::redeem(&mut expected, ctokens);
        let wallet = holder.account(&k.liquidity_mint);
        let start = m.balance(&wallet).await;
        if m.try_redeem(holder, id, ctokens).await.is_ok() {
            let got = m.balance(&wallet).await - start;
            assert_eq!(
                Ok(got),
                expected.map_err(|_| ()),
                "redeem after a write-off"
            );
            // Paid at the rate after the loss (plus the dust earlier redeemers' rounding left
            // in the pool: well under a millionth), never at the rate before it.
            let dust = rate - e.exchange_rate_after_sf;
            assert!(dust <= e.exchange_rate_after_sf / 1_000_000, "rate {rate}");
            let (got, ctokens) = (u128::from(got), u128::from(ctokens));
            assert!(
                got * WAD <= ctokens * (rate + 1),
                "redeemed {got} for {ctokens}"
            );
            assert!(
                got * WAD < ctokens * e.exchange_rate_before_sf,
                "redeemed at the old rate"
            );
            paid.push(holder.key());
        }
    }
    paid
}

/// What must hold for each reserve at every step, given the previous step's rate and index.
pub async fn check_reserves(w: &World, previous: &mut [(Fixed, Fixed)], socialized: &[usize]) {
    let mut obligations = Vec::new();
    for u in w.holders() {
        obligations.push(w.m.obligation_state(u).await);
    }
    for (i, &id) in w.reserves.iter().enumerate() {
        let r = w.m.reserve_state(id).await;
        let k = w.m.keys(id);
        let l = &r.liquidity;
        // Vaults hold exactly what the reserve accounts for: the liquidity vault its available
        // liquidity (unclaimed protocol fees included), the fee vault what was paid or
        // collected into it and not withdrawn.
        assert_eq!(
            w.m.balance(&k.liquidity_vault()).await,
            l.available_amount,
            "liquidity vault {i}"
        );
        assert_eq!(
            w.m.balance(&k.fee_vault()).await,
            w.fee_vaults[i],
            "fee vault {i}"
        );
        assert!(
            l.protocol_fees()
                <= Fixed::from_u64(l.available_amount)
                    .checked_add(l.borrowed())
                    .unwrap()
        );
        // A stored rate that matches the pool's state is the curve's rate at it.
        if let Some(rate) = r.rate_cache.rate_at(l) {
            let utilization = l.utilization().unwrap();
            assert_eq!(
                rate,
                ballast::logic::borrow_rate_per_second(&r.config, utilization).unwrap(),
                "rate cache {i}"
            );
        }
        let pledged: u64 = obligations
            .iter()
            .flat_map(|o| o.collaterals().iter())
            .filter(|p| p.reserve == k.address)
            .map(|p| p.deposited_amount)
            .sum();
        assert_eq!(
            w.m.balance(&k.collateral_vault()).await,
            pledged + r.protocol_collateral,
            "collateral vault {i}"
        );
        assert_eq!(
            w.m.mint_supply(&k.collateral_mint()).await + r.locked_collateral,
            l.collateral_supply,
            "cToken supply {i}"
        );
        // Debts add up to what the reserve records, within rounding dust.
        let owed: u128 = obligations
            .iter()
            .flat_map(|o| o.borrows().iter())
            .filter(|p| p.reserve == k.address)
            .map(|p| p.debt(l.index()).unwrap().raw())
            .sum();
        assert!(
            owed.abs_diff(l.borrowed().raw()) <= DUST_RAW,
            "reserve {i}: obligations owe {owed}, reserve records {}",
            l.borrowed().raw()
        );
        // The exchange rate never falls but by a write-off; the index never falls.
        let (rate, index) = (l.exchange_rate().unwrap(), l.index());
        let (old_rate, old_index) = previous[i];
        assert!(index >= old_index, "index fell in reserve {i}");
        assert!(
            rate >= old_rate || socialized.contains(&i),
            "rate fell in reserve {i}: {old_rate} -> {rate}"
        );
        previous[i] = (rate, index);
        // Caps hold.
        assert!(r.outflow_in_window <= r.config.outflow_limit);
        assert_eq!(r.flash_loan_outstanding, 0);
    }
}

/// Every token of each liquidity mint is in a known account, and no mint's supply changed.
pub async fn check_conservation(w: &World, supplies: &[u64]) {
    for (i, &id) in w.reserves.iter().enumerate() {
        let k = w.m.keys(id);
        let mut held = w.m.balance(&k.liquidity_vault()).await + w.m.balance(&k.fee_vault()).await;
        for u in w.holders().chain([&w.treasury]) {
            held += w.m.balance(&u.account(&k.liquidity_mint)).await;
        }
        // The admin's seed source was emptied into the vault at listing.
        assert_eq!(w.m.mint_supply(&k.liquidity_mint).await, supplies[i]);
        assert_eq!(
            held, supplies[i],
            "tokens of reserve {i} left the known accounts"
        );
    }
}

/// The step's token movements (`before` and `after`: the accounts of `addresses`): only the
/// step's movers' wallets and its reserves' vaults changed, and what left one account entered
/// another (cTokens: or were minted or burned).
pub fn check_movements(
    w: &World,
    action: &Action,
    step: &Step,
    addresses: &[Pubkey],
    before: &[Option<Account>],
    after: &[Option<Account>],
) {
    let vaults: Vec<Pubkey> = step
        .touched
        .iter()
        .flat_map(|&r| {
            let k = w.m.keys(w.reserves[r]);
            [k.liquidity_vault(), k.fee_vault(), k.collateral_vault()]
        })
        .collect();
    let mut net: HashMap<Pubkey, i128> = HashMap::new();
    for ((address, old), new) in addresses.iter().zip(before).zip(after) {
        let (Some(old_token), Some(new_token)) = (token(old), token(new)) else {
            // A mint: its supply change is the net of its accounts'.
            if let (Some(old), Some(new)) = (mint_supply(old), mint_supply(new)) {
                *net.entry(*address).or_default() -= i128::from(new) - i128::from(old);
            }
            continue;
        };
        let delta = i128::from(new_token.2) - i128::from(old_token.2);
        if delta == 0 {
            continue;
        }
        assert!(
            step.movers.contains(&new_token.1) || vaults.contains(address),
            "{action:?} moved tokens of {address} (owner {})",
            new_token.1
        );
        *net.entry(new_token.0).or_default() += delta;
    }
    for (mint, total) in net {
        assert_eq!(total, 0, "{action:?}: mint {mint} did not balance");
    }
}

/// A token account's mint, owner and amount.
fn token(account: &Option<Account>) -> Option<(Pubkey, Pubkey, u64)> {
    let a = account.as_ref()?;
    (a.owner == anchor_spl::token::ID && a.data.len() == 165).then(|| {
        let key = |at: usize| Pubkey::try_from(&a.data[at..at + 32]).unwrap();
        let amount = u64::from_le_bytes(a.data[64..72].try_into().unwrap());
        (key(0), key(32), amount)
    })
}

/// A mint's supply.
fn mint_supply(account: &Option<Account>) -> Option<u64> {
    let a = account.as_ref()?;
    (a.owner == anchor_spl::token::ID && a.data.len() == 82)
        .then(|| u64::from_le_bytes(a.data[36..44].try_into().unwrap()))
}

/// Value an actor can take out at the current prices (in 10^-17 USD): wallets, cTokens at
/// their redeemable amount, and its obligation's equity (pledged collateral less debt rounded
/// up) when positive: an owner under water walks away from it.
pub async fn realizable_value(w: &World, user: &User) -> i128 {
    let o = w.m.obligation_state(user).await;
    let (mut wallet, mut equity): (i128, i128) = (0, 0);
    for &id in &w.reserves {
        let (k, r) = (w.m.keys(id), w.m.reserve_state(id).await);
        let price = i128::from(w.m.reserve(id).price.price);
        let scale = 10i128.pow(u32::from(r.decimals));
        let value = |units: i128| units * price * 1_000_000_000 / scale;
        let redeemable = |ctokens: u64| {
            r.liquidity
                .collateral_to_liquidity(ctokens)
                .unwrap()
                .to_floor()
                .unwrap() as i128
        };
        wallet += value(
            i128::from(w.m.balance(&user.account(&k.liquidity_mint)).await)
                + redeemable(w.m.balance(&user.account(&k.collateral_mint())).await),
        );
        let pledged = o
            .collaterals()
            .iter()
            .find(|p| p.reserve == k.address)
            .map_or(0, |p| p.deposited_amount);
        let owed = o
            .borrows()
            .iter()
            .find(|p| p.reserve == k.address)
            .map_or(0, |p| {
                p.debt(r.liquidity.index()).unwrap().to_ceil().unwrap() as i128
            });
        equity += value(redeemable(pledged) - owed);
    }
    wallet + equity.max(0)
}

/// Exchange rates and indexes at the start, and the liquidity mints' supplies.
pub async fn starting_point(w: &World) -> (Vec<(Fixed, Fixed)>, Vec<u64>) {
    let mut previous = Vec::new();
    let mut supplies = Vec::new();
    for &id in &w.reserves {
        let l = w.m.reserve_state(id).await.liquidity;
        previous.push((l.exchange_rate().unwrap(), l.index()));
        supplies.push(w.m.mint_supply(&w.m.keys(id).liquidity_mint).await);
    }
    debug_assert_eq!(previous.len(), RESERVES);
    (previous, supplies)
}

/// A borrow that lands leaves no isolated asset's debt beside another debt: an obligation with
/// several debts borrowed only while none of their reserves was isolated.
pub async fn check_isolation(w: &World, action: &Action, step: &Step) {
    let (Action::Borrow(u, _, _), true) = (action, step.ok) else {
        return;
    };
    let o = w.m.obligation_state(&w.users[*u]).await;
    if o.borrows().len() < 2 {
        return;
    }
    for b in o.borrows() {
        let id = (0..RESERVES)
            .map(|i| w.reserves[i])
            .find(|&id| w.m.keys(id).address == b.reserve)
            .expect("a known reserve");
        assert_eq!(
            w.m.reserve_state(id).await.config.isolated,
            0,
            "{action:?}: isolated debt beside another"
        );
    }
}

/// A landed e-mode move leaves every position of the obligation in a member reserve; a landed
/// pledge or borrow into an obligation in the group is into a member.
pub async fn check_emode(w: &World, action: &Action, step: &Step) {
    let (u, reserve) = match (action, step.ok) {
        (Action::Emode(u, true), true) => (*u, None),
        (Action::Supply(u, r, _) | Action::PledgeDust(u, r, _) | Action::Borrow(u, r, _), true) => {
            (*u, Some(*r))
        }
        _ => return,
    };
    let o = w.m.obligation_state(&w.users[u]).await;
    if o.emode_group == 0 {
        return;
    }
    let bit = ballast::state::emode_bit(o.emode_group);
    let keys: Vec<_> = match reserve {
        Some(r) => vec![w.m.keys(w.reserves[r]).address],
        None => o.position_reserves().copied().collect(),
    };
    for key in keys {
        let id = (0..RESERVES)
            .map(|i| w.reserves[i])
            .find(|&id| w.m.keys(id).address == key)
            .expect("a known reserve");
        let member = w.m.reserve_state(id).await.config.emode_groups & bit != 0;
        assert!(member, "{action:?}: a non-member position in e-mode");
    }
}
