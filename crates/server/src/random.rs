//! Randomness from the operating system: tokens, identifiers and keys.

use gatehouse_core::secret::base64url;

/// `N` random bytes. Failure of the OS generator is unrecoverable for an identity provider.
#[must_use]
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    #[expect(
        clippy::expect_used,
        reason = "without OS randomness no secret can be issued safely"
    )]
    getrandom::fill(&mut buffer).expect("the operating system random number generator failed");
    buffer
}

/// A bearer secret with 256 bits of entropy (43 base64url characters).
#[must_use]
pub fn token() -> String {
    base64url(&bytes::<32>())
}

/// A public identifier with 128 bits of entropy (22 base64url characters).
#[must_use]
pub fn identifier() -> String {
    base64url(&bytes::<16>())
}

/// A time-ordered UUID (v7) for rows, so indexes stay append-mostly.
#[must_use]
pub fn row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
