//! The reference liquidator: from a snapshot, liquidate every unhealthy obligation once, each in
//! one transaction, repaying its largest debt and seizing its most valuable collateral.
use {
    super::snapshot::{Snapshot, ValuedObligation},
    crate::{
        events, fetch, instructions as ix, spl, ClientError, ObligationKeys, ReserveKeys, Transport,
    },
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        errors::BallastError,
        events::Liquidated,
        instructions::{LiquidateArgs, LiquidationPayout},
        logic::ReservePricing,
        math::Fixed,
        state::Obligation,
    },
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, signer::Signer},
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
    /// Priority fee, micro-lamports per compute unit (0: none).
    pub compute_unit_price: u64,
    /// Least payout accepted, as a share of the simulated one (bps): guards against the price
    /// moving between simulation and execution.
    pub min_payout_bps: u16,
}

impl Default for LiquidatorConfig {
    fn default() -> Self {
        LiquidatorConfig {
            dry_run: false,
            max_per_pass: None,
            payout: LiquidationPayout::Collateral,
            compute_unit_limit: 400_000,
            compute_unit_price: 0,
            min_payout_bps: 9_900,
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

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassSummary {
    pub scanned: usize,
    pub unhealthy: usize,
    pub liquidated: usize,
    pub repaid_usd: Fixed,
    pub seized_usd: Fixed,
    /// No longer liquidatable when the transaction ran (another liquidator was first, the price
    /// moved) or waiting out an oracle grace period.
    pub skipped: usize,
    pub errors: usize,
    pub done: Vec<Done>,
}

/// The pair to liquidate: the borrow with the largest debt value and the collateral with the
/// largest value (reserve addresses). `None` without debt or collateral.
pub fn choose(obligation: &Obligation, pricing: &[ReservePricing]) -> Option<(Pubkey, Pubkey)> {
    let price = |reserve: &Pubkey| pricing.iter().find(|p| p.reserve == *reserve);
    let repay = obligation
        .borrows()
        .iter()
        .filter_map(|b| Some((b.reserve, price(&b.reserve)?.debt_value(b).ok()?)))
        .max_by_key(|(_, value)| *value)?;
    let seize = obligation
        .collaterals()
        .iter()
        .filter_map(|c| {
            let value = price(&c.reserve)?
                .collateral_value(c.deposited_amount)
                .ok()?;
            Some((c.reserve, value))
        })
        .max_by_key(|(_, value)| *value)?;
    Some((repay.0, seize.0))
}

/// Liquidates every liquidatable obligation of `snapshot` once. One failure never stops the
/// pass: it is counted and logged.
pub async fn pass(
    transport: &impl Transport,
    snapshot: &Snapshot,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
) -> PassSummary {
    let pricing = snapshot.pricing();
    let mut unhealthy: Vec<&ValuedObligation> = snapshot
        .obligations
        .iter()
        .filter(|o| o.is_liquidatable())
        .collect();
    // Least healthy first.
    unhealthy.sort_by_key(|o| o.health.as_ref().ok().and_then(|h| h.health_factor()));
    let mut summary = PassSummary {
        scanned: snapshot.obligations.len(),
        unhealthy: unhealthy.len(),
        ..PassSummary::default()
    };
    let limit = config.max_per_pass.unwrap_or(usize::MAX);
    for candidate in unhealthy.into_iter().take(limit) {
        match liquidate_one(transport, snapshot, &pricing, candidate, liquidator, config).await {
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

/// Failures that mean "not (or no longer) ours to liquidate", not that something is wrong.
fn is_race(e: &ClientError) -> bool {
    matches!(
        e.program_error(),
        Some(
            BallastError::ObligationHealthy
                | BallastError::LiquidationGracePeriod
                | BallastError::LiquidationBelowMinimum
        )
    )
}

async fn liquidate_one(
    transport: &impl Transport,
    snapshot: &Snapshot,
    pricing: &[ReservePricing],
    candidate: &ValuedObligation,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
) -> Result<Done, ClientError> {
    let obligation = &candidate.obligation;
    let (repay_key, seize_key) = choose(obligation, pricing)
        .ok_or_else(|| ClientError::Program("no priced debt or collateral to liquidate".into()))?;
    let reserve = |key: &Pubkey| {
        snapshot
            .reserve(key)
            .ok_or(ClientError::UnknownReserve(*key))
    };
    let (repay, seize) = (reserve(&repay_key)?, reserve(&seize_key)?);
    let keys = ObligationKeys::from_obligation(candidate.address, obligation, |r| {
        snapshot.reserve(r).map(|p| p.reserve.oracle.account)
    })?;
    let repay_keys = ReserveKeys::from_reserve(repay_key, &repay.reserve);
    let seize_keys = ReserveKeys::from_reserve(seize_key, &seize.reserve);
    let me = liquidator.pubkey();
    let source =
        spl::associated_account(&me, &repay_keys.liquidity_mint, &repay_keys.token_program);
    let balance = fetch::token_balance(transport, &source).await?;
    if balance == 0 {
        return Err(ClientError::Program(format!(
            "the liquidator holds none of {} to repay with",
            repay_keys.liquidity_mint
        )));
    }
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
    let build = |min_payout: u64| -> Vec<Instruction> {
        let mut ixs = vec![ComputeBudgetInstruction::set_compute_unit_limit(
            config.compute_unit_limit,
        )];
        if config.compute_unit_price > 0 {
            ixs.push(ComputeBudgetInstruction::set_compute_unit_price(
                config.compute_unit_price,
            ));
        }
        ixs.push(open.clone());
        ixs.push(ix::liquidate(
            &me,
            &keys,
            &repay_keys,
            &seize_keys,
            &source,
            &destination,
            LiquidateArgs {
                // The program repays what the rules allow, at most what the wallet holds.
                max_repay_amount: balance,
                min_payout,
                payout: config.payout,
            },
        ));
        ixs
    };
    // Simulate for the payout, then ask for (nearly) that much.
    let simulated = transport.simulate(&build(1), &[liquidator]).await?;
    let expected = liquidated(&simulated.event_data)?;
    let outcome = if config.dry_run {
        simulated
    } else {
        let floor = u128::from(expected.payout_amount) * u128::from(config.min_payout_bps) / 10_000;
        transport
            .send(&build((floor as u64).max(1)), &[liquidator])
            .await?
    };
    let event = liquidated(&outcome.event_data)?;
    let (repay_price, seize_price) = (price_of(&repay.pricing)?, price_of(&seize.pricing)?);
    Ok(Done {
        obligation: candidate.address,
        repay_reserve: repay_key,
        seize_reserve: seize_key,
        repaid: event.repaid_amount,
        seized: event.seized_collateral,
        repaid_usd: repay_price
            .debt_value_of(event.repaid_amount)
            .map_err(program)?,
        seized_usd: seize_price
            .collateral_value(event.seized_collateral)
            .map_err(program)?,
    })
}

fn liquidated(event_data: &[Vec<u8>]) -> Result<Liquidated, ClientError> {
    events::decode::<Liquidated>(event_data)
        .pop()
        .ok_or_else(|| ClientError::Program("the liquidation emitted no event".into()))
}

fn price_of(pricing: &Result<ReservePricing, String>) -> Result<&ReservePricing, ClientError> {
    pricing
        .as_ref()
        .map_err(|e| ClientError::Program(e.clone()))
}

fn program(e: anchor_lang::error::Error) -> ClientError {
    ClientError::Program(e.to_string())
}
