use crate::World;
use gatehouse_tests::Backend;
use gatehouse_tests::relying_party::discover;

async fn discovery_document_describes_the_provider(backend: Backend) {
    let world = World::start(backend).await;
    let metadata = discover(&world.app.base_url).await;
    assert_eq!(metadata.issuer().as_str(), world.app.base_url);
    assert_eq!(
        metadata.token_endpoint().map(|url| url.as_str().to_owned()),
        Some(world.app.url("/token"))
    );

    let raw: serde_json::Value = reqwest::get(world.app.url("/.well-known/openid-configuration"))
        .await
        .expect("discovery")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        raw["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(raw["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(raw["authorization_response_iss_parameter_supported"], true);
    assert!(
        raw["id_token_signing_alg_values_supported"]
            .as_array()
            .is_some_and(|algs| algs.contains(&"RS256".into()))
    );
    for field in [
        "revocation_endpoint",
        "introspection_endpoint",
        "end_session_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    ] {
        assert!(
            raw[field]
                .as_str()
                .is_some_and(|url| url.starts_with(&world.app.base_url)),
            "{field}"
        );
    }

    let jwks: serde_json::Value = reqwest::get(world.app.url("/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("JSON");
    let keys = jwks["keys"].as_array().expect("keys");
    // Current and next key for each of RS256, ES256 and EdDSA.
    assert_eq!(keys.len(), 6);
    for key in keys {
        assert!(key["kid"].is_string() && key["alg"].is_string());
        assert!(
            key.get("d").is_none(),
            "private key material must never be published"
        );
    }
}

gatehouse_tests::on_both_backends!(discovery_document_describes_the_provider);
