//! A software passkey: an ES256 authenticator that answers WebAuthn options the way a
//! browser and a platform authenticator together would (no attestation, user verified).
//! It lets end-to-end tests register and use passkeys over plain HTTP.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jws::ES256;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Flags of authenticator data (WebAuthn §6.1): user present, user verified, attested
/// credential data included.
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_DATA: u8 = 0x40;

/// One passkey on a software authenticator.
#[derive(Debug, Clone)]
pub struct SoftPasskey {
    private: Jwk,
    x: Vec<u8>,
    y: Vec<u8>,
    credential_id: Vec<u8>,
    user_handle: Vec<u8>,
    counter: u32,
}

impl Default for SoftPasskey {
    fn default() -> Self {
        Self::new()
    }
}

fn decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// CBOR (RFC 8949) item headers, enough for a COSE key and an attestation object.
fn cbor_head(major: u8, value: u64, out: &mut Vec<u8>) {
    let major = major << 5;
    match value {
        0..=23 => out.push(major | value as u8),
        24..=0xff => out.extend([major | 24, value as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend((value as u16).to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend((value as u32).to_be_bytes());
        }
    }
}

fn cbor_int(value: i64, out: &mut Vec<u8>) {
    if value >= 0 {
        cbor_head(0, value as u64, out);
    } else {
        cbor_head(1, (-1 - value) as u64, out);
    }
}

fn cbor_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, bytes.len() as u64, out);
    out.extend(bytes);
}

fn cbor_text(text: &str, out: &mut Vec<u8>) {
    cbor_head(3, text.len() as u64, out);
    out.extend(text.as_bytes());
}

/// An ECDSA signature as r||s (JWS) turned into DER (what WebAuthn carries).
fn der_signature(raw: &[u8]) -> Vec<u8> {
    fn integer(part: &[u8]) -> Vec<u8> {
        let mut trimmed: Vec<u8> = part.iter().copied().skip_while(|byte| *byte == 0).collect();
        if trimmed.first().is_none_or(|first| first & 0x80 != 0) {
            trimmed.insert(0, 0);
        }
        let mut out = vec![0x02, trimmed.len() as u8];
        out.extend(trimmed);
        out
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let body: Vec<u8> = [integer(r), integer(s)].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

impl SoftPasskey {
    /// A new key pair and credential id.
    #[must_use]
    pub fn new() -> Self {
        let pair = ES256.generate_key_pair().expect("P-256 key");
        let public = pair.to_jwk_public_key();
        let coordinate = |name: &str| {
            decode(
                public
                    .parameter(name)
                    .and_then(Value::as_str)
                    .expect("EC coordinate"),
            )
        };
        Self {
            private: pair.to_jwk_private_key(),
            x: coordinate("x"),
            y: coordinate("y"),
            credential_id: uuid::Uuid::new_v4().as_bytes().to_vec(),
            user_handle: Vec::new(),
            counter: 0,
        }
    }

    /// The credential id, base64url.
    #[must_use]
    pub fn credential_id(&self) -> String {
        encode(&self.credential_id)
    }

    fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        serde_json::json!({
            "type": kind,
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn authenticator_data(&mut self, rp_id: &str, flags: u8, attested: Option<Vec<u8>>) -> Vec<u8> {
        self.counter += 1;
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        if let Some(attested) = attested {
            data.extend(attested);
        }
        data
    }

    fn cose_key(&self) -> Vec<u8> {
        let mut key = Vec::new();
        cbor_head(5, 5, &mut key);
        cbor_int(1, &mut key);
        cbor_int(2, &mut key); // kty: EC2
        cbor_int(3, &mut key);
        cbor_int(-7, &mut key); // alg: ES256
        cbor_int(-1, &mut key);
        cbor_int(1, &mut key); // crv: P-256
        cbor_int(-2, &mut key);
        cbor_bytes(&self.x, &mut key);
        cbor_int(-3, &mut key);
        cbor_bytes(&self.y, &mut key);
        key
    }

    /// Answers `navigator.credentials.create()` options (`{"publicKey": ...}`) for a page
    /// on `origin`; returns the credential as the page posts it.
    pub fn register(&mut self, options: &Value, origin: &str) -> String {
        let public_key = &options["publicKey"];
        let challenge = public_key["challenge"].as_str().expect("challenge");
        let rp_id = public_key["rp"]["id"].as_str().expect("rp.id").to_owned();
        self.user_handle = decode(public_key["user"]["id"].as_str().expect("user.id"));
        let client_data = Self::client_data("webauthn.create", challenge, origin);
        let mut attested = vec![0u8; 16]; // AAGUID: none
        attested.extend((self.credential_id.len() as u16).to_be_bytes());
        attested.extend(&self.credential_id);
        attested.extend(self.cose_key());
        let auth_data = self.authenticator_data(
            &rp_id,
            USER_PRESENT | USER_VERIFIED | ATTESTED_DATA,
            Some(attested),
        );
        let mut attestation = Vec::new();
        cbor_head(5, 3, &mut attestation);
        cbor_text("fmt", &mut attestation);
        cbor_text("none", &mut attestation);
        cbor_text("attStmt", &mut attestation);
        cbor_head(5, 0, &mut attestation);
        cbor_text("authData", &mut attestation);
        cbor_bytes(&auth_data, &mut attestation);
        serde_json::json!({
            "id": encode(&self.credential_id),
            "rawId": encode(&self.credential_id),
            "type": "public-key",
            "response": {
                "attestationObject": encode(&attestation),
                "clientDataJSON": encode(&client_data),
                "transports": ["internal"],
            },
            "extensions": {},
        })
        .to_string()
    }

    /// Answers `navigator.credentials.get()` options for a page on `origin`.
    pub fn authenticate(&mut self, options: &Value, origin: &str) -> String {
        let public_key = &options["publicKey"];
        let challenge = public_key["challenge"].as_str().expect("challenge");
        let rp_id = public_key["rpId"].as_str().expect("rpId").to_owned();
        let client_data = Self::client_data("webauthn.get", challenge, origin);
        let auth_data = self.authenticator_data(&rp_id, USER_PRESENT | USER_VERIFIED, None);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signer = ES256.signer_from_jwk(&self.private).expect("signer");
        let raw = josekit::jws::JwsSigner::sign(&signer, &signed).expect("signature");
        serde_json::json!({
            "id": encode(&self.credential_id),
            "rawId": encode(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": encode(&auth_data),
                "clientDataJSON": encode(&client_data),
                "signature": encode(&der_signature(&raw)),
                "userHandle": encode(&self.user_handle),
            },
            "extensions": {},
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_encoding() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80;
        raw[63] = 1;
        let der = der_signature(&raw);
        assert_eq!(der[0], 0x30);
        assert_eq!(&der[2..5], &[0x02, 33, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 1, 1]);
    }

    #[test]
    fn cbor_heads() {
        let mut out = Vec::new();
        cbor_int(-7, &mut out);
        cbor_int(24, &mut out);
        cbor_bytes(&[0; 2], &mut out);
        assert_eq!(out, vec![0x26, 0x18, 24, 0x42, 0, 0]);
    }
}
