//! Password hashing with argon2id, on the blocking pool, a bounded number at a time.

use crate::config::PasswordsConfig;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Why hashing failed. Never about the password being wrong: that is `Ok(false)`.
#[derive(Debug, thiserror::Error)]
pub enum PasswordHashError {
    /// Invalid argon2 parameters in the configuration.
    #[error("invalid argon2 parameters: {0}")]
    Parameters(String),
    /// Hashing failed or the worker died.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// The outcome of checking a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Wrong password, unknown user or no password set.
    Mismatch,
    /// Right password.
    Match {
        /// A new hash when the stored one used older parameters.
        upgraded_hash: Option<String>,
    },
}

/// Hashes and verifies passwords.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    // A hash of a random password with the current parameters. Verifying against it when the
    // account does not exist makes an unknown e-mail cost the same time as a wrong password.
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PasswordHasher")
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// Builds a hasher from configuration; computes the dummy hash once.
    pub fn new(config: &PasswordsConfig) -> Result<Self, PasswordHashError> {
        let params = Params::new(
            config.argon2_memory_kib,
            config.argon2_iterations,
            config.argon2_parallelism,
            None,
        )
        .map_err(|error| PasswordHashError::Parameters(error.to_string()))?;
        let concurrency = if config.max_concurrent_hashes == 0 {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        } else {
            config.max_concurrent_hashes
        };
        let dummy_hash = hash_with(&params, &crate::random::token())?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(concurrency)),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: SecretString) -> Result<String, PasswordHashError> {
        let params = self.params.clone();
        self.run(move || hash_with(&params, password.expose_secret()))
            .await
    }

    /// Checks `password` against `stored_hash`; with `None` (no such user, or no password set)
    /// a dummy hash is checked instead so the answer takes the same time. A hash imported
    /// from another system (bcrypt, scrypt, PBKDF2, argon2i) that matches comes back with
    /// its argon2id replacement.
    pub async fn verify(
        &self,
        password: SecretString,
        stored_hash: Option<String>,
    ) -> Result<Verification, PasswordHashError> {
        let params = self.params.clone();
        let dummy = self.dummy_hash.clone();
        self.run(move || {
            let is_real = stored_hash.is_some();
            let hash_text = stored_hash.unwrap_or_else(|| dummy.to_string());
            if !super::legacy::is_argon2(&hash_text) {
                // Imported from another system: checked once, then replaced by argon2id.
                if !super::legacy::verify(&hash_text, password.expose_secret().as_bytes()) {
                    return Ok(Verification::Mismatch);
                }
                return Ok(Verification::Match {
                    upgraded_hash: Some(hash_with(&params, password.expose_secret())?),
                });
            }
            let Ok(hash) = PasswordHash::new(&hash_text) else {
                return Ok(Verification::Mismatch);
            };
            let verifier = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            let matches = verifier
                .verify_password(password.expose_secret().as_bytes(), &hash)
                .is_ok();
            if !(matches && is_real) {
                return Ok(Verification::Mismatch);
            }
            let is_current = hash.algorithm.as_str() == "argon2id"
                && Params::try_from(&hash).is_ok_and(|stored| {
                    stored.m_cost() == params.m_cost()
                        && stored.t_cost() == params.t_cost()
                        && stored.p_cost() == params.p_cost()
                });
            let upgraded_hash = if is_current {
                None
            } else {
                Some(hash_with(&params, password.expose_secret())?)
            };
            Ok(Verification::Match { upgraded_hash })
        })
        .await
    }

    async fn run<T, F>(&self, work: F) -> Result<T, PasswordHashError>
    where
        F: FnOnce() -> Result<T, PasswordHashError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| PasswordHashError::Hashing(error.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| PasswordHashError::Hashing(error.to_string()))?
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, PasswordHashError> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordHashError::Hashing(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordsConfig {
        PasswordsConfig {
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            ..PasswordsConfig::default()
        }
    }

    #[tokio::test]
    async fn hash_verify_and_upgrade() {
        let hasher = PasswordHasher::new(&cheap()).expect("valid parameters");
        let hash = hasher
            .hash(SecretString::from("correct horse"))
            .await
            .expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert_eq!(
            hasher
                .verify(SecretString::from("correct horse"), Some(hash.clone()))
                .await
                .expect("verifies"),
            Verification::Match {
                upgraded_hash: None
            }
        );
        assert_eq!(
            hasher
                .verify(SecretString::from("wrong"), Some(hash.clone()))
                .await
                .expect("verifies"),
            Verification::Mismatch
        );
        assert_eq!(
            hasher
                .verify(SecretString::from("anything"), None)
                .await
                .expect("verifies"),
            Verification::Mismatch
        );
        let stronger = PasswordHasher::new(&PasswordsConfig {
            argon2_memory_kib: 128,
            ..cheap()
        })
        .expect("valid parameters");
        let outcome = stronger
            .verify(SecretString::from("correct horse"), Some(hash))
            .await
            .expect("verifies");
        assert!(matches!(
            outcome,
            Verification::Match {
                upgraded_hash: Some(_)
            }
        ));
    }

    #[tokio::test]
    async fn imported_hashes_match_once_and_come_back_as_argon2id() {
        let hasher = PasswordHasher::new(&cheap()).expect("valid parameters");
        let bcrypt = bcrypt::hash("imported secret", 4).expect("hashes");
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(64, 1, 1, None).expect("valid"),
        )
        .hash_password(b"imported secret")
        .expect("hashes")
        .to_string();
        for imported in [bcrypt, argon2i] {
            let outcome = hasher
                .verify(
                    SecretString::from("imported secret"),
                    Some(imported.clone()),
                )
                .await
                .expect("verifies");
            let Verification::Match {
                upgraded_hash: Some(upgraded),
            } = outcome
            else {
                panic!("{imported} should match and be upgraded, got {outcome:?}");
            };
            assert!(upgraded.starts_with("$argon2id$"), "{upgraded}");
            assert_eq!(
                hasher
                    .verify(SecretString::from("imported secreT"), Some(imported))
                    .await
                    .expect("verifies"),
                Verification::Mismatch
            );
        }
    }
}
