//! `serve`: one LiteSVM for one test bank, driven frame by frame over stdin and stdout.
use {
    crate::protocol::{
        read_frame, write_frame, Executed, Request, Response, WireAccount, WireClock, WireInner,
    },
    litesvm::{types::TransactionMetadata, LiteSVM},
    solana_account::Account,
    solana_address::Address,
    solana_clock::Clock,
    solana_transaction::versioned::VersionedTransaction,
    solana_transaction_error::TransactionError,
    std::io,
};

pub fn run() -> Result<(), String> {
    // A cluster's defaults (mainnet features, signatures and the 10 KB log limit checked) except
    // the blockhash: a bank accepts any recent one, LiteSVM only its latest.
    let mut svm = LiteSVM::new().with_blockhash_check(false);
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    while let Some(request) = read_frame::<Request>(&mut input).map_err(|e| e.to_string())? {
        let response = answer(&mut svm, request);
        write_frame(&mut output, &response).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn answer(svm: &mut LiteSVM, request: Request) -> Response {
    match request {
        Request::AddProgram { id, loader, elf } => {
            match svm.add_program_with_loader(Address::from(id), &elf, Address::from(loader)) {
                Ok(()) => Response::Done,
                Err(e) => Response::Failed(format!("loading the program: {e:?}")),
            }
        }
        Request::SetAccount { address, account } => {
            match svm.set_account(Address::from(address), account_from_wire(account)) {
                Ok(()) => Response::Done,
                Err(e) => Response::Failed(format!("setting the account: {e:?}")),
            }
        }
        Request::Account(address) => {
            Response::Account(svm.get_account(&Address::from(address)).map(account_to_wire))
        }
        Request::Simulate(tx) => match transaction(&tx) {
            Ok(tx) => Response::Executed(match svm.simulate_transaction(tx) {
                Ok(info) => executed(None, info.meta),
                Err(failed) => executed(Some(failed.err), failed.meta),
            }),
            Err(e) => Response::Failed(e),
        },
        Request::Process(tx) => match transaction(&tx) {
            Ok(tx) => Response::Executed(match svm.send_transaction(tx) {
                Ok(meta) => executed(None, meta),
                Err(failed) => executed(Some(failed.err), failed.meta),
            }),
            Err(e) => Response::Failed(e),
        },
        Request::Clock => Response::Clock(clock_to_wire(&svm.get_sysvar())),
        Request::SetClock(clock) => {
            svm.set_sysvar(&clock_from_wire(clock));
            Response::Done
        }
        Request::Warp(slot) => {
            svm.warp_to_slot(slot);
            svm.expire_blockhash();
            Response::Done
        }
        Request::LatestBlockhash => Response::Blockhash(svm.latest_blockhash().to_bytes()),
        Request::Airdrop { to, lamports } => match svm.airdrop(&Address::from(to), lamports) {
            Ok(_) => Response::Done,
            Err(failed) => Response::Failed(format!("airdrop: {:?}", failed.err)),
        },
    }
}

fn transaction(bytes: &[u8]) -> Result<VersionedTransaction, String> {
    bincode::deserialize(bytes).map_err(|e| format!("not a transaction: {e}"))
}

fn executed(error: Option<TransactionError>, meta: TransactionMetadata) -> Executed {
    Executed {
        error: error.map(|e| bincode::serialize(&e).expect("a transaction error serializes")),
        logs: meta.logs,
        compute_units: meta.compute_units_consumed,
        inner: meta
            .inner_instructions
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .map(|inner| WireInner {
                        program_id_index: inner.instruction.program_id_index,
                        accounts: inner.instruction.accounts,
                        data: inner.instruction.data,
                        stack_height: inner.stack_height.into(),
                    })
                    .collect()
            })
            .collect(),
    }
}

fn account_from_wire(a: WireAccount) -> Account {
    Account {
        lamports: a.lamports,
        data: a.data,
        owner: Address::from(a.owner),
        executable: a.executable,
        rent_epoch: a.rent_epoch,
    }
}

fn account_to_wire(a: Account) -> WireAccount {
    WireAccount {
        lamports: a.lamports,
        data: a.data,
        owner: a.owner.to_bytes(),
        executable: a.executable,
        rent_epoch: a.rent_epoch,
    }
}

fn clock_to_wire(c: &Clock) -> WireClock {
    WireClock {
        slot: c.slot,
        epoch_start_timestamp: c.epoch_start_timestamp,
        epoch: c.epoch,
        leader_schedule_epoch: c.leader_schedule_epoch,
        unix_timestamp: c.unix_timestamp,
    }
}

fn clock_from_wire(c: WireClock) -> Clock {
    Clock {
        slot: c.slot,
        epoch_start_timestamp: c.epoch_start_timestamp,
        epoch: c.epoch,
        leader_schedule_epoch: c.leader_schedule_epoch,
        unix_timestamp: c.unix_timestamp,
    }
}
