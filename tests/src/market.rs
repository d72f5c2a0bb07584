//! `TestMarket`: one market on an in-process bank, its reserves, users, and senders.
use {
    crate::specs::{ReserveSpec, PRICE_EXPONENT},
    ballast::{
        instructions::{InitMarketArgs, InitReserveArgs},
        state::{
            Market, MarketConfig, Obligation, OracleSource, OracleSources, PriceAccounts,
            PriceSource, Reserve,
        },
    },
    ballast_client::{
        accounts, instructions as ix, spl, ClientError, ObligationKeys, ReserveKeys, Transport,
    },
    ballast_testkit::{
        bank::Bank,
        pyth::{LegacyPythPrice, PythPrice},
    },
    solana_sdk::{
        account::Account,
        instruction::{Instruction, InstructionError},
        pubkey::Pubkey,
        signature::Keypair,
        signer::Signer,
        transaction::TransactionError,
    },
    std::collections::HashMap,
};

/// Index of a reserve in `TestMarket::reserves`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReserveId(pub usize);

pub struct TestReserve {
    pub spec: ReserveSpec,
    pub keys: ReserveKeys,
    pub feed_id: [u8; 32],
    /// The price last written to the oracle account.
    pub price: PythPrice,
    /// A Switchboard feed that is the reserve's second source, publishing the same prices
    /// (`TestMarket::add_fallback`).
    pub fallback: Option<Pubkey>,
}

/// A user: a keypair, token accounts per mint, and obligation 0 in the market.
pub struct User {
    pub keypair: Keypair,
    /// Token account per mint (liquidity and cToken mints alike).
    pub token_accounts: HashMap<Pubkey, Pubkey>,
    pub obligation: Pubkey,
}

impl User {
    pub fn key(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// The user's token account for `mint`. Panics if it was not created.
    pub fn account(&self, mint: &Pubkey) -> Pubkey {
        self.token_accounts[mint]
    }
}

pub struct TestMarket {
    pub bank: Bank,
    pub payer: Keypair,
    pub admin: Keypair,
    pub market: Pubkey,
    pub reserves: Vec<TestReserve>,
    /// Mint authority of every test mint.
    mint_authority: Keypair,
    /// When set, a user's transaction is paid by the user alone, as a wallet sends it (one
    /// signature: what lets the largest transactions fit a packet); else by the bank's payer.
    pub users_pay: std::sync::atomic::AtomicBool,
}

impl TestMarket {
    /// A bank with a market using the default config, and no reserves yet.
    pub async fn new() -> TestMarket {
        TestMarket::with_config(MarketConfig::default()).await
    }

    pub async fn with_config(config: MarketConfig) -> TestMarket {
        TestMarket::with_bank(config, Bank::start(Vec::new()).await).await
    }

    /// A market on a bank that also runs the hostile `attacker` program.
    pub async fn with_attacker() -> TestMarket {
        TestMarket::with_programs(&[crate::attacker::PROGRAM]).await
    }

    /// A market on a bank that also runs `programs`.
    pub async fn with_programs(programs: &[ballast_testkit::ExtraProgram]) -> TestMarket {
        TestMarket::with_bank(
            MarketConfig::default(),
            Bank::start_with(programs, Vec::new()).await,
        )
        .await
    }

    async fn with_bank(config: MarketConfig, bank: Bank) -> TestMarket {
        let payer = bank.payer().await;
        let admin = Keypair::new();
        let market_id = 0;
        let init = ix::init_market(
            &payer.pubkey(),
            InitMarketArgs {
                market_id,
                admin: admin.pubkey(),
                config,
            },
        );
        bank.send(&[init], &[&payer]).await.expect("init_market");
        TestMarket {
            market: ballast_client::pda::market(&payer.pubkey(), market_id),
            bank,
            payer,
            admin,
            reserves: Vec::new(),
            mint_authority: Keypair::new(),
            users_pay: false.into(),
        }
    }

    /// A market with a USDC-like and a SOL-like reserve.
    pub async fn standard() -> (TestMarket, ReserveId, ReserveId) {
        let mut m = TestMarket::new().await;
        let usdc = m.add_reserve(ReserveSpec::usdc()).await;
        let sol = m.add_reserve(ReserveSpec::sol()).await;
        (m, usdc, sol)
    }

    /// `standard()` plus a lender who deposited 10,000 USDC and a borrower with 10 SOL ($1,000)
    /// pledged and nothing borrowed: a borrow limit of 10 x $100 x 75% = $750.
    pub async fn with_borrower() -> (TestMarket, ReserveId, ReserveId, User, User) {
        let (m, usdc, sol) = TestMarket::standard().await;
        let lender = m.new_user().await;
        let borrower = m.new_user().await;
        m.fund(&lender, usdc, 10_000_000_000).await;
        m.try_deposit(&lender, usdc, 10_000_000_000)
            .await
            .expect("deposit");
        m.fund(&borrower, sol, 10_000_000_000).await;
        m.try_supply(&borrower, sol, 10_000_000_000)
            .await
            .expect("supply");
        (m, usdc, sol, lender, borrower)
    }

    /// `with_borrower()` with the borrower owing 700 USDC, and a liquidator holding 1,000 USDC:
    /// liquidatable once SOL falls below $87.50.
    pub async fn with_debt() -> (TestMarket, ReserveId, ReserveId, User, User) {
        let (m, usdc, sol, _lender, borrower) = TestMarket::with_borrower().await;
        m.try_borrow(&borrower, usdc, 700_000_000)
            .await
            .expect("borrow");
        let liquidator = m.new_user().await;
        m.fund(&liquidator, usdc, 1_000_000_000).await;
        (m, usdc, sol, borrower, liquidator)
    }

    /// Lists `spec` and has a fresh lender deposit `amount` into it: a pool to borrow from.
    pub async fn add_pool(&mut self, spec: ReserveSpec, amount: u64) -> ReserveId {
        let reserve = self.add_reserve(spec).await;
        let lender = self.new_user().await;
        self.fund(&lender, reserve, amount).await;
        self.try_deposit(&lender, reserve, amount)
            .await
            .expect("deposit");
        reserve
    }

    /// The key that mints every test mint.
    pub fn mint_authority(&self) -> Pubkey {
        self.mint_authority.pubkey()
    }

    pub fn reserve(&self, id: ReserveId) -> &TestReserve {
        &self.reserves[id.0]
    }

    pub fn keys(&self, id: ReserveId) -> ReserveKeys {
        self.reserves[id.0].keys
    }

    /// Creates the mint and the oracle, and lists the reserve with the admin's seed deposit.
    pub async fn add_reserve(&mut self, spec: ReserveSpec) -> ReserveId {
        let args = InitReserveArgs {
            config: spec.config,
            oracle_sources: Vec::new(),
            max_divergence_bps: 0,
            seed_amount: spec.seed,
        };
        self.try_add_reserve(spec, args)
            .await
            .expect("init_reserve")
    }

    /// Like `add_reserve` with explicit args (without sources, the spec's oracle is the one).
    pub async fn try_add_reserve(
        &mut self,
        spec: ReserveSpec,
        args: InitReserveArgs,
    ) -> Result<ReserveId, ClientError> {
        let mint = self.create_mint(spec.decimals, &spec.token_program).await;
        self.try_list(spec, args, mint).await
    }

    /// Lists an existing `mint` (minted by the test mint authority): creates its oracle, funds
    /// the admin's seed and sends `init_reserve` with `args` (without sources, priced by the
    /// oracle created, in the spec's format: a fixed price needs none).
    pub async fn try_list(
        &mut self,
        spec: ReserveSpec,
        mut args: InitReserveArgs,
        mint: Pubkey,
    ) -> Result<ReserveId, ClientError> {
        let oracle = Pubkey::new_unique();
        let feed_id = oracle.to_bytes();
        let now = self.now().await;
        let price = PythPrice::new(feed_id, spec.price, PRICE_EXPONENT, now);
        if args.oracle_sources.is_empty() {
            args.oracle_sources = vec![source_of(spec.oracle_source, oracle, &price)];
        }
        if spec.oracle_source != OracleSource::Fixed {
            self.bank
                .set_account(&oracle, oracle_account(spec.oracle_source, &price))
                .await;
        }
        let mut keys = ReserveKeys::new(self.market, mint, spec.token_program, oracle);
        if let Ok(sources) = OracleSources::new(&args.oracle_sources, args.max_divergence_bps) {
            keys = keys.with_sources(&sources);
        }
        let admin_source = self
            .create_token_account(&mint, &self.admin.pubkey(), &spec.token_program)
            .await;
        self.mint(&spec.token_program, &mint, &admin_source, args.seed_amount)
            .await;
        // Once users pay their own fees, the admin pays the rent too (one signer).
        let rent_payer = match self.users_pay.load(std::sync::atomic::Ordering::Relaxed) {
            true => self.admin.pubkey(),
            false => self.payer.pubkey(),
        };
        let init = ix::init_reserve(
            &rent_payer,
            &self.admin.pubkey(),
            &keys,
            &admin_source,
            args,
        );
        self.send(init, &self.admin).await?;
        self.reserves.push(TestReserve {
            spec,
            keys,
            feed_id,
            price,
            fallback: None,
        });
        Ok(ReserveId(self.reserves.len() - 1))
    }

    /// A user with obligation 0 opened and token accounts for every reserve's liquidity and
    /// cToken mints.
    pub async fn new_user(&self) -> User {
        let keypair = Keypair::new();
        let keys = ObligationKeys::new(self.market, keypair.pubkey(), 0);
        let init = ix::init_obligation(&self.payer.pubkey(), &keys, 0);
        self.bank
            .send(&[init], &[&self.payer, &keypair])
            .await
            .expect("init_obligation");
        if self.users_pay.load(std::sync::atomic::Ordering::Relaxed) {
            self.airdrop(&keypair.pubkey(), 1_000_000_000).await;
        }
        let user = User {
            keypair,
            token_accounts: HashMap::new(),
            obligation: keys.address,
        };
        self.with_accounts_for(user).await
    }

    /// `user` with a liquidity and a cToken account for every reserve listed so far.
    pub async fn with_accounts_for(&self, mut user: User) -> User {
        for r in &self.reserves {
            let collateral_mint = r.keys.collateral_mint();
            for (mint, program) in [
                (r.keys.liquidity_mint, r.spec.token_program),
                (collateral_mint, anchor_spl::token::ID),
            ] {
                if !user.token_accounts.contains_key(&mint) {
                    let account = self
                        .create_token_account(&mint, &user.key(), &program)
                        .await;
                    user.token_accounts.insert(mint, account);
                }
            }
        }
        user
    }

    /// Mints `amount` of a reserve's liquidity to the user.
    pub async fn fund(&self, user: &User, reserve: ReserveId, amount: u64) {
        let r = self.reserve(reserve);
        let account = user.account(&r.keys.liquidity_mint);
        self.mint(
            &r.spec.token_program,
            &r.keys.liquidity_mint,
            &account,
            amount,
        )
        .await;
    }

    // --- clock and prices ---

    pub async fn now(&self) -> i64 {
        self.bank.clock().await.expect("clock").unix_timestamp
    }

    /// Moves time forward and republishes every price at the new time, as Pyth keeps doing.
    pub async fn advance_time(&mut self, seconds: i64) {
        self.bank.advance_time(seconds).await.expect("advance time");
        let now = self.now().await;
        for i in 0..self.reserves.len() {
            // The feed kept publishing while time passed: no gap, no outage.
            let mut price = self.reserves[i].price;
            price.prev_publish_time = now - 1;
            price.publish_time = now;
            self.set_oracle(ReserveId(i), price).await;
        }
    }

    /// Lets `steps` x `step_secs` pass with the feeds publishing and a keeper refreshing every
    /// reserve after each step (a reserve that sees no price for longer than the market's
    /// outage threshold counts that as an outage).
    pub async fn crank(&mut self, steps: u32, step_secs: i64) {
        for _ in 0..steps {
            self.advance_time(step_secs).await;
            for i in 0..self.reserves.len() {
                self.try_refresh_reserve(ReserveId(i))
                    .await
                    .expect("refresh");
            }
        }
    }

    /// Publishes `price` (spot and EMA) for a reserve, now.
    pub async fn set_price(&mut self, reserve: ReserveId, price: i64) {
        self.set_prices(reserve, price, price).await;
    }

    /// Publishes a `spot` price and an `ema` for a reserve, now (confidence 0.1% of each).
    pub async fn set_prices(&mut self, reserve: ReserveId, spot: i64, ema: i64) {
        let now = self.now().await;
        let r = &self.reserves[reserve.0];
        let mut update = PythPrice::new(r.feed_id, spot, PRICE_EXPONENT, now);
        update.ema_price = ema;
        update.ema_conf = ema.unsigned_abs() / 1_000;
        self.set_oracle(reserve, update).await;
    }

    /// Writes an arbitrary price update to a reserve's oracle account, in the reserve's format.
    pub async fn set_oracle(&mut self, reserve: ReserveId, price: PythPrice) {
        let r = &mut self.reserves[reserve.0];
        r.price = price;
        if let Some(feed) = r.fallback {
            let account = ballast_testkit::switchboard::feed_account(&price);
            self.bank.set_account(&feed, account).await;
        }
        if r.spec.oracle_source == OracleSource::Fixed {
            // Nothing to publish: the price is in the reserve.
            return;
        }
        let account = oracle_account(r.spec.oracle_source, &price);
        self.bank.set_account(&r.keys.oracle(), account).await;
    }

    // --- reading state ---

    pub async fn account(&self, address: &Pubkey) -> Option<Account> {
        self.bank.account(address).await.expect("get account")
    }

    pub async fn balance(&self, token_account: &Pubkey) -> u64 {
        let account = self
            .account(token_account)
            .await
            .expect("token account exists");
        accounts::token_amount(token_account, &account).unwrap()
    }

    pub async fn mint_supply(&self, mint: &Pubkey) -> u64 {
        let account = self.account(mint).await.expect("mint exists");
        accounts::mint_supply(mint, &account).unwrap()
    }

    pub async fn market_state(&self) -> Market {
        let account = self.account(&self.market).await.expect("market exists");
        accounts::decode_market(&self.market, &account).unwrap()
    }

    pub async fn reserve_state(&self, reserve: ReserveId) -> Reserve {
        let address = self.reserve(reserve).keys.address;
        let account = self.account(&address).await.expect("reserve exists");
        accounts::decode_reserve(&address, &account).unwrap()
    }

    pub async fn obligation_state(&self, user: &User) -> Obligation {
        let account = self
            .account(&user.obligation)
            .await
            .expect("obligation exists");
        accounts::decode_obligation(&user.obligation, &account).unwrap()
    }

    /// Leaves `user`'s obligation with its debt and no collateral, as a liquidation could before
    /// the write-off moved into the liquidation itself: the state `socialize_bad_debt` is for.
    /// (The pledged cTokens stay in the collateral vault, owned by nobody.)
    pub async fn strip_collateral(&self, user: &User) {
        let mut account = self
            .account(&user.obligation)
            .await
            .expect("obligation exists");
        let mut obligation = accounts::decode_obligation(&user.obligation, &account).unwrap();
        obligation.collaterals = Default::default();
        obligation.collateral_count = 0;
        account.data[8..].copy_from_slice(bytemuck::bytes_of(&obligation));
        self.bank.set_account(&user.obligation, account).await;
    }

    /// The user's obligation with its position accounts as they are now.
    pub async fn obligation_keys(&self, user: &User) -> ObligationKeys {
        let obligation = self.obligation_state(user).await;
        let prices: HashMap<Pubkey, PriceAccounts> = self
            .reserves
            .iter()
            .map(|r| (r.keys.address, r.keys.prices))
            .collect();
        ObligationKeys::from_obligation(user.obligation, &obligation, |r| prices.get(r).copied())
            .unwrap()
    }

    /// Every account in `addresses`, to compare before and after a failed instruction.
    pub async fn snapshot(&self, addresses: &[Pubkey]) -> Vec<Option<Account>> {
        let mut out = Vec::with_capacity(addresses.len());
        for a in addresses {
            out.push(self.account(a).await);
        }
        out
    }

    /// Asserts every account in `addresses` is byte-for-byte what `before` recorded.
    pub async fn assert_unchanged(&self, before: &[Option<Account>], addresses: &[Pubkey]) {
        let after = self.snapshot(addresses).await;
        for ((b, a), address) in before.iter().zip(&after).zip(addresses) {
            assert_eq!(b, a, "account {address} changed");
        }
    }

    /// Sends `instruction` signed by `signer`, expects exactly `refusal`, and asserts that every
    /// account the instruction names (but the fee payer) is byte-for-byte unchanged.
    pub async fn assert_refused(
        &self,
        instruction: Instruction,
        signer: &Keypair,
        refusal: impl Into<Refusal>,
    ) {
        self.assert_tx_refused(&[instruction], &[signer], refusal)
            .await
    }

    /// `assert_refused` for a transaction of several instructions and signers.
    pub async fn assert_tx_refused(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
        refusal: impl Into<Refusal>,
    ) {
        let refusal = refusal.into();
        let mut involved: Vec<Pubkey> = instructions
            .iter()
            .flat_map(|ix| ix.accounts.iter().map(|a| a.pubkey))
            .filter(|k| *k != self.payer.pubkey())
            .collect();
        involved.sort();
        involved.dedup();
        let before = self.snapshot(&involved).await;
        let result = self.send_signed(instructions, signers).await;
        match &result {
            Err(e) => assert!(refusal.matches(e), "expected {refusal:?}, got {e}"),
            Ok(_) => panic!("expected {refusal:?}, but the transaction succeeded"),
        }
        self.assert_unchanged(&before, &involved).await;
    }

    /// The reserve account, its vaults and mints, the market, and the user's token accounts and
    /// obligation: what any instruction of a user on a reserve may touch.
    pub fn touched_accounts(&self, user: &User) -> Vec<Pubkey> {
        let mut out = vec![self.market, user.obligation];
        for r in &self.reserves {
            let k = &r.keys;
            out.extend([
                k.address,
                k.liquidity_vault(),
                k.fee_vault(),
                k.collateral_mint(),
                k.collateral_vault(),
                k.liquidity_mint,
            ]);
        }
        let mut mine: Vec<Pubkey> = user.token_accounts.values().copied().collect();
        mine.sort();
        out.extend(mine);
        out
    }

    // --- token setup ---

    pub async fn create_mint(&self, decimals: u8, token_program: &Pubkey) -> Pubkey {
        let mint = Keypair::new();
        let ixs = spl::create_mint(
            &self.payer.pubkey(),
            &mint.pubkey(),
            &self.mint_authority.pubkey(),
            decimals,
            token_program,
        );
        self.bank
            .send(&ixs, &[&self.payer, &mint])
            .await
            .expect("create mint");
        mint.pubkey()
    }

    /// A token account of `mint` for `owner`, sized for the mint's extensions.
    pub async fn create_token_account(
        &self,
        mint: &Pubkey,
        owner: &Pubkey,
        token_program: &Pubkey,
    ) -> Pubkey {
        spl::new_token_account(&self.bank, &self.payer, mint, owner, token_program)
            .await
            .expect("create token account")
    }

    pub async fn mint(&self, token_program: &Pubkey, mint: &Pubkey, to: &Pubkey, amount: u64) {
        let i = spl::mint_to(
            token_program,
            mint,
            to,
            &self.mint_authority.pubkey(),
            amount,
        );
        self.bank
            .send(&[i], &[&self.payer, &self.mint_authority])
            .await
            .expect("mint");
    }
}

/// A source of `kind` reading `account` (holding `price`), or a fixed `price`.
pub fn source_of(kind: OracleSource, account: Pubkey, price: &PythPrice) -> PriceSource {
    match kind {
        OracleSource::PythPull => PriceSource::pyth_pull(account, price.feed_id),
        OracleSource::PythLegacy => PriceSource::pyth_legacy(account),
        OracleSource::SwitchboardOnDemand => PriceSource::switchboard(account, price.feed_id),
        OracleSource::Fixed => PriceSource::fixed(price.price as u64),
    }
}

/// The oracle account for `price` in `source`'s format.
pub fn oracle_account(source: OracleSource, price: &PythPrice) -> Account {
    match source {
        OracleSource::Fixed => unreachable!("a fixed price has no account"),
        OracleSource::PythPull => price.account(),
        OracleSource::PythLegacy => LegacyPythPrice {
            price: price.price,
            conf: price.conf,
            exponent: price.exponent,
            publish_time: price.publish_time,
            prev_publish_time: price.prev_publish_time,
            ema_price: price.ema_price,
            ema_conf: price.ema_conf,
            ..LegacyPythPrice::new(price.price, price.exponent, price.publish_time)
        }
        .account(),
        OracleSource::SwitchboardOnDemand => ballast_testkit::switchboard::feed_account(price),
    }
}

/// How a transaction is expected to fail: a program's custom error code, or a runtime
/// instruction error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Custom(u32),
    Instruction(InstructionError),
}

impl Refusal {
    pub fn matches(&self, e: &ClientError) -> bool {
        match (self, e) {
            (Refusal::Custom(code), e) => e.custom_code() == Some(*code),
            (
                Refusal::Instruction(expected),
                ClientError::Transaction {
                    error: TransactionError::InstructionError(_, got),
                    ..
                },
            ) => got == expected,
            _ => false,
        }
    }
}

impl From<ballast::errors::BallastError> for Refusal {
    fn from(e: ballast::errors::BallastError) -> Self {
        Refusal::Custom(e.into())
    }
}

impl From<anchor_lang::error::ErrorCode> for Refusal {
    fn from(e: anchor_lang::error::ErrorCode) -> Self {
        Refusal::Custom(e.into())
    }
}

impl From<InstructionError> for Refusal {
    fn from(e: InstructionError) -> Self {
        Refusal::Instruction(e)
    }
}

impl From<u32> for Refusal {
    fn from(code: u32) -> Self {
        Refusal::Custom(code)
    }
}
