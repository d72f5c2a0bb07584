//! A lending story on the in-process bank, its transactions as the indexer reads them.
use {
    ballast::instructions::{LiquidateArgs, LiquidationPayout},
    ballast_client::{instructions as ix, ClientError, ObligationKeys, Transport, TxOutcome},
    ballast_indexer::ChainTx,
    ballast_tests::{market::TestMarket, specs::USD},
    solana_sdk::signer::Signer,
};

pub const BORROWED: u64 = 700_000_000;
pub const REPAID: u64 = 100_000_000;
pub const LIQUIDATION_REPAY: u64 = 50_000_000;

/// The story's market (for snapshots) and its transactions in the order they landed.
pub struct Story {
    pub market: TestMarket,
    pub txs: Vec<ChainTx>,
    /// What the program emitted, as the bank returned it: what the indexed rows must match.
    pub outcomes: Vec<TxOutcome>,
}

/// Setup (market, reserves, first users) is not indexed; from the borrow on, every
/// transaction is: borrow 700 USDC, open a second obligation, repay 100 USDC, a second lender
/// deposits, the first redeems, SOL falls and the borrower is liquidated, pause and unpause.
pub async fn run() -> Story {
    let (mut m, usdc, sol, lender, borrower) = TestMarket::with_borrower().await;
    let lender2 = m.new_user().await;
    m.fund(&lender2, usdc, 500_000_000).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000_000_000).await;
    let mut outcomes = Vec::new();
    let mut txs = Vec::new();
    let mut landed = |outcome: Result<TxOutcome, ClientError>, clock: solana_sdk::clock::Clock| {
        let outcome = outcome.expect("story transaction");
        txs.push(ChainTx::from_outcome(
            &outcome,
            clock.slot,
            Some(clock.unix_timestamp),
        ));
        outcomes.push(outcome);
    };

    landed(
        m.try_borrow(&borrower, usdc, BORROWED).await,
        clock(&m).await,
    );
    let second = ObligationKeys::new(m.market, borrower.key(), 1);
    let init = ix::init_obligation(&m.payer.pubkey(), &second, 1);
    landed(
        m.send_signed(&[init], &[&borrower.keypair]).await,
        clock(&m).await,
    );
    landed(
        m.try_repay(&borrower, &borrower, usdc, REPAID).await,
        clock(&m).await,
    );
    landed(
        m.try_deposit(&lender2, usdc, 500_000_000).await,
        clock(&m).await,
    );
    landed(
        m.try_redeem(&lender, usdc, 1_000_000_000).await,
        clock(&m).await,
    );
    // 600 USDC owed on 10 SOL: liquidatable below $75.
    m.set_price(sol, 70 * USD).await;
    let args = LiquidateArgs {
        max_repay_amount: LIQUIDATION_REPAY,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };
    landed(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, args)
            .await,
        clock(&m).await,
    );
    let admin = m.admin.insecure_clone();
    landed(m.try_set_pause(&admin, true).await, clock(&m).await);
    landed(m.try_set_pause(&admin, false).await, clock(&m).await);
    Story {
        market: m,
        txs,
        outcomes,
    }
}

async fn clock(m: &TestMarket) -> solana_sdk::clock::Clock {
    m.bank.clock().await.expect("clock")
}
