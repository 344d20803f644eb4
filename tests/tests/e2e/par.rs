//! Pushed authorization requests (RFC 9126), as a client library that supports them sends
//! them: the request posted with the client's credentials, the browser sent with only
//! `client_id` and `request_uri`.

use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, token_request};
use base64::Engine as _;
use gatehouse_server::i18n::translate;
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use serde_json::Value;
use sha2::Digest as _;

/// A PKCE verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = format!("verifier-{}", uuid::Uuid::new_v4().simple()).repeat(2);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Posts an authorization request to `/par` as `client`.
async fn push(app: &TestApp, client: &RegisteredClient, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/par"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .expect("a PAR request");
    let status = response.status().as_u16();
    if status == 201 {
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|value| value.to_str().ok()),
            Some("no-store")
        );
    }
    (status, response.json().await.unwrap_or_default())
}

/// `/authorize` with only `client_id` and a pushed request's `request_uri`.
pub(crate) fn authorize_url(app: &TestApp, client_id: &str, request_uri: &str) -> String {
    let mut url = url::Url::parse(&app.url("/authorize")).expect("a URL");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("request_uri", request_uri);
    url.into()
}

async fn a_pushed_request_signs_the_user_in_once(backend: Backend) {
    let world = World::start_with(
        TestApp::start(backend).await,
        &["--first-party", "--require-par"],
    )
    .await;
    let app = &world.app;
    let discovery = crate::discovery_document(app).await;
    assert_eq!(
        discovery["pushed_authorization_request_endpoint"],
        app.url("/par")
    );

    let (verifier, challenge) = pkce();
    let request = [
        ("response_type", "code"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email"),
        ("state", "pushed-state"),
        ("nonce", "pushed-nonce"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let (status, pushed) = push(app, &world.client, &request).await;
    assert_eq!(status, 201, "{pushed}");
    let request_uri = pushed["request_uri"].as_str().expect("a request_uri");
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    assert!(
        pushed["expires_in"]
            .as_i64()
            .is_some_and(|seconds| (1..=600).contains(&seconds))
    );

    // The browser carries only the reference; the parameters come from the pushed request.
    let url = authorize_url(app, &world.client.id, request_uri);
    let callback = app.browser().authorize(&url, EMAIL, PASSWORD).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    assert_eq!(
        query_parameter(&callback, "state").as_deref(),
        Some("pushed-state")
    );
    let code = query_parameter(&callback, "code").expect("a code");
    let (status, tokens) = token_request(
        app,
        &world.client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["id_token"].as_str().is_some());

    // Used once: the same request_uri again is an expired request, shown on a page.
    let again = app.browser().get(&url).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(
        again
            .body
            .contains(&translate("en", "error-flow-expired", &[])),
        "{}",
        again.body
    );

    // Five browsers racing with one fresh request_uri: one goes on to sign in.
    let (_, challenge) = pkce();
    let mut racing = request.to_vec();
    racing.retain(|(name, _)| *name != "code_challenge");
    racing.push(("code_challenge", challenge.as_str()));
    let (status, pushed) = push(app, &world.client, &racing).await;
    assert_eq!(status, 201, "{pushed}");
    let url = authorize_url(
        app,
        &world.client.id,
        pushed["request_uri"].as_str().expect("a request_uri"),
    );
    let browsers: Vec<_> = (0..5).map(|_| app.browser()).collect();
    let pages =
        futures_util::future::join_all(browsers.iter().map(|browser| browser.get(&url))).await;
    let statuses: Vec<u16> = pages.iter().map(|page| page.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|status| **status != 400).count(),
        1,
        "{statuses:?}"
    );

    // This client must push: a plain request is sent back with invalid_request.
    let (_, plain_challenge) = pkce();
    let mut plain = url::Url::parse(&app.url("/authorize")).expect("a URL");
    plain
        .query_pairs_mut()
        .append_pair("client_id", &world.client.id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("scope", "openid")
        .append_pair("state", "plain")
        .append_pair("code_challenge", &plain_challenge)
        .append_pair("code_challenge_method", "S256");
    let (refused, _) = app.browser().follow_to_client(plain.as_str()).await;
    assert!(refused.starts_with(REDIRECT_URI), "{refused}");
    assert_eq!(
        query_parameter(&refused, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_parameter(&refused, "state").as_deref(), Some("plain"));
}

async fn a_bad_pushed_request_is_refused_to_the_client_not_the_browser(backend: Backend) {
    let world = World::start(backend).await;
    let app = &world.app;
    let (_, challenge) = pkce();
    let base = [
        ("response_type", "code"),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    // An unregistered redirect URI is answered to the client, never redirected to.
    let mut unregistered = base.to_vec();
    unregistered.push(("redirect_uri", "https://attacker.example/cb"));
    let (status, body) = push(app, &world.client, &unregistered).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    // The implicit flow is refused as /authorize refuses it, and a request naming a
    // request_uri itself is invalid.
    let (status, body) = push(
        app,
        &world.client,
        &[
            ("response_type", "token"),
            ("scope", "openid"),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_response_type")),
        "{body}"
    );
    let mut nested = base.to_vec();
    nested.push(("redirect_uri", REDIRECT_URI));
    nested.push(("request_uri", "urn:ietf:params:oauth:request_uri:x"));
    let (status, _) = push(app, &world.client, &nested).await;
    assert_eq!(status, 400);
    // Without the client's credentials, nothing is pushed.
    let stranger = RegisteredClient {
        id: world.client.id.clone(),
        secret: Some("wrong".to_owned()),
    };
    let mut valid = base.to_vec();
    valid.push(("redirect_uri", REDIRECT_URI));
    let (status, body) = push(app, &stranger, &valid).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // Pushed for one client, a request_uri cannot be used by another.
    let (status, pushed) = push(app, &world.client, &valid).await;
    assert_eq!(status, 201, "{pushed}");
    let other = app.register_client(REDIRECT_URI, &["--first-party"]).await;
    let url = authorize_url(
        app,
        &other.id,
        pushed["request_uri"].as_str().expect("a request_uri"),
    );
    let page = app.browser().get(&url).await;
    assert_eq!(page.status, 400, "{}", page.body);
}

gatehouse_tests::on_both_backends!(
    a_pushed_request_signs_the_user_in_once,
    a_bad_pushed_request_is_refused_to_the_client_not_the_browser,
);
