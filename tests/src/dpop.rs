//! A DPoP client key (RFC 9449) that signs proofs, as a mobile app would.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jws::{self, ES256, JwsHeader, JwsSigner, PS256, RS256};
use sha2::{Digest, Sha256};

/// A key pair kept by the "device": ES256 unless made for RSA.
#[derive(Debug, Clone)]
pub struct DpopKey {
    private: Jwk,
    public: Jwk,
    algorithm: &'static str,
}

impl DpopKey {
    /// A fresh ES256 key.
    #[must_use]
    pub fn generate() -> Self {
        let pair = ES256.generate_key_pair().expect("EC key");
        Self {
            private: pair.to_jwk_private_key(),
            public: pair.to_jwk_public_key(),
            algorithm: "ES256",
        }
    }

    /// A fresh 2048-bit RSA key that signs with `algorithm` (`RS256` or `PS256`).
    #[must_use]
    pub fn generate_rsa(algorithm: &'static str) -> Self {
        let pair = RS256.generate_key_pair(2048).expect("RSA key");
        // One RSA key serves both algorithms; the JWK names the one it is used with.
        let (mut private, mut public) = (pair.to_jwk_private_key(), pair.to_jwk_public_key());
        private.set_algorithm(algorithm);
        public.set_algorithm(algorithm);
        Self {
            private,
            public,
            algorithm,
        }
    }

    /// The key's JWK SHA-256 thumbprint (RFC 7638), as `dpop_jkt` and `cnf.jkt` carry it.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let member = |name: &str| {
            self.public
                .parameter(name)
                .and_then(serde_json::Value::as_str)
                .expect("a public key member")
                .to_owned()
        };
        // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
        let canonical = if self.algorithm == "ES256" {
            serde_json::json!({
                "crv": member("crv"), "kty": "EC", "x": member("x"), "y": member("y"),
            })
        } else {
            serde_json::json!({"e": member("e"), "kty": "RSA", "n": member("n")})
        }
        .to_string();
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// A proof for `method` on `url`, optionally for `access_token` (`ath`).
    #[must_use]
    pub fn proof(&self, method: &str, url: &str, access_token: Option<&str>) -> String {
        self.signed_proof(method, url, access_token, now(), None)
    }

    /// A proof that names the server's `nonce` (RFC 9449 §8).
    #[must_use]
    pub fn proof_with_nonce(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        nonce: &str,
    ) -> String {
        self.signed_proof(method, url, access_token, now(), Some(nonce))
    }

    /// A proof that claims to be issued at `iat` (a hostile client's clock).
    #[must_use]
    pub fn proof_issued_at(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        iat: i64,
    ) -> String {
        self.signed_proof(method, url, access_token, iat, None)
    }

    fn signed_proof(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        iat: i64,
        nonce: Option<&str>,
    ) -> String {
        let mut header = JwsHeader::new();
        header.set_token_type("dpop+jwt");
        header.set_jwk(self.public.clone());
        let mut claims = serde_json::json!({
            "jti": uuid::Uuid::new_v4().to_string(),
            "htm": method,
            "htu": url,
            "iat": iat,
        });
        if let Some(token) = access_token {
            claims["ath"] = URL_SAFE_NO_PAD
                .encode(Sha256::digest(token.as_bytes()))
                .into();
        }
        if let Some(nonce) = nonce {
            claims["nonce"] = nonce.into();
        }
        let signer: Box<dyn JwsSigner> = match self.algorithm {
            "RS256" => Box::new(RS256.signer_from_jwk(&self.private).expect("signer")),
            "PS256" => Box::new(PS256.signer_from_jwk(&self.private).expect("signer")),
            _ => Box::new(ES256.signer_from_jwk(&self.private).expect("signer")),
        };
        jws::serialize_compact(claims.to_string().as_bytes(), &header, signer.as_ref())
            .expect("proof")
    }
}

fn now() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    i64::try_from(seconds).unwrap_or(i64::MAX)
}
