//! The in-process bank: solana-program-test with the Ballast program running natively and the
//! real SPL Token programs inside. Used by `ballast demo` and by the tests.
use {
    ballast_client::{
        transport::{AccountFilter, Transport, TxOutcome},
        ClientError,
    },
    solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext},
    solana_sdk::{
        account::{Account, AccountSharedData},
        account_info::AccountInfo,
        clock::Clock,
        entrypoint::ProgramResult,
        hash::Hash,
        instruction::Instruction,
        message::AddressLookupTableAccount,
        pubkey::Pubkey,
        signature::{Keypair, Signature},
        signer::Signer,
        transaction::VersionedTransaction,
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

/// An in-process bank. Time only moves when told to (`advance_time`).
pub struct Bank {
    ctx: Mutex<BankState>,
}

struct BankState {
    ctx: ProgramTestContext,
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
        Bank::start_with(program_test(), accounts).await
    }

    /// Starts a bank from `pt` (e.g. with more programs registered).
    pub async fn start_with(mut pt: ProgramTest, accounts: Vec<(Pubkey, Account)>) -> Bank {
        let known = accounts.iter().map(|(address, _)| *address).collect();
        for (address, account) in accounts {
            pt.add_account(address, account);
        }
        let ctx = pt.start_with_context().await;
        Bank {
            ctx: Mutex::new(BankState {
                ctx,
                sent: HashSet::new(),
                known,
                record_next: None,
                recorded: Vec::new(),
            }),
        }
    }

    /// The funded fee payer of the bank.
    pub async fn payer(&self) -> Keypair {
        self.ctx.lock().await.ctx.payer.insecure_clone()
    }

    /// Creates or overwrites an account (test setup: oracle prices, fixtures).
    pub async fn set_account(&self, address: &Pubkey, account: Account) {
        let mut state = self.ctx.lock().await;
        state
            .ctx
            .set_account(address, &AccountSharedData::from(account));
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

    /// Sets the clock's epoch (kept by later time moves): what a stake pool's last update is
    /// judged against.
    pub async fn set_epoch(&self, epoch: u64) -> Result<(), ClientError> {
        let mut state = self.ctx.lock().await;
        let clock = state.clock().await?;
        state.ctx.set_sysvar(&Clock { epoch, ..clock });
        Ok(())
    }
}

impl BankState {
    async fn clock(&mut self) -> Result<Clock, ClientError> {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .map_err(transport_error)
    }

    /// Warps to `slot` with the clock at `unix_timestamp` in `epoch`.
    fn warp(&mut self, slot: u64, unix_timestamp: i64, epoch: u64) -> Result<(), ClientError> {
        self.ctx
            .warp_to_slot(slot)
            .map_err(|e| ClientError::Transport(format!("warp: {e:?}").into()))?;
        let clock = Clock {
            slot,
            unix_timestamp,
            epoch,
            ..Clock::default()
        };
        self.ctx.set_sysvar(&clock);
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
            let blockhash = self
                .ctx
                .banks_client
                .get_latest_blockhash()
                .await
                .map_err(transport_error)?;
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
            let account = self
                .ctx
                .banks_client
                .get_account(*key)
                .await
                .map_err(transport_error)?;
            if let Some(account) =
                account.filter(|a| !a.executable && a.owner != solana_sdk::sysvar::ID)
            {
                found.push((*key, account));
            }
        }
        Ok(found)
    }

    async fn simulate(&mut self, tx: VersionedTransaction) -> Result<TxOutcome, ClientError> {
        let signature = tx.signatures[0];
        let keys = tx.message.static_account_keys().to_vec();
        let sim = self
            .ctx
            .banks_client
            .simulate_transaction(tx)
            .await
            .map_err(transport_error)?;
        let (logs, compute_units, event_data) = match sim.simulation_details {
            Some(d) => (
                d.logs,
                d.units_consumed,
                event_data(d.inner_instructions, &keys),
            ),
            None => Default::default(),
        };
        match sim.result {
            Some(Err(error)) => Err(ClientError::Transaction { error, logs }),
            _ => Ok(TxOutcome {
                signature,
                logs,
                compute_units,
                event_data,
            }),
        }
    }
}

/// The data of inner instructions that are the program's event self-CPIs.
fn event_data(
    inner: Option<Vec<solana_sdk::message::inner_instruction::InnerInstructions>>,
    keys: &[Pubkey],
) -> Vec<Vec<u8>> {
    let tag = anchor_lang::event::EVENT_IX_TAG_LE;
    let program = ballast_client::program_id::get();
    inner
        .into_iter()
        .flatten()
        .flatten()
        // Ballast's own self-CPIs only: every Anchor program's events carry the same tag.
        .filter(|inner| keys.get(usize::from(inner.instruction.program_id_index)) == Some(&program))
        .filter_map(|inner| inner.instruction.data.strip_prefix(tag).map(<[u8]>::to_vec))
        .collect()
}

fn transport_error(e: BanksClientError) -> ClientError {
    match e {
        BanksClientError::TransactionError(error) => ClientError::Transaction {
            error,
            logs: Vec::new(),
        },
        BanksClientError::SimulationError { err, logs, .. } => {
            ClientError::Transaction { error: err, logs }
        }
        other => ClientError::Transport(Box::new(other)),
    }
}

impl Transport for Bank {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        let state = self.ctx.lock().await;
        state
            .ctx
            .banks_client
            .clone()
            .get_account(*address)
            .await
            .map_err(transport_error)
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
        let simulated = state.simulate(tx.clone()).await;
        let signature = tx.signatures[0];
        state.sent.insert(signature);
        state
            .known
            .extend(tx.message.static_account_keys().iter().copied());
        let payer = tx.message.static_account_keys()[0];
        // Executed on the working bank at once: `process_transaction` would hand it to the
        // server's sender and poll for its status, a tick's sleep per transaction.
        let processed = match state
            .ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
        {
            Ok(done) => done.result.map_err(BanksClientError::TransactionError),
            Err(e) => Err(e),
        };
        if let Some((name, accounts, clock)) = recording {
            let result = match &processed {
                Ok(()) => Ok(()),
                Err(BanksClientError::TransactionError(e))
                | Err(BanksClientError::SimulationError { err: e, .. }) => Err(e.clone()),
                Err(other) => return Err(ClientError::Transport(other.to_string().into())),
            };
            state.recorded.push(Recorded {
                name,
                instructions: instructions.to_vec(),
                payer,
                accounts,
                clock,
                result,
            });
        }
        match (simulated, processed) {
            (Ok(outcome), Ok(())) => Ok(outcome),
            (Err(sim_err), Err(_)) => Err(sim_err),
            (_, Err(e)) => Err(transport_error(e)),
            (Err(sim_err), Ok(())) => Err(ClientError::Transport(
                format!("simulation and processing disagree: simulation failed with {sim_err}")
                    .into(),
            )),
        }
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
        let state = self.ctx.lock().await;
        let client = state.ctx.banks_client.clone();
        client.get_latest_blockhash().await.map_err(transport_error)
    }

    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let state = self.ctx.lock().await;
        let client = state.ctx.banks_client.clone();
        let mut found = Vec::new();
        for address in &state.known {
            let Some(account) = client
                .get_account(*address)
                .await
                .map_err(transport_error)?
            else {
                continue;
            };
            if account.owner == ballast::ID && filters.iter().all(|f| f.matches(&account.data)) {
                found.push((*address, account));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        solana_sdk::message::{
            compiled_instruction::CompiledInstruction, inner_instruction::InnerInstruction,
        },
    };

    #[test]
    fn only_ballast_s_own_self_cpis_are_its_events() {
        let keys = [
            Pubkey::new_unique(),
            ballast_client::program_id::get(),
            Pubkey::new_unique(),
        ];
        let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
        data.extend([4, 5]);
        let ix = |program: u8| InnerInstruction {
            instruction: CompiledInstruction::new_from_raw_parts(program, data.clone(), vec![]),
            stack_height: 2,
        };
        // Ballast's, another Anchor program's, one past the keys.
        let inner = Some(vec![vec![ix(1), ix(2), ix(7)]]);
        assert_eq!(event_data(inner, &keys), vec![vec![4, 5]]);
    }
}
