//! A small connection pool that never works behind the caller's back.
//!
//! Connections are opened on the thread that asks for one (a tokio blocking-pool thread),
//! never by a background thread: a pool with helper threads (r2d2 keeps a thread pool that
//! tops up idle connections) can still be inside libpq's TLS handshake when the process
//! exits, and OpenSSL's exit handlers then pull its locks away under it (a crash at exit).
//! Here every connection is opened and closed by a task that the runtime waits for, and
//! [`Pool::close`] closes the idle ones and waits for borrowed ones to come back.

use crate::DbConn;
use crate::error::{StoreError, StoreResult};
use diesel::Connection;
use diesel::connection::{SimpleConnection as _, TransactionManager as _};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Opens one connection of the configured backend.
pub(crate) trait Connector: Send + Sync + 'static {
    /// Opens a connection, ready for queries.
    fn connect(&self) -> StoreResult<DbConn>;
}

/// An idle connection idle longer than this is checked with a query before it is handed
/// out, so a database restart costs one failed check, not a failed request.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(30);

/// A bounded set of connections, opened on demand.
#[derive(Clone)]
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    connector: Box<dyn Connector>,
    max_connections: usize,
    acquire_timeout: Duration,
    state: Mutex<State>,
    /// Signalled whenever a connection is returned or a slot frees up.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Connections not in use, the most recently used last.
    idle: Vec<Idle>,
    /// Connections that exist: idle, borrowed, or being opened.
    open: usize,
    is_closed: bool,
}

struct Idle {
    connection: DbConn,
    since: Instant,
}

impl Pool {
    /// A pool of at most `max_connections`; `get` waits `acquire_timeout` for one.
    pub(crate) fn new(
        connector: Box<dyn Connector>,
        max_connections: usize,
        acquire_timeout: Duration,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                connector,
                max_connections: max_connections.max(1),
                acquire_timeout,
                state: Mutex::default(),
                changed: Condvar::new(),
            }),
        }
    }

    /// Borrows a connection: an idle one, a new one while below the limit, or the next one
    /// returned. Blocks; call it from the blocking pool.
    pub(crate) fn get(&self) -> StoreResult<Pooled> {
        let deadline = Instant::now() + self.shared.acquire_timeout;
        let mut state = self.shared.lock();
        loop {
            if state.is_closed {
                return Err(StoreError::Connection("the pool is closed".to_owned()));
            }
            if let Some(idle) = state.idle.pop() {
                drop(state);
                let mut connection = idle.connection;
                if idle.since.elapsed() < CHECK_AFTER_IDLE
                    || connection.batch_execute("SELECT 1").is_ok()
                {
                    return Ok(self.lend(connection));
                }
                // Dead (the server restarted or dropped it): forget it and try again.
                drop(connection);
                state = self.shared.lock();
                state.open -= 1;
                continue;
            }
            if state.open < self.shared.max_connections {
                state.open += 1;
                drop(state);
                return match self.shared.connector.connect() {
                    Ok(connection) => Ok(self.lend(connection)),
                    Err(error) => {
                        self.shared.lock().open -= 1;
                        self.shared.changed.notify_one();
                        Err(error)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::Connection(format!(
                    "no free database connection within {:?} (database.max_connections = {})",
                    self.shared.acquire_timeout, self.shared.max_connections
                )));
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// An idle connection used in the last moments, if there is one now: never waits,
    /// never opens or checks a connection (for work cheap enough to run on the caller's
    /// thread).
    pub(crate) fn try_get_recent(&self) -> Option<Pooled> {
        let mut state = self.shared.lock();
        if state.is_closed
            || state
                .idle
                .last()
                .is_none_or(|idle| idle.since.elapsed() >= CHECK_AFTER_IDLE)
        {
            return None;
        }
        let idle = state.idle.pop()?;
        drop(state);
        Some(self.lend(idle.connection))
    }

    /// Closes the idle connections on this thread, refuses new borrowers, and waits up to
    /// `grace` for borrowed connections to come back (they are closed as they do).
    /// Returns how many were still borrowed when `grace` ran out.
    pub(crate) fn close(&self, grace: Duration) -> usize {
        let deadline = Instant::now() + grace;
        let idle = {
            let mut state = self.shared.lock();
            state.is_closed = true;
            state.open -= state.idle.len();
            std::mem::take(&mut state.idle)
        };
        drop(idle);
        self.shared.changed.notify_all();
        let mut state = self.shared.lock();
        while state.open > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.open
    }

    /// How many connections exist, how many of them are idle, and the limit.
    pub(crate) fn usage(&self) -> PoolUsage {
        let state = self.shared.lock();
        PoolUsage {
            open: state.open,
            idle: state.idle.len(),
            max: self.shared.max_connections,
        }
    }

    fn lend(&self, connection: DbConn) -> Pooled {
        Pooled {
            connection: Some(connection),
            shared: self.shared.clone(),
            is_suspect: false,
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A reading of the pool, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections that exist: idle, borrowed, or being opened.
    pub open: usize,
    /// Connections waiting to be borrowed.
    pub idle: usize,
    /// `database.max_connections`.
    pub max: usize,
}

/// A borrowed connection; goes back to the pool when dropped.
pub(crate) struct Pooled {
    connection: Option<DbConn>,
    shared: Arc<Shared>,
    is_suspect: bool,
}

impl Pooled {
    /// The work on this connection failed: check the connection before it is lent again.
    pub(crate) fn mark_suspect(&mut self) {
        self.is_suspect = true;
    }
}

impl std::ops::Deref for Pooled {
    type Target = DbConn;

    fn deref(&self) -> &DbConn {
        self.connection
            .as_ref()
            .unwrap_or_else(|| unreachable!("the connection is only taken on drop"))
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.connection
            .as_mut()
            .unwrap_or_else(|| unreachable!("the connection is only taken on drop"))
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(mut connection) = self.connection.take() else {
            return;
        };
        // A broken transaction, or a failure that may have been the connection's own (the
        // server went away), must not reach the next borrower.
        let is_broken = <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(
            &mut connection,
        );
        let is_usable =
            !is_broken && (!self.is_suspect || connection.batch_execute("SELECT 1").is_ok());
        let mut state = self.shared.lock();
        if is_usable && !state.is_closed {
            state.idle.push(Idle {
                connection,
                since: Instant::now(),
            });
            drop(state);
        } else {
            state.open -= 1;
            drop(state);
            drop(connection);
        }
        self.shared.changed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sqlite::SqliteConnection;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Memory {
        opened: Arc<AtomicUsize>,
    }

    impl Connector for Memory {
        fn connect(&self) -> StoreResult<DbConn> {
            self.opened.fetch_add(1, Ordering::SeqCst);
            SqliteConnection::establish(":memory:")
                .map(DbConn::Sqlite)
                .map_err(|error| StoreError::Connection(error.to_string()))
        }
    }

    fn pool(max: usize, timeout: Duration) -> (Pool, Arc<AtomicUsize>) {
        let opened = Arc::new(AtomicUsize::new(0));
        let connector = Memory {
            opened: opened.clone(),
        };
        (Pool::new(Box::new(connector), max, timeout), opened)
    }

    #[test]
    fn connections_are_opened_on_demand_and_reused() {
        let (pool, opened) = pool(2, Duration::from_secs(1));
        assert_eq!(opened.load(Ordering::SeqCst), 0, "nothing opened up front");
        drop(pool.get().expect("first"));
        drop(pool.get().expect("second"));
        assert_eq!(opened.load(Ordering::SeqCst), 1, "the idle one was reused");
        let first = pool.get().expect("first");
        let second = pool.get().expect("second");
        assert_eq!(opened.load(Ordering::SeqCst), 2);
        drop((first, second));
    }

    #[test]
    fn a_full_pool_times_out() {
        let (pool, _) = pool(1, Duration::from_millis(20));
        let _held = pool.get().expect("the only connection");
        assert!(matches!(pool.get(), Err(StoreError::Connection(_))));
    }

    #[test]
    fn a_returned_connection_wakes_a_waiter() {
        let (pool, opened) = pool(1, Duration::from_secs(10));
        let held = pool.get().expect("the only connection");
        let waiter = {
            let pool = pool.clone();
            std::thread::spawn(move || pool.get().map(|_| ()))
        };
        drop(held);
        assert!(waiter.join().expect("thread").is_ok());
        assert_eq!(opened.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn closing_refuses_borrowers_and_waits_for_returns() {
        let (pool, _) = pool(2, Duration::from_secs(1));
        drop(pool.get().expect("opens one"));
        let borrowed = pool.get().expect("borrowed");
        let returner = std::thread::spawn(move || drop(borrowed));
        assert_eq!(pool.close(Duration::from_secs(5)), 0);
        returner.join().expect("thread");
        assert!(pool.get().is_err(), "a closed pool lends nothing");
    }

    #[test]
    fn closing_reports_connections_that_never_came_back() {
        let (pool, _) = pool(1, Duration::from_secs(1));
        let kept = pool.get().expect("borrowed");
        assert_eq!(pool.close(Duration::from_millis(10)), 1);
        drop(kept);
    }
}
