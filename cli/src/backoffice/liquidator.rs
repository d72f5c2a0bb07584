//! The reference liquidator: from a snapshot, liquidate every unhealthy obligation once, each in
//! one transaction. Each is planned with the program's own `liquidate` on the snapshot (every
//! pair of debt and collateral, the one that pays most, its exact repay) and sent once.
use {
    super::{
        fee_payer::{self, FeePayerBalance},
        shard::Shard,
        shutdown::Shutdown,
        snapshot::{Snapshot, ValuedObligation},
    },
    crate::{
        events, fetch, instructions as ix, lookup, spl, transport, ClientError, ObligationKeys,
        ReserveKeys, Transport,
    },
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        errors::BallastError,
        events::Liquidated,
        instructions::{LiquidateArgs, LiquidationPayout},
        math::Fixed,
    },
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{
        message::AddressLookupTableAccount, pubkey::Pubkey, signature::Keypair, signer::Signer,
    },
    thiserror::Error,
    tracing::{info, warn},
};

#[derive(Clone, Copy, Debug)]
pub struct LiquidatorConfig {
    /// Simulate instead of sending.
    pub dry_run: bool,
    /// Most obligations acted on per pass, the least healthy first (`None`: all).
    pub max_per_pass: Option<usize>,
    pub payout: LiquidationPayout,
    pub compute_unit_limit: u32,
    /// Priority fee, micro-lamports per compute unit (0: none added; the relay prices it).
    pub compute_unit_price: u64,
    /// The most a liquidation may pay per compute unit: the fixed price, or the relay's cap
    /// when it prices from recent fees. What the fee payer's SOL is checked against.
    pub most_compute_unit_price: u64,
    /// Least payout accepted, as a share of the planned one (bps): guards against the price
    /// moving between the snapshot and execution.
    pub min_payout_bps: u16,
    /// The market's address lookup table (`ballast market lookup-table`), read at each pass:
    /// a liquidation that does not fit a legacy transaction is sent as a version-0 one.
    pub lookup_table: Option<Pubkey>,
    /// The obligations this instance acts on (`--shard K/N`): the others are left alone.
    pub shard: Shard,
}

impl Default for LiquidatorConfig {
    fn default() -> Self {
        LiquidatorConfig {
            dry_run: false,
            max_per_pass: None,
            payout: LiquidationPayout::Collateral,
            compute_unit_limit: 400_000,
            compute_unit_price: 0,
            most_compute_unit_price: 0,
            min_payout_bps: 9_900,
            lookup_table: None,
            shard: Shard::ALL,
        }
    }
}

/// One liquidation done (or simulated).
#[derive(Clone, Debug, PartialEq)]
pub struct Done {
    pub obligation: Pubkey,
    pub repay_reserve: Pubkey,
    pub seize_reserve: Pubkey,
    pub repaid: u64,
    pub seized: u64,
    pub repaid_usd: Fixed,
    pub seized_usd: Fixed,
}

/// The liquidator's balance of one reserve's liquidity mint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub reserve: Pubkey,
    pub mint: Pubkey,
    /// Base units.
    pub amount: u64,
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassSummary {
    pub scanned: usize,
    /// Liquidatable obligations that have collateral to seize.
    pub unhealthy: usize,
    pub liquidated: usize,
    pub repaid_usd: Fixed,
    pub seized_usd: Fixed,
    /// No longer liquidatable when the transaction ran (another liquidator was first, the price
    /// moved) or waiting out an oracle grace period.
    pub skipped: usize,
    /// Liquidatable, but the liquidator holds none of the obligation's debts to repay with.
    pub no_inventory: usize,
    /// Obligations with debt and no collateral: nothing to seize, so nothing to liquidate;
    /// `ballast obligation socialize-bad-debt` writes their debt off.
    pub bad_debt: usize,
    pub errors: usize,
    /// The fee payer's SOL at the start of the pass (`None`: unreadable).
    pub fee_payer: Option<FeePayerBalance>,
    /// The fee payer could not pay for one liquidation: none was tried.
    pub underfunded: bool,
    /// What the liquidator holds of each reserve's liquidity mint at the start of the pass (the
    /// reserves whose balance was readable).
    pub inventory: Vec<Held>,
    /// A stop was requested: the pass ended after the transaction in flight.
    pub stopped: bool,
    pub done: Vec<Done>,
}

/// Liquidates every liquidatable obligation of `snapshot` once. One failure never stops the
/// pass: it is counted and logged.
pub async fn pass(
    transport: &impl Transport,
    snapshot: &Snapshot,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
) -> PassSummary {
    pass_until(transport, snapshot, liquidator, config, &Shutdown::never()).await
}

/// `pass`, which stops early when `shutdown` is requested: after the transaction in flight,
/// before the next one.
pub async fn pass_until(
    transport: &impl Transport,
    snapshot: &Snapshot,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
    shutdown: &Shutdown,
) -> PassSummary {
    // This instance's share of the obligations (all of them unless `--shard`).
    let mine: Vec<&ValuedObligation> = (snapshot.obligations.iter())
        .filter(|o| config.shard.owns(&o.address))
        .collect();
    let mut bad_debt = 0;
    for o in mine.iter().filter(|o| o.has_debt_and_no_collateral()) {
        // Not an error of the liquidator's: the program's write-off is what is missing.
        info!(
            obligation = %o.address,
            "bad debt: debt and no collateral to seize; `ballast obligation socialize-bad-debt` \
             writes it off"
        );
        bad_debt += 1;
    }
    let mut unhealthy: Vec<&ValuedObligation> = (mine.iter().copied())
        .filter(|o| o.is_liquidatable() && !o.has_debt_and_no_collateral())
        .collect();
    // Least healthy first.
    unhealthy.sort_by_key(|o| o.health.as_ref().ok().and_then(|h| h.health_factor()));
    let mut summary = PassSummary {
        scanned: mine.len(),
        unhealthy: unhealthy.len(),
        bad_debt,
        ..PassSummary::default()
    };
    let me = liquidator.pubkey();
    summary.inventory = inventory(transport, snapshot, &me).await;
    let cost = fee_payer::cost_of_one(config.compute_unit_limit, config.most_compute_unit_price);
    match FeePayerBalance::read(transport, &me, cost).await {
        Ok(balance) => {
            summary.fee_payer = Some(balance);
            if balance.affordable() == 0 {
                warn!(fee_payer = %me, "{}: no liquidation sent", balance.shortfall_text());
                summary.underfunded = true;
                return summary;
            }
            if balance.affordable() < unhealthy.len() as u64 {
                warn!(
                    fee_payer = %me,
                    lamports = balance.lamports,
                    affordable = balance.affordable(),
                    candidates = unhealthy.len(),
                    "fee payer low: it may not pay for every liquidation of this pass"
                );
            }
        }
        // The transactions will say whether it can pay.
        Err(error) => warn!(fee_payer = %me, %error, "fee payer balance unreadable"),
    }
    let tables = match config.lookup_table {
        None => Vec::new(),
        Some(address) => match lookup::fetch(transport, &address).await {
            Ok(table) => vec![table],
            Err(error) => {
                // Legacy transactions still liquidate every obligation that fits one.
                warn!(table = %address, %error, "lookup table unreadable");
                Vec::new()
            }
        },
    };
    let limit = config.max_per_pass.unwrap_or(usize::MAX);
    for candidate in unhealthy.into_iter().take(limit) {
        // Checked between transactions only: the one in flight is always awaited.
        if shutdown.requested() {
            summary.stopped = true;
            break;
        }
        let one = liquidate_one(transport, snapshot, candidate, liquidator, config, &tables);
        match one.await {
            Ok(done) => {
                info!(
                    obligation = %done.obligation,
                    repaid = done.repaid,
                    seized = done.seized,
                    repaid_usd = %crate::format::usd(done.repaid_usd),
                    dry_run = config.dry_run,
                    "liquidated"
                );
                summary.liquidated += 1;
                summary.repaid_usd = summary
                    .repaid_usd
                    .checked_add(done.repaid_usd)
                    .unwrap_or(summary.repaid_usd);
                summary.seized_usd = summary
                    .seized_usd
                    .checked_add(done.seized_usd)
                    .unwrap_or(summary.seized_usd);
                summary.done.push(done);
            }
            Err(e @ LiquidationFailure::NoInventory) => {
                info!(obligation = %candidate.address, reason = %e, "no inventory");
                summary.no_inventory += 1;
            }
            Err(e) if is_race(&e) => {
                info!(obligation = %candidate.address, reason = %e, "skipped");
                summary.skipped += 1;
            }
            Err(e) => {
                warn!(obligation = %candidate.address, error = %e, "liquidation failed");
                summary.errors += 1;
            }
        }
    }
    summary
}

/// What `me` holds of each reserve's liquidity mint (its associated token account; one read per
/// reserve). A balance that cannot be read is logged and left out.
async fn inventory(transport: &impl Transport, snapshot: &Snapshot, me: &Pubkey) -> Vec<Held> {
    let mut held = Vec::with_capacity(snapshot.reserves.len());
    for r in &snapshot.reserves {
        let keys = ReserveKeys::from_reserve(r.address, &r.reserve);
        let source = spl::associated_account(me, &keys.liquidity_mint, &keys.token_program);
        match fetch::token_balance(transport, &source).await {
            Ok(amount) => held.push(Held {
                reserve: r.address,
                mint: keys.liquidity_mint,
                amount,
            }),
            Err(error) => warn!(reserve = %r.address, %error, "inventory unreadable"),
        }
    }
    held
}

/// Why one obligation was not liquidated.
#[derive(Debug, Error)]
pub enum LiquidationFailure {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the liquidator holds none of the obligation's debts to repay with")]
    NoInventory,
    #[error("the liquidation emitted no event")]
    NoEvent,
    #[error("a position's reserve has no usable price")]
    Unpriced,
}

/// Failures that mean "not (or no longer) ours to liquidate", not that something is wrong: the
/// program's answer when the transaction ran, or its rules applied to the snapshot.
fn is_race(e: &LiquidationFailure) -> bool {
    let LiquidationFailure::Client(e) = e else {
        return false;
    };
    matches!(
        e.program_error().or(e.rule_error()),
        Some(
            BallastError::ObligationHealthy
                | BallastError::LiquidationGracePeriod
                | BallastError::CollateralPriceUnavailable
                | BallastError::LiquidationBelowMinimum
        )
    )
}

async fn liquidate_one(
    transport: &impl Transport,
    snapshot: &Snapshot,
    candidate: &ValuedObligation,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
    tables: &[AddressLookupTableAccount],
) -> Result<Done, LiquidationFailure> {
    let me = liquidator.pubkey();
    let priced = snapshot
        .priced(candidate)
        .ok_or(LiquidationFailure::Unpriced)?;
    // What the liquidator can repay with, per debt reserve.
    let mut balances = Vec::new();
    for b in candidate.obligation.borrows() {
        let keys = snapshot.reserve_keys(&b.reserve)?;
        let source = spl::associated_account(&me, &keys.liquidity_mint, &keys.token_program);
        balances.push((b.reserve, fetch::token_balance(transport, &source).await?));
    }
    if balances.iter().all(|(_, balance)| *balance == 0) {
        return Err(LiquidationFailure::NoInventory);
    }
    let budget = |reserve: &Pubkey| {
        balances
            .iter()
            .find(|(k, _)| k == reserve)
            .map_or(0, |(_, balance)| *balance)
    };
    let plan = priced.best_liquidation(snapshot.now, config.payout, budget)?;
    let repay_keys = snapshot.reserve_keys(&plan.repay_reserve)?;
    let seize_keys = snapshot.reserve_keys(&plan.withdraw_reserve)?;
    let keys = ObligationKeys::from_obligation(candidate.address, &candidate.obligation, |r| {
        snapshot.reserve(r).map(|p| p.reserve.oracles.accounts())
    })?;
    let source =
        spl::associated_account(&me, &repay_keys.liquidity_mint, &repay_keys.token_program);
    let (destination, open) = match config.payout {
        LiquidationPayout::Collateral => {
            let mint = seize_keys.collateral_mint();
            (
                spl::associated_account(&me, &mint, &TOKEN_PROGRAM_ID),
                spl::create_associated_account(&me, &me, &mint, &TOKEN_PROGRAM_ID),
            )
        }
        LiquidationPayout::Liquidity => (
            spl::associated_account(&me, &seize_keys.liquidity_mint, &seize_keys.token_program),
            spl::create_associated_account(
                &me,
                &me,
                &seize_keys.liquidity_mint,
                &seize_keys.token_program,
            ),
        ),
    };
    let planned_payout = plan.outcome.payout_amount;
    let min_payout = u128::from(planned_payout) * u128::from(config.min_payout_bps) / 10_000;
    let mut ixs = vec![ComputeBudgetInstruction::set_compute_unit_limit(
        config.compute_unit_limit,
    )];
    if config.compute_unit_price > 0 {
        ixs.push(ComputeBudgetInstruction::set_compute_unit_price(
            config.compute_unit_price,
        ));
    }
    // The payout account is opened in a transaction of its own when missing (in the same
    // simulation for a dry run): the liquidation alone is what must fit a packet.
    if transport.account(&destination).await?.is_none() {
        if config.dry_run {
            ixs.push(open);
        } else {
            transport.send(&[open], &[liquidator]).await?;
        }
    }
    ixs.push(ix::liquidate(
        &me,
        &keys,
        &repay_keys,
        &seize_keys,
        &source,
        &destination,
        LiquidateArgs {
            max_repay_amount: plan.outcome.plan.repay_amount,
            min_payout: (min_payout as u64).max(1),
            payout: config.payout,
        },
    ));
    // Legacy when it fits (every cluster and wallet takes it), else version 0 with the table.
    let tables = if transport::fits_legacy(&ixs, &me) {
        &[]
    } else {
        tables
    };
    let outcome = if config.dry_run {
        transport
            .simulate_with_tables(&ixs, &[liquidator], tables)
            .await?
    } else {
        transport
            .send_with_tables(&ixs, &[liquidator], tables)
            .await?
    };
    // What the program did (the landed transaction's event), valued at the snapshot's prices.
    let event = events::decode::<Liquidated>(&outcome.event_data)
        .pop()
        .ok_or(LiquidationFailure::NoEvent)?;
    let price = |key| snapshot.pricing_of(key).ok_or(LiquidationFailure::Unpriced);
    let repaid_usd = price(&plan.repay_reserve)?
        .debt_value_of(event.repaid_amount)
        .map_err(ClientError::Rule)?;
    let seized_usd = price(&plan.withdraw_reserve)?
        .collateral_value(event.seized_collateral)
        .map_err(ClientError::Rule)?;
    Ok(Done {
        obligation: candidate.address,
        repay_reserve: plan.repay_reserve,
        seize_reserve: plan.withdraw_reserve,
        repaid: event.repaid_amount,
        seized: event.seized_collateral,
        repaid_usd,
        seized_usd,
    })
}
