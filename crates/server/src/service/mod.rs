//! Service functions: the work behind the handlers. They take plain values, never axum
//! types, so the CLI and tests can call them too.

pub mod accounts;
pub mod authorization;
pub mod clients;
pub mod devices;
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
pub mod verification;
