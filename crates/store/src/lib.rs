//! Gatehouse's storage: SQLite by default, PostgreSQL when one machine is not enough.
//!
//! Both backends share one query code path through [`DbConn`], a diesel `MultiConnection`.
//! Diesel is synchronous, so every call runs on tokio's blocking pool ([`Store::read`],
//! [`Store::write`]), never on an async worker thread. Functions in the table modules take
//! `&mut DbConn`, so a service can run several of them in one transaction.

pub mod audit;
pub mod backoff;
pub mod branding;
pub mod clients;
pub mod codes;
pub mod connection;
pub mod consents;
pub mod devices;
mod error;
pub mod factors;
pub mod flows;
pub mod grants;
pub mod idempotency;
pub mod keys;
pub mod leases;
pub mod outbox;
mod pool;
pub mod pushed_requests;
pub mod rate_limits;
pub mod registrations;
mod rows;
pub mod schema;
pub mod secrets;
pub mod sessions;
pub mod studios;
#[cfg(feature = "testing")]
pub mod testing;
pub mod upstream;
pub mod users;
pub mod verifications;
pub mod webhooks;

pub use connection::{Backend, DbConn, PoolOptions, Store};
pub use diesel::result::Error as DieselError;
pub use error::{StoreError, StoreResult};
pub use pool::PoolUsage;
