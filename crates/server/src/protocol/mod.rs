//! The OpenID Connect and OAuth2 endpoints.

pub mod authorize;
pub mod client_registration;
pub mod discovery;
pub mod introspect;
pub mod jwks;
pub mod logout;
pub mod par;
pub mod revoke;
pub mod token;
pub mod userinfo;
