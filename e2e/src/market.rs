//! A fresh market on the cluster, driven through the `ballast` CLI's command core: mints the
//! test creates, reserves priced by fixed-price sources the admin (the cluster's signer) sets,
//! users with keypair files and SOL for their fees and rent.
use {
    crate::cluster::Cluster,
    anchor_lang::solana_program::system_instruction,
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::state::{Obligation, Reserve},
    ballast_cli::{
        commands::{self, CliError, ClusterSettings},
        views::Labels,
    },
    ballast_client::{fetch, instructions as ix, pda, spl, ReserveKeys, Transport},
    serde_json::Value,
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::{
        path::PathBuf,
        time::{SystemTime, UNIX_EPOCH},
    },
};

/// Every reserve's borrow rate: zero at any utilization. A cluster's clock cannot be stopped,
/// so with interest the amounts would depend on how long each transaction takes to land; at
/// zero they are the same on the loopback node and on a validator, to the unit.
pub const ZERO_RATE_CURVE: &str = "0:0,10000:0";
/// SOL each user gets for fees and rent (an obligation, token accounts).
pub const USER_LAMPORTS: u64 = 100_000_000;

pub struct User {
    pub keypair: Keypair,
    pub path: PathBuf,
}

impl User {
    pub fn key(&self) -> Pubkey {
        self.keypair.pubkey()
    }
}

struct Asset {
    symbol: &'static str,
    mint: Pubkey,
}

pub struct TestMarket {
    pub cluster: Cluster,
    dir: tempfile::TempDir,
    /// The cluster's signer: creates the market, administers it, pays for the mints.
    pub admin: User,
    mint_authority: Keypair,
    pub market: Pubkey,
    labels: Labels,
    assets: Vec<Asset>,
}

impl TestMarket {
    /// A new market of the cluster's signer under a fresh id, with `grace_secs` of oracle
    /// grace period (a changed fixed price counts as the end of an oracle outage).
    pub async fn open(grace_secs: u32) -> TestMarket {
        let cluster = Cluster::from_env().await;
        let dir = tempfile::tempdir().expect("temporary directory");
        let admin = keypair_file(&dir, "admin", cluster.signer.insecure_clone());
        let id = fresh_market_id(&cluster, &admin.key()).await;
        let m = TestMarket {
            market: pda::market(&admin.key(), id),
            cluster,
            dir,
            admin,
            mint_authority: Keypair::new(),
            labels: Labels::default(),
            assets: Vec::new(),
        };
        let (id, grace) = (id.to_string(), grace_secs.to_string());
        let create = [
            "market",
            "create",
            "--id",
            &id,
            "--oracle-grace-period-secs",
            &grace,
        ];
        m.ok(&m.admin, &create).await;
        m
    }

    /// Creates a mint labelled `symbol` and lists it at `price` USD (a fixed-price source),
    /// with `settings` (`--preset`, risk fields) and no interest; the admin seeds it with one
    /// whole token.
    pub async fn list(
        &mut self,
        symbol: &'static str,
        decimals: u8,
        price: &str,
        settings: &[&str],
    ) {
        let signer = &self.cluster.signer;
        let authority = self.mint_authority.pubkey();
        let mint = spl::new_mint(
            &self.cluster.transport,
            signer,
            &authority,
            decimals,
            &TOKEN_PROGRAM_ID,
        )
        .await
        .expect("create mint");
        self.labels.insert(mint, symbol);
        self.assets.push(Asset { symbol, mint });
        self.give(&self.admin, symbol, 10u64.pow(decimals.into()))
            .await;
        let (mint, oracle) = (mint.to_string(), format!("fixed:{price}"));
        let mut add = vec![
            "reserve",
            "add",
            "--mint",
            &mint,
            "--oracle",
            &oracle,
            "--rate-curve",
            ZERO_RATE_CURVE,
        ];
        add.extend_from_slice(settings);
        self.ok(&self.admin, &add).await;
    }

    /// The admin gives `symbol`'s reserve a new fixed price (`reserve update --oracle`).
    pub async fn set_price(&self, symbol: &str, price: &str) {
        let oracle = format!("fixed:{price}");
        self.ok(
            &self.admin,
            &["reserve", "update", symbol, "--oracle", &oracle],
        )
        .await;
    }

    /// A user with a keypair file and `USER_LAMPORTS`, paid by the cluster's signer.
    pub async fn user(&self, name: &str) -> User {
        let user = keypair_file(&self.dir, name, Keypair::new());
        let signer = &self.cluster.signer;
        let fund = system_instruction::transfer(&signer.pubkey(), &user.key(), USER_LAMPORTS);
        self.send(&[fund], &[signer]).await;
        user
    }

    /// Mints `amount` base units of `symbol` into `user`'s associated account (creating it).
    pub async fn give(&self, user: &User, symbol: &str, amount: u64) {
        let mint = self.mint(symbol);
        let signer = &self.cluster.signer;
        let ata = spl::associated_account(&user.key(), &mint, &TOKEN_PROGRAM_ID);
        let ixs = [
            spl::create_associated_account(&signer.pubkey(), &user.key(), &mint, &TOKEN_PROGRAM_ID),
            spl::mint_to(
                &TOKEN_PROGRAM_ID,
                &mint,
                &ata,
                &self.mint_authority.pubkey(),
                amount,
            ),
        ];
        self.send(&ixs, &[signer, &self.mint_authority]).await;
    }

    /// A keeper's crank: `refresh_reserve` on every reserve until `seconds` of the cluster's
    /// time have passed (the loopback node's clock moves only as transactions land).
    pub async fn pass_time(&self, seconds: i64) {
        let until = self.now().await + seconds;
        while self.now().await < until {
            for asset in &self.assets {
                let address = self.reserve_key(asset.symbol);
                let keys = ReserveKeys::from_reserve(address, &self.reserve(asset.symbol).await);
                self.send(&[ix::refresh_reserve(&keys)], &[&self.cluster.signer])
                    .await;
            }
        }
    }

    /// The cluster's clock, unix seconds.
    pub async fn now(&self) -> i64 {
        let clock = self.cluster.transport.clock().await;
        clock.expect("clock").unix_timestamp
    }

    /// Runs `ballast --keypair <user> --market <market> <args>` on the cluster, as the
    /// binary does (its command core over the RPC transport).
    pub async fn run(&self, user: &User, args: &[&str]) -> Result<String, CliError> {
        let (keypair, market) = (user.path.display().to_string(), self.market.to_string());
        let mut argv = vec!["ballast", "--keypair", &keypair, "--market", &market];
        argv.extend_from_slice(args);
        let cli = commands::parse_args(argv).map_err(|e| CliError::Invalid(e.to_string()))?;
        let cluster = ClusterSettings {
            url: self.cluster.url(),
            keypair_path: user.path.clone(),
            labels: self.labels.clone(),
        };
        let mut out = Vec::new();
        commands::run(&cli, &self.cluster.transport, &cluster, &mut out).await?;
        Ok(String::from_utf8(out).expect("UTF-8 output"))
    }

    /// `run`, which must succeed.
    pub async fn ok(&self, user: &User, args: &[&str]) -> String {
        match self.run(user, args).await {
            Ok(out) => out,
            Err(e) => panic!("ballast {args:?} failed: {e}"),
        }
    }

    /// `run`, which must fail: its message.
    pub async fn fails(&self, user: &User, args: &[&str]) -> String {
        match self.run(user, args).await {
            Ok(out) => panic!("ballast {args:?} succeeded:\n{out}"),
            Err(e) => e.to_string(),
        }
    }

    /// `run` with `--output json`: each line of output, parsed.
    pub async fn json_lines(&self, user: &User, args: &[&str]) -> Vec<Value> {
        let mut with = vec!["--output", "json-compact"];
        with.extend_from_slice(args);
        let out = self.ok(user, &with).await;
        out.lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    pub fn mint(&self, symbol: &str) -> Pubkey {
        let asset = self.assets.iter().find(|a| a.symbol == symbol);
        asset.unwrap_or_else(|| panic!("no asset {symbol}")).mint
    }

    pub fn reserve_key(&self, symbol: &str) -> Pubkey {
        pda::reserve(&self.market, &self.mint(symbol))
    }

    pub async fn reserve(&self, symbol: &str) -> Reserve {
        let reserve = fetch::reserve(&self.cluster.transport, &self.reserve_key(symbol)).await;
        reserve.expect("reserve")
    }

    pub fn obligation_key(&self, owner: &Pubkey) -> Pubkey {
        pda::obligation(&self.market, owner, 0)
    }

    pub async fn obligation(&self, owner: &Pubkey) -> Obligation {
        let key = self.obligation_key(owner);
        let obligation = fetch::obligation(&self.cluster.transport, &key).await;
        obligation.expect("obligation")
    }

    /// `owner`'s balance of `symbol` (its associated account; 0 if none).
    pub async fn balance(&self, owner: &Pubkey, symbol: &str) -> u64 {
        self.token_balance(owner, &self.mint(symbol)).await
    }

    /// `owner`'s balance of the cTokens of `symbol`'s reserve (0 if no account).
    pub async fn ctokens(&self, owner: &Pubkey, symbol: &str) -> u64 {
        let mint = pda::collateral_mint(&self.reserve_key(symbol));
        self.token_balance(owner, &mint).await
    }

    async fn token_balance(&self, owner: &Pubkey, mint: &Pubkey) -> u64 {
        let ata = spl::associated_account(owner, mint, &TOKEN_PROGRAM_ID);
        let transport = &self.cluster.transport;
        match transport.account(&ata).await.expect("read token account") {
            None => 0,
            Some(_) => fetch::token_balance(transport, &ata)
                .await
                .expect("balance"),
        }
    }

    async fn send(&self, ixs: &[solana_sdk::instruction::Instruction], signers: &[&Keypair]) {
        let signers: Vec<&dyn Signer> = signers.iter().map(|k| *k as &dyn Signer).collect();
        self.cluster
            .transport
            .send(ixs, &signers)
            .await
            .expect("transaction");
    }
}

fn keypair_file(dir: &tempfile::TempDir, name: &str, keypair: Keypair) -> User {
    let path = dir.path().join(format!("{name}.json"));
    solana_keypair::write_keypair_file(&keypair, &path).expect("write keypair file");
    User { keypair, path }
}

/// An id no market of `creator` has: the current time in nanoseconds (the next one up if
/// taken), so each run, and each test of a run, gets its own market on a shared validator.
async fn fresh_market_id(cluster: &Cluster, creator: &Pubkey) -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    let mut id = now.map_or(0, |d| d.as_nanos() as u64);
    let transport = &cluster.transport;
    while transport
        .account(&pda::market(creator, id))
        .await
        .expect("read market")
        .is_some()
    {
        id = id.wrapping_add(1);
    }
    id
}
