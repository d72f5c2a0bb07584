//! The demo's closing books: every unit minted is in a wallet or a vault.
use {
    super::{
        stage::Stage,
        world::{Person, World},
    },
    crate::{
        fetch,
        format::units,
        views::{plain_units, table},
        ClientError,
    },
    serde_json::{json, Value},
};

/// Where one asset's units are at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetBooks {
    pub symbol: &'static str,
    pub decimals: u8,
    pub minted: u64,
    /// In everyone's wallets.
    pub wallets: u64,
    /// In the reserve's liquidity vault.
    pub pool: u64,
    pub fee_vault: u64,
    /// What the reserve's own accounting says the pool holds.
    pub pool_accounted: u64,
    pub protocol_fees: u64,
}

impl AssetBooks {
    /// Minted = wallets + pool + fee vault, and the pool matches the reserve's accounting.
    pub fn balanced(&self) -> bool {
        self.minted == self.wallets + self.pool + self.fee_vault && self.pool == self.pool_accounted
    }
}

pub async fn close<T: Stage>(
    world: &World<T>,
    people: &[&Person],
) -> Result<Vec<AssetBooks>, ClientError> {
    let mut books = Vec::new();
    for asset in &world.assets {
        let mut wallets = 0;
        for person in people {
            wallets += world.balance(&person.wallet(asset)).await?;
        }
        let reserve = fetch::reserve(&world.cluster, &asset.keys.address).await?;
        books.push(AssetBooks {
            symbol: asset.symbol,
            decimals: asset.decimals,
            minted: asset.minted,
            wallets,
            pool: world.balance(&asset.keys.liquidity_vault()).await?,
            fee_vault: world.balance(&asset.keys.fee_vault()).await?,
            pool_accounted: reserve.liquidity.available_amount,
            protocol_fees: reserve
                .liquidity
                .protocol_fees()
                .to_floor()
                .map_err(ClientError::Rule)?,
        });
    }
    Ok(books)
}

pub fn render(books: &[AssetBooks]) -> String {
    let rows = books.iter().map(|b| {
        let u = |v| units(v, b.decimals);
        vec![
            b.symbol.to_string(),
            u(b.minted),
            u(b.wallets),
            u(b.pool),
            u(b.protocol_fees),
            u(b.fee_vault),
            if b.balanced() { "yes" } else { "NO" }.to_string(),
        ]
    });
    table::render(
        &[
            "asset",
            "minted",
            "in wallets",
            "in the pool",
            "of which protocol fees",
            "fee vault",
            "balanced",
        ],
        rows,
    )
}

pub fn json(books: &[AssetBooks]) -> Value {
    json!(books
        .iter()
        .map(|b| json!({
            "asset": b.symbol,
            "minted": plain_units(b.minted, b.decimals),
            "in_wallets": plain_units(b.wallets, b.decimals),
            "in_pool": plain_units(b.pool, b.decimals),
            "protocol_fees": plain_units(b.protocol_fees, b.decimals),
            "fee_vault": plain_units(b.fee_vault, b.decimals),
            "balanced": b.balanced(),
        }))
        .collect::<Vec<_>>())
}

/// Everyone's wallets, one row per person.
pub async fn wallets<T: Stage>(
    world: &World<T>,
    people: &[&Person],
) -> Result<(String, Value), ClientError> {
    let mut header = vec!["wallet".to_string()];
    for asset in &world.assets {
        header.push(asset.symbol.to_string());
        header.push(format!("c{}", asset.symbol));
    }
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    for person in people {
        let mut row = vec![person.name.to_string()];
        let mut entry = serde_json::Map::new();
        entry.insert("name".into(), json!(person.name));
        for asset in &world.assets {
            let liquidity = world.balance(&person.wallet(asset)).await?;
            let ctokens = world.balance(&person.ctoken_wallet(asset)).await?;
            row.push(units(liquidity, asset.decimals));
            row.push(units(ctokens, asset.decimals));
            entry.insert(
                asset.symbol.into(),
                json!(plain_units(liquidity, asset.decimals)),
            );
            entry.insert(
                format!("c{}", asset.symbol),
                json!(plain_units(ctokens, asset.decimals)),
            );
        }
        rows.push(row);
        entries.push(Value::Object(entry));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok((table::render(&header, rows), json!(entries)))
}
