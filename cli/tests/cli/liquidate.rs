//! `ballast liquidate`
use {
    crate::harness::{Harness, User, SOL, USDC},
    ballast::math::Fixed,
};

/// Bob borrows 1,100 USDC against 10 SOL at $150 (a fall to $130 puts his debt above the 80%
/// line, $1,040); Liz holds 1,000 USDC.
async fn bob_and_liz() -> (Harness, User, User) {
    let h = Harness::with_market().await;
    let (alice, bob) = (h.user("alice").await, h.user("bob").await);
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["borrow", "USDC", "1100"]).await;
    let liz = h.user("liz").await;
    h.give(&liz, h.asset_index("USDC"), 1_000 * USDC).await;
    (h, bob, liz)
}

#[tokio::test]
async fn liquidates_an_unhealthy_obligation_for_ctokens() {
    let (h, bob, liz) = bob_and_liz().await;
    let obligation = h.obligation_key(&bob.key()).to_string();
    let args = [
        "liquidate",
        obligation.as_str(),
        "--repay",
        "USDC",
        "--seize",
        "SOL",
    ];

    // Healthy: refused, nothing moves.
    let err = h.fails(&liz, &args).await;
    assert!(
        err.starts_with("transaction failed: ObligationHealthy: "),
        "{err}"
    );
    assert_eq!(h.balance(&liz.key(), "USDC").await, 1_000 * USDC);

    h.set_price(h.asset_index("SOL"), 13_000_000_000).await;
    let shown = h.json(&bob, &["obligation", "show"]).await;
    assert_eq!(shown["liquidatable"], true);
    let before = h.obligation(&bob.key()).await;
    let protocol_before = h.reserve("SOL").await.protocol_collateral;
    let out = h.ok(&liz, &args).await;
    assert!(out.contains("  - liquidate obligation "), "{out}");

    let repaid = 1_000 * USDC - h.balance(&liz.key(), "USDC").await;
    // Health 0.945 is above the full-liquidation line (0.9): the close factor, 50%, applies.
    assert_eq!(repaid, 550 * USDC);
    let index = h.reserve("USDC").await.liquidity.index();
    let after = h.obligation(&bob.key()).await;
    assert_eq!(
        after.borrows()[0].debt(index).unwrap(),
        Fixed::from_u64(550 * USDC)
    );
    // Every seized cToken went to Liz or to the protocol.
    let received = h.ctokens(&liz.key(), "SOL").await;
    let protocol = h.reserve("SOL").await.protocol_collateral - protocol_before;
    let seized = before.collaterals()[0].deposited_amount - after.collaterals()[0].deposited_amount;
    assert_eq!(seized, received + protocol);
    // $550 at $130 with a 5.45% bonus (1 - health), of which the protocol keeps 10%.
    let base = 550 * SOL / 130;
    assert!(
        received > base && received < base * 1055 / 1000,
        "{received}"
    );
    assert!(protocol > 0);
}

#[tokio::test]
async fn liquidity_payout_and_a_floor_on_what_is_received() {
    let (h, bob, liz) = bob_and_liz().await;
    h.set_price(h.asset_index("SOL"), 13_000_000_000).await;
    let obligation = h.obligation_key(&bob.key()).to_string();
    let base = [
        "liquidate",
        obligation.as_str(),
        "--repay",
        "USDC",
        "--seize",
        "SOL",
    ];

    // Asking for more than the rules give fails and changes nothing.
    let mut greedy = base.to_vec();
    greedy.extend(["--payout", "liquidity", "--min-payout", "10"]);
    let err = h.fails(&liz, &greedy).await;
    assert!(err.starts_with("transaction failed: LiquidationBelowMinimum: liquidation would pay out less than the liquidator's minimum"), "{err}");
    assert_eq!(h.balance(&liz.key(), "USDC").await, 1_000 * USDC);

    let mut paid = base.to_vec();
    paid.extend([
        "--payout",
        "liquidity",
        "--amount",
        "100",
        "--min-payout",
        "0.5",
    ]);
    h.ok(&liz, &paid).await;
    assert_eq!(h.balance(&liz.key(), "USDC").await, 900 * USDC);
    let sol = h.balance(&liz.key(), "SOL").await;
    // $100 of SOL at $130 plus a 5.45% bonus less the protocol's tenth of it.
    assert!(
        sol > 100 * SOL / 130 && sol < 100 * SOL / 130 * 1055 / 1000,
        "{sol}"
    );
    assert_eq!(h.ctokens(&liz.key(), "SOL").await, 0);
}

#[tokio::test]
async fn a_pair_the_obligation_does_not_hold_is_refused_naming_what_it_holds() {
    let (h, bob, liz) = bob_and_liz().await;
    h.set_price(h.asset_index("SOL"), 13_000_000_000).await;
    let obligation = h.obligation_key(&bob.key()).to_string();
    let pair = |repay, seize| ["liquidate", &obligation, "--repay", repay, "--seize", seize];
    // Liz holds no SOL: the pair is what is wrong, not her balance.
    let err = h.fails(&liz, &pair("SOL", "SOL")).await;
    assert_eq!(
        err,
        format!("obligation {obligation} owes no SOL (its debt: USDC)")
    );
    let err = h.fails(&liz, &pair("USDC", "USDC")).await;
    assert_eq!(
        err,
        format!("obligation {obligation} has no USDC collateral (its collateral: SOL)")
    );
    assert_eq!(h.balance(&liz.key(), "USDC").await, 1_000 * USDC);
    assert_eq!(h.obligation(&bob.key()).await.borrows().len(), 1);
}

#[tokio::test]
async fn an_amount_over_the_wallet_says_the_most_and_max_repays_up_to_the_wallet() {
    let (h, bob, liz) = bob_and_liz().await;
    h.set_price(h.asset_index("SOL"), 13_000_000_000).await;
    let obligation = h.obligation_key(&bob.key()).to_string();
    let liquidate = |amount| {
        [
            "liquidate",
            &obligation,
            "--repay",
            "USDC",
            "--seize",
            "SOL",
            "--amount",
            amount,
        ]
    };
    let wallet = |owner: &solana_sdk::pubkey::Pubkey| {
        ballast_client::spl::associated_account(owner, &h.assets[0].mint, &anchor_spl::token::ID)
    };
    // The close factor lets 550 USDC of Bob's 1,100 be repaid: less than Liz holds.
    let err = h.fails(&liz, &liquidate("2000")).await;
    assert_eq!(
        err,
        format!(
            "insufficient balance: {} holds 1,000 USDC, 2,000 USDC needed; the most this \
             liquidation can repay now is 550 USDC (--amount max repays it)",
            wallet(&liz.key())
        )
    );
    // Sam holds less than the rules allow: his balance is the most.
    let sam = h.user("sam").await;
    h.give(&sam, h.asset_index("USDC"), 100 * USDC).await;
    let err = h.fails(&sam, &liquidate("200")).await;
    assert_eq!(
        err,
        format!(
            "insufficient balance: {} holds 100 USDC, 200 USDC needed; the most --amount can \
             be is 100 USDC, the wallet's balance",
            wallet(&sam.key())
        )
    );
    assert_eq!(h.balance(&sam.key(), "USDC").await, 100 * USDC);
    // max repays what the rules allow within the wallet: all 100 of Sam's.
    h.ok(&sam, &liquidate("max")).await;
    assert_eq!(h.balance(&sam.key(), "USDC").await, 0);
    let index = h.reserve("USDC").await.liquidity.index();
    assert_eq!(
        h.obligation(&bob.key()).await.borrows()[0]
            .debt(index)
            .unwrap(),
        Fixed::from_u64(1_000 * USDC)
    );
}
