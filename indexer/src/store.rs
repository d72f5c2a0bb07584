//! The database: SQLite (a file, created if missing) or PostgreSQL (a `postgres://` URL), one
//! schema, migrations embedded. Writes are idempotent (unique keys, `ON CONFLICT DO NOTHING`)
//! and a batch of events lands in one transaction with the cursor that follows it.
use {
    crate::{
        chain_tx::ChainTx,
        decoded::decode_event,
        error::{bigint, IndexerError},
    },
    solana_sdk::pubkey::Pubkey,
    sqlx::{
        any::{AnyArguments, AnyPoolOptions},
        query::Query,
        Any, AnyPool, Executor, Row,
    },
    std::time::{SystemTime, UNIX_EPOCH},
};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Rows per INSERT statement: 11 parameters each, well under SQLite's 32,766 and
/// PostgreSQL's 65,535 per statement.
const ROWS_PER_INSERT: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The last transaction indexed from a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub signature: String,
    pub slot: u64,
}

/// What one batch wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub transactions: usize,
    /// Events new to the table (those already there are not counted).
    pub events: u64,
}

pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens `target` (`postgres://...` or `postgresql://...`, else a SQLite file path or
    /// `sqlite:` URL) and brings its schema up to date.
    pub async fn open(target: &str) -> Result<Store, IndexerError> {
        sqlx::any::install_default_drivers();
        let postgres = target.starts_with("postgres://") || target.starts_with("postgresql://");
        let (url, backend) = if postgres {
            (target.to_string(), Backend::Postgres)
        } else if target.starts_with("sqlite:") {
            (target.to_string(), Backend::Sqlite)
        } else {
            (format!("sqlite://{target}?mode=rwc"), Backend::Sqlite)
        };
        let options = AnyPoolOptions::new();
        let pool = match backend {
            // One writer at a time is all SQLite allows; one connection avoids lock waits.
            Backend::Sqlite => options.max_connections(1).after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL: readers (the dashboard) do not block the writer; NORMAL sync is
                    // durable at each checkpoint and never corrupts.
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(4),
        }
        .connect(&url)
        .await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Store { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The cursor named `name`, if anything was indexed under it.
    pub async fn cursor(&self, name: &str) -> Result<Option<Cursor>, IndexerError> {
        let row = sqlx::query("SELECT signature, slot FROM cursors WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some(Cursor {
                signature: row.try_get(0)?,
                slot: u64::try_from(row.try_get::<i64, _>(1)?).unwrap_or_default(),
            }),
            None => None,
        })
    }

    /// Writes the events of `txs` (in order, oldest first) and moves cursor `name` to the
    /// last of them, all in one transaction: either all of it lands or none.
    pub async fn write_batch(&self, name: &str, txs: &[ChainTx]) -> Result<Written, IndexerError> {
        let Some(last) = txs.last() else {
            return Ok(Written::default());
        };
        let mut rows = Vec::new();
        for tx in txs {
            for (index, data) in tx.event_data.iter().enumerate() {
                if let Some(event) = decode_event(data) {
                    rows.push(EventRow::new(tx, index, event)?);
                }
            }
        }
        let mut db = self.pool.begin().await?;
        let mut events = 0;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = self.insert_events_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for row in chunk {
                query = row.bind(query);
            }
            events += query.execute(&mut *db).await?.rows_affected();
        }
        sqlx::query(
            "INSERT INTO cursors (name, signature, slot, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET signature = excluded.signature, \
             slot = excluded.slot, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(last.signature.as_str())
        .bind(bigint("slot", last.slot)?)
        .bind(unix_now())
        .execute(&mut *db)
        .await?;
        db.commit().await?;
        Ok(Written {
            transactions: txs.len(),
            events,
        })
    }

    /// `INSERT INTO events ... VALUES (...), ... ON CONFLICT DO NOTHING` for `rows` rows.
    fn insert_events_sql(&self, rows: usize) -> String {
        let mut sql = String::from(
            "INSERT INTO events (signature, event_index, slot, block_time, event_time, kind, \
             market, reserve, obligation, signer, fields) VALUES ",
        );
        for row in 0..rows {
            let p = row * EventRow::COLUMNS;
            if row > 0 {
                sql.push_str(", ");
            }
            let params: Vec<String> = (1..=EventRow::COLUMNS)
                .map(|i| format!("${}", p + i))
                .collect();
            let fields = params[EventRow::COLUMNS - 1].clone();
            // PostgreSQL stores the fields as JSONB, parsed from the text bound.
            let fields = match self.backend {
                Backend::Sqlite => fields,
                Backend::Postgres => format!("CAST({fields} AS JSONB)"),
            };
            sql.push_str(&format!(
                "({}, {fields})",
                params[..EventRow::COLUMNS - 1].join(", ")
            ));
        }
        sql.push_str(" ON CONFLICT (signature, event_index) DO NOTHING");
        sql
    }
}

/// One row of `events`, ready to bind.
struct EventRow {
    signature: String,
    event_index: i64,
    slot: i64,
    block_time: Option<i64>,
    event_time: i64,
    kind: &'static str,
    market: String,
    reserve: Option<String>,
    obligation: Option<String>,
    signer: String,
    fields: String,
}

impl EventRow {
    const COLUMNS: usize = 11;

    fn new(
        tx: &ChainTx,
        index: usize,
        event: crate::decoded::DecodedEvent,
    ) -> Result<EventRow, IndexerError> {
        let key = |k: Pubkey| (k != Pubkey::default()).then(|| k.to_string());
        let h = event.header;
        Ok(EventRow {
            signature: tx.signature.clone(),
            event_index: index as i64,
            slot: bigint("slot", tx.slot)?,
            block_time: tx.block_time,
            event_time: h.unix_timestamp,
            kind: event.kind,
            market: h.market.to_string(),
            reserve: key(h.reserve),
            obligation: key(h.obligation),
            signer: h.signer.to_string(),
            fields: event.fields.to_string(),
        })
    }

    fn bind<'q>(
        &'q self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        query
            .bind(self.signature.as_str())
            .bind(self.event_index)
            .bind(self.slot)
            .bind(self.block_time)
            .bind(self.event_time)
            .bind(self.kind)
            .bind(self.market.as_str())
            .bind(self.reserve.as_deref())
            .bind(self.obligation.as_deref())
            .bind(self.signer.as_str())
            .bind(self.fields.as_str())
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
