//! Keys and secrets: the key-encryption key, signing keys, password hashing, HMAC digests.

pub mod encryption;
pub mod keyring;
pub mod legacy;
pub mod password;
pub mod secrets;
