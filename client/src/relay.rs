//! The transaction relay: how the CLI and both bots land a transaction on a real cluster. Each
//! one is priced from `getRecentPrioritizationFees` over the accounts it writes (a percentile,
//! capped), given a compute-unit limit from its own simulation plus a margin, then sent again
//! and again (nodes drop transactions) until it is confirmed or its blockhash expires; an
//! expired one is rebuilt with a fresh blockhash a bounded number of times. Every attempt is
//! traced and returned. A fixed price or limit (`--with-compute-unit-price`,
//! `--with-compute-unit-limit`) replaces the market's or the simulation's; compute-budget
//! instructions the caller put in the transaction are kept, and the relay adds only the kinds
//! they lack (a transaction with two of one kind would fail).
use {
    crate::error::ClientError,
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{
        hash::Hash,
        instruction::Instruction,
        message::AddressLookupTableAccount,
        pubkey::Pubkey,
        signature::Signature,
        signer::Signer,
        transaction::{TransactionError, VersionedTransaction},
    },
    std::time::Duration,
};

/// The most compute units a transaction may ask for.
pub const MAX_COMPUTE_UNITS: u32 = 1_400_000;

/// How the relay prices, sizes and resends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayConfig {
    /// The percentile (0..=100) of the recent prioritization fees paid for the written
    /// accounts that this transaction offers, in micro-lamports per compute unit.
    pub fee_percentile: u8,
    /// The most it offers whatever the fees (micro-lamports per compute unit).
    pub max_fee: u64,
    /// Compute units asked for over the simulation's, in basis points of it.
    pub cu_margin_bps: u32,
    /// Time between sends of one transaction while it is not confirmed.
    pub resend_every: Duration,
    /// Fresh blockhashes tried after the first expires.
    pub rebuilds: u32,
    /// A fixed priority fee (micro-lamports per compute unit) instead of the percentile; not
    /// capped by `max_fee`.
    pub compute_unit_price: Option<u64>,
    /// A fixed compute-unit limit instead of the simulation's plus the margin.
    pub compute_unit_limit: Option<u32>,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            fee_percentile: 75,
            max_fee: 1_000_000,
            cu_margin_bps: 1_000,
            resend_every: Duration::from_secs(2),
            rebuilds: 2,
            compute_unit_price: None,
            compute_unit_limit: None,
        }
    }
}

impl RelayConfig {
    /// The first setting out of range, in words.
    pub fn broken_rule(&self) -> Option<&'static str> {
        if self.fee_percentile > 100 {
            return Some("the fee percentile must be 0..=100");
        }
        if self.resend_every.is_zero() {
            return Some("the resend interval must be above 0");
        }
        if matches!(self.compute_unit_limit, Some(l) if l == 0 || l > MAX_COMPUTE_UNITS) {
            return Some("the compute-unit limit must be 1..=1400000");
        }
        None
    }
}

/// What happened to one send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptResult {
    /// Sent; not confirmed by the next look.
    Pending,
    /// The node refused the send (its message).
    Refused(String),
    /// Confirmed.
    Confirmed,
    /// Landed and failed.
    Failed(TransactionError),
}

/// One send of one build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Which build (0: the first blockhash).
    pub build: u32,
    pub signature: Signature,
    pub result: AttemptResult,
}

/// A transaction the relay landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relayed {
    pub signature: Signature,
    /// The priority fee offered (micro-lamports per compute unit) and the limit asked for.
    pub fee: u64,
    pub compute_unit_limit: u32,
    pub attempts: Vec<Attempt>,
}

/// The node calls the relay makes. `RpcTransport` implements them; so may a test's fake.
#[allow(async_fn_in_trait)]
pub trait RelayRpc {
    /// Recent prioritization fees (micro-lamports per compute unit) of transactions that wrote
    /// any of `writable`.
    async fn recent_fees(&self, writable: &[Pubkey]) -> Result<Vec<u64>, ClientError>;
    /// A blockhash and the last block height it is valid at.
    async fn blockhash(&self) -> Result<(Hash, u64), ClientError>;
    /// Compute units the transaction consumes, or the error it fails with.
    async fn simulate(&self, tx: &VersionedTransaction) -> Result<u64, ClientError>;
    /// Sends once, without the node's own retries or preflight (the relay simulated).
    async fn send(&self, tx: &VersionedTransaction) -> Result<Signature, ClientError>;
    /// `None` while not confirmed; the landed result once it is.
    async fn status(
        &self,
        signature: &Signature,
    ) -> Result<Option<Result<(), TransactionError>>, ClientError>;
    async fn block_height(&self) -> Result<u64, ClientError>;
}

/// Lands `instructions` signed by `signers`, the first paying: see the module. A compute-unit
/// limit or price instruction among them is kept and wins over the config's; the relay adds
/// the kinds missing, first. A simulation failure is returned at once, nothing sent; a landed
/// failure as the transaction's error.
pub async fn relay(
    rpc: &impl RelayRpc,
    config: &RelayConfig,
    instructions: &[Instruction],
    signers: &[&dyn Signer],
    tables: &[AddressLookupTableAccount],
) -> Result<Relayed, ClientError> {
    if let Some(rule) = config.broken_rule() {
        return Err(ClientError::InvalidSetting(rule.into()));
    }
    let payer = crate::transport::fee_payer(signers)?;
    let own = Budget::of(instructions);
    let fee = match own.price.or(config.compute_unit_price) {
        Some(fee) => fee,
        None => priority_fee(rpc, config, &written(instructions)).await?,
    };
    let fixed_limit = own.limit.or(config.compute_unit_limit);
    let budgeted = |limit| {
        let mut all = Vec::new();
        if own.limit.is_none() {
            all.push(ComputeBudgetInstruction::set_compute_unit_limit(limit));
        }
        if own.price.is_none() {
            all.push(ComputeBudgetInstruction::set_compute_unit_price(fee));
        }
        all.extend_from_slice(instructions);
        all
    };
    let mut attempts = Vec::new();
    for build in 0..=config.rebuilds {
        let (blockhash, last_valid) = rpc.blockhash().await?;
        let sign =
            |limit| crate::transport::sign(&budgeted(limit), &payer, signers, blockhash, tables);
        // Simulated first either way: a refusal sends nothing. A fixed limit is simulated as
        // sent (a limit too low fails here); else the probe's units set it.
        let (tx, limit) = match fixed_limit {
            Some(limit) => {
                let tx = sign(limit)?;
                rpc.simulate(&tx).await?;
                (tx, limit)
            }
            None => {
                let units = rpc.simulate(&sign(MAX_COMPUTE_UNITS)?).await?;
                let limit = compute_unit_limit(units, config.cu_margin_bps);
                (sign(limit)?, limit)
            }
        };
        let signature = tx.signatures[0];
        loop {
            let result = match rpc.send(&tx).await {
                Ok(_) => AttemptResult::Pending,
                Err(e) => AttemptResult::Refused(e.to_string()),
            };
            tokio::time::sleep(config.resend_every).await;
            let result = match rpc.status(&signature).await? {
                Some(Ok(())) => AttemptResult::Confirmed,
                Some(Err(e)) => AttemptResult::Failed(e),
                None => result,
            };
            trace(build, &signature, &result);
            attempts.push(Attempt {
                build,
                signature,
                result: result.clone(),
            });
            match result {
                AttemptResult::Confirmed => {
                    return Ok(Relayed {
                        signature,
                        fee,
                        compute_unit_limit: limit,
                        attempts,
                    })
                }
                AttemptResult::Failed(error) => {
                    return Err(ClientError::Landed { signature, error })
                }
                _ if rpc.block_height().await? > last_valid => break,
                _ => {}
            }
        }
    }
    Err(ClientError::Expired {
        builds: config.rebuilds + 1,
        sends: attempts.len(),
    })
}

fn trace(build: u32, signature: &Signature, result: &AttemptResult) {
    tracing::info!(build, %signature, ?result, "relay attempt");
}

/// The accounts `instructions` write: what the fee market prices.
fn written(instructions: &[Instruction]) -> Vec<Pubkey> {
    let mut keys: Vec<Pubkey> = instructions
        .iter()
        .flat_map(|ix| ix.accounts.iter())
        .filter(|a| a.is_writable)
        .map(|a| a.pubkey)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The `config.fee_percentile`-th of the recent fees for `writable` (nearest rank), capped.
async fn priority_fee(
    rpc: &impl RelayRpc,
    config: &RelayConfig,
    writable: &[Pubkey],
) -> Result<u64, ClientError> {
    let mut fees = rpc.recent_fees(writable).await?;
    Ok(percentile(&mut fees, config.fee_percentile).min(config.max_fee))
}

/// The `p`-th percentile of `values` by nearest rank (0 for none).
pub fn percentile(values: &mut [u64], p: u8) -> u64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let rank = (usize::from(p) * values.len()).div_ceil(100).max(1);
    values[rank.min(values.len()) - 1]
}

/// The limit for a transaction that simulated at `units`: plus `margin_bps`, rounded up, at
/// most `MAX_COMPUTE_UNITS`.
pub fn compute_unit_limit(units: u64, margin_bps: u32) -> u32 {
    let with_margin = units
        .saturating_mul(10_000 + u64::from(margin_bps))
        .div_ceil(10_000);
    with_margin.min(u64::from(MAX_COMPUTE_UNITS)) as u32
}

/// The compute-unit limit and price that instructions set themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    pub limit: Option<u32>,
    pub price: Option<u64>,
}

impl Budget {
    /// What `instructions`' own compute-budget instructions set (the last of a kind wins, as
    /// it would be refused anyway).
    pub fn of(instructions: &[Instruction]) -> Budget {
        let mut budget = Budget::default();
        for ix in instructions
            .iter()
            .filter(|ix| solana_compute_budget_interface::check_id(&ix.program_id))
        {
            match ix.data.split_first() {
                Some((2, rest)) => {
                    budget.limit = rest.first_chunk().map(|b| u32::from_le_bytes(*b))
                }
                Some((3, rest)) => {
                    budget.price = rest.first_chunk().map(|b| u64::from_le_bytes(*b))
                }
                _ => {}
            }
        }
        budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let mut fees: Vec<u64> = (0..10).map(|i| 900 - i * 100).collect();
        assert_eq!(percentile(&mut fees, 0), 0);
        assert_eq!(percentile(&mut fees, 50), 400);
        assert_eq!(percentile(&mut fees, 75), 700);
        assert_eq!(percentile(&mut fees, 100), 900);
        assert_eq!(percentile(&mut [], 75), 0);
        assert_eq!(percentile(&mut [5], 1), 5);
    }

    #[test]
    fn own_compute_budget_instructions_are_read() {
        let memo = Instruction::new_with_bytes(Pubkey::new_unique(), &[2, 1, 0, 0, 0], vec![]);
        let ixs = [
            ComputeBudgetInstruction::set_compute_unit_limit(300_000),
            memo.clone(),
            ComputeBudgetInstruction::set_compute_unit_price(42),
        ];
        assert_eq!(
            Budget::of(&ixs),
            Budget {
                limit: Some(300_000),
                price: Some(42)
            }
        );
        // Another program's data that looks like one is not.
        assert_eq!(Budget::of(&[memo]), Budget::default());
        let heap = ComputeBudgetInstruction::request_heap_frame(64 * 1024);
        assert_eq!(Budget::of(&[heap]), Budget::default());
    }

    #[test]
    fn the_limit_is_the_simulation_plus_the_margin_rounded_up_and_capped() {
        assert_eq!(compute_unit_limit(50_001, 1_000), 55_002);
        assert_eq!(compute_unit_limit(50_000, 0), 50_000);
        assert_eq!(compute_unit_limit(1_300_000, 1_000), MAX_COMPUTE_UNITS);
    }
}
