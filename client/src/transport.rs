//! One interface to a cluster, so every command runs against an RPC node or the in-process bank.
use {
    crate::error::ClientError,
    solana_sdk::{
        account::Account, clock::Clock, hash::Hash, instruction::Instruction, pubkey::Pubkey,
        signature::Keypair, signature::Signature, transaction::Transaction,
    },
};

/// What a processed (or simulated) transaction left behind.
#[derive(Clone, Debug, Default)]
pub struct TxOutcome {
    pub signature: Signature,
    pub logs: Vec<String>,
    pub compute_units: u64,
    /// Data of the program's self-CPI event instructions (`emit_cpi!`), in order.
    pub event_data: Vec<Vec<u8>>,
}

/// A condition on a program account, as `getProgramAccounts` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountFilter {
    DataSize(u64),
    /// The account's data holds `bytes` at `offset`.
    Memcmp {
        offset: usize,
        bytes: Vec<u8>,
    },
}

impl AccountFilter {
    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            AccountFilter::DataSize(size) => data.len() as u64 == *size,
            AccountFilter::Memcmp { offset, bytes } => data
                .get(*offset..)
                .is_some_and(|rest| rest.starts_with(bytes)),
        }
    }
}

#[allow(async_fn_in_trait)]
pub trait Transport {
    /// The account at `address`, or `None` if it does not exist.
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError>;

    /// Every account owned by the Ballast program that passes all `filters`.
    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError>;

    /// Signs `instructions` with `signers` (the first pays the fee), sends, and waits until
    /// processed. A failed transaction is a `ClientError::Transaction`.
    async fn send(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError>;

    /// Runs the transaction without committing anything.
    async fn simulate(
        &self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError>;

    /// The cluster's current clock.
    async fn clock(&self) -> Result<Clock, ClientError>;

    /// A recent blockhash, for messages signed elsewhere.
    async fn latest_blockhash(&self) -> Result<Hash, ClientError>;
}

/// The fee payer: the first signer.
pub fn fee_payer(signers: &[&Keypair]) -> Result<Pubkey, ClientError> {
    use solana_sdk::signer::Signer;
    signers
        .first()
        .map(|s| s.pubkey())
        .ok_or(ClientError::NoFeePayer)
}

/// A transaction of `instructions` paid by `payer`, signed by `signers`: a signer missing or
/// one too many is an error, not a panic.
pub fn sign(
    instructions: &[Instruction],
    payer: &Pubkey,
    signers: &[&Keypair],
    blockhash: Hash,
) -> Result<Transaction, ClientError> {
    let mut tx = Transaction::new_with_payer(instructions, Some(payer));
    tx.try_sign(signers, blockhash)?;
    Ok(tx)
}
