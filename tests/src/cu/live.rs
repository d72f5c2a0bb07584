//! The live cases: the budgeted instructions on a market where every position's reserve has
//! borrowers and has not been written for a while, so every reserve an instruction reads or
//! writes does its interest work. Each case runs after each of `LIVE_GAPS` since the last
//! write of every reserve (a keeper refreshed them all; the feeds kept publishing).
use {
    super::record,
    crate::{budgets::MaxPositions, specs::seize_all, ReserveId, TestMarket, User},
    ballast::state::MarketChange,
    ballast_testkit::bank::Recorded,
};

/// Seconds since every reserve's last write before each live case: a keeper's next slot, a
/// quiet minute, an idle hour.
pub const LIVE_GAPS: [i64; 3] = [1, 60, 3_600];

/// The instructions measured live, as named in the best-case table.
pub const LIVE_CASES: &[&str] = &[
    "deposit",
    "redeem",
    "refresh_reserve",
    "repay",
    "supply (10 positions)",
    "borrow (4 positions)",
    "borrow (4 positions, e-mode)",
    "borrow (4 positions, second source)",
    "borrow (10 positions)",
    "withdraw (10 positions)",
    "liquidate (10 positions)",
];

/// The name a live case is recorded under: `borrow (4 positions), live +60 s`.
pub fn live_name(case: &str, gap: i64) -> String {
    format!("{case}, live +{gap} s")
}

/// 10 reserves (8 collateral and 2 debt positions of three maximal obligations), each with
/// borrowers at 25-50% utilization, and a 4-position obligation beside them.
struct LiveMarket {
    max: MaxPositions,
    /// With `max.user`, one maximal obligation per gap, each liquidated once.
    others: Vec<User>,
    four: User,
    /// `four`'s twin in e-mode group 1 (every reserve a member).
    four_emode: User,
    /// A 4-position obligation in 4 reserves of its own, each with a second price source.
    four_sourced: User,
}

const UNIT: u64 = 1_000_000;

async fn live_market() -> LiveMarket {
    let mut max = MaxPositions::new().await;
    // A reserve unwritten for longer than the outage threshold (10 minutes by default) makes
    // the next liquidation wait the grace period, unless a keeper refreshed it; this market
    // counts only gaps over 2 hours, so the idle hour can be measured.
    max.market
        .try_update_market(MarketChange::OracleOutageThresholdSecs(7_200))
        .await
        .expect("threshold");
    let mut others = Vec::new();
    for _ in 1..LIVE_GAPS.len() {
        others.push(max.another_user().await);
    }
    let m = &max.market;
    let (c, d) = (&max.collateral, &max.debt);
    // 3 collateral, 1 debt: the budget's 4-position borrow.
    let four = m.new_user().await;
    for &r in &c[..3] {
        supply(m, &four, r, 1_000 * UNIT).await;
    }
    m.try_borrow(&four, d[0], UNIT).await.expect("borrow");
    let four_emode = max.four_in_emode().await;
    let four_sourced = max.four_with_fallbacks().await;
    let m = &max.market;
    let (c, d) = (&max.collateral, &max.debt);
    // Two background borrowers: each pledges in one debt reserve and borrows 1,500 units from
    // half the collateral reserves (3,000-4,000 supplied) and 15,000 from the other debt
    // reserve.
    let (a, b) = (m.new_user().await, m.new_user().await);
    supply(m, &a, d[0], 40_000 * UNIT).await;
    supply(m, &b, d[1], 30_000 * UNIT).await;
    for (who, own, other) in [(&a, &c[..4], d[1]), (&b, &c[4..], d[0])] {
        for &r in own {
            m.try_borrow(who, r, 1_500 * UNIT).await.expect("borrow");
        }
        m.try_borrow(who, other, 15_000 * UNIT)
            .await
            .expect("borrow");
    }
    LiveMarket {
        max,
        others,
        four,
        four_emode,
        four_sourced,
    }
}

/// `$action` recorded as the live case `$name` after `$gap` idle seconds (see `idle`).
macro_rules! live {
    ($m:expr, $gap:expr, $name:expr, $action:expr) => {{
        idle($m, $gap).await;
        record!($m, &live_name($name, $gap), $action);
    }};
}

/// A keeper refreshes every reserve, then `gap` seconds pass: every reserve was last written
/// exactly `gap` ago.
async fn idle(m: &mut TestMarket, gap: i64) {
    for i in 0..m.reserves.len() {
        m.try_refresh_reserve(ReserveId(i)).await.expect("refresh");
    }
    m.advance_time(gap).await;
}

async fn supply(m: &TestMarket, user: &User, reserve: ReserveId, amount: u64) {
    m.fund(user, reserve, amount).await;
    m.try_supply(user, reserve, amount).await.expect("supply");
}

/// Every live case after every gap, in order (the liquidations last: they need the collateral
/// prices crashed).
pub async fn live_cases() -> Vec<Recorded> {
    let LiveMarket {
        mut max,
        others,
        four,
        four_emode,
        four_sourced,
    } = live_market().await;
    let sourced_debt = max.fallback_debt.expect("made");
    let (c0, d0, d1) = (max.collateral[0], max.debt[0], max.debt[1]);
    for (i, gap) in LIVE_GAPS.into_iter().enumerate() {
        // Amounts differ per gap, so no two transactions are the same.
        let n = UNIT + i as u64;
        let (m, lender, user) = (&mut max.market, &max.lender, &max.user);
        m.fund(lender, c0, n).await;
        m.fund(user, c0, n).await;
        live!(m, gap, "deposit", m.try_deposit(lender, c0, n).await);
        live!(m, gap, "redeem", m.try_redeem(lender, d0, n).await);
        live!(m, gap, "refresh_reserve", m.try_refresh_reserve(c0).await);
        live!(m, gap, "repay", m.try_repay(user, user, d1, n / 2).await);
        live!(
            m,
            gap,
            "supply (10 positions)",
            m.try_supply(user, c0, n).await
        );
        live!(
            m,
            gap,
            "borrow (4 positions)",
            m.try_borrow(&four, d0, n).await
        );
        live!(
            m,
            gap,
            "borrow (4 positions, e-mode)",
            m.try_borrow(&four_emode, d0, n).await
        );
        live!(
            m,
            gap,
            "borrow (4 positions, second source)",
            m.try_borrow(&four_sourced, sourced_debt, n).await
        );
        live!(
            m,
            gap,
            "borrow (10 positions)",
            m.try_borrow(user, d1, n).await
        );
        live!(
            m,
            gap,
            "withdraw (10 positions)",
            m.try_withdraw(user, c0, n).await
        );
    }
    let liquidator = max.make_liquidatable().await;
    let m = &mut max.market;
    let owners = std::iter::once(&max.user).chain(&others);
    for (gap, owner) in LIVE_GAPS.into_iter().zip(owners) {
        live!(
            m,
            gap,
            "liquidate (10 positions)",
            m.try_liquidate(&liquidator, owner, d1, c0, seize_all())
                .await
        );
    }
    m.bank.take_recorded().await
}
