//! Oracle sources on the command line: a reserve listed on a Switchboard On-Demand pull feed.
use {
    crate::harness::Harness,
    ballast::state::PriceSource,
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
        r.oracles.configured(),
        [PriceSource::switchboard(feed, hash)]
    );
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

#[tokio::test]
async fn a_price_outside_the_reserves_band_is_unusable() {
    let h = Harness::with_market().await;
    let (sol, usdc) = (h.asset_index("SOL"), h.asset_index("USDC"));
    let out = h
        .ok(
            &h.admin,
            &[
                "reserve",
                "update",
                "SOL",
                "--price-band-min",
                "50",
                "--price-band-max",
                "200",
            ],
        )
        .await;
    assert!(out.contains("price band min: none -> $50"), "{out}");
    assert!(out.contains("price band max: none -> $200"), "{out}");
    assert_eq!(
        (
            h.reserve("SOL").await.config.price_band_min,
            h.reserve("SOL").await.config.price_band_max
        ),
        (5_000_000_000, 20_000_000_000)
    );
    let (bob, lender) = (h.user("bob").await, h.user("lender").await);
    h.give(&lender, usdc, 10_000_000_000).await;
    h.ok(&lender, &["deposit", "USDC", "10000"]).await;
    h.give(&bob, sol, 10_000_000_000).await;
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    // A pump to $250: the price is refused, the SOL counts as nothing, the borrow is refused
    // with the price's error.
    h.set_price(sol, 250 * 100_000_000).await;
    let err = h.fails(&bob, &["borrow", "USDC", "1"]).await;
    assert!(err.contains("OraclePriceOutsideBand"), "{err}");
    // Back inside: $1,000 of SOL lends $750.
    h.set_price(sol, 100 * 100_000_000).await;
    h.ok(&bob, &["borrow", "USDC", "750"]).await;
    // A band whose floor is not below its ceiling is refused before sending.
    let err = h
        .fails(
            &h.admin,
            &["reserve", "update", "SOL", "--price-band-min", "300"],
        )
        .await;
    assert!(
        err.contains("price_band_min must be below price_band_max"),
        "{err}"
    );
}
