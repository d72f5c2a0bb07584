//! Invariant fuzzing: random sequences of instructions, price moves, oracle outages and time
//! across three reserves and three users (plus a liquidator and the protocol's treasury), with
//! every invariant of SECURITY.md checked after each step. 32 cases of each property by
//! default; `BALLAST_FUZZ_DEPTH=N` runs N times as many. New failures are kept in
//! `invariants.regressions` and replayed first; past ones are replayed as fixed sequences
//! (`known_sequences_hold`), since a stored seed draws other actions once the strategy changes.
mod checks;
mod world;

use {
    checks::*,
    proptest::{prelude::*, test_runner::FileFailurePersistence},
    world::*,
};

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

async fn run_sequence(actions: Vec<Action>) {
    let mut w = World::new().await;
    let (mut previous, supplies) = starting_point(&w).await;
    for action in &actions {
        let accounts = w.accounts();
        let before = w.m.snapshot(&accounts).await;
        let step = w.run(action).await;
        if !step.ok {
            // A failed instruction changes nothing.
            w.m.assert_unchanged(&before, &accounts).await;
        }
        let after = w.m.snapshot(&accounts).await;
        check_movements(&w, action, &step, &accounts, &before, &after);
        check_reserves(&w, &mut previous, &step.written_off).await;
        check_conservation(&w, &supplies).await;
        check_isolation(&w, action, &step).await;
        check_emode(&w, action, &step).await;
    }
}

/// With prices fixed and no time passing, one actor's own actions (self-liquidation, flash
/// loans, dust pledges included; others' write-offs and fee withdrawals around them) never
/// leave it with more value than it started with. `shock` raises the price of what it owes
/// (SOL) first, by 0-40%: from healthy to under water.
async fn run_attacker(shock: u8, actions: Vec<Action>) {
    let mut w = World::new().await;
    // The other two users are passive lenders, so there is even more liquidity to borrow.
    for u in 1..USERS {
        for &id in &w.reserves {
            let k = w.m.keys(id);
            let n = w.m.balance(&w.users[u].account(&k.liquidity_mint)).await / 2;
            w.m.try_deposit(&w.users[u], id, n).await.unwrap();
        }
    }
    w.run(&Action::MovePrice(1, shock.into())).await;
    let start = realizable_value(&w, &w.users[0]).await;
    for action in actions {
        let acting = match action {
            Action::Deposit(_, r, a) => Action::Deposit(0, r, a),
            Action::Redeem(_, r, a) => Action::Redeem(0, r, a),
            Action::Supply(_, r, a) => Action::Supply(0, r, a),
            Action::Withdraw(_, r, a) => Action::Withdraw(0, r, a),
            Action::Borrow(_, r, a) => Action::Borrow(0, r, a),
            Action::Repay(_, r, a) => Action::Repay(0, r, a),
            Action::PledgeDust(_, r, n) => Action::PledgeDust(0, r, n),
            Action::FlashLoan(_, r, a) => Action::FlashLoan(0, r, a),
            Action::Liquidate {
                repay,
                withdraw,
                amount,
                liquidity,
                race,
                ..
            } => Action::Liquidate {
                owner: 0,
                repay,
                withdraw,
                amount,
                liquidity,
                by_owner: true,
                race,
            },
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
    #![proptest_config(config(32))]

    /// Random instructions, price moves, outages and time across 3 reserves and 3 users:
    /// every invariant after every step.
    #[test]
    fn invariants_hold_after_every_step(actions in prop::collection::vec(action(true), 10..30)) {
        block_on(run_sequence(actions));
    }

    /// Fixed prices, no time: the acting user never ends richer.
    #[test]
    fn no_actor_ends_richer_at_fixed_prices(
        shock in 0u8..=40,
        actions in prop::collection::vec(action(false), 10..30),
    ) {
        block_on(run_attacker(shock, actions));
    }
}

/// Sequences that once broke an invariant, replayed as they were drawn.
#[tokio::test]
async fn known_sequences_hold() {
    use {Action::*, Amount::*};
    let liquidate = |owner, repay, withdraw, amount, liquidity| Liquidate {
        owner,
        repay,
        withdraw,
        amount,
        liquidity,
        by_owner: false,
        race: false,
    };
    // A write-off before the liquidations that emptied the obligation; tiny redeems between.
    run_sequence(vec![
        Withdraw(0, 0, Share(9366)),
        MovePrice(2, -50),
        SocializeBadDebt(0, 0),
        Redeem(1, 2, Tiny(9)),
        MovePrice(2, -39),
        liquidate(2, 0, 0, Max, false),
        liquidate(1, 1, 1, Tiny(3), true),
        Redeem(2, 1, Tiny(6)),
        liquidate(2, 1, 2, Share(1502), true),
        liquidate(0, 1, 1, Max, false),
    ])
    .await;
    // Liquidations paid in liquidity, then supplies and withdrawals at the new prices.
    run_sequence(vec![
        MovePrice(2, 7),
        MovePrice(1, -57),
        liquidate(0, 0, 0, Share(9675), true),
        liquidate(1, 0, 2, Share(2732), true),
        Supply(1, 0, Share(9080)),
        Supply(0, 1, Share(3971)),
        Repay(1, 1, Share(457)),
        Withdraw(0, 0, Share(4300)),
        MovePrice(2, -23),
        Withdraw(1, 0, Share(9125)),
    ])
    .await;
    // User 0 owes SOL: an isolated ETH beside it is refused; lifted, ETH is lent; SOL marked
    // isolated, more ETH beside it is refused (a landing would fail the isolation check).
    run_sequence(vec![
        Isolate(2, true),
        Supply(0, 0, Share(9000)),
        Borrow(0, 2, Tiny(9)),
        Isolate(2, false),
        Borrow(0, 2, Tiny(9)),
        Isolate(1, true),
        Borrow(0, 2, Tiny(9)),
    ])
    .await;
    // User 1 holds SOL: in group 1 it borrows ETH at 85%; USDC cannot join the obligation
    // (pledged or borrowed),
    // leaving is refused while the debt needs the group; taking SOL out of the group drops it
    // to its own parameters (a landing of a non-member pledge would fail the e-mode check).
    run_sequence(vec![
        Emode(1, true),
        Borrow(1, 2, Share(9_500)),
        Supply(1, 0, Share(100)),
        Borrow(1, 0, Tiny(9)),
        Emode(1, false),
        EmodeMember(1, false),
        Supply(1, 1, Tiny(9)),
        MovePrice(1, -10),
        liquidate(1, 2, 1, Max, false),
    ])
    .await;
}
