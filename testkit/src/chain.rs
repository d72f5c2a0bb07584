//! What the bank runs on: solana-program-test with the program native (the default), or the
//! program's SBF build in LiteSVM (`BALLAST_SBF`, see `svm`). One set of operations over both.
use {
    crate::svm::{self, Svm},
    ballast_client::ClientError,
    solana_program_test::{BanksClientError, ProgramTest, ProgramTestContext},
    solana_sdk::{
        account::{Account, AccountSharedData, ReadableAccount},
        clock::Clock,
        hash::Hash,
        pubkey::Pubkey,
        rent::Rent,
        signature::Keypair,
        signer::Signer,
        transaction::{TransactionError, VersionedTransaction},
    },
    std::path::{Path, PathBuf},
};

/// A program the tests run beside Ballast: registered natively by `register`, or on SBF loaded
/// from `<name>.so` next to Ballast's build.
#[derive(Clone, Copy)]
pub struct ExtraProgram {
    pub name: &'static str,
    pub id: Pubkey,
    pub register: fn(&mut ProgramTest),
}

pub enum Chain {
    Native(Box<ProgramTestContext>),
    Sbf(Box<SbfChain>),
}

pub struct SbfChain {
    svm: Svm,
    payer: Keypair,
}

/// A transaction's run: its result, logs, compute units and the inner instructions (program
/// index in the message's keys, data).
pub struct Ran {
    pub result: Result<(), TransactionError>,
    pub logs: Vec<String>,
    pub compute_units: u64,
    pub inner: Vec<(u8, Vec<u8>)>,
}

const PAYER_LAMPORTS: u64 = 500_000 * 1_000_000_000;

impl Chain {
    /// The SBF chain when `BALLAST_SBF` names a build, else the native one.
    pub async fn start(programs: &[ExtraProgram], accounts: Vec<(Pubkey, Account)>) -> Chain {
        match svm::selected() {
            Some(so) => Chain::start_sbf(&so, programs, accounts)
                .unwrap_or_else(|e| panic!("starting the SBF bank: {e}")),
            None => {
                let mut pt = crate::bank::program_test();
                for program in programs {
                    (program.register)(&mut pt);
                }
                for (address, account) in accounts {
                    pt.add_account(address, account);
                }
                Chain::Native(Box::new(pt.start_with_context().await))
            }
        }
    }

    fn start_sbf(
        so: &Path,
        programs: &[ExtraProgram],
        accounts: Vec<(Pubkey, Account)>,
    ) -> Result<Chain, ClientError> {
        let mut svm = Svm::start();
        // The SPL programs of the native bank (SPL Token 3.5.0, Token-2022, the associated
        // account program), not LiteSVM's: a difference between the runs is then Ballast's.
        // Program data before the programs that point to it.
        let mut spl = solana_program_binaries::spl_programs(&Rent::default());
        spl.sort_by_key(|(_, account)| account.executable());
        for (address, account) in spl {
            svm.set_account(&address, Account::from(account))?;
        }
        // A cluster's genesis (and the native bank's) has the native mint; LiteSVM's has not.
        svm.set_account(&NATIVE_MINT, native_mint())?;
        svm.add_program(&ballast::ID, so)?;
        for program in programs {
            svm.add_program(&program.id, &sibling(so, program.name))?;
        }
        for (address, account) in accounts {
            svm.set_account(&address, account)?;
        }
        // The native bank's clock starts at the wall clock's time.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let clock = svm.clock()?;
        svm.set_clock(&Clock {
            unix_timestamp: now,
            epoch_start_timestamp: now,
            ..clock
        })?;
        let payer = Keypair::new();
        svm.airdrop(&payer.pubkey(), PAYER_LAMPORTS)?;
        Ok(Chain::Sbf(Box::new(SbfChain { svm, payer })))
    }

    pub fn payer(&self) -> &Keypair {
        match self {
            Chain::Native(ctx) => &ctx.payer,
            Chain::Sbf(sbf) => &sbf.payer,
        }
    }

    pub async fn account(&mut self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        match self {
            Chain::Native(ctx) => ctx
                .banks_client
                .get_account(*address)
                .await
                .map_err(transport_error),
            Chain::Sbf(sbf) => sbf.svm.account(address),
        }
    }

    pub fn set_account(&mut self, address: &Pubkey, account: Account) -> Result<(), ClientError> {
        match self {
            Chain::Native(ctx) => {
                ctx.set_account(address, &AccountSharedData::from(account));
                Ok(())
            }
            Chain::Sbf(sbf) => sbf.svm.set_account(address, account),
        }
    }

    pub async fn clock(&mut self) -> Result<Clock, ClientError> {
        match self {
            Chain::Native(ctx) => ctx
                .banks_client
                .get_sysvar::<Clock>()
                .await
                .map_err(transport_error),
            Chain::Sbf(sbf) => sbf.svm.clock(),
        }
    }

    /// Moves to `clock.slot` (a new blockhash) and sets the clock.
    pub fn warp(&mut self, clock: &Clock) -> Result<(), ClientError> {
        match self {
            Chain::Native(ctx) => {
                ctx.warp_to_slot(clock.slot)
                    .map_err(|e| ClientError::Transport(format!("warp: {e:?}").into()))?;
                ctx.set_sysvar(clock);
                Ok(())
            }
            Chain::Sbf(sbf) => {
                sbf.svm.warp(clock.slot)?;
                sbf.svm.set_clock(clock)
            }
        }
    }

    pub fn set_clock(&mut self, clock: &Clock) -> Result<(), ClientError> {
        match self {
            Chain::Native(ctx) => {
                ctx.set_sysvar(clock);
                Ok(())
            }
            Chain::Sbf(sbf) => sbf.svm.set_clock(clock),
        }
    }

    pub async fn latest_blockhash(&mut self) -> Result<Hash, ClientError> {
        match self {
            Chain::Native(ctx) => ctx
                .banks_client
                .get_latest_blockhash()
                .await
                .map_err(transport_error),
            Chain::Sbf(sbf) => sbf.svm.latest_blockhash(),
        }
    }

    /// Runs `tx` without committing anything. `Err`: it could not be run at all.
    pub async fn simulate(&mut self, tx: VersionedTransaction) -> Result<Ran, ClientError> {
        match self {
            Chain::Native(ctx) => {
                let sim = ctx
                    .banks_client
                    .simulate_transaction(tx)
                    .await
                    .map_err(transport_error)?;
                let result = sim.result.unwrap_or(Ok(()));
                Ok(match sim.simulation_details {
                    Some(details) => Ran {
                        result,
                        logs: details.logs,
                        compute_units: details.units_consumed,
                        inner: details
                            .inner_instructions
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|i| (i.instruction.program_id_index, i.instruction.data))
                            .collect(),
                    },
                    None => Ran {
                        result,
                        logs: Vec::new(),
                        compute_units: 0,
                        inner: Vec::new(),
                    },
                })
            }
            Chain::Sbf(sbf) => ran(sbf.svm.run(&tx, false)?),
        }
    }

    /// Runs `tx` and commits it if it succeeds. On SBF the run's details come with it; the
    /// native bank does not keep them (`None`), so a caller simulates first.
    pub async fn process(&mut self, tx: VersionedTransaction) -> Result<Option<Ran>, ClientError> {
        match self {
            // Executed on the working bank at once: `process_transaction` would hand it to the
            // server's sender and poll for its status, a tick's sleep per transaction.
            Chain::Native(ctx) => {
                match ctx.banks_client.process_transaction_with_metadata(tx).await {
                    Ok(done) => {
                        done.result
                            .map(|()| None)
                            .map_err(|error| ClientError::Transaction {
                                error,
                                logs: Vec::new(),
                            })
                    }
                    Err(e) => Err(transport_error(e)),
                }
            }
            Chain::Sbf(sbf) => ran(sbf.svm.run(&tx, true)?).map(Some),
        }
    }

    /// Whether this chain runs an SBF build.
    pub fn is_sbf(&self) -> bool {
        matches!(self, Chain::Sbf(_))
    }
}

const NATIVE_MINT: Pubkey = solana_sdk::pubkey!("So11111111111111111111111111111111111111112");
const TOKEN_PROGRAM: Pubkey = solana_sdk::pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

/// The native mint as genesis writes it: no authorities, no supply, 9 decimals, initialized.
fn native_mint() -> Account {
    let mut data = vec![0u8; 82];
    data[44] = 9;
    data[45] = 1;
    Account {
        lamports: 1_000_000_000,
        data,
        owner: TOKEN_PROGRAM,
        executable: false,
        rent_epoch: 1,
    }
}

/// `<name>.so` in the directory of Ballast's build.
fn sibling(so: &Path, name: &str) -> PathBuf {
    so.with_file_name(format!("{name}.so"))
}

fn ran(done: crate::svm::protocol::Executed) -> Result<Ran, ClientError> {
    let result = match done.error {
        None => Ok(()),
        Some(bytes) => Err(bincode::deserialize(&bytes).map_err(|e| {
            ClientError::Transport(format!("ballast-svm: a transaction error: {e}").into())
        })?),
    };
    Ok(Ran {
        result,
        logs: done.logs,
        compute_units: done.compute_units,
        inner: done
            .inner
            .into_iter()
            .flatten()
            .map(|i| (i.program_id_index, i.data))
            .collect(),
    })
}

pub fn transport_error(e: BanksClientError) -> ClientError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_native_mint_is_the_one_the_native_bank_has() {
        let native = crate::bank::program_test().start_with_context().await;
        let genesis = native
            .banks_client
            .get_account(NATIVE_MINT)
            .await
            .unwrap()
            .expect("the native mint");
        assert_eq!(native_mint(), genesis);
    }
}
