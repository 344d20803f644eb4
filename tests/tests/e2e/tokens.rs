use crate::code_flow::jwt_payload;
use crate::{EMAIL, REDIRECT_URI, World, client_post, sign_in, token_request, userinfo};
use gatehouse_tests::relying_party::http_client;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::{OAuth2TokenResponse, TokenResponse};

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &["offline_access"]).await;
    let first = signed_in
        .tokens
        .refresh_token()
        .expect("a refresh token")
        .clone();

    let refreshed = world
        .rp
        .exchange_refresh_token(&first)
        .expect("token endpoint")
        .request_async(&http_client())
        .await
        .expect("refresh succeeds");
    let second = refreshed
        .refresh_token()
        .expect("a rotated refresh token")
        .clone();
    assert_ne!(first.secret(), second.secret(), "refresh tokens rotate");
    assert!(
        refreshed.id_token().is_some(),
        "openid grants get a fresh ID token"
    );
    let new_access = refreshed.access_token().secret().clone();
    assert_eq!(userinfo(&world.app, &new_access).await.status(), 200);

    // The rotated token comes back: someone kept a copy. The whole family dies.
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.secret()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", second.secret()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the successor is revoked too"
    );
    assert_eq!(
        userinfo(&world.app, &new_access).await.status(),
        401,
        "and so are its access tokens"
    );

    // Asking for more scope than granted is invalid_scope.
    let again = sign_in(&world, &[]).await;
    let refresh = again
        .tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "openid email"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
}

async fn revocation_and_introspection(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &["email"]).await;
    let access = signed_in.tokens.access_token().secret().clone();
    let refresh = signed_in
        .tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();

    let introspected: serde_json::Value = client_post(
        &world.app,
        &world.client,
        "/introspect",
        &[("token", &access)],
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(introspected["active"], true);
    assert_eq!(introspected["sub"], world.user_id.as_str());
    assert_eq!(introspected["client_id"], world.client.id.as_str());
    assert_eq!(introspected["username"], EMAIL);
    assert_eq!(introspected["scope"], "email openid");
    let introspected: serde_json::Value = client_post(
        &world.app,
        &world.client,
        "/introspect",
        &[("token", &refresh)],
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(introspected["active"], true);
    assert_eq!(introspected["token_type"], "refresh_token");

    // Revoking the access token alone.
    let response = client_post(
        &world.app,
        &world.client,
        "/revoke",
        &[("token", &access), ("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let introspected: serde_json::Value = client_post(
        &world.app,
        &world.client,
        "/introspect",
        &[("token", &access)],
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(introspected, serde_json::json!({ "active": false }));
    let response = userinfo(&world.app, &access).await;
    assert_eq!(response.status(), 401);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        challenge.starts_with("Bearer") && challenge.contains("invalid_token"),
        "{challenge}"
    );

    // Revoking the refresh token ends the grant.
    let response = client_post(&world.app, &world.client, "/revoke", &[("token", &refresh)]).await;
    assert_eq!(response.status(), 200);
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Unknown tokens are "revoked" without complaint (RFC 7009 §2.2).
    let response = client_post(
        &world.app,
        &world.client,
        "/revoke",
        &[("token", "not-a-token")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let response = client_post(
        &world.app,
        &world.client,
        "/revoke",
        &[("token", "x"), ("token_type_hint", "id_token")],
    )
    .await;
    assert_eq!(response.status(), 400);
}

async fn client_credentials_issue_service_tokens(backend: Backend) {
    let app = TestApp::start(backend).await;
    let service = app
        .register_client(
            REDIRECT_URI,
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "reports:read reports:write",
            ],
        )
        .await;
    let (status, body) = token_request(
        &app,
        &service,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "reports:read"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "reports:read");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let access = body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let claims = jwt_payload(&access);
    assert_eq!(claims["sub"], service.id.as_str());
    assert_eq!(claims["aud"], serde_json::json!([service.id]));

    let introspected: serde_json::Value =
        client_post(&app, &service, "/introspect", &[("token", &access)])
            .await
            .json()
            .await
            .expect("JSON");
    assert_eq!(introspected["active"], true);
    assert!(introspected.get("username").is_none());

    let (status, body) =
        token_request(&app, &service, &[("grant_type", "client_credentials")]).await;
    assert_eq!(
        (status, body["scope"].as_str()),
        (200, Some("reports:read reports:write"))
    );
    let (status, body) = token_request(
        &app,
        &service,
        &[("grant_type", "client_credentials"), ("scope", "openid")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = token_request(
        &app,
        &service,
        &[("grant_type", "client_credentials"), ("scope", "admin")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = token_request(&app, &service, &[("grant_type", "password")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );

    let web = app.register_client(REDIRECT_URI, &[]).await;
    let (status, body) = token_request(&app, &web, &[("grant_type", "client_credentials")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );

    // client_secret_post works as well as HTTP Basic.
    let response = reqwest::Client::new()
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", service.id.as_str()),
            (
                "client_secret",
                service.secret.as_deref().unwrap_or_default(),
            ),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok()),
        Some("no-store")
    );
}

async fn rotated_keys_keep_issued_tokens_valid(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("keys", "reload_interval_seconds", "1")
        .start()
        .await;
    let world = World::start_with(app, &["--first-party"]).await;
    let signed_in = sign_in(&world, &[]).await;
    let old_kid = jwt_header_kid(&signed_in.tokens.id_token().expect("id token").to_string());
    let published = published_kids(&world.app).await;

    let output = world.app.cli(&["keys", "rotate"], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let rotated: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let rotations = rotated["rotated"].as_array().expect("rotations");
    assert_eq!(rotations.len(), 3);
    let rs256 = rotations
        .iter()
        .find(|rotation| rotation["algorithm"] == "RS256")
        .expect("RS256 rotated");
    let promoted = rs256["current_kid"].as_str().expect("kid").to_owned();
    assert!(
        published.contains(&promoted),
        "the promoted key was published before it signed anything"
    );
    assert_eq!(rs256["retired_kid"].as_str(), Some(old_kid.as_str()));

    // The running server re-reads its keys within keys.reload_interval_seconds.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let after: serde_json::Value = reqwest::get(world.app.url("/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        after["keys"].as_array().map(Vec::len),
        Some(9),
        "retired, current and next keys are published"
    );
    let again = sign_in(&world, &[]).await;
    let new_id_token = again.tokens.id_token().expect("id token");
    assert_eq!(jwt_header_kid(&new_id_token.to_string()), promoted);
    new_id_token
        .claims(&world.rp.id_token_verifier(), &again.nonce)
        .expect("tokens signed by the promoted key verify");
    // Tokens signed before the rotation stay valid.
    assert_eq!(
        userinfo(&world.app, signed_in.tokens.access_token().secret())
            .await
            .status(),
        200
    );
}

/// Keys rotate on their own once the next key has been published `keys.rotate_every_days`,
/// once, however often the maintenance task looks.
async fn keys_rotate_on_schedule(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("keys", "reload_interval_seconds", "1")
        .with_setting("keys", "rotate_every_days", "90")
        .start()
        .await;
    let service = app
        .register_client(
            REDIRECT_URI,
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "reports:read",
            ],
        )
        .await;
    let token_kid = || async {
        let (status, body) =
            token_request(&app, &service, &[("grant_type", "client_credentials")]).await;
        assert_eq!(status, 200, "{body}");
        jwt_header_kid(body["access_token"].as_str().expect("an access token"))
    };
    let first_kid = token_kid().await;
    let before = published_kids(&app).await;

    // 89 days: nothing happens.
    app.clock.advance(89 * 86_400);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < deadline {
        assert_eq!(token_kid().await, first_kid, "rotated too early");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // 90 days after the next keys were published, the maintenance task rotates.
    app.clock.advance(86_400);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let new_kid = loop {
        let kid = token_kid().await;
        if kid != first_kid {
            break kid;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scheduled rotation within 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(
        before.contains(&new_kid),
        "the key that now signs was published before the rotation"
    );
    let after = published_kids(&app).await;
    assert!(
        after.contains(&first_kid),
        "the retired key stays published"
    );
    let keys = app.cli(&["keys", "list"], "").await;
    let keys: serde_json::Value = serde_json::from_str(&keys.stdout).expect("JSON");
    assert_eq!(
        keys.as_array().map(Vec::len),
        Some(9),
        "one rotation: three retired, three current, three next"
    );
}

/// The key ids the JWKS publishes.
async fn published_kids(app: &TestApp) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(app.url("/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("JSON");
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|key| key["kid"].as_str().map(str::to_owned))
        .collect()
}

fn jwt_header_kid(token: &str) -> String {
    use base64::Engine as _;
    let header = token.split('.').next().expect("header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("base64url");
    let header: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    header["kid"].as_str().expect("kid").to_owned()
}

/// The server remembers tokens whose signature it checked; a token that differs from one it
/// remembers in any part (another subject with the same signature) is still checked, and
/// refused.
async fn a_remembered_signature_covers_only_its_own_token(backend: Backend) {
    use base64::Engine as _;
    let world = World::start_with(TestApp::start(backend).await, &["--first-party"]).await;
    let signed_in = sign_in(&world, &[]).await;
    let access = signed_in.tokens.access_token().secret().clone();
    let subject = jwt_payload(&access)["sub"].clone();
    for _ in 0..2 {
        let response = userinfo(&world.app, &access).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["sub"], subject);
    }
    let parts: Vec<&str> = access.split('.').collect();
    let mut claims = jwt_payload(&access);
    claims["sub"] = "someone-else".into();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&claims).expect("JSON"));
    let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
    let response = userinfo(&world.app, &forged).await;
    assert_eq!(response.status(), 401);
    assert!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("invalid_token")),
        "{:?}",
        response.headers()
    );
}

/// The server keeps a copy of a client it just used; a secret rotated by another process
/// (here the CLI, as it could be another node) must work at once all the same.
async fn a_secret_rotated_elsewhere_works_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let service = app
        .register_client(
            REDIRECT_URI,
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "reports:read",
            ],
        )
        .await;
    let grant = [("grant_type", "client_credentials")];
    let (status, body) = token_request(&app, &service, &grant).await;
    assert_eq!(status, 200, "{body}");

    let output = app
        .cli(
            &["clients", "rotate-secret", "--client-id", &service.id],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("not shown again"),
        "{}",
        output.stderr
    );
    let printed: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let rotated = RegisteredClient {
        id: service.id.clone(),
        secret: printed["client_secret"].as_str().map(str::to_owned),
    };
    assert_ne!(rotated.secret, service.secret);
    let (status, body) = token_request(&app, &rotated, &grant).await;
    assert_eq!(status, 200, "the new secret is refused: {body}");
    assert_eq!(body["token_type"], "Bearer");

    // A public client has no secret to rotate.
    let public = app.register_client(REDIRECT_URI, &["--public"]).await;
    let output = app
        .cli(&["clients", "rotate-secret", "--client-id", &public.id], "")
        .await;
    assert_ne!(output.exit_code, 0);
    assert!(output.stderr.contains("public client"), "{}", output.stderr);
}

gatehouse_tests::on_both_backends!(
    a_remembered_signature_covers_only_its_own_token,
    a_secret_rotated_elsewhere_works_at_once,
    refresh_rotates_and_reuse_revokes_the_family,
    revocation_and_introspection,
    client_credentials_issue_service_tokens,
    rotated_keys_keep_issued_tokens_valid,
    keys_rotate_on_schedule,
);
