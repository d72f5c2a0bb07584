//! One interface to a cluster, so every command runs against an RPC node or the in-process bank.
use {
    crate::error::ClientError,
    solana_sdk::{
        account::Account,
        clock::Clock,
        hash::Hash,
        instruction::Instruction,
        message::{v0, AddressLookupTableAccount, Message, VersionedMessage},
        pubkey::Pubkey,
        signature::Signature,
        signer::Signer,
        transaction::VersionedTransaction,
    },
};

/// The largest serialized transaction a cluster accepts (a packet's data).
pub const PACKET_DATA_SIZE: usize = 1_232;

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
    /// processed. A failed transaction is a `ClientError::Transaction`; one over
    /// `PACKET_DATA_SIZE` is refused before it is sent (`TransactionTooLarge`), as the cluster
    /// would.
    async fn send(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
    ) -> Result<TxOutcome, ClientError> {
        self.send_with_tables(instructions, signers, &[]).await
    }

    /// Runs the transaction without committing anything.
    async fn simulate(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
    ) -> Result<TxOutcome, ClientError> {
        self.simulate_with_tables(instructions, signers, &[]).await
    }

    /// `send`, as a version-0 transaction whose accounts are looked up in `tables` where they
    /// can be (a legacy transaction when there are none).
    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError>;

    /// `simulate`, with `tables` as `send_with_tables`.
    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError>;

    /// The cluster's current clock.
    async fn clock(&self) -> Result<Clock, ClientError>;

    /// A recent blockhash, for messages signed elsewhere.
    async fn latest_blockhash(&self) -> Result<Hash, ClientError>;
}

/// The fee payer: the first signer.
pub fn fee_payer(signers: &[&dyn Signer]) -> Result<Pubkey, ClientError> {
    signers
        .first()
        .map(|s| s.pubkey())
        .ok_or(ClientError::NoFeePayer)
}

/// A transaction of `instructions` paid by `payer`, signed by `signers` (a signer missing or
/// one too many is an error, not a panic): a legacy one, or with `tables` a version-0 one
/// looking accounts up in them; refused over `PACKET_DATA_SIZE` as the cluster would.
pub fn sign(
    instructions: &[Instruction],
    payer: &Pubkey,
    signers: &[&dyn Signer],
    blockhash: Hash,
    tables: &[AddressLookupTableAccount],
) -> Result<VersionedTransaction, ClientError> {
    let message = if tables.is_empty() {
        VersionedMessage::Legacy(Message::new_with_blockhash(
            instructions,
            Some(payer),
            &blockhash,
        ))
    } else {
        VersionedMessage::V0(
            v0::Message::try_compile(payer, instructions, tables, blockhash)
                .map_err(|e| ClientError::Message(e.to_string()))?,
        )
    };
    let tx = VersionedTransaction::try_new(message, signers)?;
    let size = serialized_size(&tx);
    if size > PACKET_DATA_SIZE {
        return Err(ClientError::TransactionTooLarge {
            size,
            max: PACKET_DATA_SIZE,
        });
    }
    Ok(tx)
}

/// Serialized size of `tx` on the wire: the signature count (one byte below 128), the
/// signatures, the message.
pub fn serialized_size(tx: &VersionedTransaction) -> usize {
    1 + 64 * tx.signatures.len() + tx.message.serialize().len()
}

/// Whether a legacy transaction of `instructions` paid by `payer` fits a packet: a sender
/// uses a lookup table only when it does not.
pub fn fits_legacy(instructions: &[Instruction], payer: &Pubkey) -> bool {
    legacy_size(instructions, payer) <= PACKET_DATA_SIZE
}

/// Serialized size of a legacy transaction of `instructions` paid by `payer` (its signers are
/// those the instructions name), before signing: whether it fits a packet.
pub fn legacy_size(instructions: &[Instruction], payer: &Pubkey) -> usize {
    let message = Message::new(instructions, Some(payer));
    let signatures = usize::from(message.header.num_required_signatures);
    1 + 64 * signatures + message.serialize().len()
}
