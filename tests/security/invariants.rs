//! Invariant fuzzing: random sequences of instructions and price moves across three reserves and
//! three users (plus a liquidator), with every invariant of SECURITY.md checked after each step.
//! Cases: 8 by default; `BALLAST_FUZZ_DEPTH=100` runs 100x as many. Failures are kept in
//! `invariants.regressions` (checked in) and replayed first.
use {
    ballast::{
        events::{BadDebtSocialized, Liquidated},
        instructions::{LiquidateArgs, LiquidationPayout},
        logic::Health,
        math::Fixed,
        state::ReserveChange,
    },
    ballast_client::{events, health},
    ballast_tests::{specs::USD, *},
    proptest::{prelude::*, test_runner::FileFailurePersistence},
    solana_sdk::pubkey::Pubkey,
};

const USERS: usize = 3;
const RESERVES: usize = 3;
/// Debt and supply may differ by rounding dust: 10^-6 of a base unit per step is far above it.
const DUST_RAW: u128 = 1_000_000_000_000;

#[derive(Clone, Copy, Debug)]
enum Amount {
    /// A share of what is available to the actor, in basis points.
    Share(u16),
    /// A handful of base units: the rounding edge.
    Tiny(u8),
    Max,
}

#[derive(Clone, Debug)]
enum Action {
    Deposit(usize, usize, Amount),
    Redeem(usize, usize, Amount),
    Supply(usize, usize, Amount),
    Withdraw(usize, usize, Amount),
    Borrow(usize, usize, Amount),
    Repay(usize, usize, Amount),
    Liquidate {
        owner: usize,
        repay: usize,
        withdraw: usize,
        amount: Amount,
        liquidity: bool,
        /// The owner liquidates himself.
        by_owner: bool,
    },
    SocializeBadDebt(usize, usize),
    MovePrice(usize, i16),
    /// The EMA moves apart from the spot (a dip and its recovery).
    MoveEma(usize, i16),
    AdvanceTime(u32),
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        4 => (1u16..=10_000).prop_map(Amount::Share),
        // Near the limit: borrows that later prices push under water.
        2 => (9_000u16..=10_000).prop_map(Amount::Share),
        2 => (1u8..=9).prop_map(Amount::Tiny),
        1 => Just(Amount::Max),
    ]
}

fn action(prices_move: bool) -> BoxedStrategy<Action> {
    let (u, r) = (0..USERS, 0..RESERVES);
    let lending = prop_oneof![
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Deposit(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Redeem(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Supply(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Withdraw(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Borrow(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Repay(u, r, a)),
    ];
    if !prices_move {
        return lending.boxed();
    }
    prop_oneof![
        12 => lending,
        2 => (u.clone(), r.clone(), r.clone(), amount(), any::<bool>(), prop::bool::weighted(0.25))
            .prop_map(|(owner, repay, withdraw, amount, liquidity, by_owner)| Action::Liquidate { owner, repay, withdraw, amount, liquidity, by_owner }),
        1 => (u, r.clone()).prop_map(|(u, r)| Action::SocializeBadDebt(u, r)),
        4 => (r.clone(), -60i16..=20).prop_map(|(r, pct)| Action::MovePrice(r, pct)),
        2 => (r, -30i16..=30).prop_map(|(r, pct)| Action::MoveEma(r, pct)),
        1 => (1u32..=30 * 86_400).prop_map(Action::AdvanceTime),
    ]
    .boxed()
}

/// `r`, or else the first reserve where `has` finds something: actions aim where they can
/// land, so most of them do.
fn aim(r: usize, has: impl Fn(usize) -> u64) -> (usize, u64) {
    if has(r) > 0 {
        return (r, has(r));
    }
    (0..RESERVES)
        .map(|i| (i, has(i)))
        .find(|(_, n)| *n > 0)
        .unwrap_or((r, 0))
}

/// `amount` of `available`.
fn scaled(available: u64, amount: Amount) -> u64 {
    match amount {
        Amount::Share(bps) => (u128::from(available) * u128::from(bps) / 10_000) as u64,
        Amount::Tiny(n) => n.into(),
        Amount::Max => u64::MAX,
    }
}

fn config(base_cases: u32) -> ProptestConfig {
    let depth: u32 = std::env::var("BALLAST_FUZZ_DEPTH")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(1);
    ProptestConfig {
        cases: base_cases * depth,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/security/invariants.regressions"
        )))),
        ..ProptestConfig::default()
    }
}

/// The world under test: a market with three reserves (one with caps and an outflow limit),
/// three funded users and a liquidator.
struct World {
    m: TestMarket,
    reserves: Vec<ReserveId>,
    users: Vec<User>,
    liquidator: User,
    /// Reserves the last step wrote debt off in (their exchange rate may fall).
    written_off: Vec<usize>,
}

impl World {
    async fn new() -> World {
        let (mut m, usdc, sol) = TestMarket::standard().await;
        let eth = m
            .add_reserve(ReserveSpec::sol().with_price(2_000 * USD))
            .await;
        m.try_update_reserve(usdc, ReserveChange::DepositCap(40_000_000_000))
            .await
            .unwrap();
        m.try_update_reserve(usdc, ReserveChange::BorrowCap(15_000_000_000))
            .await
            .unwrap();
        m.try_update_reserve(
            sol,
            ReserveChange::OutflowLimit {
                limit: 150_000_000_000,
                window_secs: 86_400,
            },
        )
        .await
        .unwrap();
        let reserves = vec![usdc, sol, eth];
        let funding = [10_000_000_000u64, 100_000_000_000, 5_000_000_000]; // $10,000 of each
        let mut users = Vec::new();
        for _ in 0..USERS {
            let user = m.new_user().await;
            for (r, amount) in reserves.iter().zip(funding) {
                m.fund(&user, *r, amount).await;
            }
            users.push(user);
        }
        let liquidator = m.new_user().await;
        for (r, amount) in reserves.iter().zip(funding) {
            m.fund(&liquidator, *r, amount * 10).await;
            // Pool liquidity to borrow from.
            m.try_deposit(&liquidator, *r, amount * 2).await.unwrap();
        }
        // Each user starts with half of one asset pledged, a different one each, and 90% of its
        // borrowing power borrowed from the next: adverse prices make liquidations.
        for (u, user) in users.iter().enumerate() {
            m.try_supply(user, reserves[u], funding[u] / 2)
                .await
                .unwrap();
        }
        let world = World {
            m,
            reserves,
            users,
            liquidator,
            written_off: Vec::new(),
        };
        for u in 0..USERS {
            let next = (u + 1) % RESERVES;
            let n = scaled(world.capacity(u, next).await, Amount::Share(9_000));
            world
                .m
                .try_borrow(&world.users[u], world.reserves[next], n)
                .await
                .unwrap();
        }
        world
    }

    /// Every account a step may touch: reserves, their vaults and mints, obligations, wallets.
    fn accounts(&self) -> Vec<Pubkey> {
        let mut all = self.m.touched_accounts(&self.liquidator);
        for u in &self.users {
            all.extend(self.m.touched_accounts(u));
        }
        all.sort();
        all.dedup();
        all
    }

    async fn share(&self, account: Pubkey, amount: Amount) -> u64 {
        scaled(self.m.balance(&account).await, amount)
    }

    /// What user `u` may still borrow from reserve `r` (its remaining borrow limit at spot).
    async fn capacity(&self, u: usize, r: usize) -> u64 {
        let Ok(h) = health::obligation_health(&self.m.bank, &self.users[u].obligation).await else {
            return 0;
        };
        let room = h
            .health
            .borrow_limit
            .saturating_sub(h.health.weighted_debt_value)
            .raw();
        let id = self.reserves[r];
        let decimals = self.m.reserve(id).spec.decimals;
        let price = self.m.reserve(id).price.price as u128; // 10^-8 USD per token
                                                            // room (10^-18 USD) / (price x 10^10 per token) x 10^decimals
        (room / (price * 10_000_000_000).max(1) * 10u128.pow(u32::from(decimals)))
            .min(u64::MAX as u128) as u64
    }

    /// Runs `action`; returns whether it succeeded and which reserves it may have changed.
    async fn run(&mut self, action: &Action) -> (bool, Vec<usize>) {
        let m = &self.m;
        let k = |r: usize| m.keys(self.reserves[r]);
        let result = match *action {
            Action::Deposit(u, r, a) => {
                let n = self
                    .share(self.users[u].account(&k(r).liquidity_mint), a)
                    .await;
                (
                    m.try_deposit(&self.users[u], self.reserves[r], n).await,
                    vec![r],
                )
            }
            Action::Redeem(u, r, a) => {
                let mut held = [0; RESERVES];
                for (i, h) in held.iter_mut().enumerate() {
                    *h = m
                        .balance(&self.users[u].account(&k(i).collateral_mint()))
                        .await;
                }
                let (r, n) = aim(r, |i| held[i]);
                (
                    m.try_redeem(&self.users[u], self.reserves[r], scaled(n, a))
                        .await,
                    vec![r],
                )
            }
            Action::Supply(u, r, a) => {
                let n = self
                    .share(self.users[u].account(&k(r).liquidity_mint), a)
                    .await;
                (
                    m.try_supply(&self.users[u], self.reserves[r], n).await,
                    vec![r],
                )
            }
            Action::Withdraw(u, r, a) => {
                let o = m.obligation_state(&self.users[u]).await;
                let pledged = |i: usize| {
                    o.collaterals()
                        .iter()
                        .find(|p| p.reserve == k(i).address)
                        .map_or(0, |p| p.deposited_amount)
                };
                let (r, n) = aim(r, pledged);
                (
                    m.try_withdraw(&self.users[u], self.reserves[r], scaled(n, a))
                        .await,
                    vec![r],
                )
            }
            Action::Borrow(u, r, a) => {
                let o = m.obligation_state(&self.users[u]).await;
                let (r, _) = aim(r, |i| {
                    u64::from(!o.collaterals().iter().any(|p| p.reserve == k(i).address))
                });
                let room = self.capacity(u, r).await;
                let n = scaled(room, a).min(u64::MAX - 1);
                (
                    m.try_borrow(&self.users[u], self.reserves[r], n).await,
                    vec![r],
                )
            }
            Action::Repay(u, r, a) => {
                let o = m.obligation_state(&self.users[u]).await;
                let owes =
                    |i: usize| u64::from(o.borrows().iter().any(|p| p.reserve == k(i).address));
                let (r, _) = aim(r, owes);
                let n = self
                    .share(self.users[u].account(&k(r).liquidity_mint), a)
                    .await;
                (
                    m.try_repay(&self.users[u], &self.users[u], self.reserves[r], n)
                        .await,
                    vec![r],
                )
            }
            Action::Liquidate {
                owner,
                repay,
                withdraw,
                amount,
                liquidity,
                by_owner,
            } => {
                let max_repay_amount = match amount {
                    Amount::Share(bps) => u64::from(bps) * 1_000_000,
                    Amount::Tiny(n) => n.into(),
                    Amount::Max => u64::MAX,
                };
                let payout = if liquidity {
                    LiquidationPayout::Liquidity
                } else {
                    LiquidationPayout::Collateral
                };
                // Like a real liquidator, go for an obligation that is under water, if any is.
                let mut unhealthy = [0; USERS];
                for (i, flag) in unhealthy.iter_mut().enumerate() {
                    let h = health::obligation_health(&m.bank, &self.users[i].obligation).await;
                    *flag = u64::from(h.is_ok_and(|h| h.health.is_liquidatable()));
                }
                let (owner, _) = aim(owner, |i| unhealthy[i]);
                let o = m.obligation_state(&self.users[owner]).await;
                let (repay, _) = aim(repay, |i| {
                    u64::from(o.borrows().iter().any(|p| p.reserve == k(i).address))
                });
                let (withdraw, _) = aim(withdraw, |i| {
                    u64::from(o.collaterals().iter().any(|p| p.reserve == k(i).address))
                });
                let args = LiquidateArgs {
                    max_repay_amount,
                    min_payout: 0,
                    payout,
                };
                let valued = health::obligation_health(&m.bank, &self.users[owner].obligation)
                    .await
                    .ok();
                let liquidator = if by_owner {
                    &self.users[owner]
                } else {
                    &self.liquidator
                };
                let result = m
                    .try_liquidate(
                        liquidator,
                        &self.users[owner],
                        self.reserves[repay],
                        self.reserves[withdraw],
                        args,
                    )
                    .await;
                if let Ok(out) = &result {
                    // The liquidation that takes the last collateral writes off the rest.
                    let written_off: Vec<usize> =
                        events::decode::<BadDebtSocialized>(&out.event_data)
                            .iter()
                            .map(|e| {
                                (0..RESERVES)
                                    .find(|&i| k(i).address == e.header.reserve)
                                    .unwrap()
                            })
                            .collect();
                    let o = m.obligation_state(&self.users[owner]).await;
                    assert!(
                        o.collateral_count > 0 || o.borrow_count == 0,
                        "debt left without collateral: {action:?}"
                    );
                    let v = valued.as_ref().expect("a liquidated obligation was priced");
                    let at_spot = |i: usize| {
                        v.pricing
                            .iter()
                            .find(|p| p.reserve == k(i).address)
                            .unwrap()
                            .at_spot()
                    };
                    // At neutral prices, what the liquidator receives is worth at most the repaid
                    // value x (1 + the withdraw reserve's maximum bonus).
                    let e = &events::decode::<Liquidated>(&out.event_data)[0];
                    let received = at_spot(withdraw)
                        .collateral_value(e.seized_collateral - e.protocol_collateral)
                        .unwrap();
                    let repaid = at_spot(repay).debt_value_of(e.repaid_amount).unwrap();
                    let max_bonus = m
                        .reserve_state(self.reserves[withdraw])
                        .await
                        .config
                        .liquidation_bonus_max_bps;
                    let cap = repaid.mul_bps_ceil(10_000 + u64::from(max_bonus)).unwrap();
                    assert!(received <= cap, "{action:?}: {received} > {cap}");
                    // Only an insolvent obligation (at neutral prices) is ever written off.
                    if !written_off.is_empty() {
                        let neutral = Health::for_liquidation(&v.obligation, &v.pricing).unwrap();
                        assert!(
                            neutral.collateral_value < neutral.debt_value,
                            "solvent obligation written off: {action:?}"
                        );
                    }
                    self.written_off = written_off;
                    // A liquidation never lowers the health margin at the neutral prices it uses
                    // (the health before and after, at spot).
                    let after = health::obligation_health(&m.bank, &self.users[owner].obligation)
                        .await
                        .unwrap();
                    let (before, after) = (
                        Health::for_liquidation(&v.obligation, &v.pricing).unwrap(),
                        Health::for_liquidation(&after.obligation, &after.pricing).unwrap(),
                    );
                    assert!(
                        after.liquidation_limit.raw() + before.weighted_debt_value.raw()
                            >= before.liquidation_limit.raw() + after.weighted_debt_value.raw(),
                        "{action:?}"
                    );
                }
                (result, vec![repay, withdraw])
            }
            Action::SocializeBadDebt(u, r) => (
                m.try_socialize_bad_debt(&self.users[u], self.reserves[r])
                    .await,
                vec![r],
            ),
            Action::MovePrice(r, pct) => {
                let id = self.reserves[r];
                let price = (m.reserve(id).price.price as i128 * (100 + i128::from(pct)) / 100)
                    .max(1) as i64;
                self.m.set_price(id, price).await;
                return (true, vec![]);
            }
            Action::MoveEma(r, pct) => {
                let id = self.reserves[r];
                let mut price = m.reserve(id).price;
                price.ema_price =
                    (price.price as i128 * (100 + i128::from(pct)) / 100).max(1) as i64;
                price.ema_conf = price.ema_price.unsigned_abs() / 1_000;
                let now = m.now().await;
                (price.publish_time, price.prev_publish_time) = (now, now - 1);
                self.m.set_oracle(id, price).await;
                return (true, vec![]);
            }
            Action::AdvanceTime(secs) => {
                self.m.advance_time(secs.into()).await;
                return (true, vec![]);
            }
        };
        let (outcome, touched) = result;
        let ok = outcome.is_ok();
        if ok {
            // After a borrow or a withdrawal, the obligation is within its borrow limit.
            if let Action::Borrow(u, ..) | Action::Withdraw(u, ..) = action {
                let h = health::obligation_health(&self.m.bank, &self.users[*u].obligation)
                    .await
                    .unwrap()
                    .health;
                assert!(
                    h.is_within_borrow_limit(),
                    "{action:?} left the obligation past its limit"
                );
            }
        }
        (ok, touched)
    }
}

/// What must hold for each reserve at every step, given the previous step's rate and index.
async fn check_reserves(w: &World, previous: &mut [(Fixed, Fixed)], socialized: &[usize]) {
    let obligations: Vec<_> = {
        let mut all = Vec::new();
        for u in w.users.iter().chain([&w.liquidator]) {
            all.push(w.m.obligation_state(u).await);
        }
        all
    };
    for (i, &id) in w.reserves.iter().enumerate() {
        let r = w.m.reserve_state(id).await;
        let k = w.m.keys(id);
        let l = &r.liquidity;
        // Vaults hold exactly what the reserve accounts for.
        assert_eq!(
            w.m.balance(&k.liquidity_vault()).await,
            l.available_amount,
            "liquidity vault {i}"
        );
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
        assert_eq!(
            w.m.balance(&k.fee_vault()).await,
            0,
            "nothing collected in the fuzz"
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
    }
}

/// Every token of each liquidity mint is in a known account, and no mint's supply changed.
async fn check_conservation(w: &World, supplies: &[u64]) {
    for (i, &id) in w.reserves.iter().enumerate() {
        let k = w.m.keys(id);
        let mut held = w.m.balance(&k.liquidity_vault()).await + w.m.balance(&k.fee_vault()).await;
        for u in w.users.iter().chain([&w.liquidator]) {
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

async fn run_sequence(actions: Vec<Action>) {
    let mut w = World::new().await;
    let mut previous = Vec::new();
    let mut supplies = Vec::new();
    for &id in &w.reserves {
        let l = w.m.reserve_state(id).await.liquidity;
        previous.push((l.exchange_rate().unwrap(), l.index()));
        supplies.push(w.m.mint_supply(&w.m.keys(id).liquidity_mint).await);
    }
    for action in &actions {
        let accounts = w.accounts();
        let before = w.m.snapshot(&accounts).await;
        let (ok, touched) = w.run(action).await;
        if !ok {
            // A failed instruction changes nothing.
            w.m.assert_unchanged(&before, &accounts).await;
        }
        let after = w.m.snapshot(&accounts).await;
        // Vaults of reserves the step did not name do not change.
        for (i, &id) in w
            .reserves
            .iter()
            .enumerate()
            .filter(|(i, _)| !touched.contains(i))
        {
            let k = w.m.keys(id);
            for vault in [k.liquidity_vault(), k.collateral_vault(), k.fee_vault()] {
                let at = accounts.binary_search(&vault).unwrap();
                assert_eq!(
                    before[at], after[at],
                    "{action:?} changed reserve {i}'s vault"
                );
            }
        }
        let socialized = match action {
            Action::SocializeBadDebt(_, r) if ok => vec![*r],
            _ => std::mem::take(&mut w.written_off),
        };
        check_reserves(&w, &mut previous, &socialized).await;
        check_conservation(&w, &supplies).await;
    }
}

/// Value an actor can take out at the current prices (in 10^-17 USD): wallets, cTokens at
/// their redeemable amount, pledged collateral likewise, minus debt rounded up.
async fn realizable_value(w: &World, user: &User) -> i128 {
    let o = w.m.obligation_state(user).await;
    let mut value: i128 = 0;
    for &id in &w.reserves {
        let (k, r) = (w.m.keys(id), w.m.reserve_state(id).await);
        let price = i128::from(w.m.reserve(id).price.price);
        let scale = 10i128.pow(u32::from(r.decimals));
        let ctokens = w.m.balance(&user.account(&k.collateral_mint())).await
            + o.collaterals()
                .iter()
                .find(|p| p.reserve == k.address)
                .map_or(0, |p| p.deposited_amount);
        let units = i128::from(w.m.balance(&user.account(&k.liquidity_mint)).await)
            + r.liquidity
                .collateral_to_liquidity(ctokens)
                .unwrap()
                .to_floor()
                .unwrap() as i128
            - o.borrows()
                .iter()
                .find(|p| p.reserve == k.address)
                .map_or(0, |p| {
                    p.debt(r.liquidity.index()).unwrap().to_ceil().unwrap() as i128
                });
        value += units * price * 1_000_000_000 / scale;
    }
    value
}

/// With prices fixed and no time passing, one actor's own actions never leave it with more
/// value than it started with, whatever it does.
async fn run_attacker(actions: Vec<Action>) {
    let w = World::new().await;
    // The other two users are passive lenders, so there is even more liquidity to borrow.
    for u in 1..USERS {
        for &id in &w.reserves {
            let k = w.m.keys(id);
            let n = w.m.balance(&w.users[u].account(&k.liquidity_mint)).await / 2;
            w.m.try_deposit(&w.users[u], id, n).await.unwrap();
        }
    }
    let mut w = w;
    let start = realizable_value(&w, &w.users[0]).await;
    for action in actions {
        let acting = match action {
            Action::Deposit(_, r, a) => Action::Deposit(0, r, a),
            Action::Redeem(_, r, a) => Action::Redeem(0, r, a),
            Action::Supply(_, r, a) => Action::Supply(0, r, a),
            Action::Withdraw(_, r, a) => Action::Withdraw(0, r, a),
            Action::Borrow(_, r, a) => Action::Borrow(0, r, a),
            Action::Repay(_, r, a) => Action::Repay(0, r, a),
            other => other,
        };
        w.run(&acting).await;
        let now = realizable_value(&w, &w.users[0]).await;
        assert!(
            now <= start,
            "{acting:?}: the actor went from {start} to {now}"
        );
    }
}

fn block_on(future: impl std::future::Future<Output = ()>) {
    tokio::runtime::Runtime::new().unwrap().block_on(future)
}

proptest! {
    #![proptest_config(config(8))]

    /// Random instructions, price moves and time across 3 reserves and 3 users: every
    /// invariant after every step.
    #[test]
    fn invariants_hold_after_every_step(actions in prop::collection::vec(action(true), 10..30)) {
        block_on(run_sequence(actions));
    }

    /// Fixed prices, no time: the acting user never ends richer.
    #[test]
    fn no_actor_ends_richer_at_fixed_prices(actions in prop::collection::vec(action(false), 10..30)) {
        block_on(run_attacker(actions));
    }
}
