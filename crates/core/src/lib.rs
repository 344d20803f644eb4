//! Gatehouse's domain: the types and rules of an OpenID Connect provider.
//!
//! This crate does no IO. Time arrives as a [`UnixTime`] argument and randomness as
//! bytes or ready-made identifiers, so every rule here can be tested with plain values.

pub mod authorize;
pub mod branding;
pub mod claims;
pub mod claims_request;
pub mod client;
pub mod client_assertion;
pub mod device;
pub mod dpop;
pub mod grant;
pub mod identifier;
pub mod ids;
pub mod keys;
pub mod locale;
pub mod mfa;
pub mod network;
pub mod password;
pub mod pkce;
pub mod profile;
pub mod request_object;
pub mod scim;
pub mod scope;
pub mod secret;
pub mod session;
pub mod studio;
pub mod throttle;
pub mod time;
pub mod upstream;
pub mod user;
pub mod verification;
pub mod webhook;

pub use ids::{ClientId, DeviceId, GrantId, SessionId, StudioId, UserId};
pub use time::UnixTime;
