use crate::{EMAIL, PASSWORD, REDIRECT_URI, authorization_request, exchange};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine as _;
use gatehouse_tests::relying_party::relying_party;
use gatehouse_tests::{Backend, TestApp};
use openidconnect::{OAuth2TokenResponse, TokenResponse};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A relying party's back-channel endpoint: fails the first delivery, then accepts.
#[derive(Clone, Default)]
struct Receiver {
    attempts: Arc<Mutex<Vec<String>>>,
}

async fn receive(
    State(receiver): State<Receiver>,
    Form(form): Form<HashMap<String, String>>,
) -> StatusCode {
    let mut attempts = receiver
        .attempts
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    attempts.push(form.get("logout_token").cloned().unwrap_or_default());
    if attempts.len() == 1 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

fn decode_part(token: &str, index: usize) -> serde_json::Value {
    let part = token.split('.').nth(index).expect("JWT part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

async fn backchannel_logout_is_delivered_with_retries(backend: Backend) {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let receiver_url = format!(
        "http://127.0.0.1:{}/backchannel-logout",
        listener.local_addr().expect("address").port()
    );
    let router = Router::new()
        .route("/backchannel-logout", post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = TestApp::builder(backend)
        .with_setting("outbox", "poll_interval_seconds", "1")
        .with_setting("outbox", "retry_base_seconds", "1")
        .start()
        .await;
    let client = app
        .register_client(
            REDIRECT_URI,
            &["--first-party", "--backchannel-logout-uri", &receiver_url],
        )
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    let rp = relying_party(
        &app.base_url,
        &client.id,
        client.secret.as_deref(),
        REDIRECT_URI,
    )
    .await;
    let browser = app.browser();
    let (url, verifier, _) = authorization_request(&rp, &[], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&rp, &callback, verifier).await;
    let id_token = tokens.id_token().expect("id token").to_string();
    let id_claims = decode_part(&id_token, 1);

    let logout = browser
        .get(&format!("/logout?id_token_hint={id_token}"))
        .await;
    assert_eq!(logout.status, 200, "signed out");

    // The first delivery fails; the outbox retries after its back-off.
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered = receiver
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if delivered.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivered.len(), 2, "one failed attempt and one retry");
    let token = &delivered[1];
    let header = decode_part(token, 0);
    assert_eq!(header["typ"], "logout+jwt");
    let claims = decode_part(token, 1);
    assert_eq!(claims["iss"], app.base_url.as_str());
    assert_eq!(claims["aud"], client.id.as_str());
    assert_eq!(claims["sub"], id_claims["sub"]);
    assert_eq!(claims["sid"], id_claims["sid"]);
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    assert!(
        claims.get("nonce").is_none(),
        "logout tokens never carry a nonce"
    );
    assert!(claims["jti"].is_string() && claims["iat"].is_number() && claims["exp"].is_number());

    // The signature verifies against the published key with the header's kid.
    let jwks: serde_json::Value = reqwest::get(app.url("/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("JSON");
    let kid = header["kid"].as_str().expect("kid");
    let key = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["kid"] == kid)
        .expect("the signing key is published");
    let jwk = josekit::jwk::Jwk::from_bytes(key.to_string().as_bytes()).expect("JWK");
    let verifier = josekit::jws::RS256
        .verifier_from_jwk(&jwk)
        .expect("verifier");
    josekit::jws::deserialize_compact(token, &verifier).expect("a valid signature");

    // Delivered once: no further attempts.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        receiver
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len(),
        2
    );
}

/// A relying party's back-channel endpoint that accepts every logout token.
#[derive(Clone, Default)]
struct Inbox {
    tokens: Arc<Mutex<Vec<String>>>,
}

impl Inbox {
    async fn start() -> (Self, String) {
        let inbox = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/backchannel-logout",
            listener.local_addr().expect("address").port()
        );
        let router = Router::new()
            .route(
                "/backchannel-logout",
                post(
                    |State(inbox): State<Inbox>, Form(form): Form<HashMap<String, String>>| async move {
                        inbox
                            .tokens
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(form.get("logout_token").cloned().unwrap_or_default());
                        StatusCode::OK
                    },
                ),
            )
            .with_state(inbox.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (inbox, url)
    }

    /// The claims of the logout tokens received so far, once there are `count` of them.
    async fn wait_for(&self, count: usize) -> Vec<serde_json::Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let tokens = self
                .tokens
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            if tokens.len() >= count {
                return tokens.iter().map(|token| decode_part(token, 1)).collect();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} logout tokens of {count} arrived",
                tokens.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn applications_hear_when_their_grants_are_taken_away(backend: Backend) {
    let (inbox, inbox_url) = Inbox::start().await;
    let app = TestApp::builder(backend)
        .with_setting("outbox", "poll_interval_seconds", "1")
        .start()
        .await;
    let client = app
        .register_client(
            REDIRECT_URI,
            &["--first-party", "--backchannel-logout-uri", &inbox_url],
        )
        .await;
    let user_id = app.create_user(EMAIL, PASSWORD).await;
    app.create_studio("fiin", "FiinPro", &[]).await;
    app.add_member("fiin", EMAIL, "member", None).await;
    let rp = relying_party(
        &app.base_url,
        &client.id,
        client.secret.as_deref(),
        REDIRECT_URI,
    )
    .await;

    // The user disconnects the application on the account page: the application is told
    // which of its sessions of the user ended.
    let browser = app.browser();
    let (url, verifier, _) = authorization_request(&rp, &["offline_access"], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&rp, &callback, verifier).await;
    let id_claims = decode_part(&tokens.id_token().expect("id token").to_string(), 1);
    let account = browser.get("/account").await;
    let csrf = account.form_value("csrf_token").expect("CSRF");
    let disconnected = browser
        .post(
            "/account/apps/disconnect",
            &[
                ("csrf_token", csrf.as_str()),
                ("client_id", client.id.as_str()),
            ],
        )
        .await;
    assert_eq!(disconnected.redirect(), "/account?notice=app-disconnected");
    let told = inbox.wait_for(1).await;
    assert_eq!(told[0]["aud"], client.id.as_str());
    assert_eq!(told[0]["sub"], id_claims["sub"]);
    assert_eq!(told[0]["sid"], id_claims["sid"]);
    assert!(told[0]["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());

    // The studio removes the member: the application holding tokens in that studio is told.
    let (url, verifier, _) = authorization_request(&rp, &[], "&organization=fiin");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&rp, &callback, verifier).await;
    let id_claims = decode_part(&tokens.id_token().expect("id token").to_string(), 1);
    assert!(id_claims["studio_id"].is_string(), "{id_claims}");
    let operator = app
        .register_client(
            "https://erp.example/unused",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "studios:write",
            ],
        )
        .await;
    let (status, token) =
        crate::token_request(&app, &operator, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{token}");
    let removed = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/studios/fiin/members/{user_id}")))
        .bearer_auth(token["access_token"].as_str().expect("a token"))
        .send()
        .await
        .expect("remove the member");
    assert_eq!(removed.status(), 204);
    let told = inbox.wait_for(2).await;
    assert_eq!(told[1]["aud"], client.id.as_str());
    assert_eq!(told[1]["sub"], id_claims["sub"]);
    assert_eq!(told[1]["sid"], id_claims["sid"]);

    // Offline access outlives a sign-out, and ends with the account: the application hears
    // of the sign-out, then of the closure.
    let (url, verifier, _) = authorization_request(&rp, &["offline_access"], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&rp, &callback, verifier).await;
    let id_token = tokens.id_token().expect("id token").to_string();
    let id_claims = decode_part(&id_token, 1);
    let refresh = tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();
    let signed_out = browser
        .get(&format!("/logout?id_token_hint={id_token}"))
        .await;
    assert_eq!(signed_out.status, 200);
    inbox.wait_for(3).await;
    let closed = app.cli(&["users", "close", "--email", EMAIL], "").await;
    assert_eq!(closed.exit_code, 0, "{}", closed.stderr);
    let told = inbox.wait_for(4).await;
    assert_eq!(told[3]["aud"], client.id.as_str());
    assert_eq!(told[3]["sid"], id_claims["sid"]);
    let (status, body) = crate::token_request(
        &app,
        &client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
}

gatehouse_tests::on_both_backends!(
    backchannel_logout_is_delivered_with_retries,
    applications_hear_when_their_grants_are_taken_away,
);
