//! The demo's world on its cluster (the bank, or one over RPC): a market, priced assets,
//! people with wallets.
use {
    super::stage::Stage,
    crate::{bank::Bank, fetch, instructions as ix, spl, views::Labels, ClientError, ReserveKeys},
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        instructions::{InitMarketArgs, InitReserveArgs},
        state::{MarketConfig, OracleSources, ReserveConfig},
    },
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, signer::Signer},
};

pub struct Asset {
    pub symbol: &'static str,
    pub decimals: u8,
    pub keys: ReserveKeys,
    /// Price in 10^-8 USD.
    pub price: i64,
    /// Everything ever minted, to check the books against.
    pub minted: u64,
}

impl Asset {
    /// `n` whole tokens in base units.
    pub fn tokens(&self, n: u64) -> u64 {
        n * 10u64.pow(self.decimals.into())
    }
}

pub struct Person {
    pub name: &'static str,
    pub keypair: Keypair,
}

impl Person {
    pub fn key(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// This person's wallet (associated account) for `asset`'s liquidity.
    pub fn wallet(&self, asset: &Asset) -> Pubkey {
        spl::associated_account(&self.key(), &asset.keys.liquidity_mint, &TOKEN_PROGRAM_ID)
    }

    /// This person's wallet for `asset`'s cTokens.
    pub fn ctoken_wallet(&self, asset: &Asset) -> Pubkey {
        spl::associated_account(
            &self.key(),
            &asset.keys.collateral_mint(),
            &TOKEN_PROGRAM_ID,
        )
    }
}

pub struct World<T> {
    pub cluster: T,
    pub payer: Keypair,
    mint_authority: Keypair,
    pub market: Pubkey,
    pub assets: Vec<Asset>,
    pub labels: Labels,
}

impl World<Bank> {
    /// A bank with a market under the default policy, administered by the bank's payer.
    pub async fn new() -> Result<World<Bank>, ClientError> {
        let bank = Bank::start(Vec::new()).await;
        let payer = bank.payer().await;
        World::open(bank, payer, 0, MarketConfig::default()).await
    }
}

impl<T: Stage> World<T> {
    /// Creates market `market_id` of `payer`, who administers it and pays for everything.
    pub async fn open(
        cluster: T,
        payer: Keypair,
        market_id: u64,
        config: MarketConfig,
    ) -> Result<World<T>, ClientError> {
        let init = ix::init_market(
            &payer.pubkey(),
            InitMarketArgs {
                market_id,
                admin: payer.pubkey(),
                config,
            },
        );
        cluster.send(&[init], &[&payer]).await?;
        Ok(World {
            market: crate::pda::market(&payer.pubkey(), market_id),
            cluster,
            payer,
            mint_authority: Keypair::new(),
            assets: Vec::new(),
            labels: Labels::default(),
        })
    }

    /// Creates a mint and its price source, and lists it; returns its index in `assets`.
    pub async fn list(
        &mut self,
        symbol: &'static str,
        decimals: u8,
        price: i64,
        config: ReserveConfig,
    ) -> Result<usize, ClientError> {
        let mint = spl::new_mint(
            &self.cluster,
            &self.payer,
            &self.mint_authority.pubkey(),
            decimals,
            &TOKEN_PROGRAM_ID,
        )
        .await?;
        self.labels.insert(mint, symbol);
        let source = T::source(price);
        let sources = OracleSources::new(&[source], 0).map_err(ClientError::Rule)?;
        let keys = ReserveKeys::new(self.market, mint, TOKEN_PROGRAM_ID, Pubkey::default())
            .with_sources(&sources);
        self.labels.insert(keys.address, symbol);
        self.assets.push(Asset {
            symbol,
            decimals,
            keys,
            price,
            minted: 0,
        });
        let index = self.assets.len() - 1;
        T::publish(self, index).await?;
        let seed = self.assets[index].tokens(1);
        let admin = Person {
            name: "admin",
            keypair: self.payer.insecure_clone(),
        };
        self.fund(&admin, index, seed).await?;
        let args = InitReserveArgs {
            config,
            oracle_sources: vec![source],
            max_divergence_bps: 0,
            seed_amount: seed,
        };
        let payer = self.payer.pubkey();
        let source = admin.wallet(&self.assets[index]);
        let list = ix::init_reserve(&payer, &payer, &keys, &source, args);
        self.cluster.send(&[list], &[&self.payer]).await?;
        Ok(index)
    }

    /// A keeper's `refresh_reserve` on every reserve: writes accrued interest and records the
    /// price in use.
    pub async fn refresh_reserves(&self) -> Result<(), ClientError> {
        for asset in &self.assets {
            let refresh = ix::refresh_reserve(&asset.keys);
            self.cluster.send(&[refresh], &[&self.payer]).await?;
        }
        Ok(())
    }

    /// A keeper's crank: `refresh_reserve` on every reserve, with fresh prices. After a long
    /// quiet time the first one records the end of an oracle outage (no price seen for longer
    /// than the market's threshold), and liquidations wait the grace period: the keeper keeps
    /// cranking through it, every five minutes, and returns when it is over.
    pub async fn crank_through_grace(&self, grace_secs: i64) -> Result<(), ClientError> {
        let mut waited = 0;
        loop {
            self.refresh_reserves().await?;
            if waited >= grace_secs {
                return Ok(());
            }
            T::pass_time(self, 300).await?;
            waited += 300;
        }
    }

    /// Mints `amount` of asset `index` into `person`'s wallet (creating it and their cToken
    /// wallet).
    pub async fn fund(
        &mut self,
        person: &Person,
        index: usize,
        amount: u64,
    ) -> Result<(), ClientError> {
        let asset = &self.assets[index];
        let owner = person.key();
        let payer = self.payer.pubkey();
        let mut ixs = vec![
            spl::create_associated_account(
                &payer,
                &owner,
                &asset.keys.liquidity_mint,
                &TOKEN_PROGRAM_ID,
            ),
            spl::create_associated_account(
                &payer,
                &owner,
                &asset.keys.collateral_mint(),
                &TOKEN_PROGRAM_ID,
            ),
        ];
        if amount > 0 {
            ixs.push(spl::mint_to(
                &TOKEN_PROGRAM_ID,
                &asset.keys.liquidity_mint,
                &person.wallet(asset),
                &self.mint_authority.pubkey(),
                amount,
            ));
        }
        // The cToken mint exists only once the reserve is listed.
        if self
            .cluster
            .account(&asset.keys.collateral_mint())
            .await?
            .is_none()
        {
            ixs.remove(1);
        }
        if amount > 0 {
            self.cluster
                .send(&ixs, &[&self.payer, &self.mint_authority])
                .await?;
        } else {
            self.cluster.send(&ixs, &[&self.payer]).await?;
        }
        self.assets[index].minted += amount;
        Ok(())
    }

    /// Sends `instructions` signed by `person`; the payer pays the fee.
    pub async fn act(
        &self,
        person: &Person,
        instructions: &[Instruction],
    ) -> Result<(), ClientError> {
        self.cluster
            .send(instructions, &[&self.payer, &person.keypair])
            .await?;
        Ok(())
    }

    pub async fn balance(&self, account: &Pubkey) -> Result<u64, ClientError> {
        fetch::token_balance(&self.cluster, account).await
    }
}
