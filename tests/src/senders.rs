//! One `try_*` sender per program instruction, for `TestMarket`.
use {
    crate::{
        market::{ReserveId, TestMarket, User},
        specs::{ReserveSpec, PRICE_EXPONENT},
    },
    ballast::{
        instructions::{InitMarketArgs, InitReserveArgs, LiquidateArgs, LiquidationPayout},
        state::{
            MarketChange, MarketConfig, OracleSource, OracleSources, PriceSource, ReserveChange,
        },
    },
    ballast_client::{
        instructions as ix, ClientError, ObligationKeys, ReserveKeys, Transport, TxOutcome,
    },
    ballast_testkit::pyth::PythPrice,
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, signer::Signer},
};

impl TestMarket {
    /// Sends `instruction` signed by `signer`, with the bank's payer paying the fee.
    pub async fn send(
        &self,
        instruction: Instruction,
        signer: &Keypair,
    ) -> Result<TxOutcome, ClientError> {
        self.send_all(&[instruction], signer).await
    }

    /// Gives `to` lamports from the bank's payer (to pay rent as a signer).
    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) {
        let transfer = anchor_lang::solana_program::system_instruction::transfer(
            &self.payer.pubkey(),
            to,
            lamports,
        );
        self.send(transfer, &self.payer).await.expect("airdrop");
    }

    /// Sends `instructions` signed by the fee payer and each of `signers` (once each).
    pub async fn send_signed(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        let mut all: Vec<&dyn Signer> = vec![&self.payer];
        for s in signers {
            if !all.iter().any(|k| k.pubkey() == s.pubkey()) {
                all.push(*s);
            }
        }
        self.bank.send(instructions, &all).await
    }

    pub async fn send_all(
        &self,
        instructions: &[Instruction],
        signer: &Keypair,
    ) -> Result<TxOutcome, ClientError> {
        let alone = signer.pubkey() == self.payer.pubkey()
            || self.users_pay.load(std::sync::atomic::Ordering::Relaxed);
        if alone {
            return self.bank.send(instructions, &[signer]).await;
        }
        self.bank.send(instructions, &[&self.payer, signer]).await
    }

    pub async fn try_update_market(&self, change: MarketChange) -> Result<TxOutcome, ClientError> {
        self.send(
            ix::update_market(&self.admin.pubkey(), &self.market, change),
            &self.admin,
        )
        .await
    }

    pub async fn try_update_reserve(
        &self,
        reserve: ReserveId,
        change: ReserveChange,
    ) -> Result<TxOutcome, ClientError> {
        self.send(
            ix::update_reserve(&self.admin.pubkey(), &self.keys(reserve), change),
            &self.admin,
        )
        .await
    }

    /// Points `reserve` at a new Pyth pull account holding `price` (its feed id the price's);
    /// on success the market's cached keys follow.
    pub async fn try_change_oracle(
        &mut self,
        reserve: ReserveId,
        price: PythPrice,
    ) -> Result<TxOutcome, ClientError> {
        let account = Pubkey::new_unique();
        self.bank.set_account(&account, price.account()).await;
        let source = PriceSource::pyth_pull(account, price.feed_id);
        let out = self.try_set_sources(reserve, vec![source], 0).await?;
        let r = &mut self.reserves[reserve.0];
        r.feed_id = price.feed_id;
        r.spec.oracle_source = OracleSource::PythPull;
        r.price = price;
        Ok(out)
    }

    /// Gives `reserve` a second source after its own: a Switchboard feed publishing the same
    /// prices from now on, at most `max_divergence_bps` apart.
    pub async fn add_fallback(&mut self, reserve: ReserveId, max_divergence_bps: u16) {
        let feed = Pubkey::new_unique();
        let r = &self.reserves[reserve.0];
        let price = r.price;
        let primary = crate::market::source_of(r.spec.oracle_source, r.keys.oracle(), &price);
        let account = ballast_testkit::switchboard::feed_account(&price);
        self.bank.set_account(&feed, account).await;
        let fallback = PriceSource::switchboard(feed, price.feed_id);
        self.try_set_sources(reserve, vec![primary, fallback], max_divergence_bps)
            .await
            .expect("fallback");
        self.reserves[reserve.0].fallback = Some(feed);
    }

    /// Gives `reserve` `sources` (their accounts already on the bank); on success the market's
    /// cached keys follow.
    pub async fn try_set_sources(
        &mut self,
        reserve: ReserveId,
        sources: Vec<PriceSource>,
        max_divergence_bps: u16,
    ) -> Result<TxOutcome, ClientError> {
        let change = ReserveChange::OracleSources {
            sources: sources.clone(),
            max_divergence_bps,
        };
        let out = self.try_update_reserve(reserve, change).await?;
        let r = &mut self.reserves[reserve.0];
        r.keys = r
            .keys
            .with_sources(&OracleSources::new(&sources, max_divergence_bps).expect("valid"));
        Ok(out)
    }

    pub async fn try_withdraw_protocol_fees(
        &self,
        reserve: ReserveId,
        destination: &Pubkey,
        amount: u64,
    ) -> Result<TxOutcome, ClientError> {
        let i = ix::withdraw_protocol_fees(
            &self.admin.pubkey(),
            &self.keys(reserve),
            destination,
            amount,
        );
        self.send(i, &self.admin).await
    }

    pub async fn try_deposit(
        &self,
        user: &User,
        reserve: ReserveId,
        amount: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let i = ix::deposit(
            &user.key(),
            &k,
            &user.account(&k.liquidity_mint),
            &user.account(&k.collateral_mint()),
            amount,
        );
        self.send(i, &user.keypair).await
    }

    pub async fn try_redeem(
        &self,
        user: &User,
        reserve: ReserveId,
        collateral: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let i = ix::redeem(
            &user.key(),
            &k,
            &user.account(&k.collateral_mint()),
            &user.account(&k.liquidity_mint),
            collateral,
        );
        self.send(i, &user.keypair).await
    }

    pub async fn try_deposit_collateral(
        &self,
        user: &User,
        reserve: ReserveId,
        collateral: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let o = self.obligation_keys(user).await;
        let i = ix::deposit_collateral(&k, &o, &user.account(&k.collateral_mint()), collateral);
        self.send(i, &user.keypair).await
    }

    pub async fn try_withdraw_collateral(
        &self,
        user: &User,
        reserve: ReserveId,
        collateral: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let o = self.obligation_keys(user).await;
        let i = ix::withdraw_collateral(&k, &o, &user.account(&k.collateral_mint()), collateral);
        self.send(i, &user.keypair).await
    }

    pub async fn try_supply(
        &self,
        user: &User,
        reserve: ReserveId,
        amount: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let o = self.obligation_keys(user).await;
        let i = ix::supply(&k, &o, &user.account(&k.liquidity_mint), amount);
        self.send(i, &user.keypair).await
    }

    pub async fn try_withdraw(
        &self,
        user: &User,
        reserve: ReserveId,
        collateral: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let o = self.obligation_keys(user).await;
        let i = ix::withdraw(&k, &o, &user.account(&k.liquidity_mint), collateral);
        self.send(i, &user.keypair).await
    }

    /// `user` moves their obligation into e-mode `group` (0: out of e-mode).
    pub async fn try_set_emode(&self, user: &User, group: u8) -> Result<TxOutcome, ClientError> {
        let o = self.obligation_keys(user).await;
        self.send(ix::set_obligation_emode(&o, group), &user.keypair)
            .await
    }

    pub async fn try_borrow(
        &self,
        user: &User,
        reserve: ReserveId,
        amount: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let o = self.obligation_keys(user).await;
        let i = ix::borrow(&k, &o, &user.account(&k.liquidity_mint), amount);
        self.send(i, &user.keypair).await
    }

    /// `repayer` repays `amount` of `owner`'s debt.
    pub async fn try_repay(
        &self,
        repayer: &User,
        owner: &User,
        reserve: ReserveId,
        amount: u64,
    ) -> Result<TxOutcome, ClientError> {
        let k = self.keys(reserve);
        let i = ix::repay(
            &repayer.key(),
            &k,
            &owner.obligation,
            &repayer.account(&k.liquidity_mint),
            amount,
        );
        self.send(i, &repayer.keypair).await
    }

    /// `liquidator` liquidates `owner`'s obligation: repays in `repay`, seizes in `withdraw`;
    /// the payout goes to the liquidator's cToken or liquidity account of `withdraw`.
    pub async fn try_liquidate(
        &self,
        liquidator: &User,
        owner: &User,
        repay: ReserveId,
        withdraw: ReserveId,
        args: LiquidateArgs,
    ) -> Result<TxOutcome, ClientError> {
        let (rk, wk) = (self.keys(repay), self.keys(withdraw));
        let destination = match args.payout {
            LiquidationPayout::Collateral => liquidator.account(&wk.collateral_mint()),
            LiquidationPayout::Liquidity => liquidator.account(&wk.liquidity_mint),
        };
        let o = self.obligation_keys(owner).await;
        let i = ix::liquidate(
            &liquidator.key(),
            &o,
            &rk,
            &wk,
            &liquidator.account(&rk.liquidity_mint),
            &destination,
            args,
        );
        self.send(i, &liquidator.keypair).await
    }

    pub async fn try_socialize_bad_debt(
        &self,
        owner: &User,
        reserve: ReserveId,
    ) -> Result<TxOutcome, ClientError> {
        let i =
            ix::socialize_bad_debt(&self.payer.pubkey(), &self.keys(reserve), &owner.obligation);
        self.send(i, &self.payer).await
    }

    pub async fn try_set_pause(
        &self,
        signer: &Keypair,
        paused: bool,
    ) -> Result<TxOutcome, ClientError> {
        self.send(
            ix::set_pause(&signer.pubkey(), &self.market, paused),
            signer,
        )
        .await
    }

    pub async fn try_close_obligation(&self, owner: &User) -> Result<TxOutcome, ClientError> {
        let keys = ObligationKeys {
            address: owner.obligation,
            market: self.market,
            owner: owner.key(),
            position_accounts: Vec::new(),
            collateral_positions: 0,
            reserve_indexes: Vec::new(),
        };
        self.send(ix::close_obligation(&keys, &owner.key()), &owner.keypair)
            .await
    }

    /// A second market (id 1, same admin) with a USDC-like reserve listed: accounts that belong
    /// to another market.
    pub async fn foreign_reserve(&self) -> (Pubkey, ReserveKeys) {
        let init = ix::init_market(
            &self.payer.pubkey(),
            InitMarketArgs {
                market_id: 1,
                admin: self.admin.pubkey(),
                config: MarketConfig::default(),
            },
        );
        self.send(init, &self.payer).await.expect("second market");
        let market = ballast_client::pda::market(&self.payer.pubkey(), 1);
        let spec = ReserveSpec::usdc();
        let mint = self.create_mint(spec.decimals, &spec.token_program).await;
        let oracle = Pubkey::new_unique();
        let now = self.now().await;
        let price = PythPrice::new(oracle.to_bytes(), spec.price, PRICE_EXPONENT, now);
        self.bank.set_account(&oracle, price.account()).await;
        let keys = ReserveKeys::new(market, mint, spec.token_program, oracle);
        let source = self
            .create_token_account(&mint, &self.admin.pubkey(), &spec.token_program)
            .await;
        self.mint(&spec.token_program, &mint, &source, spec.seed)
            .await;
        let args = InitReserveArgs {
            config: spec.config,
            oracle_sources: vec![PriceSource::pyth_pull(oracle, oracle.to_bytes())],
            max_divergence_bps: 0,
            seed_amount: spec.seed,
        };
        let init = ix::init_reserve(
            &self.payer.pubkey(),
            &self.admin.pubkey(),
            &keys,
            &source,
            args,
        );
        self.send(init, &self.admin).await.expect("foreign reserve");
        (market, keys)
    }

    pub async fn try_refresh_reserve(&self, reserve: ReserveId) -> Result<TxOutcome, ClientError> {
        self.send(ix::refresh_reserve(&self.keys(reserve)), &self.payer)
            .await
    }
}
