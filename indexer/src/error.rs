//! What can stop the indexer.
use ballast_client::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("RPC node: {0}")]
    Rpc(String),
    /// A value the schema stores as a signed 64-bit integer does not fit one.
    #[error("{what} {value} does not fit the database's 64-bit integer")]
    TooLarge { what: &'static str, value: u128 },
}

impl IndexerError {
    pub fn too_large(what: &'static str, value: impl Into<u128>) -> IndexerError {
        IndexerError::TooLarge {
            what,
            value: value.into(),
        }
    }
}

/// `value` as the database's BIGINT, or `TooLarge` naming `what`.
pub fn bigint(what: &'static str, value: u64) -> Result<i64, IndexerError> {
    i64::try_from(value).map_err(|_| IndexerError::too_large(what, value))
}
