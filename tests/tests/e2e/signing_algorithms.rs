//! ID tokens signed with the algorithm each client registered (`id_token_signed_response_alg`),
//! verified by the relying-party library against the published JWKS.

use crate::{World, sign_in};
use base64::Engine as _;
use gatehouse_tests::{Backend, TestApp};
use openidconnect::TokenResponse as _;
use openidconnect::core::CoreJwsSigningAlgorithm;
use serde_json::Value;

/// The header of the compact JWS `jwt`, and the key of the JWKS its `kid` names, fetched as
/// a relying party would.
async fn header_and_published_key(app: &TestApp, jwt: &str) -> (Value, Value) {
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap_or_default())
            .expect("base64url"),
    )
    .expect("a JSON header");
    let jwks: Value = reqwest::get(app.url("/jwks"))
        .await
        .expect("JWKS")
        .json()
        .await
        .expect("JSON");
    let key = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["kid"] == header["kid"])
        .unwrap_or_else(|| panic!("{} is not published in {jwks}", header["kid"]))
        .clone();
    (header, key)
}

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

        let (header, published) = header_and_published_key(&world.app, &id_token.to_string()).await;
        assert_eq!(header["alg"], alg, "{header}");
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

async fn userinfo_answers_are_signed_for_a_client_that_asks(backend: Backend) {
    use openidconnect::OAuth2TokenResponse as _;
    let world = World::start_with(
        TestApp::start(backend).await,
        &["--first-party", "--userinfo-alg", "ES256"],
    )
    .await;
    let signed_in = sign_in(&world, &["openid", "email"]).await;
    let response = reqwest::Client::new()
        .get(world.app.url("/userinfo"))
        .bearer_auth(signed_in.tokens.access_token().secret())
        .send()
        .await
        .expect("userinfo");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/jwt")
    );
    let jwt = response.text().await.expect("a body");
    // Verified as a relying party would: the key the header names, from the JWKS.
    let (_, key) = header_and_published_key(&world.app, &jwt).await;
    let verifier = josekit::jws::ES256
        .verifier_from_jwk(
            &josekit::jwk::Jwk::from_map(key.as_object().expect("a JWK").clone()).expect("a JWK"),
        )
        .expect("an ES256 verifier");
    let (payload, _) =
        josekit::jws::deserialize_compact(&jwt, &verifier).expect("the signature verifies");
    let claims: Value = serde_json::from_slice(&payload).expect("JSON claims");
    assert_eq!(claims["sub"], world.user_id.as_str());
    assert_eq!(claims["iss"], world.app.base_url.as_str());
    assert_eq!(claims["aud"], world.client.id.as_str());
    assert_eq!(claims["email"], crate::EMAIL);
}

async fn ps256_id_tokens_when_the_instance_offers_them(backend: Backend) {
    let app = TestApp::builder(backend.clone())
        .with_setting(
            "keys",
            "algorithms",
            r#"["RS256", "PS256", "ES256", "EdDSA"]"#,
        )
        .start()
        .await;
    let discovery = crate::discovery_document(&app).await;
    assert!(
        discovery["id_token_signing_alg_values_supported"]
            .as_array()
            .is_some_and(|algorithms| algorithms.contains(&serde_json::json!("PS256")))
    );
    let world = World::start_with(app, &["--first-party", "--id-token-alg", "PS256"]).await;
    let signed_in = sign_in(&world, &["openid"]).await;
    let id_token = signed_in.tokens.id_token().expect("an ID token");
    let verifier = world
        .rp
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPssSha256]);
    let claims = id_token
        .claims(&verifier, &signed_in.nonce)
        .expect("the PS256 ID token verifies");
    assert_eq!(claims.subject().as_str(), world.user_id);

    // Without PS256 in keys.algorithms, a client cannot be registered for it.
    let plain = TestApp::start(backend).await;
    let refused = plain
        .cli(
            &[
                "clients",
                "create",
                "--name",
                "Bank",
                "--redirect-uri",
                crate::REDIRECT_URI,
                "--id-token-alg",
                "PS256",
            ],
            "",
        )
        .await;
    assert_ne!(refused.exit_code, 0);
    assert!(
        refused.stderr.contains("keys.algorithms"),
        "{}",
        refused.stderr
    );
}

gatehouse_tests::on_both_backends!(
    ps256_id_tokens_when_the_instance_offers_them,
    es256_and_eddsa_id_tokens_verify_against_the_published_keys,
    userinfo_answers_are_signed_for_a_client_that_asks,
);
