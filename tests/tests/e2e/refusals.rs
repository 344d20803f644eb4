use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, sign_in, token_request};
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier};

/// Signs in and returns a fresh code with its verifier, without exchanging it.
async fn fresh_code(world: &World) -> (String, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let callback = world
        .app
        .browser()
        .authorize(url.as_str(), EMAIL, PASSWORD)
        .await;
    (query_parameter(&callback, "code").expect("code"), verifier)
}

async fn wrong_client_secret_is_invalid_client(backend: Backend) {
    // A long back-off so that a slow test machine cannot outwait it between attempts.
    let app = TestApp::builder(backend)
        .with_setting("login", "base_delay_seconds", "60")
        .start()
        .await;
    let world = World::start_with(app, &["--first-party"]).await;
    let impostor = RegisteredClient {
        id: world.client.id.clone(),
        secret: Some("not-the-secret".into()),
    };
    let response = reqwest::Client::new()
        .post(world.app.url("/token"))
        .basic_auth(&impostor.id, impostor.secret.as_deref())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 401);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(challenge.starts_with("Basic"), "{challenge}");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "invalid_client");

    let (status, body) = token_request(
        &world.app,
        &RegisteredClient {
            id: "no-such-client".into(),
            secret: Some("x".into()),
        },
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // Repeated failures from one client id are slowed down with 429 and Retry-After.
    let mut last = 0;
    for _ in 0..8 {
        let (status, _) = token_request(
            &world.app,
            &impostor,
            &[("grant_type", "client_credentials")],
        )
        .await;
        last = status;
    }
    assert_eq!(last, 429);
}

async fn reused_code_is_refused_and_revokes_its_tokens(backend: Backend) {
    let world = World::start(backend).await;
    let (code, verifier) = fresh_code(&world).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", verifier.secret().as_str()),
    ];
    let (status, first) = token_request(&world.app, &world.client, &form).await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = token_request(&world.app, &world.client, &form).await;
    assert_eq!(
        (status, second["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let access = first["access_token"].as_str().expect("access token");
    assert_eq!(
        crate::userinfo(&world.app, access).await.status(),
        401,
        "the replay revoked the first exchange's tokens"
    );
    let refresh = first["refresh_token"].as_str().expect("refresh token");
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(status, 400);
}

async fn wrong_or_missing_pkce_verifier_is_invalid_grant(backend: Backend) {
    let world = World::start(backend).await;
    let (code, _verifier) = fresh_code(&world).await;
    let wrong = PkceCodeVerifier::new("a".repeat(43));
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", wrong.secret().as_str()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (code, _verifier) = fresh_code(&world).await;
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (code, verifier) = fresh_code(&world).await;
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://rp.example/other"),
            ("code_verifier", verifier.secret().as_str()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "redirect_uri must match"
    );
}

async fn unregistered_redirect_uri_is_never_redirected_to(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let page = browser
        .get(&format!(
            "/authorize?client_id={}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code&scope=openid&state=s",
            world.client.id
        ))
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.location.is_none(),
        "no redirect to an unregistered URI"
    );
    assert!(
        page.body.contains("not registered for this application"),
        "{}",
        page.body
    );
    let unknown = browser
        .get("/authorize?client_id=nobody&redirect_uri=https%3A%2F%2Frp.example%2Fcallback&response_type=code&scope=openid")
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.location.is_none());

    // Errors after the redirect URI is validated do go back to the client.
    let refused = browser
        .get(&format!(
            "/authorize?client_id={}&redirect_uri=https%3A%2F%2Frp.example%2Fcallback&response_type=token&scope=openid&state=s",
            world.client.id
        ))
        .await;
    assert!(refused.redirect().starts_with(REDIRECT_URI));
    assert_eq!(
        query_parameter(refused.redirect(), "error").as_deref(),
        Some("unsupported_response_type")
    );
    assert_eq!(
        query_parameter(refused.redirect(), "state").as_deref(),
        Some("s")
    );
    let plain = browser
        .get(&format!(
            "/authorize?client_id={}&redirect_uri=https%3A%2F%2Frp.example%2Fcallback&response_type=code&scope=openid&code_challenge={}&code_challenge_method=plain",
            world.client.id,
            "a".repeat(43)
        ))
        .await;
    assert_eq!(
        query_parameter(plain.redirect(), "error").as_deref(),
        Some("invalid_request")
    );
}

async fn prompt_none_without_session_is_login_required(backend: Backend) {
    let world = World::start(backend).await;
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, state, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let response = world.app.browser().get(&format!("{url}&prompt=none")).await;
    let location = response.redirect();
    assert!(location.starts_with(REDIRECT_URI));
    assert_eq!(
        query_parameter(location, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(
        query_parameter(location, "state").as_deref(),
        Some(state.secret().as_str())
    );
    assert_eq!(
        query_parameter(location, "iss").as_deref(),
        Some(world.app.base_url.as_str())
    );
}

async fn missing_csrf_token_is_refused(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    assert!(page.form_value("csrf_token").is_some());
    let refused = browser
        .post("/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("This form has expired"),
        "{}",
        refused.body
    );
    assert!(
        !refused
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_session="))
    );
    let forged = browser
        .post(
            "/login",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    // A token from another browser does not fit this browser's cookie.
    let other = world.app.browser();
    let foreign = other
        .get("/login")
        .await
        .form_value("csrf_token")
        .expect("token");
    let crossed = browser
        .post(
            "/login",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("csrf_token", &foreign),
            ],
        )
        .await;
    assert_eq!(crossed.status, 403);
}

async fn refresh_token_of_another_client_is_refused(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &[]).await;
    let refresh = signed_in
        .tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();
    let other = world.app.register_client(REDIRECT_URI, &[]).await;
    let (status, body) = token_request(
        &world.app,
        &other,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // ... and the owner can still use it.
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 200);
}

gatehouse_tests::on_both_backends!(
    wrong_client_secret_is_invalid_client,
    reused_code_is_refused_and_revokes_its_tokens,
    wrong_or_missing_pkce_verifier_is_invalid_grant,
    unregistered_redirect_uri_is_never_redirected_to,
    prompt_none_without_session_is_login_required,
    missing_csrf_token_is_refused,
    refresh_token_of_another_client_is_refused,
);
