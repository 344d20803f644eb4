//! ID tokens signed with the algorithm each client registered (`id_token_signed_response_alg`),
//! verified by the relying-party library against the published JWKS.

use crate::{World, sign_in};
use base64::Engine as _;
use gatehouse_tests::{Backend, TestApp};
use openidconnect::TokenResponse as _;
use openidconnect::core::CoreJwsSigningAlgorithm;
use serde_json::Value;

async fn es256_and_eddsa_id_tokens_verify_against_the_published_keys(backend: Backend) {
    for (alg, library_alg, key_type) in [
        ("ES256", CoreJwsSigningAlgorithm::EcdsaP256Sha256, "EC"),
        ("EdDSA", CoreJwsSigningAlgorithm::EdDsa, "OKP"),
    ] {
        let world = World::start_with(
            TestApp::start(backend.clone()).await,
            &["--first-party", "--id-token-alg", alg],
        )
        .await;
        let signed_in = sign_in(&world, &["openid", "email"]).await;
        let id_token = signed_in.tokens.id_token().expect("an ID token");

        let compact = id_token.to_string();
        let header: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(compact.split('.').next().unwrap_or_default())
                .expect("base64url"),
        )
        .expect("a JSON header");
        assert_eq!(header["alg"], alg, "{header}");
        let jwks: Value = reqwest::get(world.app.url("/jwks"))
            .await
            .expect("JWKS")
            .json()
            .await
            .expect("JSON");
        let published = jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|key| key["kid"] == header["kid"])
            .unwrap_or_else(|| panic!("{} is not published in {jwks}", header["kid"]));
        assert_eq!(published["kty"], key_type);

        let verifier = world
            .rp
            .id_token_verifier()
            .set_allowed_algs(vec![library_alg]);
        let claims = id_token
            .claims(&verifier, &signed_in.nonce)
            .unwrap_or_else(|error| panic!("the {alg} ID token does not verify: {error}"));
        assert_eq!(claims.subject().as_str(), world.user_id);
        // A relying party that accepts only RS256 does not take it.
        let rs256_only = world
            .rp
            .id_token_verifier()
            .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
        assert!(id_token.claims(&rs256_only, &signed_in.nonce).is_err());
    }
}

gatehouse_tests::on_both_backends!(es256_and_eddsa_id_tokens_verify_against_the_published_keys);
