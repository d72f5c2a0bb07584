//! The test bank's SBF backend: the program's SBF build, run by `ballast-svm` (tools/svm:
//! LiteSVM, agave 4.3, which loads SBPF v0 to v3) in a child process. Chosen at run time:
//! `BALLAST_SBF=path/to/ballast.so cargo test --workspace` (see README, "The suite on SBF").
pub mod protocol;

use {
    ballast_client::ClientError,
    protocol::{read_frame, write_frame, Executed, Request, Response, WireAccount, WireClock},
    solana_sdk::{
        account::Account, clock::Clock, hash::Hash, pubkey::Pubkey,
        transaction::VersionedTransaction,
    },
    std::{
        io::{BufReader, BufWriter},
        path::{Path, PathBuf},
        process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    },
};

const UPGRADEABLE_LOADER: Pubkey =
    solana_sdk::pubkey!("BPFLoaderUpgradeab1e11111111111111111111111");

/// The SBF build the suite runs on, when `BALLAST_SBF` names one.
pub fn selected() -> Option<PathBuf> {
    std::env::var_os("BALLAST_SBF")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// The runner: `BALLAST_SVM`, else where scripts/svm-build puts it.
fn runner() -> PathBuf {
    std::env::var_os("BALLAST_SVM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/svm/release/ballast-svm")
        })
}

/// One LiteSVM in its own process; dropped, it ends.
pub struct Svm {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Svm {
    /// Starts a runner. Panics with what to do when it is not built: a test run asked for SBF
    /// and cannot have it.
    pub fn start() -> Svm {
        let runner = runner();
        let mut child = Command::new(&runner)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "BALLAST_SBF is set but the SBF runner {} cannot start ({e}): build it with \
                     scripts/svm-build, or set BALLAST_SVM",
                    runner.display()
                )
            });
        let input = BufWriter::new(child.stdin.take().expect("piped stdin"));
        let output = BufReader::new(child.stdout.take().expect("piped stdout"));
        Svm {
            child,
            input,
            output,
        }
    }

    fn call(&mut self, request: &Request) -> Result<Response, ClientError> {
        let failed = |e: std::io::Error| ClientError::Transport(format!("ballast-svm: {e}").into());
        write_frame(&mut self.input, request).map_err(failed)?;
        match read_frame(&mut self.output).map_err(failed)? {
            Some(Response::Failed(why)) => {
                Err(ClientError::Transport(format!("ballast-svm: {why}").into()))
            }
            Some(response) => Ok(response),
            None => Err(ClientError::Transport("ballast-svm exited".into())),
        }
    }

    fn done(&mut self, request: &Request) -> Result<(), ClientError> {
        match self.call(request)? {
            Response::Done => Ok(()),
            other => Err(unexpected(other)),
        }
    }

    /// Deploys the SBF build in `elf_file` at `id` (upgradeable loader, as `solana program
    /// deploy` does).
    pub fn add_program(&mut self, id: &Pubkey, elf_file: &Path) -> Result<(), ClientError> {
        let elf = std::fs::read(elf_file).map_err(|e| {
            ClientError::Transport(format!("the SBF build {}: {e}", elf_file.display()).into())
        })?;
        self.done(&Request::AddProgram {
            id: id.to_bytes(),
            loader: UPGRADEABLE_LOADER.to_bytes(),
            elf,
        })
    }

    pub fn set_account(&mut self, address: &Pubkey, account: Account) -> Result<(), ClientError> {
        self.done(&Request::SetAccount {
            address: address.to_bytes(),
            account: WireAccount {
                lamports: account.lamports,
                data: account.data,
                owner: account.owner.to_bytes(),
                executable: account.executable,
                rent_epoch: account.rent_epoch,
            },
        })
    }

    pub fn account(&mut self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        match self.call(&Request::Account(address.to_bytes()))? {
            Response::Account(account) => Ok(account.map(|a| Account {
                lamports: a.lamports,
                data: a.data,
                owner: Pubkey::new_from_array(a.owner),
                executable: a.executable,
                rent_epoch: a.rent_epoch,
            })),
            other => Err(unexpected(other)),
        }
    }

    /// Runs `tx`; with `commit`, keeps what it did if it succeeded.
    pub fn run(
        &mut self,
        tx: &VersionedTransaction,
        commit: bool,
    ) -> Result<Executed, ClientError> {
        let bytes = bincode::serialize(tx).map_err(|e| ClientError::Transport(e.into()))?;
        let request = match commit {
            true => Request::Process(bytes),
            false => Request::Simulate(bytes),
        };
        match self.call(&request)? {
            Response::Executed(done) => Ok(done),
            other => Err(unexpected(other)),
        }
    }

    pub fn clock(&mut self) -> Result<Clock, ClientError> {
        match self.call(&Request::Clock)? {
            Response::Clock(c) => Ok(Clock {
                slot: c.slot,
                epoch_start_timestamp: c.epoch_start_timestamp,
                epoch: c.epoch,
                leader_schedule_epoch: c.leader_schedule_epoch,
                unix_timestamp: c.unix_timestamp,
            }),
            other => Err(unexpected(other)),
        }
    }

    pub fn set_clock(&mut self, c: &Clock) -> Result<(), ClientError> {
        self.done(&Request::SetClock(WireClock {
            slot: c.slot,
            epoch_start_timestamp: c.epoch_start_timestamp,
            epoch: c.epoch,
            leader_schedule_epoch: c.leader_schedule_epoch,
            unix_timestamp: c.unix_timestamp,
        }))
    }

    /// Moves to `slot`, with a new blockhash.
    pub fn warp(&mut self, slot: u64) -> Result<(), ClientError> {
        self.done(&Request::Warp(slot))
    }

    pub fn latest_blockhash(&mut self) -> Result<Hash, ClientError> {
        match self.call(&Request::LatestBlockhash)? {
            Response::Blockhash(hash) => Ok(Hash::new_from_array(hash)),
            other => Err(unexpected(other)),
        }
    }

    pub fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        self.done(&Request::Airdrop {
            to: to.to_bytes(),
            lamports,
        })
    }
}

impl Drop for Svm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unexpected(response: Response) -> ClientError {
    ClientError::Transport(format!("ballast-svm answered {response:?}").into())
}

#[cfg(test)]
mod tests {
    use super::protocol::*;

    #[test]
    fn frames_round_trip_and_the_stream_ends_cleanly() {
        let account = WireAccount {
            lamports: 7,
            data: vec![1, 2, 3],
            owner: [9; 32],
            executable: false,
            rent_epoch: 1,
        };
        let mut wire = Vec::new();
        write_frame(
            &mut wire,
            &Request::SetAccount {
                address: [4; 32],
                account: account.clone(),
            },
        )
        .unwrap();
        write_frame(&mut wire, &Request::Warp(12)).unwrap();
        // Length first, little-endian: what the server reads before the body.
        let len = u32::from_le_bytes(wire[..4].try_into().unwrap()) as usize;
        assert_eq!(len, 4 + 32 + 8 + 8 + 3 + 32 + 1 + 8);
        let mut input = wire.as_slice();
        match read_frame::<Request>(&mut input).unwrap() {
            Some(Request::SetAccount {
                address,
                account: a,
            }) => {
                assert_eq!((address, a), ([4; 32], account))
            }
            other => panic!("read {other:?}"),
        }
        assert!(matches!(
            read_frame::<Request>(&mut input).unwrap(),
            Some(Request::Warp(12))
        ));
        assert!(read_frame::<Request>(&mut input).unwrap().is_none());
    }

    #[test]
    fn a_cut_frame_is_an_error_not_the_end() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &Request::Warp(12)).unwrap();
        wire.pop();
        let err = read_frame::<Request>(&mut wire.as_slice()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }
}
