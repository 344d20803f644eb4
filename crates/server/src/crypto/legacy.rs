//! Password hashes brought from other systems (user import): recognised in their usual
//! string forms, verified once at the next sign-in, then replaced by argon2id.
//!
//! Accepted forms:
//! - argon2id, argon2i (and argon2d): the PHC string `$argon2id$v=19$m=...,t=...,p=...$salt$hash`;
//! - bcrypt: `$2a$`, `$2b$`, `$2x$`, `$2y$` (modular crypt format, 60 characters);
//! - scrypt: the PHC string `$scrypt$ln=15,r=8,p=1$salt$hash` (standard or passlib base64);
//! - PBKDF2-SHA256: the PHC string `$pbkdf2-sha256$i=600000,l=32$salt$hash`, passlib's
//!   `$pbkdf2-sha256$29000$salt$hash` and Django's `pbkdf2_sha256$600000$salt$hash`.
//!
//! Work factors are capped so that an imported hash cannot tie the hashing pool up for
//! minutes at a sign-in.

use argon2::PasswordHash;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use subtle::ConstantTimeEq;

/// Highest bcrypt cost accepted (2^15 rounds is about 2 seconds).
const MAX_BCRYPT_COST: u32 = 15;
/// Highest PBKDF2 iteration count accepted.
const MAX_PBKDF2_ROUNDS: u32 = 5_000_000;
/// Highest scrypt memory accepted, bytes (128 · r · 2^ln).
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Highest argon2 memory accepted, KiB.
const MAX_ARGON2_MEMORY_KIB: u32 = 1024 * 1024;
/// Highest argon2 time cost accepted.
const MAX_ARGON2_ITERATIONS: u32 = 20;

/// A hash in one of the accepted forms, with what verifying it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Parsed {
    Argon2,
    Bcrypt,
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Pbkdf2Sha256 {
        rounds: u32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
}

/// The family of an imported hash, for reports and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// argon2id, argon2i or argon2d.
    Argon2,
    /// bcrypt.
    Bcrypt,
    /// scrypt.
    Scrypt,
    /// PBKDF2 with HMAC-SHA256.
    Pbkdf2Sha256,
}

impl Family {
    /// A short name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Argon2 => "argon2",
            Self::Bcrypt => "bcrypt",
            Self::Scrypt => "scrypt",
            Self::Pbkdf2Sha256 => "pbkdf2-sha256",
        }
    }
}

/// Checks that `hash` is in one of the accepted forms with acceptable work factors;
/// otherwise says what is wrong.
pub fn recognise(hash: &str) -> Result<Family, &'static str> {
    Ok(match parse(hash)? {
        Parsed::Argon2 => Family::Argon2,
        Parsed::Bcrypt => Family::Bcrypt,
        Parsed::Scrypt { .. } => Family::Scrypt,
        Parsed::Pbkdf2Sha256 { .. } => Family::Pbkdf2Sha256,
    })
}

/// Whether `password` matches a bcrypt, scrypt or PBKDF2 `hash` (argon2 hashes are checked
/// by the argon2 verifier). `false` for anything unreadable.
#[must_use]
pub fn verify(hash: &str, password: &[u8]) -> bool {
    match parse(hash) {
        Ok(Parsed::Bcrypt) => bcrypt::verify(password, hash).unwrap_or(false),
        Ok(Parsed::Scrypt {
            log_n,
            r,
            p,
            salt,
            hash,
        }) => {
            let Ok(params) = scrypt::Params::new(log_n, r, p) else {
                return false;
            };
            let mut computed = vec![0_u8; hash.len()];
            scrypt::scrypt(password, &salt, &params, &mut computed).is_ok()
                && bool::from(computed.ct_eq(&hash))
        }
        Ok(Parsed::Pbkdf2Sha256 { rounds, salt, hash }) => {
            let mut computed = vec![0_u8; hash.len()];
            pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(password, &salt, rounds, &mut computed);
            bool::from(computed.ct_eq(&hash))
        }
        Ok(Parsed::Argon2) | Err(_) => false,
    }
}

/// Whether `hash` is an argon2 PHC string (checked by the argon2 verifier).
#[must_use]
pub fn is_argon2(hash: &str) -> bool {
    hash.starts_with("$argon2")
}

fn parse(hash: &str) -> Result<Parsed, &'static str> {
    let hash = hash.trim();
    if is_argon2(hash) {
        return parse_argon2(hash);
    }
    if let Some(rest) = hash.strip_prefix('$')
        && let Some(variant) = rest.get(..3)
        && matches!(variant, "2a$" | "2b$" | "2x$" | "2y$")
    {
        return parse_bcrypt(hash);
    }
    if let Some(rest) = hash.strip_prefix("$scrypt$") {
        return parse_scrypt(rest);
    }
    if let Some(rest) = hash.strip_prefix("$pbkdf2-sha256$") {
        return parse_pbkdf2_modular(rest);
    }
    if let Some(rest) = hash.strip_prefix("pbkdf2_sha256$") {
        return parse_pbkdf2_django(rest);
    }
    Err(
        "not a recognised password hash: use argon2id, argon2i, bcrypt, scrypt or PBKDF2-SHA256 in their usual string forms",
    )
}

fn parse_argon2(hash: &str) -> Result<Parsed, &'static str> {
    let parsed = PasswordHash::new(hash).map_err(|_| "not a valid argon2 PHC string")?;
    if !matches!(
        parsed.algorithm.as_str(),
        "argon2id" | "argon2i" | "argon2d"
    ) {
        return Err("not a valid argon2 PHC string");
    }
    let params = argon2::Params::try_from(&parsed).map_err(|_| "invalid argon2 parameters")?;
    if params.m_cost() > MAX_ARGON2_MEMORY_KIB || params.t_cost() > MAX_ARGON2_ITERATIONS {
        return Err("the argon2 parameters are above what is accepted (m <= 1048576, t <= 20)");
    }
    if parsed.hash.is_none() {
        return Err("the argon2 string has no hash");
    }
    Ok(Parsed::Argon2)
}

fn parse_bcrypt(hash: &str) -> Result<Parsed, &'static str> {
    // $2b$12$ + 22 characters of salt + 31 of hash.
    let cost: u32 = hash
        .get(4..6)
        .and_then(|cost| cost.parse().ok())
        .ok_or("not a valid bcrypt hash")?;
    if hash.len() != 60 || hash.as_bytes().get(6) != Some(&b'$') {
        return Err("not a valid bcrypt hash");
    }
    if !(4..=MAX_BCRYPT_COST).contains(&cost) {
        return Err("the bcrypt cost is outside what is accepted (4 to 15)");
    }
    Ok(Parsed::Bcrypt)
}

/// Base64 as PHC strings (no padding) and passlib (`.` for `+`) write it.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.replace('.', "+");
    STANDARD_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
        .filter(|bytes| !bytes.is_empty())
}

/// `name=value,...` parameters of a PHC string.
fn phc_parameter(parameters: &str, name: &str) -> Option<u64> {
    parameters.split(',').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.parse().ok()).flatten()
    })
}

fn parse_scrypt(rest: &str) -> Result<Parsed, &'static str> {
    const INVALID: &str = "not a valid scrypt PHC string ($scrypt$ln=..,r=..,p=..$salt$hash)";
    let mut parts = rest.split('$');
    let (Some(parameters), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID);
    };
    let log_n = phc_parameter(parameters, "ln").ok_or(INVALID)?;
    let r = phc_parameter(parameters, "r").ok_or(INVALID)?;
    let p = phc_parameter(parameters, "p").ok_or(INVALID)?;
    let (Ok(log_n), Ok(r), Ok(p)) = (u8::try_from(log_n), u32::try_from(r), u32::try_from(p))
    else {
        return Err(INVALID);
    };
    let memory = 128_u64
        .saturating_mul(u64::from(r))
        .saturating_mul(1_u64.checked_shl(u32::from(log_n)).unwrap_or(u64::MAX));
    if log_n == 0 || log_n > 24 || r == 0 || p == 0 || p > 16 || memory > MAX_SCRYPT_MEMORY {
        return Err(
            "the scrypt parameters are outside what is accepted (memory up to 256 MiB, p up to 16)",
        );
    }
    scrypt::Params::new(log_n, r, p).map_err(|_| INVALID)?;
    let salt = decode_base64(salt).ok_or(INVALID)?;
    let hash = decode_base64(hash).ok_or(INVALID)?;
    if hash.len() < 16 {
        return Err(INVALID);
    }
    Ok(Parsed::Scrypt {
        log_n,
        r,
        p,
        salt,
        hash,
    })
}

fn checked_rounds(rounds: u64) -> Result<u32, &'static str> {
    u32::try_from(rounds)
        .ok()
        .filter(|rounds| (1..=MAX_PBKDF2_ROUNDS).contains(rounds))
        .ok_or("the PBKDF2 iteration count is outside what is accepted (1 to 5000000)")
}

fn parse_pbkdf2_modular(rest: &str) -> Result<Parsed, &'static str> {
    const INVALID: &str = "not a valid PBKDF2-SHA256 string ($pbkdf2-sha256$i=..,l=..$salt$hash)";
    let mut parts = rest.split('$');
    let (Some(parameters), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID);
    };
    // PHC writes `i=600000,l=32`; passlib writes the bare iteration count.
    let rounds = match parameters.parse::<u64>() {
        Ok(rounds) => rounds,
        Err(_) => phc_parameter(parameters, "i").ok_or(INVALID)?,
    };
    let rounds = checked_rounds(rounds)?;
    let salt = decode_base64(salt).ok_or(INVALID)?;
    let hash = decode_base64(hash).ok_or(INVALID)?;
    if hash.len() < 16 {
        return Err(INVALID);
    }
    Ok(Parsed::Pbkdf2Sha256 { rounds, salt, hash })
}

fn parse_pbkdf2_django(rest: &str) -> Result<Parsed, &'static str> {
    const INVALID: &str = "not a valid Django PBKDF2 hash (pbkdf2_sha256$iterations$salt$hash)";
    let mut parts = rest.split('$');
    let (Some(rounds), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID);
    };
    let rounds = checked_rounds(rounds.parse().map_err(|_| INVALID)?)?;
    if salt.is_empty() {
        return Err(INVALID);
    }
    // Django uses the salt text as it is, and padded standard base64 for the hash.
    let hash = STANDARD.decode(hash).map_err(|_| INVALID)?;
    if hash.len() < 16 {
        return Err(INVALID);
    }
    Ok(Parsed::Pbkdf2Sha256 {
        rounds,
        salt: salt.as_bytes().to_vec(),
        hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pbkdf2_sha256(password: &str, salt: &[u8], rounds: u32) -> Vec<u8> {
        let mut out = vec![0_u8; 32];
        pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(password.as_bytes(), salt, rounds, &mut out);
        out
    }

    #[test]
    fn bcrypt_hashes_verify() {
        let hash = bcrypt::hash_with_result("hunter2 hunter2", 4)
            .expect("hashes")
            .format_for_version(bcrypt::Version::TwoB);
        assert_eq!(recognise(&hash), Ok(Family::Bcrypt));
        assert!(verify(&hash, b"hunter2 hunter2"));
        assert!(!verify(&hash, b"hunter3 hunter3"));
        let too_costly = format!("$2b$16${}", &hash[7..]);
        assert!(recognise(&too_costly).is_err());
    }

    #[test]
    fn pbkdf2_in_its_three_forms() {
        // RFC 7914 §11 gives PBKDF2-HMAC-SHA256 test vectors; this one checks the primitive.
        let mut vector = [0_u8; 64];
        pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(b"passwd", b"salt", 1, &mut vector);
        assert_eq!(&vector[..4], &[0x55, 0xac, 0x04, 0x6e]);

        let digest = pbkdf2_sha256("correct horse", b"NaCl-salt", 1000);
        let django = format!("pbkdf2_sha256$1000$NaCl-salt${}", STANDARD.encode(&digest));
        let phc = format!(
            "$pbkdf2-sha256$i=1000,l=32${}${}",
            STANDARD_NO_PAD.encode(b"NaCl-salt"),
            STANDARD_NO_PAD.encode(&digest)
        );
        let passlib = format!(
            "$pbkdf2-sha256$1000${}${}",
            STANDARD_NO_PAD.encode(b"NaCl-salt").replace('+', "."),
            STANDARD_NO_PAD.encode(&digest).replace('+', ".")
        );
        for hash in [&django, &phc, &passlib] {
            assert_eq!(recognise(hash), Ok(Family::Pbkdf2Sha256), "{hash}");
            assert!(verify(hash, b"correct horse"), "{hash}");
            assert!(!verify(hash, b"correct horsE"), "{hash}");
        }
        assert!(recognise("pbkdf2_sha256$99999999$salt$AAAA").is_err());
    }

    #[test]
    fn scrypt_phc_strings_verify() {
        // RFC 7914 §12, second vector: "password" / "NaCl", N=1024, r=8, p=16.
        let mut vector = [0_u8; 64];
        scrypt::scrypt(
            b"password",
            b"NaCl",
            &scrypt::Params::new(10, 8, 16).expect("valid"),
            &mut vector,
        )
        .expect("derives");
        assert_eq!(&vector[..4], &[0xfd, 0xba, 0xbe, 0x1c]);

        let params = scrypt::Params::new(4, 8, 1).expect("valid");
        let mut digest = [0_u8; 32];
        scrypt::scrypt(b"correct horse", b"pepper-salt", &params, &mut digest).expect("derives");
        let hash = format!(
            "$scrypt$ln=4,r=8,p=1${}${}",
            STANDARD_NO_PAD.encode(b"pepper-salt"),
            STANDARD_NO_PAD.encode(digest)
        );
        assert_eq!(recognise(&hash), Ok(Family::Scrypt));
        assert!(verify(&hash, b"correct horse"));
        assert!(!verify(&hash, b"wrong horse"));
        assert!(recognise("$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA").is_err());
    }

    #[test]
    fn unknown_forms_are_named_as_such() {
        for hash in [
            "",
            "plaintext",
            "$1$abc$def",
            "{SSHA}abcdef",
            "$argon2id$nonsense",
        ] {
            assert!(recognise(hash).is_err(), "{hash:?}");
            assert!(!verify(hash, b"anything"));
        }
    }
}
