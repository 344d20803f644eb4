//! Gatehouse's server: everything with a socket. The OpenID Connect and OAuth2 endpoints,
//! the hosted pages, configuration, keys and the `gatehouse` command line.

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod error;
pub mod http;
pub mod i18n;
pub mod messaging;
pub mod observability;
pub mod outbox;
pub mod pages;
pub mod protocol;
pub mod random;
pub mod router;
pub mod scim;
pub mod service;
pub mod startup;
pub mod state;
pub mod templates;
pub mod throttle;
pub mod traces;

pub use config::Config;
pub use startup::Application;
