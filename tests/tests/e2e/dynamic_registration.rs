//! Dynamic client registration (RFC 7591 / 7592) as a relying party that registers itself
//! does it: with an initial access token from an administrator, then signing a user in with
//! what it got, reading and deleting its registration.

use crate::{EMAIL, PASSWORD, REDIRECT_URI, authorization_request, exchange};
use gatehouse_tests::relying_party::relying_party;
use gatehouse_tests::{Backend, TestApp};
use openidconnect::TokenResponse as _;
use serde_json::{Value, json};

async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Option<String>, Value) {
    let mut request = reqwest::Client::new()
        .post(app.url("/connect/register"))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("a registration request");
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (status, challenge, response.json().await.unwrap_or_default())
}

async fn initial_token(app: &TestApp) -> String {
    let output = app.cli(&["clients", "initial-token"], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let printed: Value = serde_json::from_str(&output.stdout).expect("JSON");
    printed["initial_access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

async fn a_client_registers_itself_with_an_initial_access_token(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("dynamic_registration", "enabled", "true")
        .start()
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    let discovery = crate::discovery_document(&app).await;
    assert_eq!(
        discovery["registration_endpoint"],
        app.url("/connect/register")
    );

    let metadata = json!({
        "client_name": "Partner portal",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "scope": "openid email",
        "token_endpoint_auth_method": "client_secret_basic",
    });
    // Without an initial access token: refused, with a bearer challenge.
    let (status, challenge, body) = post(&app, None, &metadata).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    assert!(challenge.is_some_and(|challenge| challenge.starts_with("Bearer")));
    let (status, _, _) = post(&app, Some("made-up"), &metadata).await;
    assert_eq!(status, 401);

    // A client may not give itself the management API's scopes; the token survives the
    // refusal and serves the corrected request.
    let token = initial_token(&app).await;
    let mut greedy = metadata.clone();
    greedy["scope"] = json!("openid users:write");
    let (status, _, body) = post(&app, Some(&token), &greedy).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_client_metadata")),
        "{body}"
    );
    let mut unsafe_redirect = metadata.clone();
    unsafe_redirect["redirect_uris"] = json!(["http://partner.example/cb"]);
    let (status, _, body) = post(&app, Some(&token), &unsafe_redirect).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_redirect_uri")),
        "{body}"
    );
    let (status, _, registered) = post(&app, Some(&token), &metadata).await;
    assert_eq!(status, 201, "{registered}");
    let client_id = registered["client_id"].as_str().expect("a client_id");
    let secret = registered["client_secret"].as_str().expect("a secret");
    let management_token = registered["registration_access_token"]
        .as_str()
        .expect("a registration access token");
    assert_eq!(registered["client_secret_expires_at"], 0);
    assert_eq!(registered["scope"], "email openid");
    // One registration per initial token.
    let (status, _, _) = post(&app, Some(&token), &metadata).await;
    assert_eq!(status, 401);
    // Even when five registrations race with a fresh one.
    let raced = initial_token(&app).await;
    let answers =
        futures_util::future::join_all((0..5).map(|_| post(&app, Some(&raced), &metadata))).await;
    let statuses: Vec<u16> = answers.iter().map(|(status, _, _)| *status).collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 201).count(),
        1,
        "{statuses:?}"
    );

    // The new client signs a user in (after the consent a third party gets).
    let rp = relying_party(&app.base_url, client_id, Some(secret), REDIRECT_URI).await;
    let (url, verifier, nonce) = authorization_request(&rp, &["email"], "");
    let callback = app.browser().authorize(&url, EMAIL, PASSWORD).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    let tokens = exchange(&rp, &callback, verifier).await;
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&rp.id_token_verifier(), &nonce)
        .expect("the ID token verifies");
    assert_eq!(claims.email().map(|email| email.as_str()), Some(EMAIL));

    // RFC 7592: it reads its registration with its token, and nobody else can.
    let registration_uri = registered["registration_client_uri"]
        .as_str()
        .expect("a registration URI");
    let http = reqwest::Client::new();
    let read = http
        .get(registration_uri)
        .bearer_auth(management_token)
        .send()
        .await
        .expect("a read");
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.expect("JSON");
    assert_eq!(read["client_name"], "Partner portal");
    assert!(read.get("client_secret").is_none());
    let stranger = http
        .get(registration_uri)
        .bearer_auth(&token)
        .send()
        .await
        .expect("a read");
    assert_eq!(stranger.status(), 401);
    // Deregistered, it is gone.
    let deleted = http
        .delete(registration_uri)
        .bearer_auth(management_token)
        .send()
        .await
        .expect("a delete");
    assert_eq!(deleted.status(), 204);
    let token_request = http
        .post(app.url("/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("a token request");
    assert_eq!(token_request.status(), 401);
}

async fn registration_is_off_by_default(backend: Backend) {
    let app = TestApp::start(backend).await;
    let discovery = crate::discovery_document(&app).await;
    assert!(discovery.get("registration_endpoint").is_none());
    let token = initial_token(&app).await;
    let (status, _, _) = post(
        &app,
        Some(&token),
        &json!({"redirect_uris": [REDIRECT_URI]}),
    )
    .await;
    assert_eq!(status, 404);
}

/// RFC 7592 §2.2: the client sends its whole registration back, changed; what it leaves
/// out returns to the default, and how it authenticates cannot change.
async fn a_registered_client_replaces_its_registration(backend: Backend) {
    const NEW_REDIRECT_URI: &str = "https://rp.example/v2/callback";
    let app = TestApp::builder(backend)
        .with_setting("dynamic_registration", "enabled", "true")
        .start()
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    let token = initial_token(&app).await;
    let (status, _, registered) = post(
        &app,
        Some(&token),
        &json!({
            "client_name": "Partner portal",
            "redirect_uris": [REDIRECT_URI],
            "scope": "openid email",
        }),
    )
    .await;
    assert_eq!(status, 201, "{registered}");
    let client_id = registered["client_id"].as_str().expect("a client_id");
    let secret = registered["client_secret"].as_str().expect("a secret");
    let management_token = registered["registration_access_token"]
        .as_str()
        .expect("a registration access token");
    let registration_uri = registered["registration_client_uri"]
        .as_str()
        .expect("a registration URI");
    let http = reqwest::Client::new();
    let put = |body: Value, bearer: &str| {
        http.put(registration_uri)
            .bearer_auth(bearer)
            .json(&body)
            .send()
    };
    let replacement = json!({
        "client_id": client_id,
        "client_secret": secret,
        "client_name": "Partner portal v2",
        "redirect_uris": [NEW_REDIRECT_URI],
        "scope": "openid email phone",
        "userinfo_signed_response_alg": "ES256",
    });

    // Refused: without the registration access token, without its own client_id, with a
    // secret that is not its own, or switching to another authentication method.
    let stranger = put(replacement.clone(), &token).await.expect("a PUT");
    assert_eq!(stranger.status(), 401);
    for (change, why) in [
        (json!({"client_id": null}), "no client_id"),
        (json!({"client_secret": "guessed"}), "someone else's secret"),
        (
            json!({"token_endpoint_auth_method": "none"}),
            "becoming a public client",
        ),
    ] {
        let mut body = replacement.clone();
        for (field, value) in change.as_object().expect("an object") {
            body[field] = value.clone();
        }
        let refused = put(body, management_token).await.expect("a PUT");
        assert_eq!(refused.status(), 400, "{why}");
        let refused: Value = refused.json().await.expect("JSON");
        assert_eq!(
            refused["error"], "invalid_client_metadata",
            "{why}: {refused}"
        );
    }

    let replaced = put(replacement, management_token).await.expect("a PUT");
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.expect("JSON");
    assert_eq!(replaced["client_name"], "Partner portal v2");
    assert_eq!(replaced["redirect_uris"], json!([NEW_REDIRECT_URI]));
    assert_eq!(replaced["scope"], "email openid phone");
    assert_eq!(replaced["userinfo_signed_response_alg"], "ES256");
    assert!(
        replaced.get("client_secret").is_none(),
        "the secret is not shown again"
    );

    // The registration as it now stands is what the client signs in with: the new redirect
    // URI works with the same secret, and the old one is no longer registered.
    let rp = relying_party(&app.base_url, client_id, Some(secret), NEW_REDIRECT_URI).await;
    let (url, verifier, nonce) = authorization_request(&rp, &["email"], "");
    let callback = app.browser().authorize(&url, EMAIL, PASSWORD).await;
    assert!(callback.starts_with(NEW_REDIRECT_URI), "{callback}");
    let tokens = exchange(&rp, &callback, verifier).await;
    tokens
        .id_token()
        .expect("an ID token")
        .claims(&rp.id_token_verifier(), &nonce)
        .expect("the ID token verifies");
    let old = relying_party(&app.base_url, client_id, Some(secret), REDIRECT_URI).await;
    let (url, _, _) = authorization_request(&old, &["email"], "");
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(url.as_str())
        .send()
        .await
        .expect("an authorization request");
    assert_eq!(
        page.status(),
        400,
        "never redirected to an unregistered URI"
    );
}

gatehouse_tests::on_both_backends!(
    a_registered_client_replaces_its_registration,
    a_client_registers_itself_with_an_initial_access_token,
    registration_is_off_by_default,
);
