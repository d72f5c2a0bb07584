//! E-mode groups on the bank: a staked-SOL / SOL loop at about 9x inside the group, refused
//! outside it; the attacks on membership (joining with a position outside the group, borrowing
//! or pledging what the group does not take); liquidation inside a group at the group's bonus.
use {
    ballast::{
        errors::BallastError,
        state::{emode_bit, EmodeGroupConfig, MarketChange, ReserveChange},
    },
    ballast_tests::{
        specs::{seize_all, USD},
        *,
    },
};

const GROUP: u8 = 1;
const SOL: u64 = 1_000_000_000;

/// SOL/stSOL: the correlated preset (LTV 90%, liquidation at 93%, bonus up to 2%).
fn staked_sol_group(debt_restricted: u8) -> EmodeGroupConfig {
    EmodeGroupConfig {
        debt_restricted,
        ..ballast_client::presets::correlated_group()
    }
}

struct Loop {
    m: TestMarket,
    usdc: ReserveId,
    sol: ReserveId,
    stsol: ReserveId,
    msol: ReserveId,
    user: User,
}

/// USDC (in no group); SOL with 1,000 SOL to lend, stSOL and mSOL (both $100, volatile preset:
/// LTV 75%), all three in group 1 (SOL the only debt it lists, used when `debt_restricted`); a
/// user with 90 stSOL ($9,000) pledged: $1,000 of their own and 80 SOL of loop, as a flash
/// loan or a swap loop would leave it.
async fn setup(debt_restricted: u8) -> Loop {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000_000_000).await;
    let sol = m.add_pool(ReserveSpec::sol(), 1_000 * SOL).await;
    let stsol = m
        .add_reserve(ReserveSpec {
            symbol: "stSOL",
            ..ReserveSpec::sol()
        })
        .await;
    let msol = m
        .add_pool(
            ReserveSpec {
                symbol: "mSOL",
                ..ReserveSpec::sol()
            },
            100 * SOL,
        )
        .await;
    m.try_update_market(MarketChange::EmodeGroup {
        id: GROUP,
        config: staked_sol_group(debt_restricted),
        ramp_secs: 0,
    })
    .await
    .unwrap();
    let bit = emode_bit(GROUP);
    for (reserve, debt) in [(sol, bit), (stsol, 0), (msol, 0)] {
        m.try_update_reserve(reserve, ReserveChange::EmodeGroups { member: bit, debt })
            .await
            .unwrap();
    }
    let user = m.new_user().await;
    m.fund(&user, stsol, 90 * SOL).await;
    m.try_supply(&user, stsol, 90 * SOL).await.unwrap();
    let user = m.with_accounts_for(user).await;
    Loop {
        m,
        usdc,
        sol,
        stsol,
        msol,
        user,
    }
}

#[tokio::test]
async fn a_staked_sol_loop_reaches_9x_in_the_group_and_not_outside_it() {
    let w = setup(0).await;
    let (m, user) = (&w.m, &w.user);
    // Outside the group: $9,000 x 75% = $6,750 of borrowing power, not 80 SOL ($8,008 with
    // the 0.1% fee).
    let touched = m.touched_accounts(user);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(user, w.sol, 80 * SOL).await,
        BallastError::ObligationUnhealthy
    );
    m.assert_unchanged(&before, &touched).await;
    // In it: $8,100.
    m.try_set_emode(user, GROUP).await.unwrap();
    assert_eq!(m.obligation_state(user).await.emode_group, GROUP);
    m.try_borrow(user, w.sol, 80 * SOL).await.unwrap();
    assert_eq!(
        m.balance(&user.account(&m.keys(w.sol).liquidity_mint))
            .await,
        80 * SOL
    );
    // $9,000 of stSOL on $992 of equity: 9.07x. The health the client reads is the group's.
    let h = ballast_client::health::obligation_health(&m.bank, &user.obligation)
        .await
        .unwrap()
        .health;
    assert_eq!(h.borrow_limit.to_floor().unwrap(), 8_100);
    assert_eq!(h.liquidation_limit.to_floor().unwrap(), 8_370);
    assert_eq!(h.weighted_debt_value.to_floor().unwrap(), 8_008);
    // Leaving would put the obligation over its normal limit: refused, nothing changed.
    let o = m.obligation_keys(user).await;
    m.assert_refused(
        ballast_client::instructions::set_obligation_emode(&o, 0),
        &user.keypair,
        BallastError::ObligationUnhealthy,
    )
    .await;
    // Borrowing past the group's limit is refused too: 0.92 SOL more is $8,100.09.
    assert_error!(
        m.try_borrow(user, w.sol, 920_000_000).await,
        BallastError::ObligationUnhealthy
    );
}

#[tokio::test]
async fn attack_joining_a_group_with_a_position_outside_it() {
    let w = setup(0).await;
    let (m, user) = (&w.m, &w.user);
    // A USDC position (no member) rides along: the group's LTV must not reach it.
    m.fund(user, w.usdc, 1_000_000).await;
    m.try_supply(user, w.usdc, 1_000_000).await.unwrap();
    let o = m.obligation_keys(user).await;
    m.assert_refused(
        ballast_client::instructions::set_obligation_emode(&o, GROUP),
        &user.keypair,
        BallastError::NotEmodeMember,
    )
    .await;
    // A group never configured, or past 32.
    for group in [2, 33] {
        m.assert_refused(
            ballast_client::instructions::set_obligation_emode(&o, group),
            &user.keypair,
            BallastError::EmodeGroupNotFound,
        )
        .await;
    }
}

#[tokio::test]
async fn attack_borrowing_or_pledging_what_the_group_does_not_take() {
    let w = setup(1).await;
    let (m, user) = (&w.m, &w.user);
    m.try_set_emode(user, GROUP).await.unwrap();
    let touched = m.touched_accounts(user);
    let before = m.snapshot(&touched).await;
    // mSOL is a member the debt-restricted group does not lend; USDC is no member at all.
    assert_error!(
        m.try_borrow(user, w.msol, SOL).await,
        BallastError::EmodeDebtNotAllowed
    );
    assert_error!(
        m.try_borrow(user, w.usdc, 1_000_000).await,
        BallastError::NotEmodeMember
    );
    m.assert_unchanged(&before, &touched).await;
    // Pledging outside the group is refused as well.
    m.fund(user, w.usdc, 1_000_000).await;
    let before_usdc = m.snapshot(&touched).await;
    assert_error!(
        m.try_supply(user, w.usdc, 1_000_000).await,
        BallastError::NotEmodeMember
    );
    m.assert_unchanged(&before_usdc, &touched).await;
    // SOL, the listed debt, lends.
    m.try_borrow(user, w.sol, SOL).await.unwrap();
    // Out of the group, USDC is just another asset again.
    m.try_set_emode(user, 0).await.unwrap();
    m.try_borrow(user, w.usdc, 1_000_000).await.unwrap();
}

#[tokio::test]
async fn liquidation_in_a_group_pays_the_groups_bonus() {
    let Loop {
        mut m,
        sol,
        stsol,
        user,
        ..
    } = setup(0).await;
    m.try_set_emode(&user, GROUP).await.unwrap();
    m.try_borrow(&user, sol, 80 * SOL).await.unwrap();
    // stSOL at $93: $8,370 x 93% = $7,784.10 against $8,008 of debt, health 0.972: the stSOL
    // reserve's own range would pay 5%; the group's pays 2%.
    m.set_price(stsol, 93 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, sol, 100 * SOL).await;
    let liquidator = m.with_accounts_for(liquidator).await;
    m.try_liquidate(&liquidator, &user, sol, stsol, seize_all())
        .await
        .unwrap();
    // Half the debt ($4,004: 40.04 SOL) for $4,084.08 of stSOL at $93: 43.914838709 stSOL, of
    // which the protocol keeps 10% of the bonus part (43.914838709 x 0.02 / 1.02 x 10%,
    // rounded up).
    let sol_mint = m.keys(sol).liquidity_mint;
    let cstsol = m.keys(stsol).collateral_mint();
    assert_eq!(
        m.balance(&liquidator.account(&sol_mint)).await,
        100 * SOL - 40_040_000_000
    );
    assert_eq!(
        m.balance(&liquidator.account(&cstsol)).await,
        43_914_838_709 - 86_107_527
    );
    let o = m.obligation_state(&user).await;
    assert_eq!(
        o.collaterals()[0].deposited_amount,
        90 * SOL - 43_914_838_709
    );
    assert_eq!(o.emode_group, GROUP);
}
