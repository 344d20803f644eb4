//! The store's one error type.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Anything that can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[source] DieselError),
    /// A unique constraint refused the write; the payload names what already exists.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A `get_*` found nothing.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No connection could be made or borrowed.
    #[error("cannot reach the database: {0}")]
    Connection(String),
    /// The database URL is not one we understand.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// Migrations failed.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A row holds something we did not write (a broken JSON list, an unknown status).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The blocking task running the query died.
    #[error("the database task was cancelled or panicked")]
    TaskFailed,
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound("row"),
            other => Self::Query(other),
        }
    }
}

impl StoreError {
    /// Turns a unique-constraint violation into [`StoreError::Conflict`] naming `what`.
    pub fn conflict_as(error: DieselError, what: &'static str) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict(what)
            }
            other => Self::from(other),
        }
    }

    /// Whether the database cannot serve right now, through no fault of the request: it is
    /// down or unreachable, dropped the connection, is read-only (a standby, a failover in
    /// progress) or out of disk, or stayed locked past the busy timeout. Retrying later may
    /// succeed; callers answer `503`, not `500`.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Connection(_) => true,
            Self::Query(DieselError::DatabaseError(kind, information)) => {
                matches!(
                    kind,
                    DatabaseErrorKind::ClosedConnection
                        | DatabaseErrorKind::UnableToSendCommand
                        | DatabaseErrorKind::ReadOnlyTransaction
                ) || is_unavailable_message(information.message())
            }
            _ => false,
        }
    }
}

/// Messages of failures that are the database's state, not the statement's, where the
/// driver gives no kind: SQLite's result codes and PostgreSQL's server-side shutdowns and
/// disk errors, as their drivers word them.
fn is_unavailable_message(message: &str) -> bool {
    const MARKERS: [&str; 10] = [
        // SQLite: SQLITE_READONLY, SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_CANTOPEN.
        "readonly database",
        "database or disk is full",
        "disk I/O error",
        "database is locked",
        "unable to open database file",
        // PostgreSQL: administrator shutdown or restart, the server gone, a full disk.
        "terminating connection",
        "server closed the connection",
        "could not connect",
        "No space left on device",
        "could not extend file",
    ];
    MARKERS.iter().any(|marker| message.contains(marker))
}

/// Convenience alias.
pub type StoreResult<T> = Result<T, StoreError>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection as _;
    use diesel::sqlite::SqliteConnection;
    use diesel::{Connection as _, RunQueryDsl as _};

    fn sqlite() -> SqliteConnection {
        let mut connection = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        connection
            .batch_execute("CREATE TABLE notes (body TEXT NOT NULL UNIQUE)")
            .expect("a table");
        connection
    }

    fn insert(connection: &mut SqliteConnection, body: &str) -> Result<usize, StoreError> {
        Ok(diesel::sql_query("INSERT INTO notes (body) VALUES (?)")
            .bind::<diesel::sql_types::Text, _>(body)
            .execute(connection)?)
    }

    #[test]
    fn a_full_database_is_unavailable_not_a_bug() {
        let mut connection = sqlite();
        connection
            .batch_execute("PRAGMA max_page_count = 4")
            .expect("a page limit");
        let line = "x".repeat(1000);
        let full = (0..100)
            .find_map(|number| insert(&mut connection, &format!("{number}{line}")).err())
            .expect("the database fills up");
        assert!(full.is_unavailable(), "{full}");
    }

    #[test]
    fn a_read_only_database_is_unavailable_not_a_bug() {
        let mut connection = sqlite();
        connection
            .batch_execute("PRAGMA query_only = 1")
            .expect("read-only");
        let refused = insert(&mut connection, "note").expect_err("writes are refused");
        assert!(refused.is_unavailable(), "{refused}");
    }

    #[test]
    fn mistakes_in_a_statement_are_not_unavailability() {
        let mut connection = sqlite();
        insert(&mut connection, "note").expect("a first note");
        let duplicate = insert(&mut connection, "note").expect_err("unique");
        assert!(!duplicate.is_unavailable(), "{duplicate}");
        let broken = diesel::sql_query("SELECT * FROM missing_table")
            .execute(&mut connection)
            .map_err(StoreError::from)
            .expect_err("no such table");
        assert!(!broken.is_unavailable(), "{broken}");
        assert!(StoreError::Connection("refused".to_owned()).is_unavailable());
    }
}
