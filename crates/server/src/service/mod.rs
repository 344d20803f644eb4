//! Service functions: the work behind the handlers. They take plain values, never axum
//! types, so the CLI and tests can call them too.

pub mod accounts;
pub mod audit;
pub mod authorization;
pub mod branding;
pub mod client_cache;
pub mod client_keys;
pub mod client_registration;
pub mod clients;
pub mod connected;
pub mod device_swap;
pub mod devices;
pub mod import;
pub mod keys;
pub mod login;
pub mod logout;
pub mod mfa;
pub mod passwords;
pub mod profile;
pub mod reauth;
pub mod recovery;
pub mod registration;
pub mod sessions;
pub mod studios;
pub mod tokens;
pub mod upstream;
pub mod users;
pub mod verification;
pub mod webhooks;

/// Why a transaction stopped part-way: a refusal the caller answers, or the database. Either
/// rolls the transaction back, so a refusal never leaves half its writes behind.
#[derive(Debug)]
pub enum Aborted<R> {
    /// The work was refused; nothing was written.
    Refused(R),
    /// Database trouble.
    Store(gatehouse_store::StoreError),
}

impl<R> From<gatehouse_store::StoreError> for Aborted<R> {
    fn from(error: gatehouse_store::StoreError) -> Self {
        Self::Store(error)
    }
}

impl<R> From<gatehouse_store::DieselError> for Aborted<R> {
    fn from(error: gatehouse_store::DieselError) -> Self {
        Self::Store(error.into())
    }
}

impl<R> Aborted<R> {
    /// The refusal for the caller to answer, or the failure.
    pub fn settle<T>(outcome: Result<T, Self>) -> Result<Result<T, R>, crate::error::ServerError> {
        match outcome {
            Ok(value) => Ok(Ok(value)),
            Err(Self::Refused(refusal)) => Ok(Err(refusal)),
            Err(Self::Store(error)) => Err(error.into()),
        }
    }
}
