//! Bad input gets a clear message and changes nothing.
use {
    crate::harness::{Harness, User, SOL, USDC},
    ballast_client::spl,
    solana_sdk::pubkey::Pubkey,
};

/// Alice holds 100 USDC and 1 SOL; nothing deposited yet.
async fn alice() -> (Harness, User) {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, h.asset_index("USDC"), 100 * USDC).await;
    h.give(&alice, h.asset_index("SOL"), SOL).await;
    (h, alice)
}

/// Alice's wallets and the USDC pool are as `alice()` left them.
async fn unchanged(h: &Harness, alice: &User) {
    assert_eq!(h.balance(&alice.key(), "USDC").await, 100 * USDC);
    assert_eq!(h.balance(&alice.key(), "SOL").await, SOL);
    assert_eq!(h.ctokens(&alice.key(), "USDC").await, 0);
    assert_eq!(h.reserve("USDC").await.liquidity.available_amount, USDC);
}

#[tokio::test]
async fn malformed_amounts_are_refused_before_anything_is_sent() {
    let (h, alice) = alice().await;
    for bad in ["1.2.3", "abc", "1e3", ".5", "1,5"] {
        let err = h.fails(&alice, &["deposit", "USDC", bad]).await;
        assert!(
            err.contains(&format!(
                "malformed amount {bad:?}: expected token units like 1.5 or 1_000, or max"
            )),
            "{err}"
        );
    }
    let err = h.fails(&alice, &["deposit", "USDC", "0.0000001"]).await;
    assert_eq!(err, "amount 0.0000001 has more decimals than the mint's 6");
    let err = h.fails(&alice, &["deposit", "USDC", "0"]).await;
    assert_eq!(err, "amount must be greater than zero");
    // `borrow max` needs an obligation to borrow against.
    let err = h.fails(&alice, &["borrow", "USDC", "max"]).await;
    assert_eq!(
        err,
        format!(
            "obligation {} not found (create it with `ballast obligation create`)",
            h.obligation_key(&alice.key())
        )
    );
    unchanged(&h, &alice).await;
}

#[tokio::test]
async fn unknown_reserves_are_named_in_the_error() {
    let (h, alice) = alice().await;
    let market = h.market.unwrap();
    let err = h.fails(&alice, &["deposit", "DOGE", "1"]).await;
    assert_eq!(
        err,
        format!(
            "unknown reserve DOGE: not a reserve, a listed mint or a mint label of market {market}"
        )
    );
    let stranger = Pubkey::new_unique().to_string();
    let err = h.fails(&alice, &["supply", &stranger, "1"]).await;
    assert_eq!(
        err,
        format!("unknown reserve {stranger}: not a reserve, a listed mint or a mint label of market {market}")
    );
    unchanged(&h, &alice).await;
}

#[tokio::test]
async fn a_missing_keypair_file_is_reported() {
    let (h, alice) = alice().await;
    let ghost = User {
        keypair: solana_sdk::signature::Keypair::new(),
        path: alice.path.with_file_name("nobody.json"),
    };
    let err = h.fails(&ghost, &["deposit", "USDC", "1"]).await;
    assert!(
        err.starts_with(&format!(
            "cannot read keypair file {}: ",
            ghost.path.display()
        )),
        "{err}"
    );
    unchanged(&h, &alice).await;
}

#[tokio::test]
async fn a_market_missing_from_the_cluster_or_not_given() {
    let (mut h, alice) = alice().await;
    let elsewhere = Pubkey::new_unique();
    let real = h.market.replace(elsewhere);
    let err = h.fails(&alice, &["deposit", "USDC", "1"]).await;
    assert_eq!(
        err,
        format!("market {elsewhere} not found on this cluster (wrong --url or --market?)")
    );
    h.market = None;
    if std::env::var_os("BALLAST_MARKET").is_none() {
        let err = h.fails(&alice, &["market", "show"]).await;
        assert_eq!(err, "no market given: pass --market or set BALLAST_MARKET");
    }
    h.market = real;
    unchanged(&h, &alice).await;
}

#[tokio::test]
async fn insufficient_balance_is_caught_before_sending() {
    let (h, alice) = alice().await;
    let wallet = spl::associated_account(&alice.key(), &h.assets[0].mint, &anchor_spl::token::ID);
    let err = h.fails(&alice, &["deposit", "USDC", "100.000001"]).await;
    assert_eq!(
        err,
        format!("insufficient balance: {wallet} holds 100 USDC, 100.000001 USDC needed")
    );
    let err = h.fails(&alice, &["redeem", "USDC", "1"]).await;
    assert!(
        err.starts_with("insufficient balance: ") && err.ends_with("holds 0 cUSDC, 1 cUSDC needed"),
        "{err}"
    );
    unchanged(&h, &alice).await;
}

#[tokio::test]
async fn program_refusals_carry_the_program_message_and_change_nothing() {
    let (h, alice) = alice().await;
    h.ok(&alice, &["supply", "SOL", "1"]).await;
    // The USDC pool holds only its 1 USDC seed.
    let err = h.fails(&alice, &["borrow", "USDC", "1.5"]).await;
    assert_eq!(err, "transaction failed: InsufficientLiquidity: reserve does not have that much liquidity available (error 6206)");
    let bob = h.user("bob").await;
    h.give(&bob, h.asset_index("USDC"), 1_000 * USDC).await;
    h.ok(&bob, &["deposit", "USDC", "1000"]).await;
    // $150 of SOL at 75% LTV carries at most $112.50.
    let err = h.fails(&alice, &["borrow", "USDC", "112.6"]).await;
    assert!(
        err.starts_with("transaction failed: ObligationUnhealthy: "),
        "{err}"
    );
    assert_eq!(h.balance(&alice.key(), "USDC").await, 100 * USDC);
    assert_eq!(h.obligation(&alice.key()).await.borrows().len(), 0);

    // While paused, borrowing stops and says why; repaying would still go through.
    h.ok(&h.admin, &["market", "pause"]).await;
    let err = h.fails(&alice, &["borrow", "USDC", "1"]).await;
    assert_eq!(
        err,
        "transaction failed: MarketPaused: market is paused: only repays, collateral top-ups and admin actions go through (error 6104)"
    );
}
