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

/// A public identifier with 128 bits of entropy (22 base64url characters), never starting
/// with `-`: client ids are passed on command lines (`--client-id -x…` would read as an
/// option), so one in 64 draws is thrown away.
#[must_use]
pub fn identifier() -> String {
    loop {
        let candidate = base64url(&bytes::<16>());
        if !candidate.starts_with('-') {
            return candidate;
        }
    }
}

/// A time-ordered UUID (v7) for rows, so indexes stay append-mostly.
#[must_use]
pub fn row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers_never_read_as_a_command_line_option() {
        for _ in 0..2_000 {
            let identifier = super::identifier();
            assert_eq!(identifier.len(), 22);
            assert!(!identifier.starts_with('-'), "{identifier}");
        }
    }
}
