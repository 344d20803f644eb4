//! Instance secrets: HMAC keys for client-secret digests and CSRF tokens.
//!
//! They are generated once per installation, stored encrypted under the KEK, and shared by
//! every node, so a CSRF token made on one node verifies on another.

use crate::crypto::encryption::{EncryptionError, KeyEncryptionKey};
use gatehouse_core::UnixTime;
use gatehouse_core::secret::{base64url, constant_time_eq};
use gatehouse_store::{Store, StoreError, secrets};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

const CLIENT_SECRET_KEY: &str = "client_secret_digest_key";
const CSRF_KEY: &str = "csrf_key";

/// Failure to load or create the instance secrets.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// KEK trouble.
    #[error(transparent)]
    Encryption(#[from] EncryptionError),
    /// A stored secret has the wrong size.
    #[error("instance secret {0} is damaged")]
    Damaged(&'static str),
}

/// The HMAC keys.
pub struct InstanceSecrets {
    client_secret_key: SecretBox<[u8; 32]>,
    csrf_key: SecretBox<[u8; 32]>,
}

impl std::fmt::Debug for InstanceSecrets {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("InstanceSecrets(..)")
    }
}

impl InstanceSecrets {
    /// Loads the secrets, creating them on first start.
    pub async fn load_or_create(
        store: &Store,
        kek: &KeyEncryptionKey,
        now: UnixTime,
    ) -> Result<Self, SecretsError> {
        Ok(Self {
            client_secret_key: SecretBox::new(Box::new(
                load_or_create_one(store, kek, CLIENT_SECRET_KEY, now).await?,
            )),
            csrf_key: SecretBox::new(Box::new(
                load_or_create_one(store, kek, CSRF_KEY, now).await?,
            )),
        })
    }

    /// The stored form of a client secret: HMAC-SHA-256 under the instance key. A random
    /// 256-bit secret needs no stretching, and a keyed digest is useless without the key.
    #[must_use]
    pub fn client_secret_digest(&self, client_secret: &str) -> String {
        hmac_base64url(
            self.client_secret_key.expose_secret(),
            client_secret.as_bytes(),
        )
    }

    /// Whether `client_secret` matches `stored_digest`, compared in constant time.
    #[must_use]
    pub fn verify_client_secret(&self, client_secret: &str, stored_digest: &str) -> bool {
        constant_time_eq(
            self.client_secret_digest(client_secret).as_bytes(),
            stored_digest.as_bytes(),
        )
    }

    /// The stored form of a short one-time code: HMAC under the instance key, bound to its
    /// row. A six-digit code has too little entropy for a plain hash.
    #[must_use]
    pub fn code_digest(&self, code_id: &str, code: &str) -> String {
        hmac_base64url(
            self.client_secret_key.expose_secret(),
            format!("code:{code_id}:{code}").as_bytes(),
        )
    }

    /// The audit log's pseudonym of an account: stable, and meaningless once the account is
    /// purged.
    #[must_use]
    pub fn audit_subject(&self, user_id: &str) -> String {
        hmac_base64url(
            self.client_secret_key.expose_secret(),
            format!("audit:{user_id}").as_bytes(),
        )
    }

    /// The DPoP nonce (RFC 9449 §8) of a nonce window: the same on every node, so a nonce
    /// handed out by one node is accepted by the next, and nothing is stored.
    #[must_use]
    pub fn dpop_nonce(&self, window: i64) -> String {
        hmac_base64url(
            self.client_secret_key.expose_secret(),
            format!("dpop-nonce:{window}").as_bytes(),
        )
    }

    /// Whether `nonce` is the nonce of one of `windows`, compared in constant time.
    #[must_use]
    pub fn is_dpop_nonce(&self, nonce: &str, windows: &[i64]) -> bool {
        windows
            .iter()
            .any(|window| constant_time_eq(self.dpop_nonce(*window).as_bytes(), nonce.as_bytes()))
    }

    /// The CSRF token that goes with the browser's CSRF cookie value.
    #[must_use]
    pub fn csrf_token(&self, cookie_value: &str) -> String {
        hmac_base64url(self.csrf_key.expose_secret(), cookie_value.as_bytes())
    }

    /// Whether a submitted CSRF token belongs to the cookie (signed double-submit).
    #[must_use]
    pub fn verify_csrf_token(&self, cookie_value: &str, submitted: &str) -> bool {
        constant_time_eq(
            self.csrf_token(cookie_value).as_bytes(),
            submitted.as_bytes(),
        )
    }
}

fn hmac_base64url(key: &[u8; 32], message: &[u8]) -> String {
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key size");
    mac.update(message);
    base64url(&mac.finalize().into_bytes())
}

async fn load_or_create_one(
    store: &Store,
    kek: &KeyEncryptionKey,
    name: &'static str,
    now: UnixTime,
) -> Result<[u8; 32], SecretsError> {
    let stored = store
        .read(move |connection| secrets::find(connection, name))
        .await?;
    let ciphertext = match stored {
        Some(ciphertext) => ciphertext,
        None => {
            let fresh = kek.encrypt(&crate::random::bytes::<32>())?;
            let to_insert = fresh.clone();
            let inserted: Result<(), StoreError> = store
                .write(move |connection| secrets::insert(connection, name, &to_insert, now))
                .await;
            match inserted {
                Ok(()) => fresh,
                // Another node created it at the same moment; everyone uses the stored one.
                Err(StoreError::Conflict(_)) => store
                    .read(move |connection| secrets::find(connection, name))
                    .await?
                    .ok_or(SecretsError::Damaged(name))?,
                Err(error) => return Err(error.into()),
            }
        }
    };
    kek.decrypt(&ciphertext)?
        .try_into()
        .map_err(|_| SecretsError::Damaged(name))
}
