//! The two databases every test runs against: a SQLite file and a PostgreSQL server of its own.
use ballast_indexer::{local_postgres::LocalPostgres, Store};

/// A fresh, empty store, kept alive with whatever it lives in.
pub struct Fresh {
    pub store: Store,
    pub name: &'static str,
    // Dropped after the store: the server stops, the file goes.
    _server: Option<LocalPostgres>,
    _file: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> Fresh {
    let dir = tempfile::tempdir().expect("temp dir");
    // A path that does not exist yet: the store creates the file.
    let path = dir.path().join("nested-ok.sqlite");
    let store = Store::open(&path.to_string_lossy())
        .await
        .expect("open sqlite");
    assert!(path.is_file(), "the SQLite file is created");
    Fresh {
        store,
        name: "sqlite",
        _server: None,
        _file: Some(dir),
    }
}

/// A PostgreSQL server of the test's own (stopped when dropped), or `None` with the reason
/// printed where it cannot start (no server binaries).
pub async fn postgres() -> Option<Fresh> {
    match LocalPostgres::start(false) {
        Ok(server) => Some(Fresh {
            store: Store::open(&server.url()).await.expect("open postgres"),
            name: "postgres",
            _server: Some(server),
            _file: None,
        }),
        Err(why) => {
            println!("PostgreSQL tests skipped: {why}");
            None
        }
    }
}

/// Both stores (PostgreSQL when it can start), each fresh.
pub async fn both() -> Vec<Fresh> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}
