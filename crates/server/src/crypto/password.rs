//! Password hashing with argon2id, on a fixed set of hashing threads, a bounded number at a
//! time.

use crate::config::PasswordsConfig;
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError};

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
    workers: Arc<Workers>,
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
        let dummy_hash = hash_with(&params, &crate::random::token(), &mut Vec::new())?;
        Ok(Self {
            workers: Arc::new(Workers::start(concurrency, params.block_count())),
            params,
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: SecretString) -> Result<String, PasswordHashError> {
        let params = self.params.clone();
        self.run(move |memory| hash_with(&params, password.expose_secret(), memory))
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
        self.run(move |memory| {
            let is_real = stored_hash.is_some();
            let hash_text = stored_hash.unwrap_or_else(|| dummy.to_string());
            if !super::legacy::is_argon2(&hash_text) {
                // Imported from another system: checked once, then replaced by argon2id.
                if !super::legacy::verify(&hash_text, password.expose_secret().as_bytes()) {
                    return Ok(Verification::Mismatch);
                }
                return Ok(Verification::Match {
                    upgraded_hash: Some(hash_with(&params, password.expose_secret(), memory)?),
                });
            }
            let Ok(hash) = PasswordHash::new(&hash_text) else {
                return Ok(Verification::Mismatch);
            };
            let matches = matches_with(&hash, password.expose_secret(), memory);
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
                Some(hash_with(&params, password.expose_secret(), memory)?)
            };
            Ok(Verification::Match { upgraded_hash })
        })
        .await
    }

    /// Hashes waiting for a free worker (the argon2 queue).
    #[must_use]
    pub fn queued(&self) -> usize {
        self.workers.waiting.load(Ordering::Relaxed)
    }

    /// Runs `work` on a hashing worker; waits in the queue while all are busy.
    async fn run<T, F>(&self, work: F) -> Result<T, PasswordHashError>
    where
        F: FnOnce(&mut Vec<Block>) -> Result<T, PasswordHashError> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.workers.submit(Box::new(move |memory| {
            let _ = answer.send(work(memory));
        }))?;
        answered
            .await
            .map_err(|_| PasswordHashError::Hashing("the hashing worker stopped".to_owned()))?
    }
}

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// A fixed number of threads that do nothing but argon2. A burst of sign-ins queues here
/// instead of holding a blocking-pool thread and 19 MiB each; every worker keeps its argon2
/// memory from one hash to the next, so a hash costs no allocation and no page faults, and
/// the resident memory stays at `workers × m_cost` however long the burst.
struct Workers {
    queue: std::sync::mpsc::Sender<Job>,
    /// Jobs submitted and not yet picked up by a worker.
    waiting: Arc<AtomicUsize>,
}

impl Workers {
    fn start(count: usize, blocks: usize) -> Self {
        let (queue, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        let waiting = Arc::new(AtomicUsize::new(0));
        for number in 0..count.max(1) {
            let jobs = jobs.clone();
            let waiting = waiting.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{number}"))
                .spawn(move || {
                    let mut memory: Vec<Block> = Vec::new();
                    loop {
                        let job = {
                            let receiver = jobs.lock().unwrap_or_else(PoisonError::into_inner);
                            receiver.recv()
                        };
                        let Ok(job) = job else { return };
                        waiting.fetch_sub(1, Ordering::Relaxed);
                        job(&mut memory);
                        // A stored hash with a larger m_cost (imported, or from older
                        // settings) grew the memory once; keep only what current hashes use.
                        if memory.len() > blocks {
                            memory.truncate(blocks);
                            memory.shrink_to_fit();
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        Self { queue, waiting }
    }

    fn submit(&self, job: Job) -> Result<(), PasswordHashError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        self.queue.send(job).map_err(|_| {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            PasswordHashError::Hashing("no hashing worker is running".to_owned())
        })
    }
}

/// argon2 of `password` and `salt` into `out`, in `memory` (grown when too small).
fn derive(
    argon2: &Argon2<'_>,
    blocks: usize,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), argon2::Error> {
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    argon2.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks])
}

fn hash_with(
    params: &Params,
    password: &str,
    memory: &mut Vec<Block>,
) -> Result<String, PasswordHashError> {
    let failed = |error: &dyn std::fmt::Display| PasswordHashError::Hashing(error.to_string());
    let salt = Salt::new(&crate::random::bytes::<16>()).map_err(|error| failed(&error))?;
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    derive(
        &argon2,
        params.block_count(),
        password,
        &salt,
        &mut out,
        memory,
    )
    .map_err(|error| failed(&error))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|error| failed(&error))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|error| failed(&error))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` gives `hash` (any argon2 variant and version, its own parameters);
/// the outputs are compared in constant time (`Output`'s equality).
fn matches_with(hash: &PasswordHash, password: &str, memory: &mut Vec<Block>) -> bool {
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
        None => Version::default(),
    };
    let Ok(params) = Params::try_from(hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    derive(
        &argon2,
        params.block_count(),
        password,
        salt,
        &mut out,
        memory,
    )
    .is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == *expected)
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
    async fn hashes_agree_with_the_argon2_crates_own_hasher() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let config = cheap();
        let hasher = PasswordHasher::new(&config).expect("valid parameters");
        let params = Params::new(config.argon2_memory_kib, config.argon2_iterations, 1, None)
            .expect("valid");
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        // Stored by an earlier version (the crate's own hasher): still verifies, needs no
        // upgrade.
        let earlier = reference
            .hash_password(b"correct horse")
            .expect("hashes")
            .to_string();
        assert_eq!(
            hasher
                .verify(SecretString::from("correct horse"), Some(earlier))
                .await
                .expect("verifies"),
            Verification::Match {
                upgraded_hash: None
            }
        );
        // Ours verifies with the crate's verifier.
        let ours = hasher
            .hash(SecretString::from("correct horse"))
            .await
            .expect("hashes");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(reference.verify_password(b"correct horse", &parsed).is_ok());
        assert!(
            reference
                .verify_password(b"correct horsE", &parsed)
                .is_err()
        );
    }

    #[tokio::test]
    async fn imported_hashes_match_once_and_come_back_as_argon2id() {
        use argon2::password_hash::PasswordHasher as _;
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
