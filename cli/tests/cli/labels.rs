//! Reserves and mints named by label: the user's labels win over the built-in ones (USDC,
//! SOL, ...), and a name that could mean two reserves, or two mints, is refused with them.
use {
    crate::harness::{Harness, USDC},
    ballast_cli::views::Labels,
    ballast_client::pda,
    solana_sdk::pubkey::Pubkey,
    std::collections::HashMap,
};

/// The harness's labels as a Solana CLI config's `address_labels` over the built-in ones:
/// its USDC and SOL are not the mainnet mints the built-in labels name.
fn config_labels(h: &Harness) -> Labels {
    let address_labels: HashMap<String, String> = (h.assets.iter())
        .map(|a| (a.mint.to_string(), a.symbol.to_string()))
        .collect();
    Labels::with_known(&address_labels)
}

#[tokio::test]
async fn the_users_label_wins_over_the_built_in_one_every_time() {
    let mut h = Harness::with_market().await;
    // A fresh set of labels each round: a lookup in hash order would pick the built-in
    // mint (not listed here) about every other time.
    for _ in 0..16 {
        h.labels = config_labels(&h);
        for (name, symbol) in [("USDC", "USDC"), ("sol", "SOL")] {
            let shown = h.json(&h.admin, &["reserve", "show", name]).await;
            assert_eq!(shown["address"], h.reserve_key(symbol).to_string());
            assert_eq!(shown["symbol"], symbol);
        }
    }
}

#[tokio::test]
async fn a_label_of_two_listed_mints_is_refused_with_both() {
    let mut h = Harness::with_market().await;
    let market = h.market.unwrap();
    // A second stablecoin the user also labelled USDC: while it is not listed, USDC can only
    // mean the listed one.
    let other = h.asset("USDC", 6, 100_000_000).await;
    let shown = h.json(&h.admin, &["reserve", "show", "USDC"]).await;
    assert_eq!(shown["address"], h.reserve_key("USDC").to_string());

    h.give(&h.admin, other, USDC).await;
    let (mint, oracle) = (h.assets[other].mint, h.assets[other].oracle);
    let add = [
        "reserve",
        "add",
        "--mint",
        &mint.to_string(),
        "--oracle",
        &oracle.to_string(),
        "--preset",
        "stablecoin",
    ];
    h.ok(&h.admin, &add).await;
    let mut listed: Vec<Pubkey> = vec![h.assets[h.asset_index("USDC")].mint, mint];
    listed.sort();
    let candidates: Vec<String> = (listed.iter())
        .map(|m| {
            format!(
                "reserve {} (mint {m} labelled USDC)",
                pda::reserve(&market, m)
            )
        })
        .collect();
    let err = h.fails(&h.admin, &["deposit", "usdc", "1"]).await;
    assert_eq!(
        err,
        format!(
            "reserve name usdc is ambiguous in market {market}: it names {}; name the reserve by \
             its address",
            candidates.join(", ")
        )
    );
    // Either is still named by its mint.
    let shown = h
        .json(&h.admin, &["reserve", "show", &mint.to_string()])
        .await;
    assert_eq!(shown["address"], pda::reserve(&market, &mint).to_string());
    assert_eq!(h.balance(&h.admin.key(), "USDC").await, 0);
}

/// `reserve add --mint <mint> --oracle <oracle> --preset volatile`
fn add(mint: &str, oracle: &Pubkey) -> Vec<String> {
    let oracle = oracle.to_string();
    [
        "reserve", "add", "--mint", mint, "--oracle", &oracle, "--preset", "volatile",
    ]
    .map(str::to_string)
    .to_vec()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn reserve_add_takes_a_mint_label() {
    let mut h = Harness::with_market().await;
    let eth = h.asset("ETH", 8, 300_000_000_000).await;
    h.give(&h.admin, eth, 100_000_000).await;
    let oracle = h.assets[eth].oracle;
    let out = h.ok(&h.admin, &refs(&add("eth", &oracle))).await;
    let reserve = h.reserve_key("ETH");
    assert!(
        out.starts_with(&format!("add reserve {reserve} for ETH: done\n")),
        "{out}"
    );
    assert_eq!(h.reserve("ETH").await.liquidity_mint, h.assets[eth].mint);

    // A label the user gave to two mints names neither; an unknown one is said so.
    let other = h.asset("ETH", 8, 300_000_000_000).await;
    let mut mints = [h.assets[eth].mint, h.assets[other].mint];
    mints.sort();
    let err = h.fails(&h.admin, &refs(&add("ETH", &oracle))).await;
    assert_eq!(
        err,
        format!(
            "mint label ETH is ambiguous: it names {} (labelled ETH), {} (labelled ETH); pass \
             the mint's address",
            mints[0], mints[1]
        )
    );
    let err = h.fails(&h.admin, &refs(&add("DOGE", &oracle))).await;
    assert_eq!(
        err,
        "unknown mint DOGE: neither an address nor a label (USDC, USDT, SOL, PYUSD, or an \
         address_labels entry of the Solana CLI config)"
    );
}
