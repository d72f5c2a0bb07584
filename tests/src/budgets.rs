//! Size budgets: an obligation holding the maximum number of positions, and the transactions
//! that must still fit one legacy transaction for it. Shared by the budget test and the
//! `budgets` example that prints the figures for the README.
use {
    crate::{specs::ReserveSpec, ReserveId, TestMarket, User},
    anchor_lang::solana_program::system_instruction,
    ballast::{
        constants::{MAX_COLLATERALS, MAX_POSITIONS},
        instructions::{LiquidateArgs, LiquidationPayout},
    },
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{hash::Hash, instruction::Instruction, pubkey::Pubkey, signer::Signer},
};

pub use ballast_client::transport::PACKET_DATA_SIZE;

/// Compute units requested by the budgeted transactions.
pub const COMPUTE_UNIT_LIMIT: u32 = 400_000;

/// Serialized size of a legacy transaction of `instructions` paid and signed by `payer` alone.
pub use ballast_client::transport::legacy_size as legacy_tx_size;

/// Serialized size of a version-0 transaction of `instructions` paid by `payer`, looking its
/// accounts up in a table holding `table` (the market's lookup table).
pub fn v0_tx_size(instructions: &[Instruction], payer: &Pubkey, table: Vec<Pubkey>) -> usize {
    let table = solana_sdk::message::AddressLookupTableAccount {
        key: Pubkey::new_unique(),
        addresses: table,
    };
    let message = solana_sdk::message::v0::Message::try_compile(
        payer,
        instructions,
        &[table],
        Hash::default(),
    )
    .expect("compiles");
    let message = solana_sdk::message::VersionedMessage::V0(message);
    1 + 64 * usize::from(message.header().num_required_signatures) + message.serialize().len()
}

/// A market of `MAX_POSITIONS` reserves, one per position, and a user whose obligation holds
/// the maximum: `MAX_COLLATERALS` collateral positions and the rest as debt, every one in a
/// different reserve (the worst case: one reserve and one oracle account per position).
pub struct MaxPositions {
    pub market: TestMarket,
    pub user: User,
    /// Supplied 1,000 units to each debt reserve.
    pub lender: User,
    pub collateral: Vec<ReserveId>,
    pub debt: Vec<ReserveId>,
    /// The debt reserve of `four_with_fallbacks`, once made.
    pub fallback_debt: Option<ReserveId>,
    /// All four reserves of `four_with_fallbacks` (collateral first), once made.
    pub fallback_reserves: Vec<ReserveId>,
}

impl MaxPositions {
    pub async fn new() -> MaxPositions {
        let mut market = TestMarket::new().await;
        let mut reserves = Vec::new();
        for _ in 0..MAX_POSITIONS {
            reserves.push(market.add_reserve(ReserveSpec::usdc()).await);
        }
        let lender = market.new_user().await;
        let (collateral, debt) = reserves.split_at(MAX_COLLATERALS);
        for &r in debt {
            market.fund(&lender, r, 1_000_000_000).await;
            market
                .try_deposit(&lender, r, 1_000_000_000)
                .await
                .expect("deposit");
        }
        let user = max_user(&market, collateral, debt).await;
        // From here on, users pay their own fees, as wallets do (one signature).
        market.airdrop(&lender.key(), 1_000_000_000).await;
        market.airdrop(&market.admin.pubkey(), 1_000_000_000).await;
        market
            .users_pay
            .store(true, std::sync::atomic::Ordering::Relaxed);
        MaxPositions {
            market,
            user,
            lender,
            collateral: collateral.to_vec(),
            debt: debt.to_vec(),
            fallback_debt: None,
            fallback_reserves: Vec::new(),
        }
    }

    /// Another user whose obligation holds the maximum, like `user`'s.
    pub async fn another_user(&self) -> User {
        max_user(&self.market, &self.collateral, &self.debt).await
    }

    /// A user with 3 collateral positions and a 1-unit debt in the first debt reserve, in
    /// e-mode group 1, of which every reserve of the market is made a member (LTV 90%).
    pub async fn four_in_emode(&self) -> User {
        let m = &self.market;
        let group = ballast_client::presets::correlated_group();
        let change = ballast::state::MarketChange::EmodeGroup {
            id: 1,
            config: group,
            ramp_secs: 0,
        };
        m.try_update_market(change).await.expect("group");
        for &r in self.collateral.iter().chain(&self.debt) {
            let member = ballast::state::ReserveChange::EmodeGroups { member: 1, debt: 1 };
            m.try_update_reserve(r, member).await.expect("member");
        }
        let four = m.new_user().await;
        for &r in &self.collateral[..3] {
            m.fund(&four, r, 1_000_000_000).await;
            m.try_supply(&four, r, 1_000_000_000).await.expect("supply");
        }
        m.try_set_emode(&four, 1).await.expect("e-mode");
        m.try_borrow(&four, self.debt[0], 1_000_000)
            .await
            .expect("borrow");
        four
    }

    /// A user with 3 collateral positions and a debt in 4 reserves of their own, each priced by
    /// its Pyth feed with a Switchboard feed as second source (at most 1% apart), each with
    /// borrowers (another user pledges in the debt reserve and borrows from the other three).
    pub async fn four_with_fallbacks(&mut self) -> User {
        let m = &mut self.market;
        let mut own = Vec::new();
        for _ in 0..4 {
            let r = m.add_reserve(ReserveSpec::usdc()).await;
            m.add_fallback(r, 100).await;
            own.push(r);
        }
        let (collateral, debt) = (&own[..3], own[3]);
        let four = m.new_user().await;
        for &r in collateral {
            m.fund(&four, r, 10_000_000_000).await;
            m.try_supply(&four, r, 10_000_000_000)
                .await
                .expect("supply");
        }
        let other = m.new_user().await;
        m.fund(&other, debt, 40_000_000_000).await;
        m.try_supply(&other, debt, 40_000_000_000)
            .await
            .expect("supply");
        for &r in collateral {
            m.try_borrow(&other, r, 1_500_000_000)
                .await
                .expect("borrow");
        }
        m.try_borrow(&four, debt, 15_000_000_000)
            .await
            .expect("borrow");
        self.fallback_debt = Some(debt);
        self.fallback_reserves = own;
        four
    }

    /// Crashes every collateral price to $0.0001, making the obligation liquidatable, and
    /// returns a liquidator holding the last debt reserve's liquidity and paying its own fees.
    pub async fn make_liquidatable(&mut self) -> User {
        for &r in &self.collateral {
            self.market.set_price(r, 10_000).await;
        }
        let m = &self.market;
        let liquidator = m.new_user().await;
        m.fund(&liquidator, *self.debt.last().expect("debt"), 10_000_000)
            .await;
        let fund =
            system_instruction::transfer(&m.payer.pubkey(), &liquidator.key(), 1_000_000_000);
        m.send(fund, &m.payer).await.expect("fund liquidator");
        liquidator
    }

    /// Every account of the market its transactions name: what `ballast market lookup-table`
    /// puts in its table.
    pub fn lookup_addresses(&self) -> Vec<Pubkey> {
        let m = &self.market;
        let reserves: Vec<_> = (self.collateral.iter().chain(&self.debt))
            .map(|r| m.keys(*r))
            .collect();
        ballast_client::lookup::market_addresses(&m.market, &reserves)
    }

    /// A compute-budget instruction and a liquidation repaying the last debt reserve and
    /// seizing the first collateral, paid out as `payout`.
    pub async fn liquidate_transaction(
        &self,
        liquidator: &User,
        payout: LiquidationPayout,
    ) -> Vec<Instruction> {
        let m = &self.market;
        let (repay, withdraw) = (
            m.keys(*self.debt.last().expect("debt")),
            m.keys(self.collateral[0]),
        );
        let destination = match payout {
            LiquidationPayout::Collateral => liquidator.account(&withdraw.collateral_mint()),
            LiquidationPayout::Liquidity => liquidator.account(&withdraw.liquidity_mint),
        };
        let o = m.obligation_keys(&self.user).await;
        let args = LiquidateArgs {
            max_repay_amount: u64::MAX,
            min_payout: 1,
            payout,
        };
        vec![
            ComputeBudgetInstruction::set_compute_unit_limit(COMPUTE_UNIT_LIMIT),
            ballast_client::instructions::liquidate(
                &liquidator.key(),
                &o,
                &repay,
                &withdraw,
                &liquidator.account(&repay.liquidity_mint),
                &destination,
                args,
            ),
        ]
    }

    /// A compute-budget instruction followed by a borrow from the last debt reserve.
    pub async fn borrow_transaction(&self, amount: u64) -> Vec<Instruction> {
        let m = &self.market;
        let reserve = *self.debt.last().expect("debt positions");
        let k = m.keys(reserve);
        let o = m.obligation_keys(&self.user).await;
        vec![
            ComputeBudgetInstruction::set_compute_unit_limit(COMPUTE_UNIT_LIMIT),
            ballast_client::instructions::borrow(
                &k,
                &o,
                &self.user.account(&k.liquidity_mint),
                amount,
            ),
        ]
    }
}

/// A new user whose obligation holds the maximum: 1,000 units supplied in each `collateral`
/// reserve, 1 unit borrowed from each `debt` reserve; it pays its own fees, as a wallet would.
async fn max_user(market: &TestMarket, collateral: &[ReserveId], debt: &[ReserveId]) -> User {
    let user = market.new_user().await;
    for &r in collateral {
        market.fund(&user, r, 1_000_000_000).await;
        market
            .try_supply(&user, r, 1_000_000_000)
            .await
            .expect("supply");
    }
    for &r in debt {
        market
            .try_borrow(&user, r, 1_000_000)
            .await
            .expect("borrow");
    }
    let fund = system_instruction::transfer(&market.payer.pubkey(), &user.key(), 1_000_000_000);
    market.send(fund, &market.payer).await.expect("fund user");
    user
}
