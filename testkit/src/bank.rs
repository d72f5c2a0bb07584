//! The in-process bank: solana-program-test with the Ballast program running natively and the
//! real SPL Token programs inside. Used by `ballast demo` and by the tests.
use {
    crate::chain::{Chain, ExtraProgram, Ran},
    ballast_client::{
        transport::{AccountFilter, Transport, TxOutcome},
        ClientError,
    },
    solana_program_test::{processor, ProgramTest},
    solana_sdk::{
        account::Account,
        account_info::AccountInfo,
        clock::Clock,
        entrypoint::ProgramResult,
        hash::Hash,
        instruction::Instruction,
        message::AddressLookupTableAccount,
        pubkey::Pubkey,
        signature::{Keypair, Signature},
        signer::Signer,
        transaction::{TransactionError, VersionedTransaction},
    },
    std::collections::{BTreeSet, HashSet},
    tokio::sync::Mutex,
};

/// Runs the program's Anchor entrypoint natively. Anchor ties all three arguments to one
/// lifetime, which `processor!` does not give; leaked copies do (a few bytes per call, fine
/// for tests and the demo; `AccountInfo` clones share the same lamports and data).
fn process_ballast(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts = Box::leak(accounts.to_vec().into_boxed_slice());
    let program_id = Box::leak(Box::new(*program_id));
    let data = Box::leak(data.to_vec().into_boxed_slice());
    ballast::entry(program_id, accounts, data)
}

/// The bank logs every transaction at debug level; keep a program's output readable unless the
/// user asked for logs (`RUST_LOG`). Call before any thread starts.
pub fn quiet_logs() {
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
}

/// A `ProgramTest` with Ballast registered natively, ready for more programs or accounts.
pub fn program_test() -> ProgramTest {
    let mut pt = ProgramTest::new("ballast", ballast::ID, processor!(process_ballast));
    pt.prefer_bpf(false);
    pt
}

/// An in-process bank: the program native, or its SBF build when `BALLAST_SBF` names one (see
/// `chain`). Time only moves when told to (`advance_time`).
pub struct Bank {
    ctx: Mutex<BankState>,
}

struct BankState {
    chain: Chain,
    /// Signatures sent under the current blockhash: a repeat gets a fresh slot first.
    sent: HashSet<Signature>,
    /// Every address a transaction or `set_account` touched: the bank cannot list accounts by
    /// owner, so `program_accounts` looks through these.
    known: BTreeSet<Pubkey>,
    /// Set by `record_next`: the name the next transaction is recorded under.
    record_next: Option<String>,
    recorded: Vec<Recorded>,
}

/// A transaction as it ran on the bank, with everything needed to replay it elsewhere (on an
/// SBF build of the program, say): the accounts it referenced as they were before, the clock,
/// and what happened.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub name: String,
    pub instructions: Vec<Instruction>,
    pub payer: Pubkey,
    /// Existing, non-executable, non-sysvar accounts the transaction referenced, before it ran.
    pub accounts: Vec<(Pubkey, Account)>,
    pub clock: Clock,
    /// `Err`: the transaction error.
    pub result: Result<(), solana_sdk::transaction::TransactionError>,
}

impl Bank {
    /// Starts a bank with the program and `accounts` preloaded.
    pub async fn start(accounts: Vec<(Pubkey, Account)>) -> Bank {
        Bank::start_with(&[], accounts).await
    }

    /// Starts a bank that also runs `programs`.
    pub async fn start_with(programs: &[ExtraProgram], accounts: Vec<(Pubkey, Account)>) -> Bank {
        let known = accounts.iter().map(|(address, _)| *address).collect();
        Bank {
            ctx: Mutex::new(BankState {
                chain: Chain::start(programs, accounts).await,
                sent: HashSet::new(),
                known,
                record_next: None,
                recorded: Vec::new(),
            }),
        }
    }

    /// The funded fee payer of the bank.
    pub async fn payer(&self) -> Keypair {
        self.ctx.lock().await.chain.payer().insecure_clone()
    }

    /// Creates or overwrites an account (test setup: oracle prices, fixtures).
    pub async fn set_account(&self, address: &Pubkey, account: Account) {
        let mut state = self.ctx.lock().await;
        state
            .chain
            .set_account(address, account)
            .expect("setting an account");
        state.known.insert(*address);
    }

    /// Records the next transaction that calls the Ballast program under `name` (see
    /// `Recorded`); setup transactions before it (mints, token accounts) are not recorded.
    pub async fn record_next(&self, name: &str) {
        self.ctx.lock().await.record_next = Some(name.to_string());
    }

    /// The transactions recorded so far, in order; clears the list.
    pub async fn take_recorded(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.ctx.lock().await.recorded)
    }

    /// Moves the clock `seconds` forward (and the slot with it).
    pub async fn advance_time(&self, seconds: i64) -> Result<(), ClientError> {
        let mut state = self.ctx.lock().await;
        let clock = state.clock().await?;
        // Roughly 400 ms slots; at least one slot so the blockhash changes.
        let slots = (seconds.max(0) as u64 * 5 / 2).max(1);
        state.warp(
            clock.slot + slots,
            clock.unix_timestamp + seconds,
            clock.epoch,
        )
    }

    /// Processes a transaction signed elsewhere (what a node's `sendTransaction` does): its
    /// blockhash must be one the bank has given out.
    pub async fn process_transaction(
        &self,
        tx: VersionedTransaction,
    ) -> Result<TxOutcome, ClientError> {
        self.ctx.lock().await.execute(tx).await.0
    }

    /// Simulates a transaction signed elsewhere; nothing is committed.
    pub async fn simulate_transaction(
        &self,
        tx: VersionedTransaction,
    ) -> Result<TxOutcome, ClientError> {
        self.ctx.lock().await.simulate(tx).await
    }

    /// Sets the clock's epoch (kept by later time moves): what a stake pool's last update is
    /// judged against.
    pub async fn set_epoch(&self, epoch: u64) -> Result<(), ClientError> {
        let mut state = self.ctx.lock().await;
        let clock = state.clock().await?;
        state.chain.set_clock(&Clock { epoch, ..clock })
    }
}

impl BankState {
    async fn clock(&mut self) -> Result<Clock, ClientError> {
        self.chain.clock().await
    }

    /// Warps to `slot` with the clock at `unix_timestamp` in `epoch`.
    fn warp(&mut self, slot: u64, unix_timestamp: i64, epoch: u64) -> Result<(), ClientError> {
        self.chain.warp(&Clock {
            slot,
            unix_timestamp,
            epoch,
            ..Clock::default()
        })?;
        self.sent.clear();
        Ok(())
    }

    /// A signed transaction whose signature this blockhash has not seen yet.
    async fn fresh_transaction(
        &mut self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<VersionedTransaction, ClientError> {
        let payer = ballast_client::transport::fee_payer(signers)?;
        loop {
            let blockhash = self.chain.latest_blockhash().await?;
            let tx =
                ballast_client::transport::sign(instructions, &payer, signers, blockhash, tables)?;
            if !self.sent.contains(&tx.signatures[0]) {
                return Ok(tx);
            }
            // Same transaction again: move one slot on, keeping the time, for a new blockhash.
            let clock = self.clock().await?;
            self.warp(clock.slot + 1, clock.unix_timestamp, clock.epoch)?;
        }
    }

    /// The accounts `tx` references that a replay must provide: existing, not programs, not
    /// sysvars.
    async fn accounts_before(
        &mut self,
        tx: &VersionedTransaction,
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let mut found = Vec::new();
        for key in tx.message.static_account_keys() {
            let account = self.chain.account(key).await?;
            if let Some(account) =
                account.filter(|a| !a.executable && a.owner != solana_sdk::sysvar::ID)
            {
                found.push((*key, account));
            }
        }
        Ok(found)
    }

    /// Runs `tx` and commits it if it succeeds: what a caller sees (a failure with its logs;
    /// events from the inner instructions), and the committed result (`None` when the chain
    /// could not run it at all).
    async fn execute(
        &mut self,
        tx: VersionedTransaction,
    ) -> (
        Result<TxOutcome, ClientError>,
        Option<Result<(), TransactionError>>,
    ) {
        self.sent.insert(tx.signatures[0]);
        self.known
            .extend(tx.message.static_account_keys().iter().copied());
        let signature = tx.signatures[0];
        let keys = tx.message.static_account_keys().to_vec();
        // The native bank does not keep inner instructions of processed transactions: it
        // simulates first, then processes the same transaction on the same state.
        let simulated = match self.chain.is_sbf() {
            true => None,
            false => Some(self.chain.simulate(tx.clone()).await),
        };
        let simulated = simulated.map(|sim| sim.and_then(|ran| outcome_of(ran, signature, &keys)));
        match (self.chain.process(tx).await, simulated) {
            (Ok(Some(ran)), _) => {
                let committed = ran.result.clone();
                (outcome_of(ran, signature, &keys), Some(committed))
            }
            (Ok(None), Some(Err(sim_err))) => (
                Err(ClientError::Transport(
                    format!("simulation and processing disagree: simulation failed with {sim_err}")
                        .into(),
                )),
                Some(Ok(())),
            ),
            (Ok(None), sim) => (sim.expect("the native bank simulated"), Some(Ok(()))),
            (Err(ClientError::Transaction { error, logs }), sim) => {
                let committed = Some(Err(error.clone()));
                match sim {
                    Some(Err(sim_err)) => (Err(sim_err), committed),
                    _ => (Err(ClientError::Transaction { error, logs }), committed),
                }
            }
            (Err(e), _) => (Err(e), None),
        }
    }

    async fn simulate(&mut self, tx: VersionedTransaction) -> Result<TxOutcome, ClientError> {
        let signature = tx.signatures[0];
        let keys = tx.message.static_account_keys().to_vec();
        let ran = self.chain.simulate(tx).await?;
        outcome_of(ran, signature, &keys)
    }
}

/// A run as a caller sees it: a failure is a `ClientError::Transaction` with the logs.
fn outcome_of(ran: Ran, signature: Signature, keys: &[Pubkey]) -> Result<TxOutcome, ClientError> {
    match ran.result {
        Err(error) => Err(ClientError::Transaction {
            error,
            logs: ran.logs,
        }),
        Ok(()) => Ok(TxOutcome {
            signature,
            logs: ran.logs,
            compute_units: ran.compute_units,
            event_data: event_data(ran.inner, keys),
        }),
    }
}

/// The data of inner instructions that are the program's event self-CPIs.
fn event_data(inner: Vec<(u8, Vec<u8>)>, keys: &[Pubkey]) -> Vec<Vec<u8>> {
    let tag = anchor_lang::event::EVENT_IX_TAG_LE;
    let program = ballast_client::program_id::get();
    inner
        .into_iter()
        // Ballast's own self-CPIs only: every Anchor program's events carry the same tag.
        .filter(|(index, _)| keys.get(usize::from(*index)) == Some(&program))
        .filter_map(|(_, data)| data.strip_prefix(tag).map(<[u8]>::to_vec))
        .collect()
}

impl Transport for Bank {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        self.ctx.lock().await.chain.account(address).await
    }

    /// Simulates first (the bank does not keep inner instructions of processed transactions,
    /// and events live there), then processes the same transaction on the same state.
    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        let mut state = self.ctx.lock().await;
        let ours = instructions.iter().any(|i| i.program_id == ballast::ID);
        // Recorded for replay on the SBF build: legacy transactions only (a replay provides the
        // accounts a message names, not those its lookup tables would). Taken first: a
        // transaction that cannot be built is not recorded, and nothing else is in its name.
        let record_as = state.record_next.take_if(|_| ours && tables.is_empty());
        let tx = state
            .fresh_transaction(instructions, signers, tables)
            .await?;
        let recording = match record_as {
            Some(name) => Some((
                name,
                state.accounts_before(&tx).await?,
                state.clock().await?,
            )),
            None => None,
        };
        let (outcome, committed) = state.execute(tx).await;
        if let Some((name, accounts, clock)) = recording {
            let Some(result) = committed else {
                return outcome;
            };
            let payer = ballast_client::transport::fee_payer(signers)?;
            state.recorded.push(Recorded {
                name,
                instructions: instructions.to_vec(),
                payer,
                accounts,
                clock,
                result,
            });
        }
        outcome
    }

    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        let mut state = self.ctx.lock().await;
        let tx = state
            .fresh_transaction(instructions, signers, tables)
            .await?;
        state.simulate(tx).await
    }

    async fn clock(&self) -> Result<Clock, ClientError> {
        self.ctx.lock().await.clock().await
    }

    async fn latest_blockhash(&self) -> Result<Hash, ClientError> {
        self.ctx.lock().await.chain.latest_blockhash().await
    }

    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let mut state = self.ctx.lock().await;
        let known: Vec<Pubkey> = state.known.iter().copied().collect();
        let mut found = Vec::new();
        for address in known {
            let Some(account) = state.chain.account(&address).await? else {
                continue;
            };
            if account.owner == ballast::ID && filters.iter().all(|f| f.matches(&account.data)) {
                found.push((address, account));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ballast_s_own_self_cpis_are_its_events() {
        let keys = [
            Pubkey::new_unique(),
            ballast_client::program_id::get(),
            Pubkey::new_unique(),
        ];
        let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
        data.extend([4, 5]);
        // Ballast's, another Anchor program's, one past the keys.
        let inner = vec![(1, data.clone()), (2, data.clone()), (7, data)];
        assert_eq!(event_data(inner, &keys), vec![vec![4, 5]]);
    }
}
