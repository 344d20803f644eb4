//! Connections, the pool, migrations and the blocking-pool bridge.

use crate::error::{StoreError, StoreResult};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

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

impl ManageConnection for ConnectionFactory {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.backend {
            Backend::Postgres { url } => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite { path } => {
                let mut connection = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; NORMAL sync is durable in WAL mode
                // except for the last transactions on power loss, the usual trade-off.
                connection
                    .batch_execute(&format!(
                        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON;",
                        self.sqlite_busy_timeout.as_millis()
                    ))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(connection))
            }
        }
    }

    fn is_valid(&self, connection: &mut DbConn) -> Result<(), r2d2::Error> {
        connection
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _connection: &mut DbConn) -> bool {
        false
    }
}

/// The database: a pool plus the knowledge of which backend it is.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<ConnectionFactory>,
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
        let pool = r2d2::Pool::builder()
            .max_size(options.max_connections.max(1))
            .min_idle(Some(1))
            .connection_timeout(options.acquire_timeout)
            .test_on_check_out(false)
            .build(factory)
            .map_err(|error| StoreError::Connection(error.to_string()))?;
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

    /// Applies pending migrations; returns how many ran.
    pub async fn migrate(&self) -> StoreResult<usize> {
        self.with_connection(|connection| {
            let migrations = match connection {
                DbConn::Postgres(_) => POSTGRES_MIGRATIONS,
                DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
            };
            let applied = match connection {
                DbConn::Postgres(postgres) => postgres.run_pending_migrations(migrations),
                DbConn::Sqlite(sqlite) => sqlite.run_pending_migrations(migrations),
            }
            .map_err(|error| StoreError::Migration(error.to_string()))?;
            Ok(applied.len())
        })
        .await
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
            let mut connection = pool
                .get()
                .map_err(|error| StoreError::Connection(error.to_string()))?;
            let _guard = writer.as_ref().map(|lock| {
                lock.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            });
            let connection: &mut DbConn = &mut connection;
            connection.transaction(work)
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
            let mut connection = pool
                .get()
                .map_err(|error| StoreError::Connection(error.to_string()))?;
            work(&mut connection)
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
