//! The monitor's price-source alerts, each firing then clearing: a fallback in use, the first
//! two usable sources diverging, a stake pool not updated this epoch.
use {
    crate::{
        harness::Harness,
        price_sources::{jup_on_two_sources, set_feed},
    },
    ballast::state::{PriceRate, PriceSource},
    ballast_cli::backoffice::{Monitor, Snapshot, Thresholds},
    ballast_client::Transport,
    base64::Engine,
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::str::FromStr,
};

const SOURCE_KINDS: [&str; 3] = [
    "oracle_fallback_in_use",
    "oracle_sources_diverge",
    "stake_pool_not_updated",
];

/// One look of `watcher`: the source alerts it raises or clears, as (kind, firing, message).
async fn look(h: &Harness, watcher: &mut Monitor) -> Vec<(String, bool, String)> {
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    watcher
        .check(&snapshot)
        .into_iter()
        .filter(|a| SOURCE_KINDS.contains(&a.condition.kind.name()))
        .map(|a| {
            let kind = a.condition.kind.name().to_string();
            (kind, a.firing, a.condition.message)
        })
        .collect()
}

fn alert(kind: &str, firing: bool, message: &str) -> Vec<(String, bool, String)> {
    vec![(kind.to_string(), firing, message.to_string())]
}

#[tokio::test]
async fn fallback_and_divergence_alerts_fire_and_clear() {
    let (h, feed) = jup_on_two_sources().await;
    let jup = h.asset_index("JUP");
    let mut watcher = Monitor::new(Thresholds::default()).with_labels(h.labels.clone());
    assert_eq!(look(&h, &mut watcher).await, []);

    h.set_price_aged(jup, 80_000_000, 120).await;
    let fallback = "reserve JUP: price from a fallback: primary unusable (OraclePriceStale), \
                    source 2 in use";
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("oracle_fallback_in_use", true, fallback)
    );
    // Raised once.
    assert_eq!(look(&h, &mut watcher).await, []);
    h.set_price(jup, 80_000_000).await;
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("oracle_fallback_in_use", false, fallback)
    );

    // The feed 12.5% above the Pyth price; the reserve allows 2%.
    set_feed(&h, &feed, 90_000_000).await;
    let diverge = "reserve JUP: sources 1 ($0.80) and 2 ($0.90) differ by more than 200 bps: \
                   borrows and withdrawals with debt are refused";
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("oracle_sources_diverge", true, diverge)
    );
    set_feed(&h, &feed, 80_500_000).await;
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("oracle_sources_diverge", false, diverge)
    );
}

/// Jito's mainnet stake pool (SPL program), made the pool of `mint` as of `epoch`.
fn stake_pool(mint: &Pubkey, epoch: u64) -> Account {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../programs/ballast/tests/fixtures/stake-pool/Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb.json"
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let account = &file["account"];
    let mut data = base64::engine::general_purpose::STANDARD
        .decode(account["data"][0].as_str().unwrap())
        .unwrap();
    // The pool's mint and the epoch it was last updated in.
    data[162..194].copy_from_slice(&mint.to_bytes());
    data[274..282].copy_from_slice(&epoch.to_le_bytes());
    Account {
        lamports: account["lamports"].as_u64().unwrap(),
        data,
        owner: Pubkey::from_str(account["owner"].as_str().unwrap()).unwrap(),
        executable: false,
        rent_epoch: 0,
    }
}

#[tokio::test]
async fn a_stake_pool_behind_the_epoch_alerts_until_updated() {
    let mut h = Harness::with_market().await;
    let sol_oracle = h.assets[h.asset_index("SOL")].oracle;
    let jito = h.asset("JITO", 9, 16_100_000_000).await;
    let mint = h.assets[jito].mint;
    let epoch = h.bank.clock().await.unwrap().epoch;
    let pool = Pubkey::new_unique();
    h.bank.set_account(&pool, stake_pool(&mint, epoch)).await;
    h.give(&h.admin, jito, 1_000_000_000).await;
    h.ok(
        &h.admin,
        &[
            "reserve",
            "add",
            "--mint",
            &mint.to_string(),
            "--oracle",
            &format!("pyth-pull:{sol_oracle}"),
            "--stake-pool",
            &pool.to_string(),
            "--preset",
            "volatile",
        ],
    )
    .await;
    assert_eq!(
        h.reserve("JITO").await.oracles.configured(),
        [PriceSource::pyth_pull(sol_oracle, sol_oracle.to_bytes())
            .at_rate(PriceRate::SplStakePool, pool)]
    );
    // SOL's $150 at the pool's 1.0734001570 SOL per jitoSOL.
    let shown = h.json(&h.admin, &["reserve", "show", "JITO"]).await;
    assert_eq!(shown["price_usd"], "161.01002355");
    assert_eq!(shown["oracles"]["sources"][0]["rate"], "stake-pool");

    let mut watcher = Monitor::new(Thresholds::default()).with_labels(h.labels.clone());
    assert_eq!(look(&h, &mut watcher).await, []);
    h.bank.set_epoch(epoch + 1).await.unwrap();
    let behind = format!(
        "reserve JITO: stake pool {pool} last updated in epoch {epoch}, now {}: refused from \
         the next epoch unless updated",
        epoch + 1
    );
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("stake_pool_not_updated", true, &behind)
    );
    h.bank
        .set_account(&pool, stake_pool(&mint, epoch + 1))
        .await;
    assert_eq!(
        look(&h, &mut watcher).await,
        alert("stake_pool_not_updated", false, &behind)
    );
}
