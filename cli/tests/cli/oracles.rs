//! Oracle sources on the command line: a reserve listed on a Switchboard On-Demand pull feed.
use {
    crate::harness::Harness,
    ballast::state::OracleSource,
    ballast_client::Transport,
    ballast_testkit::{pyth::PythPrice, switchboard::feed_account},
    solana_sdk::pubkey::Pubkey,
};

#[tokio::test]
async fn a_reserve_is_listed_on_a_switchboard_feed_and_lends() {
    let mut h = Harness::with_market().await;
    // JUP at $0.80 on a Switchboard feed whose hash the CLI reads from the account.
    let jup = h.asset("JUP", 6, 80_000_000).await;
    let feed = Pubkey::new_unique();
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    let hash = [42; 32];
    h.bank
        .set_account(
            &feed,
            feed_account(&PythPrice::new(hash, 80_000_000, -8, now)),
        )
        .await;
    h.give(&h.admin, jup, 1_000_000).await;
    let mint = h.assets[jup].mint.to_string();
    h.ok(
        &h.admin,
        &[
            "reserve",
            "add",
            "--mint",
            &mint,
            "--oracle",
            &feed.to_string(),
            "--oracle-source",
            "switchboard-on-demand",
            "--preset",
            "volatile",
        ],
    )
    .await;
    let r = h.reserve("JUP").await;
    assert_eq!(
        OracleSource::from_byte(r.oracle.source).unwrap(),
        OracleSource::SwitchboardOnDemand
    );
    assert_eq!((r.oracle.account, r.oracle.feed_id), (feed, hash));
    // 1,000 JUP ($800) backs $600 at 75%.
    let bob = h.user("bob").await;
    h.give(&bob, jup, 1_000_000_000).await;
    h.ok(&bob, &["supply", "JUP", "1000"]).await;
    let lender = h.user("lender").await;
    h.give(&lender, h.asset_index("USDC"), 1_000_000_000).await;
    h.ok(&lender, &["deposit", "USDC", "1000"]).await;
    h.ok(&bob, &["borrow", "USDC", "600"]).await;
    let err = h.fails(&bob, &["borrow", "USDC", "1"]).await;
    assert!(err.contains("ObligationUnhealthy"), "{err}");
}
