//! Runs `ballast` commands through the command core on an in-process bank: keypair files in a
//! temporary directory, mints with Pyth price accounts, wallets funded by the bank's payer.
use {
    anchor_lang::solana_program::system_instruction,
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::state::{Market, Obligation, Reserve},
    ballast_cli::{
        commands::{self, Cli, CliError, ClusterSettings},
        views::Labels,
    },
    ballast_client::{fetch, pda, spl, Transport},
    ballast_testkit::{bank::Bank, pyth::PythPrice},
    clap::Parser,
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::path::PathBuf,
};

pub const USDC: u64 = 1_000_000;
pub const SOL: u64 = 1_000_000_000;

pub struct User {
    pub keypair: Keypair,
    pub path: PathBuf,
}

impl User {
    pub fn key(&self) -> Pubkey {
        self.keypair.pubkey()
    }
}

pub struct Asset {
    pub symbol: &'static str,
    pub mint: Pubkey,
    pub oracle: Pubkey,
}

pub struct Harness {
    pub bank: Bank,
    dir: tempfile::TempDir,
    payer: Keypair,
    mint_authority: Keypair,
    pub admin: User,
    pub market: Option<Pubkey>,
    pub labels: Labels,
    pub assets: Vec<Asset>,
}

impl Harness {
    /// A bank with a funded admin and no market yet.
    pub async fn new() -> Harness {
        let bank = Bank::start(Vec::new()).await;
        let payer = bank.payer().await;
        let dir = tempfile::tempdir().unwrap();
        let admin = new_user(&bank, &payer, &dir, "admin").await;
        Harness {
            bank,
            dir,
            payer,
            mint_authority: Keypair::new(),
            admin,
            market: None,
            labels: Labels::default(),
            assets: Vec::new(),
        }
    }

    /// A market created by `ballast market create`, with USDC ($1, stablecoin preset) and SOL
    /// ($150, volatile preset) listed by `ballast reserve add`.
    pub async fn with_market() -> Harness {
        let mut h = Harness::new().await;
        h.ok(&h.admin, &["market", "create"]).await;
        h.market = Some(pda::market(&h.admin.key(), 0));
        for (symbol, decimals, price, preset) in [
            ("USDC", 6, 100_000_000, "stablecoin"),
            ("SOL", 9, 15_000_000_000, "volatile"),
        ] {
            let asset = h.asset(symbol, decimals, price).await;
            h.give(&h.admin, asset, 10u64.pow(decimals.into())).await;
            let (mint, oracle) = (
                h.assets[asset].mint.to_string(),
                h.assets[asset].oracle.to_string(),
            );
            h.ok(
                &h.admin,
                &[
                    "reserve", "add", "--mint", &mint, "--oracle", &oracle, "--preset", preset,
                ],
            )
            .await;
        }
        h
    }

    /// A user with a keypair file and 10 SOL for fees and rent.
    pub async fn user(&self, name: &str) -> User {
        new_user(&self.bank, &self.payer, &self.dir, name).await
    }

    /// A new mint with a Pyth price account (`price` in 10^-8 USD), labelled `symbol`.
    pub async fn asset(&mut self, symbol: &'static str, decimals: u8, price: i64) -> usize {
        let mint = spl::new_mint(
            &self.bank,
            &self.payer,
            &self.mint_authority.pubkey(),
            decimals,
            &TOKEN_PROGRAM_ID,
        )
        .await
        .unwrap();
        let oracle = Pubkey::new_unique();
        self.labels.insert(mint, symbol);
        self.assets.push(Asset {
            symbol,
            mint,
            oracle,
        });
        let index = self.assets.len() - 1;
        self.set_price(index, price).await;
        index
    }

    /// The native mint (wrapped SOL; it is in the bank's genesis) as an asset with a Pyth
    /// price account (`price` in 10^-8 USD), labelled `symbol`.
    pub async fn native_asset(&mut self, symbol: &'static str, price: i64) -> usize {
        let mint = anchor_spl::token::spl_token::native_mint::ID;
        self.labels.insert(mint, symbol);
        self.assets.push(Asset {
            symbol,
            mint,
            oracle: Pubkey::new_unique(),
        });
        let index = self.assets.len() - 1;
        self.set_price(index, price).await;
        index
    }

    /// Publishes `price` (10^-8 USD) for asset `index` now.
    pub async fn set_price(&self, index: usize, price: i64) {
        self.set_price_aged(index, price, 0).await;
    }

    /// Publishes `price` for asset `index` as published `age` seconds ago.
    pub async fn set_price_aged(&self, index: usize, price: i64, age: i64) {
        let a = &self.assets[index];
        let now = self.bank.clock().await.unwrap().unix_timestamp;
        let update = PythPrice::new(a.oracle.to_bytes(), price, -8, now - age);
        self.bank.set_account(&a.oracle, update.account()).await;
    }

    pub fn asset_index(&self, symbol: &str) -> usize {
        self.assets.iter().position(|a| a.symbol == symbol).unwrap()
    }

    /// Mints `amount` of asset `index` into `user`'s associated account (creating it).
    pub async fn give(&self, user: &User, index: usize, amount: u64) {
        let a = &self.assets[index];
        let ata = spl::associated_account(&user.key(), &a.mint, &TOKEN_PROGRAM_ID);
        let ixs = [
            spl::create_associated_account(
                &self.payer.pubkey(),
                &user.key(),
                &a.mint,
                &TOKEN_PROGRAM_ID,
            ),
            spl::mint_to(
                &TOKEN_PROGRAM_ID,
                &a.mint,
                &ata,
                &self.mint_authority.pubkey(),
                amount,
            ),
        ];
        self.bank
            .send(&ixs, &[&self.payer, &self.mint_authority])
            .await
            .unwrap();
    }

    /// `owner`'s balance of asset `symbol` (its associated account; 0 if none).
    pub async fn balance(&self, owner: &Pubkey, symbol: &str) -> u64 {
        let a = &self.assets[self.asset_index(symbol)];
        let ata = spl::associated_account(owner, &a.mint, &TOKEN_PROGRAM_ID);
        fetch::token_balance(&self.bank, &ata).await.unwrap()
    }

    /// `owner`'s cToken balance of the reserve of `symbol`.
    pub async fn ctokens(&self, owner: &Pubkey, symbol: &str) -> u64 {
        let mint = pda::collateral_mint(&self.reserve_key(symbol));
        let ata = spl::associated_account(owner, &mint, &TOKEN_PROGRAM_ID);
        fetch::token_balance(&self.bank, &ata).await.unwrap()
    }

    pub fn reserve_key(&self, symbol: &str) -> Pubkey {
        let a = &self.assets[self.asset_index(symbol)];
        pda::reserve(&self.market.unwrap(), &a.mint)
    }

    pub async fn reserve(&self, symbol: &str) -> Reserve {
        fetch::reserve(&self.bank, &self.reserve_key(symbol))
            .await
            .unwrap()
    }

    pub async fn market_state(&self) -> Market {
        fetch::market(&self.bank, &self.market.unwrap())
            .await
            .unwrap()
    }

    pub fn obligation_key(&self, owner: &Pubkey) -> Pubkey {
        pda::obligation(&self.market.unwrap(), owner, 0)
    }

    pub async fn obligation(&self, owner: &Pubkey) -> Obligation {
        fetch::obligation(&self.bank, &self.obligation_key(owner))
            .await
            .unwrap()
    }

    /// Runs `ballast --keypair <user> [--market <market>] <args>` on the bank.
    pub async fn run(&self, user: &User, args: &[&str]) -> Result<String, CliError> {
        let mut argv = vec![
            "ballast".to_string(),
            "--keypair".into(),
            user.path.display().to_string(),
        ];
        if let Some(market) = self.market {
            argv.extend(["--market".to_string(), market.to_string()]);
        }
        argv.extend(args.iter().map(|a| a.to_string()));
        let parsed = Cli::try_parse_from(&argv).map_err(|e| CliError::Invalid(e.to_string()))?;
        let cluster = ClusterSettings {
            url: "in-process bank".into(),
            keypair_path: user.path.clone(),
            labels: self.labels.clone(),
        };
        let mut out = Vec::new();
        commands::run(&parsed, &self.bank, &cluster, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// `run`, which must succeed.
    pub async fn ok(&self, user: &User, args: &[&str]) -> String {
        match self.run(user, args).await {
            Ok(out) => out,
            Err(e) => panic!("ballast {args:?} failed: {e}"),
        }
    }

    /// `run`, which must fail; its message.
    pub async fn fails(&self, user: &User, args: &[&str]) -> String {
        match self.run(user, args).await {
            Ok(out) => panic!("ballast {args:?} succeeded:\n{out}"),
            Err(e) => e.to_string(),
        }
    }

    /// `run` with `--output json`, parsed.
    pub async fn json(&self, user: &User, args: &[&str]) -> serde_json::Value {
        let mut with = vec!["--output", "json"];
        with.extend_from_slice(args);
        serde_json::from_str(&self.ok(user, &with).await).unwrap()
    }
}

async fn new_user(bank: &Bank, payer: &Keypair, dir: &tempfile::TempDir, name: &str) -> User {
    let keypair = Keypair::new();
    let path = dir.path().join(format!("{name}.json"));
    solana_keypair::write_keypair_file(&keypair, &path).unwrap();
    let fund = system_instruction::transfer(&payer.pubkey(), &keypair.pubkey(), 10 * SOL);
    bank.send(&[fund], &[payer]).await.unwrap();
    User { keypair, path }
}
