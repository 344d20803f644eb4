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

    /// Whether retrying the operation later might succeed (connection trouble, busy database).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Connection(_) | Self::TaskFailed)
    }
}

/// Convenience alias.
pub type StoreResult<T> = Result<T, StoreError>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}
