//! `ballast demo`: a lending story on an in-process bank (no validator): a market with USDC and
//! SOL reserves priced by Pyth accounts, a lender, a borrower, a month of interest, a repay.
use {
    crate::{
        bank::Bank,
        format::{decimal, percent, units, usd},
        health, instructions as ix, presets,
        pyth::PythPrice,
        spl, ClientError, ObligationKeys, ReserveKeys, Transport,
    },
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        instructions::{InitMarketArgs, InitReserveArgs},
        math::Fixed,
        state::{MarketConfig, OracleSource, ReserveConfig},
    },
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::io::Write,
};

/// What the story moved, for callers that check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoReport {
    pub supplied: u64,
    pub borrowed: u64,
    /// What the borrower paid back, interest included.
    pub repaid: u64,
    /// What the lender redeemed for the cTokens of `supplied`.
    pub redeemed: u64,
    /// Protocol fees earned in the USDC reserve (whole units, rounded down).
    pub protocol_fees: u64,
    /// The seed locked at listing.
    pub seed: u64,
    /// USDC left in the reserve's vault at the end.
    pub vault_left: u64,
    pub days: i64,
}

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;
const PRICE_EXPONENT: i32 = -8;

struct Asset {
    symbol: &'static str,
    decimals: u8,
    keys: ReserveKeys,
    /// Price in 10^-8 USD.
    price: i64,
}

struct Story<'a, W: Write> {
    bank: Bank,
    payer: Keypair,
    mint_authority: Keypair,
    market: Pubkey,
    out: &'a mut W,
}

/// Runs the story, writing it to `out`.
pub async fn run(out: &mut impl Write) -> Result<DemoReport, ClientError> {
    let bank = Bank::start(Vec::new()).await;
    let payer = bank.payer().await;
    let mut story = Story {
        market: crate::pda::market(&payer.pubkey(), 0),
        bank,
        payer,
        mint_authority: Keypair::new(),
        out,
    };
    story.play().await
}

impl<W: Write> Story<'_, W> {
    async fn play(&mut self) -> Result<DemoReport, ClientError> {
        self.say("Ballast demo: a lending market on an in-process Solana bank (no validator)\n")?;
        let init = ix::init_market(
            &self.payer.pubkey(),
            InitMarketArgs {
                market_id: 0,
                admin: self.payer.pubkey(),
                config: MarketConfig::default(),
            },
        );
        self.bank.send(&[init], &[&self.payer]).await?;
        self.say(&format!("market {}", self.market))?;
        let usdc = self
            .list("USDC", 6, 100_000_000, presets::stablecoin())
            .await?;
        let sol = self
            .list("SOL", 9, 150 * 100_000_000, presets::volatile())
            .await?;

        let alice = Keypair::new();
        let bob = Keypair::new();
        let alice_usdc = self.wallet(&alice, &usdc, 10_000 * USDC).await?;
        let alice_cusdc = spl::new_token_account(
            &self.bank,
            &self.payer,
            &usdc.keys.collateral_mint(),
            &alice.pubkey(),
            &TOKEN_PROGRAM_ID,
        )
        .await?;
        let bob_sol = self.wallet(&bob, &sol, 100 * SOL).await?;
        let bob_usdc = self.wallet(&bob, &usdc, 0).await?;
        let bob_obligation = ObligationKeys::new(self.market, bob.pubkey(), 0);
        self.send(
            ix::init_obligation(&self.payer.pubkey(), &bob_obligation, 0),
            &bob,
        )
        .await?;

        let supplied = 10_000 * USDC;
        self.send(
            ix::deposit(
                &alice.pubkey(),
                &usdc.keys,
                &alice_usdc,
                &alice_cusdc,
                supplied,
            ),
            &alice,
        )
        .await?;
        let ctokens = self.balance(&alice_cusdc).await?;
        self.say(&format!(
            "\n1. Alice supplies {} USDC and receives {} cUSDC",
            units(supplied, 6),
            units(ctokens, 6)
        ))?;

        self.send(
            ix::supply(&sol.keys, &bob_obligation, &bob_sol, 100 * SOL),
            &bob,
        )
        .await?;
        let borrowed = 6_000 * USDC;
        let bob_obligation = self
            .obligation_keys(&bob_obligation.address, &[&usdc, &sol])
            .await?;
        self.send(
            ix::borrow(&usdc.keys, &bob_obligation, &bob_usdc, borrowed),
            &bob,
        )
        .await?;
        self.say(&format!(
            "2. Bob pledges 100 SOL at $150 and borrows {} USDC",
            units(borrowed, 6)
        ))?;
        self.show_obligation("Bob", &bob_obligation.address).await?;
        self.show_reserve(&usdc).await?;

        let days = 30;
        self.bank.advance_time(days * 86_400).await?;
        self.publish(&usdc).await?;
        self.publish(&sol).await?;
        self.send(
            ix::refresh_reserve(&usdc.keys),
            &self.payer.insecure_clone(),
        )
        .await?;
        self.say(&format!("\n3. {days} days pass"))?;
        let reserve = health::fetch_reserve(&self.bank, &usdc.keys.address).await?;
        let obligation = health::fetch_obligation(&self.bank, &bob_obligation.address).await?;
        let owed = obligation.borrows()[0]
            .debt(reserve.liquidity.index())
            .and_then(Fixed::to_ceil)
            .map_err(program)?;
        self.say(&format!(
            "   Bob owes {} USDC ({} interest)",
            units(owed, 6),
            units(owed - borrowed, 6)
        ))?;
        let worth = reserve
            .liquidity
            .collateral_to_liquidity(ctokens)
            .and_then(Fixed::to_floor)
            .map_err(program)?;
        self.say(&format!(
            "   Alice's {} cUSDC are worth {} USDC",
            units(ctokens, 6),
            units(worth, 6)
        ))?;
        self.show_reserve(&usdc).await?;

        // Bob earned the interest elsewhere; he repays everything and takes his SOL back.
        let shortfall = owed - borrowed;
        spl_mint(self, &usdc, &bob_usdc, shortfall).await?;
        let before = self.balance(&bob_usdc).await?;
        self.send(
            ix::repay(
                &bob.pubkey(),
                &usdc.keys,
                &bob_obligation.address,
                &bob_usdc,
                u64::MAX,
            ),
            &bob,
        )
        .await?;
        let repaid = before - self.balance(&bob_usdc).await?;
        let bob_obligation = self
            .obligation_keys(&bob_obligation.address, &[&usdc, &sol])
            .await?;
        self.send(
            ix::withdraw(&sol.keys, &bob_obligation, &bob_sol, u64::MAX),
            &bob,
        )
        .await?;
        let before = self.balance(&alice_usdc).await?;
        self.send(
            ix::redeem(
                &alice.pubkey(),
                &usdc.keys,
                &alice_cusdc,
                &alice_usdc,
                ctokens,
            ),
            &alice,
        )
        .await?;
        let redeemed = self.balance(&alice_usdc).await? - before;
        let reserve = health::fetch_reserve(&self.bank, &usdc.keys.address).await?;
        let protocol_fees = reserve
            .liquidity
            .protocol_fees()
            .to_floor()
            .map_err(program)?;
        self.say(&format!(
            "\n4. Bob repays {} USDC and takes back {} SOL",
            units(repaid, 6),
            units(self.balance(&bob_sol).await?, 9)
        ))?;
        self.say(&format!(
            "   Alice redeems her cUSDC for {} USDC (+{})",
            units(redeemed, 6),
            units(redeemed - supplied, 6)
        ))?;
        self.say(&format!(
            "   Protocol fees earned: {} USDC; left in the pool: {} USDC (the locked seed and rounding)",
            units(protocol_fees, 6),
            units(reserve.liquidity.available_amount - protocol_fees, 6)
        ))?;
        Ok(DemoReport {
            supplied,
            borrowed,
            repaid,
            redeemed,
            protocol_fees,
            seed: USDC,
            vault_left: self.balance(&usdc.keys.liquidity_vault()).await?,
            days,
        })
    }

    async fn list(
        &mut self,
        symbol: &'static str,
        decimals: u8,
        price: i64,
        config: ReserveConfig,
    ) -> Result<Asset, ClientError> {
        let mint = spl::new_mint(
            &self.bank,
            &self.payer,
            &self.mint_authority.pubkey(),
            decimals,
            &TOKEN_PROGRAM_ID,
        )
        .await?;
        let oracle = Pubkey::new_unique();
        let keys = ReserveKeys::new(self.market, mint, TOKEN_PROGRAM_ID, oracle);
        let asset = Asset {
            symbol,
            decimals,
            keys,
            price,
        };
        self.publish(&asset).await?;
        let seed = 10u64.pow(decimals.into());
        let source = spl::new_token_account(
            &self.bank,
            &self.payer,
            &mint,
            &self.payer.pubkey(),
            &TOKEN_PROGRAM_ID,
        )
        .await?;
        spl_mint(self, &asset, &source, seed).await?;
        let args = InitReserveArgs {
            config,
            oracle_source: OracleSource::PythPull,
            oracle_feed_id: oracle.to_bytes(),
            seed_amount: seed,
        };
        let payer = self.payer.pubkey();
        self.send(
            ix::init_reserve(&payer, &payer, &keys, &source, args),
            &self.payer.insecure_clone(),
        )
        .await?;
        self.say(&format!(
            "reserve {symbol:<4} at {}: LTV {}, liquidation at {}, seed of 1 {symbol} locked",
            usd(Fixed::from_raw(price as u128 * 10u128.pow(10))),
            percent(Fixed::from_bps(config.loan_to_value_bps.into())),
            percent(Fixed::from_bps(config.liquidation_threshold_bps.into())),
        ))?;
        Ok(asset)
    }

    /// Publishes the asset's price now, as Pyth's feed would.
    async fn publish(&self, asset: &Asset) -> Result<(), ClientError> {
        let now = self.bank.clock().await?.unix_timestamp;
        let price = PythPrice::new(
            asset.keys.oracle.to_bytes(),
            asset.price,
            PRICE_EXPONENT,
            now,
        );
        self.bank
            .set_account(&asset.keys.oracle, price.account())
            .await;
        Ok(())
    }

    async fn wallet(
        &self,
        owner: &Keypair,
        asset: &Asset,
        amount: u64,
    ) -> Result<Pubkey, ClientError> {
        let account = spl::new_token_account(
            &self.bank,
            &self.payer,
            &asset.keys.liquidity_mint,
            &owner.pubkey(),
            &TOKEN_PROGRAM_ID,
        )
        .await?;
        if amount > 0 {
            spl_mint(self, asset, &account, amount).await?;
        }
        Ok(account)
    }

    async fn obligation_keys(
        &self,
        address: &Pubkey,
        assets: &[&Asset],
    ) -> Result<ObligationKeys, ClientError> {
        let obligation = health::fetch_obligation(&self.bank, address).await?;
        ObligationKeys::from_obligation(*address, &obligation, |r| {
            assets
                .iter()
                .find(|a| a.keys.address == *r)
                .map(|a| a.keys.oracle)
        })
    }

    async fn show_obligation(&mut self, who: &str, address: &Pubkey) -> Result<(), ClientError> {
        let h = health::obligation_health(&self.bank, address).await?.health;
        let factor = h.health_factor().map(|f| decimal(f, 2));
        self.say(&format!(
            "   {who}'s obligation: collateral {}, borrow limit {}, debt {}, health factor {}",
            usd(h.collateral_value),
            usd(h.borrow_limit),
            usd(h.debt_value),
            factor.unwrap_or_else(|| "-".into())
        ))
    }

    async fn show_reserve(&mut self, asset: &Asset) -> Result<(), ClientError> {
        let r = health::fetch_reserve(&self.bank, &asset.keys.address).await?;
        let utilization = r.liquidity.utilization().map_err(program)?;
        let borrow_apr = r
            .config
            .rate_curve
            .borrow_rate(utilization)
            .map_err(program)?;
        let take = Fixed::ONE
            .checked_sub(Fixed::from_bps(r.config.protocol_take_rate_bps.into()))
            .map_err(program)?;
        let supply_apr = borrow_apr
            .mul_floor(utilization)
            .and_then(|x| x.mul_floor(take))
            .map_err(program)?;
        self.say(&format!(
            "   {} reserve: supplied {}, borrowed {}, utilization {}, borrow APR {}, supply APR {}",
            asset.symbol,
            units(
                r.liquidity
                    .total_supply()
                    .and_then(Fixed::to_floor)
                    .map_err(program)?,
                asset.decimals
            ),
            units(
                r.liquidity.borrowed().to_floor().map_err(program)?,
                asset.decimals
            ),
            percent(utilization),
            percent(borrow_apr),
            percent(supply_apr),
        ))
    }

    async fn balance(&self, account: &Pubkey) -> Result<u64, ClientError> {
        let data = self
            .bank
            .account(account)
            .await?
            .ok_or(ClientError::AccountNotFound(*account))?;
        crate::accounts::token_amount(account, &data)
    }

    async fn send(
        &self,
        instruction: solana_sdk::instruction::Instruction,
        signer: &Keypair,
    ) -> Result<(), ClientError> {
        if signer.pubkey() == self.payer.pubkey() {
            self.bank.send(&[instruction], &[&self.payer]).await?;
        } else {
            self.bank
                .send(&[instruction], &[&self.payer, signer])
                .await?;
        }
        Ok(())
    }

    fn say(&mut self, line: &str) -> Result<(), ClientError> {
        writeln!(self.out, "{line}").map_err(|e| ClientError::Transport(e.to_string()))
    }
}

async fn spl_mint<W: Write>(
    story: &Story<'_, W>,
    asset: &Asset,
    to: &Pubkey,
    amount: u64,
) -> Result<(), ClientError> {
    let i = spl::mint_to(
        &TOKEN_PROGRAM_ID,
        &asset.keys.liquidity_mint,
        to,
        &story.mint_authority.pubkey(),
        amount,
    );
    story
        .bank
        .send(&[i], &[&story.payer, &story.mint_authority])
        .await?;
    Ok(())
}

fn program(e: anchor_lang::error::Error) -> ClientError {
    ClientError::Program(e.to_string())
}
