//! `private_key_jwt` (RFC 7523, OIDC Core §9) as a banking-grade client does it: no
//! secret, a fresh assertion signed with its own key for each call, the keys registered
//! inline or published at a `jwks_uri`.

use gatehouse_tests::dpop::DpopKey;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use josekit::jwk::Jwk;
use josekit::jws::{ES256, EdDSA, JwsHeader, JwsSigner, RS256};
use josekit::jwt::{self, JwtPayload};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client's key pair: the private half signs, the public half is registered.
struct ClientKey {
    kid: String,
    algorithm: &'static str,
    signer: Box<dyn JwsSigner>,
    public: Jwk,
}

impl ClientKey {
    fn es256(kid: &str) -> Self {
        let pair = ES256.generate_key_pair().expect("an ES256 key");
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(kid);
        Self {
            kid: kid.to_owned(),
            algorithm: "ES256",
            signer: Box::new(
                ES256
                    .signer_from_jwk(&pair.to_jwk_private_key())
                    .expect("a signer"),
            ),
            public,
        }
    }

    fn ed25519(kid: &str) -> Self {
        let pair = EdDSA
            .generate_key_pair(josekit::jwk::alg::ed::EdCurve::Ed25519)
            .expect("an Ed25519 key");
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(kid);
        Self {
            kid: kid.to_owned(),
            algorithm: "EdDSA",
            signer: Box::new(
                EdDSA
                    .signer_from_jwk(&pair.to_jwk_private_key())
                    .expect("a signer"),
            ),
            public,
        }
    }

    fn rs256(kid: &str) -> Self {
        let pair = RS256.generate_key_pair(2048).expect("an RSA key");
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(kid);
        Self {
            kid: kid.to_owned(),
            algorithm: "RS256",
            signer: Box::new(
                RS256
                    .signer_from_jwk(&pair.to_jwk_private_key())
                    .expect("a signer"),
            ),
            public,
        }
    }

    fn jwks(keys: &[&Self]) -> Value {
        json!({"keys": keys.iter().map(|key| Value::Object(key.public.as_ref().clone())).collect::<Vec<_>>()})
    }

    /// An assertion with these claims, as the client's library would sign it.
    fn sign(&self, claims: &Value) -> String {
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(&self.kid);
        header.set_algorithm(self.algorithm);
        let payload =
            JwtPayload::from_map(claims.as_object().expect("an object").clone()).expect("claims");
        jwt::encode_with_signer(&payload, &header, self.signer.as_ref()).expect("signed")
    }
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("fits")
}

fn claims(client_id: &str, audience: &str, jti: &str) -> Value {
    json!({
        "iss": client_id, "sub": client_id, "aud": audience,
        "iat": now(), "exp": now() + 60, "jti": jti,
    })
}

/// Posts `form` to `path` with the assertion and nothing else to authenticate.
async fn post_with_assertion(
    app: &TestApp,
    path: &str,
    assertion: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    post_with_assertion_and_proof(app, path, assertion, form, None).await
}

/// Like [`post_with_assertion`], with a `DPoP` proof header when given.
async fn post_with_assertion_and_proof(
    app: &TestApp,
    path: &str,
    assertion: &str,
    form: &[(&str, &str)],
    dpop_proof: Option<String>,
) -> (u16, Value) {
    let mut body: Vec<(&str, &str)> = form.to_vec();
    body.push(("client_assertion_type", ASSERTION_TYPE));
    body.push(("client_assertion", assertion));
    let mut request = reqwest::Client::new().post(app.url(path)).form(&body);
    if let Some(proof) = dpop_proof {
        request = request.header("DPoP", proof);
    }
    let response = request.send().await.expect("a request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn register(app: &TestApp, keys: &[&str]) -> RegisteredClient {
    let mut arguments = vec![
        "--grant-types",
        "client_credentials",
        "--scopes",
        "erp:read",
    ];
    arguments.extend_from_slice(keys);
    app.register_client("https://rp.example/callback", &arguments)
        .await
}

async fn a_client_with_registered_keys_authenticates_with_signed_assertions_once_each(
    backend: Backend,
) {
    // Every refusal below counts against the client's back-off; it is set high enough that
    // the refusals are seen for their reason, not as 429s.
    let app = TestApp::builder(backend)
        .with_setting("login", "account_free_failures", "20")
        .with_setting("login", "address_free_failures", "40")
        .start()
        .await;
    let key = ClientKey::es256("erp-2026");
    let stranger = ClientKey::es256("erp-2026");
    let jwks = ClientKey::jwks(&[&key]).to_string();
    let client = register(&app, &["--jwks", &jwks]).await;
    assert!(client.secret.is_none(), "a client with keys gets no secret");
    let token_url = app.url("/token");

    let discovery = crate::discovery_document(&app).await;
    assert!(
        discovery["token_endpoint_auth_methods_supported"]
            .as_array()
            .is_some_and(|methods| methods.contains(&json!("private_key_jwt"))),
        "{discovery}"
    );
    assert!(
        discovery["token_endpoint_auth_signing_alg_values_supported"]
            .as_array()
            .is_some_and(|algorithms| algorithms.contains(&json!("ES256"))
                && algorithms.contains(&json!("HS256"))
                && !algorithms.contains(&json!("none")))
    );

    let grant = [("grant_type", "client_credentials"), ("scope", "erp:read")];
    let assertion = key.sign(&claims(&client.id, &token_url, "first"));
    let (status, body) = post_with_assertion(&app, "/token", &assertion, &grant).await;
    assert_eq!(status, 200, "{body}");
    let access_token = body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned();
    assert_eq!(body["scope"], "erp:read");

    // The same assertion again is a replay.
    let (status, body) = post_with_assertion(&app, "/token", &assertion, &grant).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // The issuer is an audience too; one for another endpoint, or signed by another key,
    // or expired, or from the future, is refused.
    let by_issuer = key.sign(&claims(&client.id, &app.base_url, "by-issuer"));
    assert_eq!(
        post_with_assertion(&app, "/token", &by_issuer, &grant)
            .await
            .0,
        200
    );
    let mut expired = claims(&client.id, &token_url, "expired");
    expired["exp"] = json!(now() - 300);
    expired["iat"] = json!(now() - 360);
    let mut long_lived = claims(&client.id, &token_url, "long-lived");
    long_lived["exp"] = json!(now() + 86_400);
    for (refused, why) in [
        (
            key.sign(&claims(&client.id, &app.url("/introspect"), "elsewhere")),
            "another endpoint",
        ),
        (
            stranger.sign(&claims(&client.id, &token_url, "stranger")),
            "another key with the same kid",
        ),
        (key.sign(&expired), "expired"),
        (key.sign(&long_lived), "lives a day"),
        (
            key.sign(&claims("someone-else", &token_url, "other-issuer")),
            "another client",
        ),
    ] {
        let (status, body) = post_with_assertion(&app, "/token", &refused, &grant).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{why}: {body}"
        );
    }
    // An unsigned assertion is no assertion.
    let unsigned = format!(
        "{}.{}.",
        base64_url(&json!({"alg": "none"}).to_string()),
        base64_url(&claims(&client.id, &token_url, "unsigned").to_string())
    );
    assert_eq!(
        post_with_assertion(&app, "/token", &unsigned, &grant)
            .await
            .0,
        401
    );
    // Without an assertion the client cannot pass for a public one, nor guess a secret.
    let bare = reqwest::Client::new()
        .post(&token_url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client.id.as_str()),
        ])
        .send()
        .await
        .expect("a request");
    assert_eq!(bare.status(), 401);
    let guessed = reqwest::Client::new()
        .post(&token_url)
        .basic_auth(&client.id, Some("guess"))
        .form(&grant)
        .send()
        .await
        .expect("a request");
    assert_eq!(guessed.status(), 401);

    // Introspection takes an assertion made for it.
    let for_introspection = key.sign(&claims(&client.id, &app.url("/introspect"), "introspect"));
    let (status, body) = post_with_assertion(
        &app,
        "/introspect",
        &for_introspection,
        &[("token", access_token.as_str())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active"], true);

    // Sent five times at once, one assertion still buys one token.
    let racing = key.sign(&claims(&client.id, &token_url, "racing"));
    let answers = futures_util::future::join_all(
        (0..5).map(|_| post_with_assertion(&app, "/token", &racing, &grant)),
    )
    .await;
    let issued = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(issued, 1, "{answers:?}");
}

fn base64_url(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

async fn keys_published_at_a_jwks_uri_are_fetched(backend: Backend) {
    let app = TestApp::start(backend).await;
    let key = ClientKey::ed25519("portal-ed");
    let jwks = ClientKey::jwks(&[&key]);
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let jwks_uri = format!(
        "http://127.0.0.1:{}/jwks.json",
        listener.local_addr().expect("address").port()
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = register(&app, &["--jwks-uri", &jwks_uri]).await;
    assert!(client.secret.is_none());

    let grant = [("grant_type", "client_credentials")];
    for jti in ["one", "two"] {
        let assertion = key.sign(&claims(&client.id, &app.url("/token"), jti));
        let (status, body) = post_with_assertion(&app, "/token", &assertion, &grant).await;
        assert_eq!(status, 200, "{body}");
    }
    // A key not in the published set is refused.
    let other = ClientKey::ed25519("portal-ed");
    let forged = other.sign(&claims(&client.id, &app.url("/token"), "forged"));
    assert_eq!(
        post_with_assertion(&app, "/token", &forged, &grant).await.0,
        401
    );

    // Keys that cannot be trusted are refused at registration, saying why.
    for (flag, value, why) in [
        ("--jwks", "{\"keys\": []}".to_owned(), "1 to 10 keys"),
        ("--jwks", "not json".to_owned(), "not JSON"),
        (
            "--jwks",
            json!({"keys": [{"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "d": "secret"}]})
                .to_string(),
            "private",
        ),
        ("--jwks-uri", "http://keys.example/jwks".to_owned(), "https"),
    ] {
        let output = app
            .cli(
                &[
                    "clients",
                    "create",
                    "--name",
                    "Bad keys",
                    "--grant-types",
                    "client_credentials",
                    flag,
                    &value,
                ],
                "",
            )
            .await;
        assert_ne!(output.exit_code, 0, "{flag} {value}");
        assert!(output.stderr.contains(why), "{}", output.stderr);
    }
}

/// A PKCE verifier and its S256 challenge.
fn pkce() -> (String, String) {
    use sha2::Digest as _;
    let verifier = format!("verifier-{}", uuid::Uuid::new_v4().simple()).repeat(2);
    let challenge = base64_url_bytes(&sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn base64_url_bytes(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A signed request object (JAR) for `client_id`.
fn request_object(key: &ClientKey, app: &TestApp, client_id: &str, challenge: &str) -> String {
    key.sign(&json!({
        "iss": client_id, "aud": app.base_url, "exp": now() + 300, "nbf": now(),
        "client_id": client_id, "response_type": "code", "redirect_uri": crate::REDIRECT_URI,
        "scope": "openid email", "state": "signed-state", "nonce": "signed-nonce",
        "code_challenge": challenge, "code_challenge_method": "S256",
    }))
}

/// A client registered with one fresh ES256 key and `flags`, and the test user.
async fn key_client(app: &TestApp, kid: &str, flags: &[&str]) -> (ClientKey, RegisteredClient) {
    let key = ClientKey::es256(kid);
    let jwks = ClientKey::jwks(&[&key]).to_string();
    let mut arguments = vec!["--first-party", "--jwks", jwks.as_str()];
    arguments.extend_from_slice(flags);
    let client = app.register_client(crate::REDIRECT_URI, &arguments).await;
    app.create_user(crate::EMAIL, crate::PASSWORD).await;
    (key, client)
}

async fn a_signed_request_pushed_by_a_key_client_signs_the_user_in(backend: Backend) {
    use gatehouse_tests::relying_party::query_parameter;
    let app = TestApp::start(backend).await;
    let (key, client) = key_client(&app, "bank-1", &["--require-par"]).await;
    let jwks = ClientKey::jwks(&[&key]).to_string();
    let discovery = crate::discovery_document(&app).await;
    assert_eq!(discovery["request_parameter_supported"], true);

    // PAR + JAR: the request object pushed with a client assertion.
    let (verifier, challenge) = pkce();
    let signed = request_object(&key, &app, &client.id, &challenge);
    let assertion = key.sign(&claims(&client.id, &app.url("/par"), "push-1"));
    let (status, pushed) =
        post_with_assertion(&app, "/par", &assertion, &[("request", signed.as_str())]).await;
    assert_eq!(status, 201, "{pushed}");
    let request_uri = pushed["request_uri"].as_str().expect("a request_uri");
    let url = crate::par::authorize_url(&app, &client.id, request_uri);
    let callback = app
        .browser()
        .authorize(url.as_str(), crate::EMAIL, crate::PASSWORD)
        .await;
    assert!(callback.starts_with(crate::REDIRECT_URI), "{callback}");
    assert_eq!(
        query_parameter(&callback, "state").as_deref(),
        Some("signed-state")
    );
    let code = query_parameter(&callback, "code").expect("a code");
    let assertion = key.sign(&claims(&client.id, &app.url("/token"), "token-1"));
    let (status, tokens) = post_with_assertion(
        &app,
        "/token",
        &assertion,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", crate::REDIRECT_URI),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    let payload: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            id_token.split('.').nth(1).unwrap_or_default(),
        )
        .expect("base64url"),
    )
    .expect("JSON");
    assert_eq!(payload["nonce"], "signed-nonce");
    assert_eq!(payload["email"], crate::EMAIL);

    // Pushed, a request object that does not verify is refused to the client.
    let stranger = ClientKey::es256("bank-1");
    let forged = request_object(&stranger, &app, &client.id, &challenge);
    let assertion = key.sign(&claims(&client.id, &app.url("/par"), "push-2"));
    let (status, body) =
        post_with_assertion(&app, "/par", &assertion, &[("request", forged.as_str())]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request_object")),
        "{body}"
    );

    // By value at /authorize (a client that need not push): signed is accepted, unsigned
    // (alg=none) or signed by another key is shown as an error page, never redirected.
    let open = app
        .register_client(crate::REDIRECT_URI, &["--first-party", "--jwks", &jwks])
        .await;
    let by_value = |request: &str| {
        let mut url = url::Url::parse(&app.url("/authorize")).expect("a URL");
        url.query_pairs_mut()
            .append_pair("client_id", &open.id)
            .append_pair("request", request);
        String::from(url)
    };
    let (_, challenge) = pkce();
    let (callback, _) = app
        .browser()
        .follow_to_client(&by_value(&request_object(&key, &app, &open.id, &challenge)))
        .await;
    assert!(callback.contains("/login"), "{callback}");
    let unsigned = format!(
        "{}.{}.",
        base64_url(&json!({"alg": "none"}).to_string()),
        base64_url(
            &json!({"iss": open.id, "aud": app.base_url, "response_type": "code",
                    "redirect_uri": "https://attacker.example/cb", "scope": "openid"})
            .to_string()
        )
    );
    for refused in [
        unsigned,
        request_object(&stranger, &app, &open.id, &challenge),
    ] {
        let page = app.browser().get(&by_value(&refused)).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(
            page.body.contains(&gatehouse_server::i18n::translate(
                "en",
                "error-invalid-request-object",
                &[]
            )),
            "{}",
            page.body
        );
    }
}

/// A `client_secret_jwt` assertion: the claims MACed (HS256) with `secret`.
fn mac(secret: &str, claims: &Value) -> String {
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    header.set_algorithm("HS256");
    let payload =
        JwtPayload::from_map(claims.as_object().expect("an object").clone()).expect("claims");
    let signer = josekit::jws::HS256
        .signer_from_bytes(secret.as_bytes())
        .expect("an HMAC key");
    jwt::encode_with_signer(&payload, &header, &signer).expect("MACed")
}

async fn a_client_secret_jwt_client_proves_its_secret_without_sending_it(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("login", "account_free_failures", "20")
        .with_setting("login", "address_free_failures", "40")
        .start()
        .await;
    let client = register(&app, &["--client-secret-jwt"]).await;
    let secret = client.secret.clone().expect("a secret, shown once");
    let token_url = app.url("/token");
    let grant = [("grant_type", "client_credentials")];

    let assertion = mac(&secret, &claims(&client.id, &token_url, "mac-1"));
    let (status, body) = post_with_assertion(&app, "/token", &assertion, &grant).await;
    assert_eq!(status, 200, "{body}");
    // Once only.
    let (status, _) = post_with_assertion(&app, "/token", &assertion, &grant).await;
    assert_eq!(status, 401);
    // The secret itself is never sent by such a client: Basic is refused.
    let basic = reqwest::Client::new()
        .post(&token_url)
        .basic_auth(&client.id, Some(&secret))
        .form(&grant)
        .send()
        .await
        .expect("a request");
    assert_eq!(basic.status(), 401);
    // A MAC with another secret, or an asymmetric signature, is refused.
    let wrong = mac(&"x".repeat(43), &claims(&client.id, &token_url, "mac-2"));
    assert_eq!(
        post_with_assertion(&app, "/token", &wrong, &grant).await.0,
        401
    );
    let signed = ClientKey::es256("k").sign(&claims(&client.id, &token_url, "mac-3"));
    assert_eq!(
        post_with_assertion(&app, "/token", &signed, &grant).await.0,
        401
    );

    // A rotated secret MACs at once; the old one no longer does.
    let rotated = app
        .cli(&["clients", "rotate-secret", "--client-id", &client.id], "")
        .await;
    assert_eq!(rotated.exit_code, 0, "{}", rotated.stderr);
    let printed: Value = serde_json::from_str(&rotated.stdout).expect("JSON");
    let new_secret = printed["client_secret"].as_str().expect("a new secret");
    let fresh = mac(new_secret, &claims(&client.id, &token_url, "mac-4"));
    assert_eq!(
        post_with_assertion(&app, "/token", &fresh, &grant).await.0,
        200
    );
    let stale = mac(&secret, &claims(&client.id, &token_url, "mac-5"));
    assert_eq!(
        post_with_assertion(&app, "/token", &stale, &grant).await.0,
        401
    );
}

gatehouse_tests::on_both_backends!(
    a_client_secret_jwt_client_proves_its_secret_without_sending_it,
    a_client_with_registered_keys_authenticates_with_signed_assertions_once_each,
    keys_published_at_a_jwks_uri_are_fetched,
    a_signed_request_pushed_by_a_key_client_signs_the_user_in,
    a_fapi_client_must_push_prove_its_key_and_bind_its_tokens,
    an_administrator_rotates_a_clients_keys_and_turns_fapi_on_later,
    a_studio_that_requires_fapi_admits_only_fapi_clients,
    a_dpop_proof_sent_with_the_pushed_request_binds_the_code,
    a_grant_made_before_fapi_is_not_refreshed_into_bearer_tokens,
);

/// Keys leak and profiles tighten after a client is registered: the management API
/// replaces its keys (the old key stops working at once) and holds it to FAPI 2.0.
async fn an_administrator_rotates_a_clients_keys_and_turns_fapi_on_later(backend: Backend) {
    use crate::api::{Api, machine, machine_token};
    let app = TestApp::start(backend).await;
    let operator = machine(&app, "clients:read clients:write").await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let old_key = ClientKey::es256("erp-2026");
    let new_key = ClientKey::ed25519("erp-2027");
    let created = api
        .post(
            "/api/v1/clients",
            &json!({
                "name": "Trading terminal",
                "redirect_uris": [crate::REDIRECT_URI],
                "grant_types": ["authorization_code", "client_credentials"],
                "scopes": "openid erp:read",
                "jwks": ClientKey::jwks(&[&old_key]),
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let client_id = created.body["client_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let path = format!("/api/v1/clients/{client_id}");
    let token_url = app.url("/token");
    let grant = [("grant_type", "client_credentials"), ("scope", "erp:read")];
    let signed_by_old = old_key.sign(&claims(&client_id, &token_url, "before"));
    assert_eq!(
        post_with_assertion(&app, "/token", &signed_by_old, &grant)
            .await
            .0,
        200
    );

    // The keys are replaced: the new key works, the old one no longer does.
    let rotated = api
        .patch(&path, &json!({"jwks": ClientKey::jwks(&[&new_key])}), None)
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let (status, body) = post_with_assertion(
        &app,
        "/token",
        &old_key.sign(&claims(&client_id, &token_url, "after-old")),
        &grant,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    let (status, body) = post_with_assertion(
        &app,
        "/token",
        &new_key.sign(&claims(&client_id, &token_url, "after-new")),
        &grant,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A private key is never accepted as a client's key.
    let leaked = api
        .patch(
            &path,
            &json!({"jwks": {"keys": [Value::Object(
                ES256.generate_key_pair().expect("a key").to_jwk_private_key().as_ref().clone()
            )]}}),
            None,
        )
        .await;
    assert_eq!(leaked.status, 422, "{}", leaked.body);
    assert_eq!(leaked.fields(), vec!["/jwks"]);

    // Signed UserInfo answers, in an algorithm the instance signs with (PS256 is not on by
    // default), and back to plain JSON.
    let not_offered = api
        .patch(
            &path,
            &json!({"userinfo_signed_response_alg": "PS256"}),
            None,
        )
        .await;
    assert_eq!(not_offered.status, 422, "{}", not_offered.body);
    assert_eq!(not_offered.fields(), vec!["/userinfo_signed_response_alg"]);
    let signed = api
        .patch(
            &path,
            &json!({"userinfo_signed_response_alg": "ES256"}),
            None,
        )
        .await;
    assert_eq!(signed.body["userinfo_signed_response_alg"], "ES256");
    let plain = api
        .patch(&path, &json!({"userinfo_signed_response_alg": null}), None)
        .await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert!(plain.body["userinfo_signed_response_alg"].is_null());

    // Held to FAPI 2.0 from now on: its requests must be pushed, and the flag cannot be
    // half-undone.
    // Its ID tokens are RS256, which FAPI 2.0 rules out: the switch needs another algorithm.
    let with_rs256 = api.patch(&path, &json!({"fapi": true}), None).await;
    assert_eq!(with_rs256.status, 422, "{}", with_rs256.body);
    assert_eq!(with_rs256.fields(), vec!["/id_token_signed_response_alg"]);
    let fapi = api
        .patch(
            &path,
            &json!({"fapi": true, "id_token_signed_response_alg": "EdDSA"}),
            None,
        )
        .await;
    assert_eq!(fapi.status, 200, "{}", fapi.body);
    assert_eq!(fapi.body["id_token_signed_response_alg"], "EdDSA");
    assert_eq!(fapi.body["fapi"], true);
    assert_eq!(fapi.body["require_pushed_authorization_requests"], true);
    let (_, challenge) = pkce();
    let front_channel = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(app.url(&format!(
            "/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid&state=s1&code_challenge={challenge}&code_challenge_method=S256",
            crate::REDIRECT_URI
        )))
        .send()
        .await
        .expect("an authorization request");
    let location = front_channel
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        location.starts_with(crate::REDIRECT_URI) && location.contains("error=invalid_request"),
        "an unpushed request is refused to the client: {location}"
    );
    let half = api
        .patch(
            &path,
            &json!({"require_pushed_authorization_requests": false}),
            None,
        )
        .await;
    assert_eq!(half.status, 422, "{}", half.body);
    assert_eq!(half.fields(), vec!["/fapi"]);
    // And a client with a secret cannot be switched to keys: a different method is a
    // different client.
    let with_secret = api
        .post(
            "/api/v1/clients",
            &json!({"name": "Back office", "grant_types": ["client_credentials"], "scopes": "erp:read"}),
        )
        .await;
    let switched = api
        .patch(
            &format!(
                "/api/v1/clients/{}",
                with_secret.body["client_id"].as_str().expect("an id")
            ),
            &json!({"jwks": ClientKey::jwks(&[&new_key])}),
            None,
        )
        .await;
    assert_eq!(switched.status, 422, "{}", switched.body);
    assert_eq!(switched.fields(), vec!["/jwks"]);
}

async fn a_fapi_client_must_push_prove_its_key_and_bind_its_tokens(backend: Backend) {
    use gatehouse_tests::relying_party::query_parameter;
    let app = TestApp::start(backend).await;
    // FAPI 2.0 needs keys (a client with a secret cannot be one) and ID tokens that are not
    // RS256 (§5.4.1); without a choice it gets ES256.
    let jwks = ClientKey::jwks(&[&ClientKey::es256("rs-1")]).to_string();
    let with_rs256 = ["--jwks", jwks.as_str(), "--id-token-alg", "RS256"];
    for (extra, reason) in [
        (&[][..], "private_key_jwt"),
        (
            &with_rs256[..],
            "id_token_signed_response_alg must be PS256, ES256 or EdDSA",
        ),
    ] {
        let mut arguments = vec![
            "clients",
            "create",
            "--name",
            "Trading",
            "--redirect-uri",
            crate::REDIRECT_URI,
            "--fapi",
        ];
        arguments.extend_from_slice(extra);
        let refused = app.cli(&arguments, "").await;
        assert_ne!(refused.exit_code, 0);
        assert!(refused.stderr.contains(reason), "{}", refused.stderr);
    }

    let (key, client) = key_client(&app, "trading-1", &["--fapi"]).await;

    // An assertion signed with RS256 is refused, even with a registered RSA key.
    let rsa = ClientKey::rs256("rsa-1");
    let rsa_client = app
        .register_client(
            crate::REDIRECT_URI,
            &[
                "--first-party",
                "--jwks",
                &ClientKey::jwks(&[&rsa]).to_string(),
                "--fapi",
            ],
        )
        .await;
    let (_, challenge) = pkce();
    let pushed = [
        ("response_type", "code"),
        ("redirect_uri", crate::REDIRECT_URI),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let by_rsa = rsa.sign(&claims(&rsa_client.id, &app.base_url, "rsa-push"));
    let (status, body) = post_with_assertion(&app, "/par", &by_rsa, &pushed).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );

    // Not pushed: sent back.
    let (_, challenge) = pkce();
    let mut plain = url::Url::parse(&app.url("/authorize")).expect("a URL");
    plain
        .query_pairs_mut()
        .append_pair("client_id", &client.id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", crate::REDIRECT_URI)
        .append_pair("scope", "openid")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let (sent_back, _) = app.browser().follow_to_client(plain.as_str()).await;
    assert_eq!(
        query_parameter(&sent_back, "error").as_deref(),
        Some("invalid_request"),
        "{sent_back}"
    );
    // FAPI 2.0 §5.3.2.1: the assertion names the issuer, as one string, and nothing else;
    // the endpoint URL that other clients may use is refused.
    let (_, challenge) = pkce();
    let complete = [
        ("response_type", "code"),
        ("redirect_uri", crate::REDIRECT_URI),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let issuer_and_endpoint = json!([app.base_url, app.url("/par")]);
    for (jti, audience) in [
        ("par-endpoint", json!(app.url("/par"))),
        ("par-both", issuer_and_endpoint),
    ] {
        let mut claimed = claims(&client.id, &app.base_url, jti);
        claimed["aud"] = audience;
        let (status, body) =
            post_with_assertion(&app, "/par", &key.sign(&claimed), &complete).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{body}"
        );
    }
    // Pushed without PKCE: refused at /par.
    let assertion = key.sign(&claims(&client.id, &app.base_url, "par-no-pkce"));
    let (status, body) = post_with_assertion(
        &app,
        "/par",
        &assertion,
        &[
            ("response_type", "code"),
            ("redirect_uri", crate::REDIRECT_URI),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    // A secret is never accepted.
    let with_secret = reqwest::Client::new()
        .post(app.url("/par"))
        .basic_auth(&client.id, Some("a-secret"))
        .form(&[
            ("response_type", "code"),
            ("redirect_uri", crate::REDIRECT_URI),
        ])
        .send()
        .await
        .expect("a request");
    assert_eq!(with_secret.status(), 401);

    // The FAPI way: pushed, PKCE, private_key_jwt, a DPoP-bound token.
    let (callback, verifier) = fapi_authorize(&app, &key, &client, &app.browser(), &[], None).await;
    assert_eq!(
        query_parameter(&callback, "iss").as_deref(),
        Some(app.base_url.as_str())
    );
    let code = query_parameter(&callback, "code").expect("a code");
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", crate::REDIRECT_URI),
        ("code_verifier", verifier.as_str()),
    ];
    // Without a DPoP proof the token would be a bearer token: refused.
    let assertion = key.sign(&claims(&client.id, &app.base_url, "token-bearer"));
    let (status, body) = post_with_assertion(&app, "/token", &assertion, &exchange).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    // A proof signed with RS256 is refused (§5.4.1) and leaves the code usable; PS256 is fine.
    let (status, body) = dpop_exchange_with(
        &app,
        &key,
        &client,
        &code,
        &verifier,
        &DpopKey::generate_rsa("RS256"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    let app_key = DpopKey::generate_rsa("PS256");
    let (status, tokens) =
        dpop_exchange_with(&app, &key, &client, &code, &verifier, &app_key).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"].as_str().expect("an access token");
    assert_eq!(
        crate::code_flow::jwt_payload(access)["cnf"]["jkt"],
        app_key.thumbprint()
    );
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    assert_eq!(crate::code_flow::jwt_header(id_token)["alg"], "ES256");

    // The refresh token is bound to the key and not rotated (§5.3.2.1): a refresh whose
    // answer was lost leaves the client with a token that still works.
    let refresh_token = tokens["refresh_token"].as_str().expect("a refresh token");
    for attempt in ["first", "again"] {
        let (status, refreshed) = fapi_refresh(&app, &key, &client, refresh_token, &app_key).await;
        assert_eq!(status, 200, "{attempt}: {refreshed}");
        assert_eq!(refreshed["token_type"], "DPoP");
        assert_eq!(refreshed["refresh_token"].as_str(), Some(refresh_token));
    }
    let (status, stolen) =
        fapi_refresh(&app, &key, &client, refresh_token, &DpopKey::generate()).await;
    assert_eq!(
        (status, stolen["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{stolen}"
    );
}

async fn a_grant_made_before_fapi_is_not_refreshed_into_bearer_tokens(backend: Backend) {
    use crate::api::{Api, machine, machine_token};
    use gatehouse_tests::relying_party::{assert_oauth_error, query_parameter};
    let app = TestApp::start(backend).await;
    let (key, client) = key_client(&app, "late-1", &["--id-token-alg", "ES256"]).await;
    // Signed in while an ordinary client, without DPoP: a grant bound to no key.
    let (callback, verifier) = fapi_authorize(&app, &key, &client, &app.browser(), &[], None).await;
    let code = query_parameter(&callback, "code").expect("a code");
    let assertion = key.sign(&claims(&client.id, &app.base_url, "before-fapi"));
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", crate::REDIRECT_URI),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, tokens) = post_with_assertion(&app, "/token", &assertion, &exchange).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let refresh_token = tokens["refresh_token"].as_str().expect("a refresh token");

    let operator = machine(&app, "clients:read clients:write").await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let path = format!("/api/v1/clients/{}", client.id);
    let turned = api.patch(&path, &json!({"fapi": true}), None).await;
    assert_eq!(turned.status, 200, "{}", turned.body);

    // Refreshing it would hand a FAPI client bearer tokens: the user signs in again.
    let (status, body) =
        fapi_refresh(&app, &key, &client, refresh_token, &DpopKey::generate()).await;
    assert_oauth_error(
        (status, &body),
        400,
        "invalid_grant",
        "sign the user in again",
    );
}

/// Refreshes with `private_key_jwt` and a proof signed with `dpop_key`.
async fn fapi_refresh(
    app: &TestApp,
    key: &ClientKey,
    client: &RegisteredClient,
    refresh_token: &str,
    dpop_key: &DpopKey,
) -> (u16, Value) {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    fapi_token_request(app, key, client, &form, dpop_key).await
}

/// Posts `form` to `/token` as a FAPI client would: a fresh `private_key_jwt` assertion for
/// the issuer, and a proof signed with `dpop_key`.
async fn fapi_token_request(
    app: &TestApp,
    key: &ClientKey,
    client: &RegisteredClient,
    form: &[(&str, &str)],
    dpop_key: &DpopKey,
) -> (u16, Value) {
    let jti = uuid::Uuid::new_v4().to_string();
    let assertion = key.sign(&claims(&client.id, &app.base_url, &jti));
    let proof = dpop_key.proof("POST", &app.url("/token"), None);
    post_with_assertion_and_proof(app, "/token", &assertion, form, Some(proof)).await
}

async fn fapi_authorize(
    app: &TestApp,
    key: &ClientKey,
    client: &RegisteredClient,
    browser: &gatehouse_tests::Browser,
    extra: &[(&str, &str)],
    push_proof_key: Option<&DpopKey>,
) -> (String, String) {
    let (verifier, challenge) = pkce();
    let jti = uuid::Uuid::new_v4().to_string();
    let assertion = key.sign(&claims(&client.id, &app.base_url, &jti));
    let mut form = vec![
        ("response_type", "code"),
        ("redirect_uri", crate::REDIRECT_URI),
        ("scope", "openid"),
        ("state", "fapi"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    form.extend_from_slice(extra);
    let proof = push_proof_key.map(|key| key.proof("POST", &app.url("/par"), None));
    let (status, pushed) =
        post_with_assertion_and_proof(app, "/par", &assertion, &form, proof).await;
    assert_eq!(status, 201, "{pushed}");
    let url = crate::par::authorize_url(
        app,
        &client.id,
        pushed["request_uri"].as_str().expect("a request_uri"),
    );
    let callback = browser
        .authorize(url.as_str(), crate::EMAIL, crate::PASSWORD)
        .await;
    (callback, verifier)
}

/// Exchanges `code` with `private_key_jwt` and a proof of a fresh DPoP key; the token
/// response.
async fn dpop_exchange(
    app: &TestApp,
    key: &ClientKey,
    client: &RegisteredClient,
    code: &str,
    verifier: &str,
) -> Value {
    let (status, tokens) =
        dpop_exchange_with(app, key, client, code, verifier, &DpopKey::generate()).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

/// Exchanges `code` with `private_key_jwt` and a proof signed with `dpop_key`.
async fn dpop_exchange_with(
    app: &TestApp,
    key: &ClientKey,
    client: &RegisteredClient,
    code: &str,
    verifier: &str,
    dpop_key: &DpopKey,
) -> (u16, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", crate::REDIRECT_URI),
        ("code_verifier", verifier),
    ];
    fapi_token_request(app, key, client, &form, dpop_key).await
}

async fn a_studio_that_requires_fapi_admits_only_fapi_clients(backend: Backend) {
    use crate::code_flow::jwt_payload;
    use gatehouse_tests::relying_party::{query_parameter, relying_party};
    use openidconnect::TokenResponse as _;
    let app = TestApp::start(backend).await;
    let (key, fapi_client) = key_client(&app, "vault-1", &["--fapi"]).await;
    app.create_studio("vault", "Vault Trading", &[]).await;
    app.create_studio("desk", "Front Desk", &[]).await;
    app.add_member("vault", crate::EMAIL, "member", None).await;
    app.add_member("desk", crate::EMAIL, "member", None).await;
    let switched = app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "vault",
                "--fapi-required",
                "true",
            ],
            "",
        )
        .await;
    assert_eq!(switched.exit_code, 0, "{}", switched.stderr);

    // An ordinary portal: the vault is not offered, so the one studio left is chosen.
    let portal = app
        .register_client(crate::REDIRECT_URI, &["--first-party"])
        .await;
    let rp = relying_party(
        &app.base_url,
        &portal.id,
        portal.secret.as_deref(),
        crate::REDIRECT_URI,
    )
    .await;
    let browser = app.browser();
    let (url, verifier, _) = crate::authorization_request(&rp, &[], "");
    let callback = browser.authorize(&url, crate::EMAIL, crate::PASSWORD).await;
    let tokens = crate::exchange(&rp, &callback, verifier).await;
    let id_token = tokens.id_token().expect("an ID token").to_string();
    assert_eq!(jwt_payload(&id_token)["studio_slug"], "desk");
    // Asking for the vault by name is refused on a page, with no code and no redirect.
    let (url, _, _) = crate::authorization_request(&rp, &[], "&organization=vault");
    let refused = browser.get(&url).await;
    assert_eq!(refused.status, 403);
    assert!(refused.location.is_none());
    let explanation = gatehouse_server::i18n::translate("en", "error-studio-fapi", &[]);
    assert!(refused.body.contains(&explanation), "{}", refused.body);

    // The FAPI client reaches the vault, and its token says so.
    let (callback, verifier) = fapi_authorize(
        &app,
        &key,
        &fapi_client,
        &app.browser(),
        &[("organization", "vault")],
        None,
    )
    .await;
    let code = query_parameter(&callback, "code").expect("a code");
    let tokens = dpop_exchange(&app, &key, &fapi_client, &code, &verifier).await;
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    assert_eq!(jwt_payload(id_token)["studio_slug"], "vault");
    assert_eq!(
        jwt_payload(tokens["access_token"].as_str().expect("an access token"))["studio_slug"],
        "vault"
    );
}

async fn a_dpop_proof_sent_with_the_pushed_request_binds_the_code(backend: Backend) {
    use crate::code_flow::jwt_payload;
    use gatehouse_tests::relying_party::query_parameter;
    let app = TestApp::start(backend).await;
    let (key, client) = key_client(&app, "bound-1", &["--fapi"]).await;
    let app_key = DpopKey::generate();

    let (callback, verifier) =
        fapi_authorize(&app, &key, &client, &app.browser(), &[], Some(&app_key)).await;
    let code = query_parameter(&callback, "code").expect("a code");
    // Another key's proof, though the client authenticates: the code is not for it.
    let (status, body) =
        dpop_exchange_with(&app, &key, &client, &code, &verifier, &DpopKey::generate()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (status, tokens) =
        dpop_exchange_with(&app, &key, &client, &code, &verifier, &app_key).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().expect("an access token");
    assert_eq!(jwt_payload(access)["cnf"]["jkt"], app_key.thumbprint());

    // dpop_jkt and the proof sent with the push must name the same key.
    let (_, challenge) = pkce();
    let other_jkt = DpopKey::generate().thumbprint();
    let form = [
        ("response_type", "code"),
        ("redirect_uri", crate::REDIRECT_URI),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("dpop_jkt", other_jkt.as_str()),
    ];
    let assertion = key.sign(&claims(&client.id, &app.base_url, "push-mismatch"));
    let proof = app_key.proof("POST", &app.url("/par"), None);
    let (status, body) =
        post_with_assertion_and_proof(&app, "/par", &assertion, &form, Some(proof)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    // A proof made for another endpoint is refused, not ignored.
    let assertion = key.sign(&claims(&client.id, &app.base_url, "push-wrong-htu"));
    let proof = app_key.proof("POST", &app.url("/token"), None);
    let (status, body) =
        post_with_assertion_and_proof(&app, "/par", &assertion, &form[..5], Some(proof)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
}
