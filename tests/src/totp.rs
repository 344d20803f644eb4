//! RFC 6238 codes computed here from the base32 key a page shows, independently of the
//! server's implementation: what an authenticator app on the user's phone does.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Decodes RFC 4648 base32 (upper case, padding optional, spaces ignored).
#[must_use]
pub fn decode_base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for character in text
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace() && *byte != b'=')
    {
        let value = ALPHABET
            .iter()
            .position(|letter| *letter == character.to_ascii_uppercase())
            .expect("a base32 character") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// The six-digit code of `key` for the 30-second step containing `unix_time`.
#[must_use]
pub fn code(key: &[u8], unix_time: i64) -> String {
    let step = (unix_time / 30) as u64;
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vectors() {
        // RFC 6238 Appendix B, SHA-1, last six digits.
        let key = b"12345678901234567890";
        assert_eq!(code(key, 59), "287082");
        assert_eq!(code(key, 1_111_111_109), "081804");
        assert_eq!(code(key, 2_000_000_000), "279037");
        assert_eq!(decode_base32("GEZDGNBV GY3TQOJQ"), b"1234567890");
    }
}
