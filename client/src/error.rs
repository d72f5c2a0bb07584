//! Errors of the client crate.
use {
    ballast::errors::BallastError,
    solana_rpc_client_api::client_error::Error as RpcError,
    solana_sdk::{
        instruction::InstructionError, program_error::ProgramError, pubkey::Pubkey,
        signature::Signature, signer::SignerError, transaction::TransactionError,
    },
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
    /// A program rule evaluated off chain (health, an operation) failed: what the program would
    /// have answered.
    #[error("{}", describe(.0))]
    Rule(anchor_lang::error::Error),
    /// The program would refuse this reserve's oracle now (stale, too wide, ...).
    #[error("oracle of reserve {reserve}: {}", describe(.error))]
    Oracle {
        reserve: Pubkey,
        error: anchor_lang::error::Error,
    },
    #[error("account {0} holds data the client cannot decode")]
    UndecodableAccount(Pubkey),
    #[error("mint {mint}: {error}")]
    Mint { mint: Pubkey, error: ProgramError },
    #[error("no signer to pay the fee")]
    NoFeePayer,
    #[error("cannot sign the transaction: {0}")]
    Signing(#[from] SignerError),
    #[error("transaction {0} was confirmed but the node does not return it")]
    TransactionNotFound(Signature),
    #[error("RPC: {0}")]
    Rpc(Box<RpcError>),
    /// No JSON-RPC answer came back: the connection was refused, the node did not answer in
    /// time, or the server answered with an HTTP error. `reason` says which.
    #[error("cannot reach the RPC node {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "transaction too large: {size} bytes, over the cluster's {max}; with every position of a \
         large obligation it needs the market's address lookup table (`ballast market lookup-table`)"
    )]
    TransactionTooLarge { size: usize, max: usize },
    #[error("cannot compile the transaction message: {0}")]
    Message(String),
    /// A transaction that landed and failed, as the relay saw it (its status, without the
    /// program's logs: the transport fetches them and reports a `Transaction` instead).
    #[error("transaction {signature} failed: {}", explain(error))]
    Landed {
        signature: Signature,
        error: TransactionError,
    },
    /// A setting out of range (the first broken rule, in words).
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
    /// The relay's every blockhash expired before the transaction was confirmed.
    #[error(
        "transaction not confirmed: {builds} blockhash(es) expired over {sends} send(s); the \
         cluster may be congested (raise the priority fee)"
    )]
    Expired { builds: u32, sends: usize },
    /// Another transport's failure (the in-process bank).
    #[error("transport: {0}")]
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl From<anchor_lang::error::Error> for ClientError {
    fn from(e: anchor_lang::error::Error) -> Self {
        ClientError::Rule(e)
    }
}

/// A program error as `Name: message` (Anchor's own `Display` adds the file and line).
fn describe(e: &anchor_lang::error::Error) -> String {
    match e {
        anchor_lang::error::Error::AnchorError(a) => format!("{}: {}", a.error_name, a.error_msg),
        other => other.to_string(),
    }
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

    /// The program error a rule evaluated off chain failed with, by code.
    pub fn rule_error(&self) -> Option<BallastError> {
        let e = match self {
            ClientError::Rule(e) | ClientError::Oracle { error: e, .. } => e,
            _ => return None,
        };
        BallastError::of(e)
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

    #[test]
    fn rules_evaluated_off_chain_keep_their_program_error() {
        let stale = ClientError::Oracle {
            reserve: Pubkey::new_from_array([1; 32]),
            error: BallastError::OraclePriceStale.into(),
        };
        assert_eq!(stale.rule_error(), Some(BallastError::OraclePriceStale));
        assert_eq!(
            stale.to_string(),
            format!(
                "oracle of reserve {}: OraclePriceStale: {}",
                Pubkey::new_from_array([1; 32]),
                BallastError::OraclePriceStale
            )
        );
        let unhealthy = ClientError::from(anchor_lang::error::Error::from(
            BallastError::ObligationUnhealthy,
        ));
        assert_eq!(
            unhealthy.rule_error(),
            Some(BallastError::ObligationUnhealthy)
        );
        assert_eq!(unhealthy.program_error(), None);
    }
}
