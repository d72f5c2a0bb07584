//! The world the invariant fuzz runs in, the actions it draws, and how each is run.
use {
    super::checks::{liquidation_checks, race_to_redeem},
    ballast::{
        events::{BadDebtSocialized, FlashRepaid, ProtocolFeesWithdrawn},
        instructions::{LiquidateArgs, LiquidationPayout},
        logic::Health,
        math::Fixed,
        state::{emode_bit, EmodeGroupConfig, MarketChange, ReserveChange},
    },
    ballast_client::{events, health, instructions as ix},
    ballast_tests::{specs::USD, *},
    proptest::prelude::*,
    solana_sdk::pubkey::Pubkey,
};

pub const USERS: usize = 3;
pub const RESERVES: usize = 3;
/// SOL (reserve 1) refuses collateral positions under 0.01 SOL; the others take any size.
pub const SOL_MIN_COLLATERAL: u64 = 10_000_000;
/// The market's one e-mode group.
pub const EMODE_GROUP: u8 = 1;

#[derive(Clone, Copy, Debug)]
pub enum Amount {
    /// A share of what is available to the actor, in basis points.
    Share(u16),
    /// A handful of base units: the rounding edge.
    Tiny(u8),
    Max,
}

#[derive(Clone, Copy, Debug)]
pub enum Outage {
    /// The feed stops publishing: its last price is over the reserve's max age.
    Stale,
    /// The confidence interval widens past the reserve's cap (a sell-off).
    Wide,
}

#[derive(Clone, Debug)]
pub enum Action {
    Deposit(usize, usize, Amount),
    Redeem(usize, usize, Amount),
    Supply(usize, usize, Amount),
    Withdraw(usize, usize, Amount),
    Borrow(usize, usize, Amount),
    Repay(usize, usize, Amount),
    /// A pledge of 1-9 base units (refused where the reserve has a minimum).
    PledgeDust(usize, usize, u8),
    Liquidate {
        owner: usize,
        repay: usize,
        withdraw: usize,
        amount: Amount,
        liquidity: bool,
        /// The owner liquidates himself.
        by_owner: bool,
        /// When the liquidation writes debt off, every holder of the reserve's cTokens then
        /// races to redeem them all.
        race: bool,
    },
    SocializeBadDebt(usize, usize),
    /// A user (`USERS`: the liquidator) borrows a share of a reserve's liquidity and repays it
    /// with the fee in the same transaction.
    FlashLoan(usize, usize, Amount),
    /// The admin withdraws a share of a reserve's protocol fees to the treasury.
    WithdrawFees(usize, Amount),
    /// The admin marks a reserve isolated (borrowed only as an obligation's only debt), or
    /// lifts it.
    Isolate(usize, bool),
    /// A user moves their obligation into e-mode group 1 (SOL and ETH at 85% LTV), or out.
    Emode(usize, bool),
    /// The admin adds a reserve to group 1 (as collateral and debt), or takes it out.
    EmodeMember(usize, bool),
    MovePrice(usize, i16),
    /// The EMA moves apart from the spot (a dip and its recovery).
    MoveEma(usize, i16),
    /// A feed becomes unusable; any later price move or time step publishes again.
    FeedOutage(usize, Outage),
    /// Time passes with the feeds publishing; with a keeper, the reserves are refreshed after
    /// it and through the grace period a long gap starts (else liquidations wait for it).
    AdvanceTime(u32, bool),
}

pub fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        4 => (1u16..=10_000).prop_map(Amount::Share),
        // Near the limit: borrows that later prices push under water.
        2 => (9_000u16..=10_000).prop_map(Amount::Share),
        2 => (1u8..=9).prop_map(Amount::Tiny),
        1 => Just(Amount::Max),
    ]
}

/// Actions that move no price and let no time pass (`prices_move` false), or all of them.
pub fn action(prices_move: bool) -> BoxedStrategy<Action> {
    let (u, r) = (0..USERS, 0..RESERVES);
    let lending = prop_oneof![
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Deposit(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Redeem(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Supply(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Withdraw(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Borrow(u, r, a)),
        (u.clone(), r.clone(), amount()).prop_map(|(u, r, a)| Action::Repay(u, r, a)),
    ];
    let liquidate = (
        u.clone(),
        r.clone(),
        r.clone(),
        amount(),
        any::<bool>(),
        prop::bool::weighted(0.25),
        any::<bool>(),
    )
        .prop_map(
            |(owner, repay, withdraw, amount, liquidity, by_owner, race)| Action::Liquidate {
                owner,
                repay,
                withdraw,
                amount,
                liquidity,
                by_owner,
                race,
            },
        );
    let others = prop_oneof![
        (u.clone(), r.clone(), 1u8..=9).prop_map(|(u, r, n)| Action::PledgeDust(u, r, n)),
        (u.clone(), r.clone()).prop_map(|(u, r)| Action::SocializeBadDebt(u, r)),
        (0..=USERS, r.clone(), amount()).prop_map(|(u, r, a)| Action::FlashLoan(u, r, a)),
        (r.clone(), amount()).prop_map(|(r, a)| Action::WithdrawFees(r, a)),
        (r.clone(), any::<bool>()).prop_map(|(r, on)| Action::Isolate(r, on)),
        (u.clone(), any::<bool>()).prop_map(|(u, on)| Action::Emode(u, on)),
        (r.clone(), any::<bool>()).prop_map(|(r, on)| Action::EmodeMember(r, on)),
    ];
    if !prices_move {
        return prop_oneof![12 => lending, 2 => liquidate, 3 => others].boxed();
    }
    prop_oneof![
        12 => lending,
        5 => liquidate,
        3 => others,
        4 => (r.clone(), -60i16..=20).prop_map(|(r, pct)| Action::MovePrice(r, pct)),
        2 => (r.clone(), -30i16..=30).prop_map(|(r, pct)| Action::MoveEma(r, pct)),
        2 => (r, prop_oneof![Just(Outage::Stale), Just(Outage::Wide)])
            .prop_map(|(r, o)| Action::FeedOutage(r, o)),
        1 => (1u32..=30 * 86_400, prop::bool::weighted(0.75))
            .prop_map(|(secs, keeper)| Action::AdvanceTime(secs, keeper)),
    ]
    .boxed()
}

/// `r`, or else the first reserve where `has` finds something: actions aim where they can
/// land, so most of them do.
pub fn aim(r: usize, has: impl Fn(usize) -> u64) -> (usize, u64) {
    if has(r) > 0 {
        return (r, has(r));
    }
    (0..RESERVES)
        .map(|i| (i, has(i)))
        .find(|(_, n)| *n > 0)
        .unwrap_or((r, 0))
}

/// `amount` of `available`.
pub fn scaled(available: u64, amount: Amount) -> u64 {
    match amount {
        Amount::Share(bps) => (u128::from(available) * u128::from(bps) / 10_000) as u64,
        Amount::Tiny(n) => n.into(),
        Amount::Max => u64::MAX,
    }
}

/// What a step did, for the checks after it.
pub struct Step {
    pub ok: bool,
    /// Reserves whose vaults the step may have changed.
    pub touched: Vec<usize>,
    /// Wallets whose token balances the step may have changed.
    pub movers: Vec<Pubkey>,
    /// Reserves the step wrote debt off in (their exchange rate may fall).
    pub written_off: Vec<usize>,
}

/// The world under test: a market with three reserves (one with caps, one with an outflow
/// limit and a minimum collateral position), three funded users, a liquidator and the
/// protocol's treasury.
pub struct World {
    pub m: TestMarket,
    pub reserves: Vec<ReserveId>,
    pub users: Vec<User>,
    pub liquidator: User,
    pub treasury: User,
    /// What each fee vault should hold: flash-loan fees and collected protocol fees, less
    /// what was withdrawn.
    pub fee_vaults: [u64; RESERVES],
}

impl World {
    pub async fn new() -> World {
        let (mut m, usdc, sol) = TestMarket::standard().await;
        let eth = m
            .add_reserve(ReserveSpec::sol().with_price(2_000 * USD))
            .await;
        for (reserve, change) in [
            (usdc, ReserveChange::DepositCap(40_000_000_000)),
            (usdc, ReserveChange::BorrowCap(15_000_000_000)),
            (
                sol,
                ReserveChange::OutflowLimit {
                    limit: 150_000_000_000,
                    window_secs: 86_400,
                },
            ),
            (sol, ReserveChange::MinCollateralAmount(SOL_MIN_COLLATERAL)),
        ] {
            m.try_update_reserve(reserve, change).await.unwrap();
        }
        // E-mode group 1: SOL and ETH (uncorrelated here, so its 85% LTV makes more
        // liquidations and bad debt for the invariants to watch).
        m.try_update_market(MarketChange::EmodeGroup {
            id: EMODE_GROUP,
            config: EmodeGroupConfig {
                loan_to_value_bps: 8_500,
                liquidation_threshold_bps: 8_800,
                liquidation_bonus_max_bps: 500,
                debt_restricted: 0,
                padding: 0,
            },
            ramp_secs: 0,
        })
        .await
        .unwrap();
        let bit = emode_bit(EMODE_GROUP);
        for reserve in [sol, eth] {
            let change = ReserveChange::EmodeGroups {
                member: bit,
                debt: bit,
            };
            m.try_update_reserve(reserve, change).await.unwrap();
        }
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
        let treasury = m.new_user().await;
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
            treasury,
            fee_vaults: [0; RESERVES],
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

    /// The users, then the liquidator: everyone who may hold an obligation or cTokens.
    pub fn holders(&self) -> impl Iterator<Item = &User> {
        self.users.iter().chain([&self.liquidator])
    }

    /// Every account a step may touch: reserves, their vaults and mints, obligations, wallets.
    pub fn accounts(&self) -> Vec<Pubkey> {
        let mut all = self.m.touched_accounts(&self.treasury);
        for u in self.holders() {
            all.extend(self.m.touched_accounts(u));
        }
        all.sort();
        all.dedup();
        all
    }

    async fn share(&self, account: Pubkey, amount: Amount) -> u64 {
        scaled(self.m.balance(&account).await, amount)
    }

    /// Reserve `r`'s index among the world's reserves, from its address.
    pub fn index_of(&self, address: &Pubkey) -> usize {
        (0..RESERVES)
            .find(|&i| self.m.keys(self.reserves[i]).address == *address)
            .expect("a reserve of the world")
    }

    /// What user `u` may still borrow from reserve `r` (its remaining borrow limit at spot).
    pub async fn capacity(&self, u: usize, r: usize) -> u64 {
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

    /// Runs `action` and the checks that belong to it.
    pub async fn run(&mut self, action: &Action) -> Step {
        let m = &self.m;
        let k = |r: usize| m.keys(self.reserves[r]);
        let user = |u: usize| vec![self.users[u].key()];
        let (result, touched, movers) = match *action {
            Action::Deposit(u, r, a) | Action::Supply(u, r, a) => {
                let n = self
                    .share(self.users[u].account(&k(r).liquidity_mint), a)
                    .await;
                let (user_, reserve) = (&self.users[u], self.reserves[r]);
                let out = if matches!(action, Action::Deposit(..)) {
                    m.try_deposit(user_, reserve, n).await
                } else {
                    m.try_supply(user_, reserve, n).await
                };
                (out, vec![r], user(u))
            }
            Action::Redeem(u, r, a) => {
                let mut held = [0; RESERVES];
                for (i, h) in held.iter_mut().enumerate() {
                    *h = m
                        .balance(&self.users[u].account(&k(i).collateral_mint()))
                        .await;
                }
                let (r, n) = aim(r, |i| held[i]);
                let out = m
                    .try_redeem(&self.users[u], self.reserves[r], scaled(n, a))
                    .await;
                (out, vec![r], user(u))
            }
            Action::PledgeDust(u, r, n) => {
                let out = m
                    .try_supply(&self.users[u], self.reserves[r], n.into())
                    .await;
                (out, vec![r], user(u))
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
                let out = m
                    .try_withdraw(&self.users[u], self.reserves[r], scaled(n, a))
                    .await;
                (out, vec![r], user(u))
            }
            Action::Borrow(u, r, a) => {
                let o = m.obligation_state(&self.users[u]).await;
                let (r, _) = aim(r, |i| {
                    u64::from(!o.collaterals().iter().any(|p| p.reserve == k(i).address))
                });
                let room = self.capacity(u, r).await;
                let n = scaled(room, a).min(u64::MAX - 1);
                let out = m.try_borrow(&self.users[u], self.reserves[r], n).await;
                (out, vec![r], user(u))
            }
            Action::Repay(u, r, a) => {
                let o = m.obligation_state(&self.users[u]).await;
                let owes =
                    |i: usize| u64::from(o.borrows().iter().any(|p| p.reserve == k(i).address));
                let (r, _) = aim(r, owes);
                let n = self
                    .share(self.users[u].account(&k(r).liquidity_mint), a)
                    .await;
                let out = m
                    .try_repay(&self.users[u], &self.users[u], self.reserves[r], n)
                    .await;
                (out, vec![r], user(u))
            }
            Action::Liquidate { .. } => return self.liquidate(action).await,
            Action::SocializeBadDebt(u, r) => {
                let out = m
                    .try_socialize_bad_debt(&self.users[u], self.reserves[r])
                    .await;
                let written_off = if out.is_ok() { vec![r] } else { vec![] };
                return Step {
                    ok: out.is_ok(),
                    touched: vec![r],
                    movers: vec![],
                    written_off,
                };
            }
            Action::FlashLoan(u, r, a) => {
                let borrower = self.users.get(u).unwrap_or(&self.liquidator);
                let (k, wallet) = (k(r), borrower.account(&k(r).liquidity_mint));
                let available = m.balance(&k.liquidity_vault()).await;
                let n = scaled(available, a).min(available);
                let key = borrower.key();
                let out = m
                    .send_all(
                        &[
                            ix::flash_borrow(&key, &k, &wallet, n),
                            ix::flash_repay(&key, &k, &wallet, n, 0),
                        ],
                        &borrower.keypair,
                    )
                    .await;
                if let Ok(out) = &out {
                    let repaid = &events::decode::<FlashRepaid>(&out.event_data)[0];
                    assert_eq!(repaid.amount, n);
                    self.fee_vaults[r] += repaid.fee;
                }
                (out, vec![r], vec![key])
            }
            Action::WithdrawFees(r, a) => {
                let held = m.balance(&k(r).fee_vault()).await;
                let fees = m.reserve_state(self.reserves[r]).await.liquidity;
                let n = scaled(held + fees.protocol_fees().to_floor().unwrap(), a);
                let destination = self.treasury.account(&k(r).liquidity_mint);
                let out = m
                    .try_withdraw_protocol_fees(self.reserves[r], &destination, n)
                    .await;
                if let Ok(out) = &out {
                    let e = &events::decode::<ProtocolFeesWithdrawn>(&out.event_data)[0];
                    assert!(e.amount == n || n == u64::MAX, "{action:?}: {}", e.amount);
                    self.fee_vaults[r] = self.fee_vaults[r] + e.collected - e.amount;
                }
                (out, vec![r], vec![self.treasury.key()])
            }
            Action::Isolate(r, on) => {
                let change = ballast::state::ReserveChange::Isolated(on);
                let out = m.try_update_reserve(self.reserves[r], change).await;
                (out, vec![r], Vec::new())
            }
            Action::Emode(u, on) => {
                let out = m.try_set_emode(&self.users[u], u8::from(on)).await;
                (out, Vec::new(), Vec::new())
            }
            Action::EmodeMember(r, on) => {
                let bit = if on { emode_bit(EMODE_GROUP) } else { 0 };
                let change = ReserveChange::EmodeGroups {
                    member: bit,
                    debt: bit,
                };
                let out = m.try_update_reserve(self.reserves[r], change).await;
                (out, vec![r], Vec::new())
            }
            Action::MovePrice(r, pct) => {
                let id = self.reserves[r];
                let price = (m.reserve(id).price.price as i128 * (100 + i128::from(pct)) / 100)
                    .max(1) as i64;
                self.m.set_price(id, price).await;
                return Step::quiet();
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
                return Step::quiet();
            }
            Action::FeedOutage(r, outage) => {
                let id = self.reserves[r];
                let mut price = m.reserve(id).price;
                match outage {
                    Outage::Stale => {
                        let max_age = m.reserve_state(id).await.config.oracle_max_age_secs;
                        price.publish_time = m.now().await - i64::from(max_age) - 1;
                        price.prev_publish_time = price.publish_time - 1;
                    }
                    Outage::Wide => price.conf = price.price.unsigned_abs() * 3 / 100,
                }
                self.m.set_oracle(id, price).await;
                return Step::quiet();
            }
            Action::AdvanceTime(secs, keeper) => {
                self.m.advance_time(secs.into()).await;
                if keeper {
                    for &id in &self.reserves {
                        self.m.try_refresh_reserve(id).await.unwrap();
                    }
                    let grace = self.m.market_state().await.config.oracle_grace_period_secs;
                    self.m.crank(3, i64::from(grace / 3)).await;
                }
                return Step::quiet();
            }
        };
        let ok = result.is_ok();
        if ok {
            self.after_lending(action).await;
        }
        Step {
            ok,
            touched,
            movers,
            written_off: vec![],
        }
    }

    /// What must hold after a successful lending action.
    async fn after_lending(&self, action: &Action) {
        let reserve = |r: usize| self.m.reserve_state(self.reserves[r]);
        match *action {
            // After a borrow or a withdrawal, the obligation is within its borrow limit (with
            // no debt, a withdrawal reads no price: nothing to check).
            Action::Borrow(u, ..) | Action::Withdraw(u, ..)
                if self.m.obligation_state(&self.users[u]).await.has_debt() =>
            {
                let h = health::obligation_health(&self.m.bank, &self.users[u].obligation)
                    .await
                    .unwrap()
                    .health;
                assert!(
                    h.is_within_borrow_limit(),
                    "{action:?} left the obligation past its limit"
                );
            }
            _ => {}
        }
        match *action {
            Action::Deposit(_, r, _) | Action::Supply(_, r, _) => {
                let r = reserve(r).await;
                let total = r.liquidity.total_supply().unwrap();
                assert!(
                    total.to_floor().unwrap() <= r.config.deposit_cap,
                    "{action:?}"
                );
            }
            Action::Borrow(_, r, _) => {
                let r = reserve(r).await;
                let borrowed = r.liquidity.borrowed().to_floor().unwrap();
                assert!(borrowed <= r.config.borrow_cap, "{action:?}");
            }
            _ => {}
        }
        // A pledge leaves the position at the reserve's minimum or above.
        if let Action::Supply(u, r, _) | Action::PledgeDust(u, r, _) = *action {
            let (o, state) = (
                self.m.obligation_state(&self.users[u]).await,
                reserve(r).await,
            );
            let p = o
                .collaterals()
                .iter()
                .find(|p| p.reserve == self.m.keys(self.reserves[r]).address)
                .expect("pledged");
            let value = state
                .liquidity
                .collateral_to_liquidity(p.deposited_amount)
                .unwrap();
            assert!(
                value >= Fixed::from_u64(state.config.min_collateral_amount),
                "{action:?} left a position under the minimum"
            );
        }
    }

    async fn liquidate(&mut self, action: &Action) -> Step {
        let Action::Liquidate {
            owner,
            repay,
            withdraw,
            amount,
            liquidity,
            by_owner,
            race,
        } = *action
        else {
            unreachable!()
        };
        let m = &self.m;
        let k = |r: usize| m.keys(self.reserves[r]);
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
        // Like a real liquidator, go for an obligation that is under water at the prices
        // liquidation uses, if any is.
        let mut unhealthy = [0; USERS];
        for (i, flag) in unhealthy.iter_mut().enumerate() {
            let h = health::obligation_health(&m.bank, &self.users[i].obligation).await;
            *flag = u64::from(h.is_ok_and(|h| {
                Health::for_liquidation(&h.obligation, &h.pricing)
                    .is_ok_and(|h| h.is_liquidatable())
            }));
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
        let before = super::checks::neutral_view(self, owner).await;
        let liquidator = if by_owner {
            &self.users[owner]
        } else {
            &self.liquidator
        };
        let mut movers = vec![liquidator.key()];
        let result = m
            .try_liquidate(
                liquidator,
                &self.users[owner],
                self.reserves[repay],
                self.reserves[withdraw],
                args,
            )
            .await;
        let mut written_off = Vec::new();
        if let Ok(out) = &result {
            let write_offs = events::decode::<BadDebtSocialized>(&out.event_data);
            written_off = write_offs
                .iter()
                .map(|e| self.index_of(&e.header.reserve))
                .collect();
            liquidation_checks(self, action, owner, (repay, withdraw), &before, out).await;
            if race {
                for (e, &r) in write_offs.iter().zip(&written_off) {
                    movers.extend(race_to_redeem(self, r, e).await);
                }
            }
        }
        Step {
            ok: result.is_ok(),
            touched: vec![repay, withdraw]
                .into_iter()
                .chain(written_off.iter().copied())
                .collect(),
            movers,
            written_off,
        }
    }
}

impl Step {
    /// A price move or time step: no instruction, nothing to compare.
    fn quiet() -> Step {
        Step {
            ok: true,
            touched: vec![],
            movers: vec![],
            written_off: vec![],
        }
    }
}
