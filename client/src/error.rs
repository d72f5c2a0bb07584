//! Errors of the client crate.
use {
    ballast::errors::BallastError,
    solana_sdk::{instruction::InstructionError, pubkey::Pubkey, transaction::TransactionError},
    thiserror::Error,
};

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("transaction failed: {}", explain(error))]
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

/// A transaction error, with the program's own name and message for Ballast error codes.
fn explain(error: &TransactionError) -> String {
    match program_error(error) {
        Some(e) => format!("{}: {e} (error {})", e.name(), u32::from(e)),
        None => error.to_string(),
    }
}

/// The Ballast error a transaction failed with, if it failed with one.
fn program_error(error: &TransactionError) -> Option<BallastError> {
    match error {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => code
            .checked_sub(anchor_lang::error::ERROR_CODE_OFFSET)
            .and_then(|n| BallastError::try_from(n).ok()),
        _ => None,
    }
}

impl ClientError {
    /// The Ballast error the transaction failed with, if it failed with one.
    pub fn program_error(&self) -> Option<BallastError> {
        match self {
            ClientError::Transaction { error, .. } => program_error(error),
            _ => None,
        }
    }

    /// The program's custom error code, when the transaction failed with one.
    pub fn custom_code(&self) -> Option<u32> {
        match self {
            ClientError::Transaction {
                error: TransactionError::InstructionError(_, InstructionError::Custom(code)),
                ..
            } => Some(*code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_program_errors() {
        let failed = |code| ClientError::Transaction {
            error: TransactionError::InstructionError(1, InstructionError::Custom(code)),
            logs: Vec::new(),
        };
        let paused = failed(6104);
        assert_eq!(paused.program_error(), Some(BallastError::MarketPaused));
        assert_eq!(
            paused.to_string(),
            "transaction failed: MarketPaused: market is paused: only repays, collateral \
             top-ups and admin actions go through (error 6104)"
        );
        // Not a Ballast code: the runtime's own wording.
        assert_eq!(failed(1).program_error(), None);
        assert!(failed(1).to_string().contains("custom program error: 0x1"));
    }
}
