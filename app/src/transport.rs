//! One interface to a cluster, so every command runs against an RPC node or the in-process bank.
use {
    crate::error::ClientError,
    solana_sdk::{
        account::Account, clock::Clock, instruction::Instruction, pubkey::Pubkey,
        signature::Keypair, signature::Signature,
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

#[allow(async_fn_in_trait)]
pub trait Transport {
    /// The account at `address`, or `None` if it does not exist.
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError>;

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
}
