//! Signing keys in memory: signers for the current keys, verifiers for every published key,
//! and the JWKS document, rebuilt when the stored set changes.

use crate::crypto::encryption::{EncryptionError, KeyEncryptionKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_core::UnixTime;
use gatehouse_core::keys::{KeyMetadata, KeyStatus, SigningAlgorithm};
use gatehouse_store::keys::StoredKey;
use gatehouse_store::{Store, StoreError, keys};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::alg::ed::EdCurve;
use josekit::jws::{self, ES256, EdDSA, JwsHeader, JwsSigner, JwsVerifier, PS256, RS256};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Key trouble.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// KEK trouble.
    #[error(transparent)]
    Encryption(#[from] EncryptionError),
    /// JOSE library failure.
    #[error("key operation failed: {0}")]
    Jose(String),
    /// No current key for an algorithm we were asked to sign with.
    #[error("no current signing key for {0}")]
    NoCurrentKey(SigningAlgorithm),
}

/// Why a presented JWT is not ours or not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    /// Not a compact JWS, or the header or payload is not JSON.
    #[error("the token is malformed")]
    Malformed,
    /// Signed by a key we do not publish.
    #[error("the token was not signed by a known key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token signature is invalid")]
    BadSignature,
    /// The `typ` header is not the expected one (RFC 8725 §3.11).
    #[error("the token is not of the expected type")]
    WrongType,
}

struct ActiveSigner {
    kid: String,
    signer: Box<dyn JwsSigner>,
}

struct KeySet {
    signers: HashMap<SigningAlgorithm, ActiveSigner>,
    verifiers: HashMap<String, Box<dyn JwsVerifier>>,
    jwks: Arc<str>,
    fingerprint: Vec<(String, KeyStatus)>,
    /// Payloads of tokens whose signature these keys verified: a resource server that
    /// introspects (or calls UserInfo with) the same token again costs no signature check.
    /// It belongs to the key set, so a key that is withdrawn takes its verdicts with it.
    verified: Mutex<HashMap<String, Arc<[u8]>>>,
}

/// Most verified tokens remembered per key set (about a kilobyte each); when full the memo
/// starts again empty.
const VERIFIED_TOKENS: usize = 4096;

/// The keys of this node, shared by every request.
#[derive(Clone)]
pub struct KeyRing {
    current: Arc<RwLock<Arc<KeySet>>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("KeyRing(..)")
    }
}

/// The header fields we check before choosing a verifier.
#[derive(serde::Deserialize)]
struct PeekedHeader {
    kid: Option<String>,
    typ: Option<String>,
}

impl KeyRing {
    /// Loads the published keys.
    pub async fn load(
        store: &Store,
        kek: &KeyEncryptionKey,
        now: UnixTime,
        retention_seconds: i64,
    ) -> Result<Self, KeyError> {
        let stored = store.read(keys::list).await?;
        let set = build_set(&stored, kek, now, retention_seconds)?;
        Ok(Self {
            current: Arc::new(RwLock::new(Arc::new(set))),
        })
    }

    /// Re-reads the stored keys and swaps them in when they changed (for example after
    /// `gatehouse keys rotate` ran elsewhere). Returns whether anything changed.
    pub async fn reload(
        &self,
        store: &Store,
        kek: &KeyEncryptionKey,
        now: UnixTime,
        retention_seconds: i64,
    ) -> Result<bool, KeyError> {
        let stored = store.read(keys::list).await?;
        let fingerprint = fingerprint(&stored, now, retention_seconds);
        if fingerprint == self.snapshot().fingerprint {
            return Ok(false);
        }
        let set = build_set(&stored, kek, now, retention_seconds)?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(set);
        Ok(true)
    }

    fn snapshot(&self) -> Arc<KeySet> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The JWKS document (RFC 7517 §5).
    #[must_use]
    pub fn jwks(&self) -> Arc<str> {
        self.snapshot().jwks.clone()
    }

    /// The `kid` that currently signs with `algorithm`.
    #[must_use]
    pub fn current_kid(&self, algorithm: SigningAlgorithm) -> Option<String> {
        self.snapshot()
            .signers
            .get(&algorithm)
            .map(|signer| signer.kid.clone())
    }

    /// Signs `claims` as a compact JWS with the current key of `algorithm`.
    pub fn sign<C: Serialize>(
        &self,
        algorithm: SigningAlgorithm,
        token_type: &str,
        claims: &C,
    ) -> Result<String, KeyError> {
        let set = self.snapshot();
        let active = set
            .signers
            .get(&algorithm)
            .ok_or(KeyError::NoCurrentKey(algorithm))?;
        let payload =
            serde_json::to_vec(claims).map_err(|error| KeyError::Jose(error.to_string()))?;
        let mut header = JwsHeader::new();
        header.set_token_type(token_type);
        header.set_key_id(active.kid.clone());
        jws::serialize_compact(&payload, &header, active.signer.as_ref())
            .map_err(|error| KeyError::Jose(error.to_string()))
    }

    /// Verifies a JWS signed by one of our published keys and of type `expected_type`, and
    /// decodes its payload. Claims (expiry, issuer) are the caller's to check.
    pub fn verify<C: DeserializeOwned>(
        &self,
        token: &str,
        expected_type: &str,
    ) -> Result<C, TokenRejection> {
        let encoded_header = token.split('.').next().ok_or(TokenRejection::Malformed)?;
        let header_bytes = URL_SAFE_NO_PAD
            .decode(encoded_header)
            .map_err(|_| TokenRejection::Malformed)?;
        let header: PeekedHeader =
            serde_json::from_slice(&header_bytes).map_err(|_| TokenRejection::Malformed)?;
        if !header
            .typ
            .as_deref()
            .is_some_and(|typ| typ.eq_ignore_ascii_case(expected_type))
        {
            return Err(TokenRejection::WrongType);
        }
        let kid = header.kid.ok_or(TokenRejection::UnknownKey)?;
        let set = self.snapshot();
        let remembered = set
            .verified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        let payload = match remembered {
            Some(payload) => payload,
            None => {
                let verifier = set.verifiers.get(&kid).ok_or(TokenRejection::UnknownKey)?;
                let (payload, _) = jws::deserialize_compact(token, verifier.as_ref())
                    .map_err(|_| TokenRejection::BadSignature)?;
                let payload: Arc<[u8]> = payload.into();
                let mut verified = set.verified.lock().unwrap_or_else(PoisonError::into_inner);
                if verified.len() >= VERIFIED_TOKENS {
                    verified.clear();
                }
                verified.insert(token.to_owned(), payload.clone());
                payload
            }
        };
        serde_json::from_slice(&payload).map_err(|_| TokenRejection::Malformed)
    }
}

fn fingerprint(
    stored: &[StoredKey],
    now: UnixTime,
    retention_seconds: i64,
) -> Vec<(String, KeyStatus)> {
    let mut fingerprint: Vec<(String, KeyStatus)> = stored
        .iter()
        .filter(|key| key.metadata.is_published(now, retention_seconds))
        .map(|key| (key.metadata.kid.clone(), key.metadata.status))
        .collect();
    fingerprint.sort_by(|left, right| left.0.cmp(&right.0));
    fingerprint
}

fn build_set(
    stored: &[StoredKey],
    kek: &KeyEncryptionKey,
    now: UnixTime,
    retention_seconds: i64,
) -> Result<KeySet, KeyError> {
    let jose = |error: josekit::JoseError| KeyError::Jose(error.to_string());
    let mut signers = HashMap::new();
    let mut verifiers: HashMap<String, Box<dyn JwsVerifier>> = HashMap::new();
    let mut published = Vec::new();
    for key in stored
        .iter()
        .filter(|key| key.metadata.is_published(now, retention_seconds))
    {
        let public = Jwk::from_bytes(key.public_jwk.as_bytes()).map_err(jose)?;
        let verifier: Box<dyn JwsVerifier> = match key.metadata.algorithm {
            SigningAlgorithm::RS256 => Box::new(RS256.verifier_from_jwk(&public).map_err(jose)?),
            SigningAlgorithm::PS256 => Box::new(PS256.verifier_from_jwk(&public).map_err(jose)?),
            SigningAlgorithm::ES256 => Box::new(ES256.verifier_from_jwk(&public).map_err(jose)?),
            SigningAlgorithm::EdDSA => Box::new(EdDSA.verifier_from_jwk(&public).map_err(jose)?),
        };
        verifiers.insert(key.metadata.kid.clone(), verifier);
        published.push(serde_json::Value::Object(public.as_ref().clone()));
        if key.metadata.status == KeyStatus::Current {
            let private =
                Jwk::from_bytes(kek.decrypt(&key.encrypted_private_key)?).map_err(jose)?;
            let signer: Box<dyn JwsSigner> = match key.metadata.algorithm {
                SigningAlgorithm::RS256 => Box::new(RS256.signer_from_jwk(&private).map_err(jose)?),
                SigningAlgorithm::PS256 => Box::new(PS256.signer_from_jwk(&private).map_err(jose)?),
                SigningAlgorithm::ES256 => Box::new(ES256.signer_from_jwk(&private).map_err(jose)?),
                SigningAlgorithm::EdDSA => Box::new(EdDSA.signer_from_jwk(&private).map_err(jose)?),
            };
            signers.insert(
                key.metadata.algorithm,
                ActiveSigner {
                    kid: key.metadata.kid.clone(),
                    signer,
                },
            );
        }
    }
    let jwks = serde_json::json!({ "keys": published }).to_string();
    Ok(KeySet {
        signers,
        verifiers,
        jwks: jwks.into(),
        fingerprint: fingerprint(stored, now, retention_seconds),
        verified: Mutex::default(),
    })
}

/// Generates a private JWK for `algorithm` with a fresh `kid`. CPU-heavy for RSA.
fn generate_private_jwk(algorithm: SigningAlgorithm, rsa_bits: u32) -> Result<Jwk, KeyError> {
    let mut private = match algorithm {
        SigningAlgorithm::RS256 | SigningAlgorithm::PS256 => Jwk::generate_rsa_key(rsa_bits),
        SigningAlgorithm::ES256 => Jwk::generate_ec_key(EcCurve::P256),
        SigningAlgorithm::EdDSA => Jwk::generate_ed_key(EdCurve::Ed25519),
    }
    .map_err(|error| KeyError::Jose(error.to_string()))?;
    private.set_key_id(crate::random::identifier());
    private.set_algorithm(algorithm.as_str());
    private.set_key_use("sig");
    Ok(private)
}

/// Generates a key pair on the blocking pool and seals its private half under the KEK.
pub async fn generate_key(
    algorithm: SigningAlgorithm,
    status: KeyStatus,
    rsa_bits: u32,
    kek: &KeyEncryptionKey,
    now: UnixTime,
) -> Result<StoredKey, KeyError> {
    let private = tokio::task::spawn_blocking(move || generate_private_jwk(algorithm, rsa_bits))
        .await
        .map_err(|error| KeyError::Jose(error.to_string()))??;
    let kid = private.key_id().unwrap_or_default().to_owned();
    // The public conversion keeps only the key material; restore what clients select on.
    let mut public = private
        .to_public_key()
        .map_err(|error| KeyError::Jose(error.to_string()))?;
    public.set_key_id(kid.clone());
    public.set_algorithm(algorithm.as_str());
    public.set_key_use("sig");
    Ok(StoredKey {
        metadata: KeyMetadata {
            kid,
            algorithm,
            status,
            created_at: now,
            retired_at: None,
        },
        encrypted_private_key: kek.encrypt(private.to_string().as_bytes())?,
        public_jwk: public.to_string(),
    })
}

/// Makes sure every algorithm has a current and a next key, creating what is missing.
/// Safe when several nodes start at once: the database refuses a second key per status.
pub async fn ensure_keys(
    store: &Store,
    kek: &KeyEncryptionKey,
    algorithms: &[SigningAlgorithm],
    rsa_bits: u32,
    now: UnixTime,
) -> Result<usize, KeyError> {
    let stored = store.read(keys::list).await?;
    let mut created = 0;
    for &algorithm in algorithms {
        for status in [KeyStatus::Current, KeyStatus::Next] {
            let exists = stored
                .iter()
                .any(|key| key.metadata.algorithm == algorithm && key.metadata.status == status);
            if exists {
                continue;
            }
            let key = generate_key(algorithm, status, rsa_bits, kek, now).await?;
            match store
                .write(move |connection| keys::insert(connection, &key))
                .await
            {
                Ok(()) => created += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    Ok(created)
}

/// Whether any algorithm's next key has been published for `every_seconds`, so that a
/// scheduled rotation is due: every relying party has had that long to cache it.
#[must_use]
pub fn rotation_due(stored: &[StoredKey], every_seconds: i64, now: UnixTime) -> bool {
    stored.iter().any(|key| {
        key.metadata.status == KeyStatus::Next
            && now.seconds_since(key.metadata.created_at) >= every_seconds
    })
}

/// The outcome of a rotation for one algorithm.
#[derive(Debug, Clone, Serialize)]
pub struct Rotation {
    /// The algorithm.
    pub algorithm: SigningAlgorithm,
    /// The key that now signs.
    pub current_kid: String,
    /// The freshly published next key.
    pub next_kid: String,
    /// The key that stopped signing (still published until its tokens expire).
    pub retired_kid: Option<String>,
}

/// Promotes every algorithm's next key to current, retires the old current key and publishes
/// a new next key, all in one transaction. Tokens already issued stay valid: the retired
/// key stays in the JWKS for `keys.retired_retention_seconds`.
pub async fn rotate(
    store: &Store,
    kek: &KeyEncryptionKey,
    algorithms: &[SigningAlgorithm],
    rsa_bits: u32,
    now: UnixTime,
) -> Result<Vec<Rotation>, KeyError> {
    ensure_keys(store, kek, algorithms, rsa_bits, now).await?;
    let mut new_keys = Vec::new();
    for &algorithm in algorithms {
        new_keys.push(generate_key(algorithm, KeyStatus::Next, rsa_bits, kek, now).await?);
    }
    let rotations = store
        .write(move |connection| -> Result<Vec<Rotation>, StoreError> {
            let before = keys::list(connection)?;
            let kid_of = |algorithm, status| {
                before
                    .iter()
                    .find(|key| {
                        key.metadata.algorithm == algorithm && key.metadata.status == status
                    })
                    .map(|key| key.metadata.kid.clone())
            };
            let mut rotations = Vec::new();
            for key in &new_keys {
                let algorithm = key.metadata.algorithm;
                let retired_kid = kid_of(algorithm, KeyStatus::Current);
                let current_kid =
                    kid_of(algorithm, KeyStatus::Next).ok_or(StoreError::NotFound("next key"))?;
                keys::promote_next(connection, algorithm, now)?;
                keys::insert(connection, key)?;
                rotations.push(Rotation {
                    algorithm,
                    current_kid,
                    next_kid: key.metadata.kid.clone(),
                    retired_kid,
                });
            }
            Ok(rotations)
        })
        .await?;
    Ok(rotations)
}
