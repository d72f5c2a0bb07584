//! Errors of the client crate.
use {
    solana_sdk::{pubkey::Pubkey, transaction::TransactionError},
    thiserror::Error,
};

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("transaction failed: {error}")]
    Transaction {
        error: TransactionError,
        /// Program logs, when the transport returns them.
        logs: Vec<String>,
    },
    #[error("account {0} not found")]
    AccountNotFound(Pubkey),
    #[error("account {0} is not a {1}")]
    WrongAccountType(Pubkey, &'static str),
    #[error("reserve {0} is not known to this client")]
    UnknownReserve(Pubkey),
    #[error("transport: {0}")]
    Transport(String),
    /// A program rule evaluated off chain (health, oracle checks) failed.
    #[error("{0}")]
    Program(String),
}

impl ClientError {
    /// The program's custom error code, when the transaction failed with one.
    pub fn custom_code(&self) -> Option<u32> {
        match self {
            ClientError::Transaction {
                error:
                    TransactionError::InstructionError(
                        _,
                        solana_sdk::instruction::InstructionError::Custom(code),
                    ),
                ..
            } => Some(*code),
            _ => None,
        }
    }
}
