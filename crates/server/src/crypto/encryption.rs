//! The key-encryption key (KEK) and encryption of secrets at rest.
//!
//! Private signing keys and instance secrets are stored as compact JWEs (`dir`, `A256GCM`)
//! under the KEK, so a copy of the database alone reveals no key.

use crate::config::Config;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use josekit::jwe::{self, Dir, JweHeader};
use secrecy::{ExposeSecret, SecretBox};
use std::io::Write as _;
use std::path::Path;

/// The file name of a generated KEK inside the data folder.
pub const GENERATED_KEY_FILE: &str = "encryption.key";

/// Why the KEK could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EncryptionError {
    /// The configured key is not 32 bytes of base64.
    #[error("the key-encryption key ({0}) must be 32 bytes encoded as base64")]
    MalformedKey(String),
    /// Reading or writing the key file failed.
    #[error("key-encryption key file {path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Encryption or decryption failed (wrong key, damaged data).
    #[error(
        "cannot decrypt stored secret: it was encrypted with another key-encryption key, or is damaged"
    )]
    Decrypt,
    /// JOSE failure while encrypting.
    #[error("encryption failed: {0}")]
    Encrypt(String),
}

/// The KEK. Never printed.
pub struct KeyEncryptionKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("KeyEncryptionKey(..)")
    }
}

impl KeyEncryptionKey {
    /// Resolves the KEK: `keys.encryption_key`, else `keys.encryption_key_file`, else the
    /// generated file in the data folder, created (mode 0600) when absent.
    pub fn load_or_generate(config: &Config) -> Result<Self, EncryptionError> {
        if let Some(key) = &config.keys.encryption_key {
            return Self::from_base64(key.expose_secret(), "keys.encryption_key");
        }
        if let Some(path) = &config.keys.encryption_key_file {
            return Self::read_file(path);
        }
        let path = config.server.data_dir.join(GENERATED_KEY_FILE);
        if path.exists() {
            return Self::read_file(&path);
        }
        Self::generate_file(&path)
    }

    /// A key from raw bytes (tests and tools).
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    fn from_base64(text: &str, origin: &str) -> Result<Self, EncryptionError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| EncryptionError::MalformedKey(origin.to_owned()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| EncryptionError::MalformedKey(origin.to_owned()))?;
        Ok(Self::from_bytes(bytes))
    }

    fn read_file(path: &Path) -> Result<Self, EncryptionError> {
        let text = std::fs::read_to_string(path).map_err(|error| EncryptionError::File {
            path: path.display().to_string(),
            message: error.to_string(),
        })?;
        Self::from_base64(&text, &path.display().to_string())
    }

    fn generate_file(path: &Path) -> Result<Self, EncryptionError> {
        let file_error = |error: std::io::Error| EncryptionError::File {
            path: path.display().to_string(),
            message: error.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let bytes = crate::random::bytes::<32>();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(STANDARD.encode(bytes).as_bytes())
                    .map_err(file_error)?;
                file.sync_all().map_err(file_error)?;
                tracing::warn!(
                    path = %path.display(),
                    "generated a new key-encryption key; back it up with the database, or set keys.encryption_key"
                );
                Ok(Self::from_bytes(bytes))
            }
            // Another process created it between our check and our write: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::read_file(path)
            }
            Err(error) => Err(file_error(error)),
        }
    }

    /// Encrypts `plaintext` as a compact JWE.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<String, EncryptionError> {
        let mut header = JweHeader::new();
        header.set_content_encryption("A256GCM");
        let encrypter = Dir
            .encrypter_from_bytes(self.0.expose_secret())
            .map_err(|error| EncryptionError::Encrypt(error.to_string()))?;
        jwe::serialize_compact(plaintext, &header, &encrypter)
            .map_err(|error| EncryptionError::Encrypt(error.to_string()))
    }

    /// Decrypts a compact JWE made by [`KeyEncryptionKey::encrypt`].
    pub fn decrypt(&self, ciphertext: &str) -> Result<Vec<u8>, EncryptionError> {
        let decrypter = Dir
            .decrypter_from_bytes(self.0.expose_secret())
            .map_err(|_| EncryptionError::Decrypt)?;
        let (plaintext, _header) = jwe::deserialize_compact(ciphertext, &decrypter)
            .map_err(|_| EncryptionError::Decrypt)?;
        Ok(plaintext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let key = KeyEncryptionKey::from_bytes([7; 32]);
        let sealed = key.encrypt(b"private key").expect("encrypts");
        assert!(!sealed.contains("private key"));
        assert_eq!(key.decrypt(&sealed).expect("decrypts"), b"private key");
        assert!(
            KeyEncryptionKey::from_bytes([8; 32])
                .decrypt(&sealed)
                .is_err()
        );
    }
}
