//! The compute-unit scenario: every instruction's happy path and an error path, run natively on
//! the bank and recorded (accounts before, transaction, clock, result) so that the `cu_bench`
//! example can replay each on the SBF build and compare.
mod live;

pub use live::{live_cases, live_name, LIVE_CASES, LIVE_GAPS};

use {
    crate::{budgets::MaxPositions, ReserveId, ReserveSpec, TestMarket, User},
    ballast::{
        constants::MAX_POSITIONS,
        instructions::{InitMarketArgs, InitReserveArgs},
        state::{MarketChange, MarketConfig, ReserveChange},
    },
    ballast_client::{instructions as ix, ReserveKeys},
    ballast_testkit::bank::Recorded,
    solana_sdk::{signature::Keypair, signer::Signer},
};

/// Compute-unit budgets (case name, most CU), checked by `cu_bench --check`.
pub const BUDGETS: &[(&str, u64)] = &[
    ("deposit", 15_000),
    ("borrow (4 positions)", 30_000),
    ("borrow (4 positions, e-mode)", 30_000),
    ("borrow (4 positions, second source)", 30_000),
    ("liquidate (10 positions)", 60_000),
    ("refresh_reserve", 5_000),
];

/// Cases that end differently natively than on SBF, and why; the benchmark reports them as
/// known instead of failing.
pub const NATIVE_ONLY_DIFFERENCES: &[(&str, &str)] = &[
    (
        "init_market: exists (error)",
        "natively, solana-program-test reports the System program's AccountAlreadyInUse under \
         an Anchor CPI as InvalidInstructionData; on chain it is Custom(0)",
    ),
    (
        "init_obligation: exists (error)",
        "the same: AccountAlreadyInUse, Custom(0), on chain",
    ),
];

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// Runs `$action` with the bank recording its Ballast transaction as `$name`; the result is
/// ignored here: `Recorded::result` keeps it, and the scenario test checks it.
macro_rules! record {
    ($m:expr, $name:expr, $action:expr) => {{
        $m.bank.record_next($name).await;
        let _ = $action;
    }};
}
use record;

/// Runs every case; returns them in order.
pub async fn scenario() -> Vec<Recorded> {
    let mut recorded = admin_cases().await;
    recorded.extend(lending_cases().await);
    recorded.extend(position_cases().await);
    recorded
}

async fn admin_cases() -> Vec<Recorded> {
    let mut m = TestMarket::new().await;
    let stranger = Keypair::new();
    let init = || {
        ix::init_market(
            &m.payer.pubkey(),
            InitMarketArgs {
                market_id: 42,
                admin: m.admin.pubkey(),
                config: MarketConfig::default(),
            },
        )
    };
    record!(m, "init_market", m.send(init(), &m.payer).await);
    record!(
        m,
        "init_market: exists (error)",
        m.send(init(), &m.payer).await
    );
    record!(
        m,
        "update_market",
        m.try_update_market(MarketChange::CloseFactorBps(4_000))
            .await
    );
    let not_admin = ix::update_market(
        &stranger.pubkey(),
        &m.market,
        MarketChange::CloseFactorBps(1),
    );
    record!(
        m,
        "update_market: not the admin (error)",
        m.send(not_admin, &stranger).await
    );
    record!(m, "set_pause", m.try_set_pause(&m.admin, true).await);
    record!(
        m,
        "set_pause: not an authority (error)",
        m.try_set_pause(&stranger, true).await
    );
    let _ = m.try_set_pause(&m.admin, false).await;
    let heir = Keypair::new();
    let usurp = ix::transfer_admin(&stranger.pubkey(), &m.market, &stranger.pubkey());
    record!(
        m,
        "transfer_admin: not the admin (error)",
        m.send(usurp, &stranger).await
    );
    let transfer = ix::transfer_admin(&m.admin.pubkey(), &m.market, &heir.pubkey());
    record!(m, "transfer_admin", m.send(transfer, &m.admin).await);
    let wrong = ix::accept_admin(&stranger.pubkey(), &m.market);
    record!(
        m,
        "accept_admin: not the pending admin (error)",
        m.send(wrong, &stranger).await
    );
    record!(
        m,
        "accept_admin",
        m.send(ix::accept_admin(&heir.pubkey(), &m.market), &heir)
            .await
    );
    // Hand the market back for the cases below.
    let back = ix::transfer_admin(&heir.pubkey(), &m.market, &m.admin.pubkey());
    m.send(back, &heir).await.expect("transfer back");
    m.send(ix::accept_admin(&m.admin.pubkey(), &m.market), &m.admin)
        .await
        .expect("accept back");

    m.bank.record_next("init_reserve").await;
    let usdc = m.add_reserve(ReserveSpec::usdc()).await;
    let tiny = InitReserveArgs {
        config: ReserveSpec::usdc().config,
        oracle_sources: Vec::new(),
        max_divergence_bps: 0,
        seed_amount: 1,
    };
    record!(
        m,
        "init_reserve: seed too small (error)",
        m.try_add_reserve(ReserveSpec::usdc(), tiny).await
    );
    record!(
        m,
        "update_reserve",
        m.try_update_reserve(usdc, ReserveChange::BorrowFeeBps(5))
            .await
    );
    record!(
        m,
        "update_reserve: invalid config (error)",
        m.try_update_reserve(usdc, ReserveChange::BorrowFactorBps(9_000))
            .await
    );

    // Protocol fees: a borrow, a year of interest.
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let (lender, borrower) = (m.new_user().await, m.new_user().await);
    m.fund(&lender, usdc, 10_000 * USDC).await;
    m.try_deposit(&lender, usdc, 10_000 * USDC)
        .await
        .expect("deposit");
    m.fund(&borrower, sol, 10 * SOL).await;
    m.try_supply(&borrower, sol, 10 * SOL)
        .await
        .expect("supply");
    m.try_borrow(&borrower, usdc, 500 * USDC)
        .await
        .expect("borrow");
    m.advance_time(365 * 86_400).await;
    m.try_refresh_reserve(usdc).await.expect("refresh");
    let to = lender.account(&m.keys(usdc).liquidity_mint);
    record!(
        m,
        "withdraw_protocol_fees",
        m.try_withdraw_protocol_fees(usdc, &to, 1_000).await
    );
    record!(
        m,
        "withdraw_protocol_fees: more than earned (error)",
        m.try_withdraw_protocol_fees(usdc, &to, 1_000_000 * USDC)
            .await
    );
    m.bank.take_recorded().await
}

async fn lending_cases() -> Vec<Recorded> {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    m.bank.record_next("init_obligation").await;
    let lender = m.new_user().await;
    let again = ix::init_obligation(
        &m.payer.pubkey(),
        &ballast_client::ObligationKeys::new(m.market, lender.key(), 0),
        0,
    );
    record!(
        m,
        "init_obligation: exists (error)",
        m.send(again, &lender.keypair).await
    );
    m.fund(&lender, usdc, 10_000 * USDC).await;
    record!(
        m,
        "deposit",
        m.try_deposit(&lender, usdc, 10_000 * USDC).await
    );
    record!(
        m,
        "deposit: zero (error)",
        m.try_deposit(&lender, usdc, 0).await
    );
    record!(m, "redeem", m.try_redeem(&lender, usdc, 1_000 * USDC).await);
    record!(
        m,
        "redeem: zero (error)",
        m.try_redeem(&lender, usdc, 0).await
    );
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 20 * SOL).await;
    record!(
        m,
        "supply (1 position)",
        m.try_supply(&borrower, sol, 10 * SOL).await
    );
    record!(
        m,
        "supply: zero (error)",
        m.try_supply(&borrower, sol, 0).await
    );
    m.try_deposit(&borrower, sol, 5 * SOL)
        .await
        .expect("deposit sol");
    record!(
        m,
        "deposit_collateral",
        m.try_deposit_collateral(&borrower, sol, SOL).await
    );
    record!(
        m,
        "deposit_collateral: zero (error)",
        m.try_deposit_collateral(&borrower, sol, 0).await
    );
    record!(
        m,
        "withdraw (1 position)",
        m.try_withdraw(&borrower, sol, SOL).await
    );
    // 10 SOL at $100 and 75% LTV: $750 of borrowing power.
    record!(
        m,
        "borrow (1 position)",
        m.try_borrow(&borrower, usdc, 500 * USDC).await
    );
    record!(
        m,
        "borrow: over the limit (error)",
        m.try_borrow(&borrower, usdc, 500 * USDC).await
    );
    record!(
        m,
        "withdraw_collateral",
        m.try_withdraw_collateral(&borrower, sol, SOL / 10).await
    );
    record!(
        m,
        "withdraw_collateral: unhealthy (error)",
        m.try_withdraw_collateral(&borrower, sol, 9 * SOL).await
    );
    record!(
        m,
        "withdraw: unhealthy (error)",
        m.try_withdraw(&borrower, sol, 9 * SOL).await
    );
    record!(
        m,
        "repay",
        m.try_repay(&borrower, &borrower, usdc, 100 * USDC).await
    );
    record!(
        m,
        "repay: zero (error)",
        m.try_repay(&borrower, &borrower, usdc, 0).await
    );
    m.advance_time(3_600).await;
    record!(
        m,
        "refresh_reserve (1 hour of interest)",
        m.try_refresh_reserve(usdc).await
    );
    // A keeper's cadence: the next slot or so.
    m.advance_time(1).await;
    record!(m, "refresh_reserve", m.try_refresh_reserve(usdc).await);
    let wrong_oracle = ReserveKeys {
        prices: m.keys(sol).prices,
        ..m.keys(usdc)
    };
    record!(
        m,
        "refresh_reserve: wrong oracle (error)",
        m.send(ix::refresh_reserve(&wrong_oracle), &m.payer).await
    );
    flash_cases(&m, usdc, &lender).await;
    bad_debt_cases(&mut m, usdc, &borrower).await;
    let (empty, holder) = (m.new_user().await, m.new_user().await);
    m.fund(&holder, usdc, USDC).await;
    m.try_supply(&holder, usdc, USDC).await.expect("supply");
    record!(
        m,
        "close_obligation: not empty (error)",
        m.try_close_obligation(&holder).await
    );
    record!(m, "close_obligation", m.try_close_obligation(&empty).await);
    m.bank.take_recorded().await
}

async fn flash_cases(m: &TestMarket, usdc: ReserveId, user: &User) {
    let k = m.keys(usdc);
    let account = user.account(&k.liquidity_mint);
    let amount = 1_000 * USDC;
    let borrow = ix::flash_borrow(&user.key(), &k, &account, amount);
    let repay = ix::flash_repay(&user.key(), &k, &account, amount, 0);
    m.bank.record_next("flash_borrow + flash_repay").await;
    let _ = m
        .send_signed(&[borrow.clone(), repay], &[&user.keypair])
        .await;
    m.bank.record_next("flash_borrow: no repay (error)").await;
    let _ = m.send_signed(&[borrow], &[&user.keypair]).await;
    let lone_repay = ix::flash_repay(&user.key(), &k, &account, amount, 0);
    m.bank.record_next("flash_repay: no borrow (error)").await;
    let _ = m.send_signed(&[lone_repay], &[&user.keypair]).await;
}

/// The borrower's debt outlives its collateral (a state only code before the same-instruction
/// write-off could leave): write it off.
async fn bad_debt_cases(m: &mut TestMarket, usdc: ReserveId, borrower: &User) {
    record!(
        m,
        "socialize_bad_debt: collateral left (error)",
        m.try_socialize_bad_debt(borrower, usdc).await
    );
    m.strip_collateral(borrower).await;
    record!(
        m,
        "socialize_bad_debt",
        m.try_socialize_bad_debt(borrower, usdc).await
    );
}

/// Supply, borrow, withdraw with 4 and 10 positions; liquidate with 10.
async fn position_cases() -> Vec<Recorded> {
    let mut max = MaxPositions::new().await;
    assert_eq!(max.collateral.len() + max.debt.len(), MAX_POSITIONS);
    let m = &max.market;
    // A second user with 3 collateral positions and 1 debt.
    let four = m.new_user().await;
    for &r in &max.collateral[..3] {
        m.fund(&four, r, 1_000_000_000).await;
        m.try_supply(&four, r, 1_000_000_000).await.expect("supply");
    }
    let (c0, d0, last) = (
        max.collateral[0],
        max.debt[0],
        *max.debt.last().expect("debt"),
    );
    m.try_borrow(&four, d0, 1_000_000).await.expect("borrow");
    let emode = max.four_in_emode().await;
    let sourced = max.four_with_fallbacks().await;
    let sourced_debt = max.fallback_debt.expect("made");
    let m = &max.market;
    m.fund(&four, c0, 1_000_000).await;
    m.fund(&max.user, c0, 1_000_000).await;
    record!(
        m,
        "supply (4 positions)",
        m.try_supply(&four, c0, 1_000_000).await
    );
    record!(
        m,
        "borrow (4 positions)",
        m.try_borrow(&four, d0, 1_000_000).await
    );
    record!(
        m,
        "borrow (4 positions, e-mode)",
        m.try_borrow(&emode, d0, 1_000_000).await
    );
    record!(
        m,
        "borrow (4 positions, second source)",
        m.try_borrow(&sourced, sourced_debt, 1_000_000).await
    );
    record!(
        m,
        "withdraw (4 positions)",
        m.try_withdraw(&four, c0, 1_000_000).await
    );
    record!(
        m,
        "supply (10 positions)",
        m.try_supply(&max.user, c0, 1_000_000).await
    );
    record!(
        m,
        "borrow (10 positions)",
        m.try_borrow(&max.user, last, 1_000_000).await
    );
    record!(
        m,
        "withdraw (10 positions)",
        m.try_withdraw(&max.user, c0, 1_000_000).await
    );
    let early = m.new_user().await;
    m.fund(&early, last, 10_000_000).await;
    record!(
        m,
        "liquidate: healthy (error)",
        m.try_liquidate(&early, &max.user, last, c0, crate::specs::seize_all())
            .await
    );
    let liquidator = max.make_liquidatable().await;
    let m = &max.market;
    record!(
        m,
        "liquidate (10 positions)",
        m.try_liquidate(&liquidator, &max.user, last, c0, crate::specs::seize_all())
            .await
    );
    source_cases(
        &mut max.market,
        &max.fallback_reserves,
        &sourced,
        sourced_debt,
    )
    .await;
    max.market.bank.take_recorded().await
}

/// The fallback taking over in a crank (its event checked on SBF), and the second-source
/// borrow again with the sources no longer compared: the difference is what reading the four
/// second sources costs.
async fn source_cases(m: &mut TestMarket, reserves: &[ReserveId], user: &User, debt: ReserveId) {
    let r = reserves[0];
    let now = m.now().await;
    let mut stale = m.reserve(r).price;
    (stale.publish_time, stale.prev_publish_time) = (now - 61, now - 62);
    let primary = m.keys(r).oracle();
    m.bank.set_account(&primary, stale.account()).await;
    record!(
        m,
        "refresh_reserve (fallback takes over)",
        m.try_refresh_reserve(r).await
    );
    let fresh = m.reserve(r).price;
    m.set_oracle(r, fresh).await;
    for &reserve in reserves {
        let sources = m.reserve_state(reserve).await.oracles;
        m.try_set_sources(reserve, sources.configured().to_vec(), 0)
            .await
            .expect("unchecked");
    }
    record!(
        m,
        "borrow (4 positions, second source, not compared)",
        m.try_borrow(user, debt, 1_000_000).await
    );
}

/// The source changes (`previous`, `source`) a case must log, checked on the SBF build (the
/// native bank keeps no logs).
pub const SOURCE_CHANGES: &[(&str, (u8, u8))] =
    &[("refresh_reserve (fallback takes over)", (0, 1))];

/// The native outcome as the runtime prints it: `ok`, or the transaction error.
pub fn outcome(result: &Result<(), solana_sdk::transaction::TransactionError>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(e) => format!("{e:?}"),
    }
}
