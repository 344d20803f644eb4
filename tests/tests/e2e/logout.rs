use crate::{World, sign_in, token_request};
use gatehouse_tests::Backend;
use gatehouse_tests::relying_party::query_parameter;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, TokenResponse};

fn silent_authorize_url(world: &World) -> String {
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    format!("{url}&prompt=none")
}

async fn logout_with_hint_ends_the_session_and_its_tokens(backend: Backend) {
    let world = World::start(backend).await;
    let offline = sign_in(&world, &["offline_access"]).await;
    let browser = offline.browser.clone();
    let offline_refresh = offline
        .tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();

    // A second authorization in the same browser session, without offline access.
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
    let code = query_parameter(browser.get(url.as_str()).await.redirect(), "code")
        .expect("code without sign-in");
    let online = world
        .rp
        .exchange_code(openidconnect::AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&gatehouse_tests::relying_party::http_client())
        .await
        .expect("exchange");
    let online_refresh = online
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();
    let id_token = online.id_token().expect("id token").to_string();

    let logout_url = format!(
        "/logout?id_token_hint={id_token}&post_logout_redirect_uri={}&state=bye",
        "https%3A%2F%2Frp.example%2Fsigned-out"
    );
    let response = browser.get(&logout_url).await;
    assert_eq!(
        response.redirect(),
        "https://rp.example/signed-out?state=bye"
    );
    assert!(
        response
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_session=;") && cookie.contains("Max-Age=0"))
    );

    let silent = browser.get(&silent_authorize_url(&world)).await;
    assert_eq!(
        query_parameter(silent.redirect(), "error").as_deref(),
        Some("login_required")
    );

    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &online_refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "session-bound refresh tokens end with the session"
    );
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &offline_refresh),
        ],
    )
    .await;
    assert_eq!(status, 200, "offline_access outlives the browser session");
}

async fn logout_without_hint_asks_first(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &[]).await;
    let browser = signed_in.browser;

    let page = browser
        .get(&format!(
            "/logout?client_id={}&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fsigned-out&state=s1",
            world.client.id
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Do you want to sign out"));
    let csrf = page.form_value("csrf_token").expect("csrf");
    let still_signed_in = browser.get(&silent_authorize_url(&world)).await;
    assert!(
        query_parameter(still_signed_in.redirect(), "code").is_some(),
        "nothing happens before confirmation"
    );

    let confirmed = browser
        .post(
            "/logout",
            &[
                ("csrf_token", csrf.as_str()),
                ("decision", "logout"),
                ("client_id", world.client.id.as_str()),
                ("post_logout_redirect_uri", "https://rp.example/signed-out"),
                ("state", "s1"),
            ],
        )
        .await;
    assert_eq!(
        confirmed.redirect(),
        "https://rp.example/signed-out?state=s1"
    );
    let silent = browser.get(&silent_authorize_url(&world)).await;
    assert_eq!(
        query_parameter(silent.redirect(), "error").as_deref(),
        Some("login_required")
    );

    // A post-logout URI the client did not register is refused without a redirect.
    let refused = browser
        .get(&format!(
            "/logout?client_id={}&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F",
            world.client.id
        ))
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.location.is_none());
    assert!(refused.body.contains("not registered"));
}

gatehouse_tests::on_both_backends!(
    logout_with_hint_ends_the_session_and_its_tokens,
    logout_without_hint_asks_first
);
