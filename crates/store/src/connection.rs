//! Connections, the pool, migrations and the blocking-pool bridge.

use crate::error::{StoreError, StoreResult};
use crate::pool::{Connector, Pool};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Serialises migrations across nodes sharing one PostgreSQL database.
const MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(hashtext('gatehouse migrations'))";
const MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(hashtext('gatehouse migrations'))";

/// A connection to either backend. Queries written against it work on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, for several stateless nodes.
    Postgres(PgConnection),
    /// SQLite, the single-node default.
    Sqlite(SqliteConnection),
}

/// Which database a URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite {
        /// The database file.
        path: PathBuf,
    },
    /// A PostgreSQL server.
    Postgres {
        /// The libpq connection URL.
        url: String,
    },
}

impl Backend {
    /// Reads `sqlite://PATH` (relative unless PATH starts with `/`) or `postgres://...`.
    pub fn from_url(url: &str) -> StoreResult<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl(url.to_owned()));
            }
            return Ok(Self::Sqlite {
                path: PathBuf::from(path),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: url.to_owned(),
            });
        }
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }

    /// A short name for logs.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// Pool tuning.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most open connections.
    pub max_connections: u32,
    /// How long to wait for a free connection.
    pub acquire_timeout: Duration,
    /// SQLite only: how long a statement waits for a lock held by another process.
    pub sqlite_busy_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens connections of the configured backend, SQLite ones with our pragmas.
#[derive(Debug)]
struct ConnectionFactory {
    backend: Backend,
    sqlite_busy_timeout: Duration,
}

impl Connector for ConnectionFactory {
    fn connect(&self) -> StoreResult<DbConn> {
        let unreachable = |error: ConnectionError| StoreError::Connection(error.to_string());
        match &self.backend {
            // libpq reads the whole URL, so TLS is set there (`?sslmode=require`,
            // `sslrootcert=...`); without it libpq prefers TLS when the server offers it.
            Backend::Postgres { url } => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(unreachable),
            Backend::Sqlite { path } => {
                let mut connection =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(unreachable)?;
                // WAL lets readers run beside the writer; NORMAL sync is durable in WAL mode
                // except for the last transactions on power loss, the usual trade-off.
                connection.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;",
                    self.sqlite_busy_timeout.as_millis()
                ))?;
                Ok(DbConn::Sqlite(connection))
            }
        }
    }
}

/// The database: a pool plus the knowledge of which backend it is.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend_name: &'static str,
    // SQLite allows one writer. Serialising our own write transactions here keeps them from
    // failing with SQLITE_BUSY when a read transaction tries to upgrade; other processes
    // (the CLI) are covered by busy_timeout.
    sqlite_writer: Option<Arc<Mutex<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Store")
            .field("backend", &self.backend_name)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a pool for `url`. SQLite files and their folders are created when missing.
    pub fn connect(url: &str, options: &PoolOptions) -> StoreResult<Self> {
        let backend = Backend::from_url(url)?;
        if let Backend::Sqlite { path } = &backend
            && let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|error| {
                StoreError::Connection(format!("cannot create {}: {error}", parent.display()))
            })?;
        }
        let backend_name = backend.name();
        let is_sqlite = matches!(backend, Backend::Sqlite { .. });
        let factory = ConnectionFactory {
            backend,
            sqlite_busy_timeout: options.sqlite_busy_timeout,
        };
        let max_connections = usize::try_from(options.max_connections).unwrap_or(usize::MAX);
        let pool = Pool::new(Box::new(factory), max_connections, options.acquire_timeout);
        Ok(Self {
            pool,
            backend_name,
            sqlite_writer: is_sqlite.then(|| Arc::new(Mutex::new(()))),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        self.backend_name
    }

    /// Applies pending migrations; returns how many ran. On PostgreSQL under an advisory
    /// lock, on SQLite in an exclusive transaction, so several processes starting at once
    /// do not race on the schema.
    pub async fn migrate(&self) -> StoreResult<usize> {
        self.with_connection(|connection| {
            let migrations = match connection {
                DbConn::Postgres(_) => POSTGRES_MIGRATIONS,
                DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
            };
            let applied = match connection {
                DbConn::Postgres(postgres) => {
                    // Nodes starting together on one database take turns: the first
                    // migrates, the others then find nothing pending. The lock is the
                    // session's, so it also ends if this node dies half-way.
                    postgres.batch_execute(MIGRATION_LOCK)?;
                    let applied = postgres
                        .run_pending_migrations(migrations)
                        .map(|versions| versions.len())
                        .map_err(|error| StoreError::Migration(error.to_string()));
                    postgres.batch_execute(MIGRATION_UNLOCK)?;
                    applied
                }
                // Another process opening the same new file (a command run beside the
                // server) must not find the same migrations pending: the exclusive
                // transaction makes it wait (busy_timeout), then find none. Each migration
                // keeps its own transaction, as a savepoint inside this one.
                DbConn::Sqlite(sqlite) => sqlite.exclusive_transaction(|sqlite| {
                    sqlite
                        .run_pending_migrations(migrations)
                        .map(|versions| versions.len())
                        .map_err(|error| StoreError::Migration(error.to_string()))
                }),
            }?;
            Ok(applied)
        })
        .await
    }

    /// Closes the pool: idle connections now, borrowed ones as they come back (waiting up to
    /// `grace` for them). Later calls fail. Call it before the process exits, so no
    /// connection is closed (or still opening) while the exit handlers run.
    pub async fn close(&self, grace: Duration) {
        let pool = self.pool.clone();
        let still_borrowed = tokio::task::spawn_blocking(move || pool.close(grace))
            .await
            .unwrap_or(0);
        if still_borrowed > 0 {
            tracing::warn!(
                still_borrowed,
                "database connections still in use at shutdown"
            );
        }
    }

    /// How many connections the pool holds and lends right now.
    #[must_use]
    pub fn pool_usage(&self) -> crate::pool::PoolUsage {
        self.pool.usage()
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        self.with_connection(|connection| Ok(connection.batch_execute("SELECT 1")?))
            .await
    }

    /// Runs read-only work on a pooled connection, off the async workers.
    pub async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.with_connection(work).await
    }

    /// Runs a read of a few rows by key (a token's revocation, a client, a session). On
    /// SQLite such a read is answered from the page cache in microseconds, less than the
    /// hand-off to the blocking pool costs, so it runs on the calling thread when a
    /// connection is free this instant; otherwise, and on PostgreSQL (a network round
    /// trip), it goes to the blocking pool like [`Store::read`]. Never for scans.
    pub async fn read_by_key<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        if self.sqlite_writer.is_some()
            && let Some(mut connection) = self.pool.try_get_recent()
        {
            let outcome = work(&mut connection);
            if outcome.is_err() {
                connection.mark_suspect();
            }
            return outcome;
        }
        self.with_connection(work).await
    }

    /// Runs `work` in one transaction, off the async workers; it commits when `work`
    /// returns `Ok` and rolls back otherwise.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        let writer = self.sqlite_writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.get()?;
            let _guard = writer.as_ref().map(|lock| {
                lock.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            });
            let outcome = connection.transaction(work);
            if outcome.is_err() {
                connection.mark_suspect();
            }
            outcome
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?
    }

    async fn with_connection<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.get()?;
            let outcome = work(&mut connection);
            if outcome.is_err() {
                connection.mark_suspect();
            }
            outcome
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend() {
        assert_eq!(
            Backend::from_url("sqlite://data/gatehouse.db").ok(),
            Some(Backend::Sqlite {
                path: PathBuf::from("data/gatehouse.db")
            })
        );
        assert_eq!(
            Backend::from_url("sqlite:///var/lib/gatehouse/db").ok(),
            Some(Backend::Sqlite {
                path: PathBuf::from("/var/lib/gatehouse/db")
            })
        );
        assert!(matches!(
            Backend::from_url("postgres://localhost/gatehouse"),
            Ok(Backend::Postgres { .. })
        ));
        assert!(Backend::from_url("mysql://x").is_err());
        assert!(Backend::from_url("sqlite://").is_err());
    }
}
