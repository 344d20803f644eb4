//! The state every handler shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::encryption::KeyEncryptionKey;
use crate::crypto::keyring::KeyRing;
use crate::crypto::password::PasswordHasher;
use crate::crypto::secrets::InstanceSecrets;
use crate::templates::Templates;
use crate::throttle::{NodeThrottle, RowAllowance, Throttle};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_store::Store;
use std::ops::Deref;
use std::sync::Arc;

/// Cheap to clone: one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppContext>);

/// What handlers and services need.
pub struct AppContext {
    /// Validated configuration.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// The clock (adjustable in tests).
    pub clock: Arc<dyn Clock>,
    /// Signing keys.
    pub keys: KeyRing,
    /// The key-encryption key.
    pub kek: Arc<KeyEncryptionKey>,
    /// Password hashing.
    pub passwords: PasswordHasher,
    /// HMAC keys.
    pub secrets: Arc<InstanceSecrets>,
    /// Page templates.
    pub templates: Templates,
    /// Back-off for guessable secrets and for actions that cost someone else.
    pub throttle: Throttle,
    /// Client-authentication back-off, in this node's memory (see [`NodeThrottle`]).
    pub client_throttle: NodeThrottle,
    /// Rows that requests without a session may create, per address and hour.
    pub pending_rows: RowAllowance,
    /// Recently read clients (see `service::client_cache`).
    pub client_cache: crate::service::client_cache::ClientCache,
    /// Key sets fetched from clients' `jwks_uri`s.
    pub client_jwks: crate::service::client_keys::JwksCache,
    /// The WebAuthn relying party; `None` when passkeys are off.
    pub webauthn: Option<Arc<webauthn_rs::Webauthn>>,
    /// The issuer, without trailing slash.
    pub issuer: String,
    /// The algorithm of access tokens.
    pub access_token_algorithm: SigningAlgorithm,
    /// The discovery document, built once.
    pub discovery_document: Arc<str>,
    /// Wakes the outbox worker when a transaction queued a message.
    pub outbox_wakeup: Arc<tokio::sync::Notify>,
    /// Sends e-mail.
    pub mailer: crate::messaging::Mailer,
    /// Talks to upstream identity providers.
    pub upstream_http: crate::service::upstream::http::UpstreamHttp,
}

impl std::fmt::Debug for AppContext {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AppContext")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Wraps a context.
    #[must_use]
    pub fn new(context: AppContext) -> Self {
        Self(Arc::new(context))
    }

    /// The current time.
    #[must_use]
    pub fn now(&self) -> gatehouse_core::UnixTime {
        self.clock.now()
    }
}

impl Deref for AppState {
    type Target = AppContext;

    fn deref(&self) -> &AppContext {
        &self.0
    }
}
