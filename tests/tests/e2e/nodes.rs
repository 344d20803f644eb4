//! Several nodes on one PostgreSQL database are one provider: any step of a flow may land
//! on any node, and limits count across all of them. PostgreSQL only: a SQLite file is one
//! node's database.

use crate::hostile::{all_at_once, tally};
use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, token_request, userinfo};
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::core::{CoreAuthenticationFlow, CoreTokenResponse};
use openidconnect::{CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, Scope};
use openidconnect::{TokenResponse as _, core::CoreIdTokenVerifier};

/// Two nodes started at the same moment on one empty database (so they take turns at the
/// migrations and the first signing keys), with a client and a user.
async fn two_nodes(settings: &[(&str, &str, &str)]) -> Option<(World, TestApp)> {
    let mut builder = TestApp::builder(Backend::postgres()?);
    for (section, key, value) in settings {
        builder = builder.with_setting(section, key, value);
    }
    let mut nodes = builder.start_nodes(2).await;
    let second = nodes.pop().expect("the second node");
    let first = nodes.pop().expect("the first node");
    Some((World::start_with(first, &["--first-party"]).await, second))
}

/// A refresh-token grant sent to `node`.
async fn refresh(
    node: &TestApp,
    client: &RegisteredClient,
    refresh_token: &str,
) -> (u16, serde_json::Value) {
    token_request(
        node,
        client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_of_a_code_flow_may_land_on_another_node() {
    let Some((world, second)) = two_nodes(&[]).await else {
        return;
    };
    let browser = world.app.browser();
    let on_second = browser.on(&second.base_url);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _state, nonce) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("offline_access".to_owned()))
        .set_pkce_challenge(challenge)
        .url();

    // The first node takes the authorization request and sends the browser to sign in.
    let started = browser.get(url.as_str()).await;
    let login_page = started.redirect().to_owned();
    assert!(login_page.starts_with("/login"), "{login_page}");

    // The second node shows that sign-in page and checks the password.
    let signed_in = on_second
        .submit_login(&login_page, EMAIL, PASSWORD, false)
        .await;
    assert!(signed_in.status.is_redirection(), "{}", signed_in.body);

    // The first node, seeing the session the second one started, issues the code.
    let (callback, _) = browser.follow_to_client(signed_in.redirect()).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    let code = query_parameter(&callback, "code").expect("a code in the callback");

    // The second node exchanges the code; the ID token verifies against the first node's
    // JWKS, which the relying party read at discovery.
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", verifier.secret().as_str()),
    ];
    let (status, body) = token_request(&second, &world.client, &exchange).await;
    assert_eq!(status, 200, "{body}");
    let tokens: CoreTokenResponse = serde_json::from_value(body).expect("a token response");
    let verifier: CoreIdTokenVerifier<'_> = world.rp.id_token_verifier();
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&verifier, &nonce)
        .expect("the ID token verifies");
    assert_eq!(claims.subject().as_str(), world.user_id);

    // The first node answers UserInfo for the access token the second one issued.
    let answer = userinfo(&world.app, tokens.access_token().secret()).await;
    assert_eq!(answer.status(), 200);
    let profile: serde_json::Value = answer.json().await.expect("UserInfo JSON");
    assert_eq!(profile["email"], EMAIL);

    // Refreshed on the first node, then the spent refresh token replayed on the second:
    // the reuse is seen, and the whole family ends on both nodes.
    let spent = tokens.refresh_token().expect("a refresh token").secret();
    let (status, body) = refresh(&world.app, &world.client, spent).await;
    assert_eq!(status, 200, "{body}");
    let rotated = body["refresh_token"]
        .as_str()
        .expect("a rotated refresh token")
        .to_owned();
    let (status, body) = refresh(&second, &world.client, spent).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (status, body) = refresh(&world.app, &world.client, &rotated).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the family was revoked: {body}"
    );

    // The code was spent on the second node: the first refuses it too.
    let (status, body) = token_request(&world.app, &world.client, &exchange).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_back_off_counts_on_every_node() {
    // A long back-off so that a slow test machine cannot outwait it between attempts.
    let Some((world, second)) = two_nodes(&[("login", "base_delay_seconds", "60")]).await else {
        return;
    };
    let browser = world.app.browser();
    let on_second = browser.on(&second.base_url);

    // Wrong passwords taking turns between the nodes: each node alone sees three or four,
    // fewer than the five free failures, yet together they count seven.
    let mut statuses = Vec::new();
    for attempt in 0..7 {
        let node = if attempt % 2 == 0 {
            &browser
        } else {
            &on_second
        };
        let page = node.submit_login("/login", EMAIL, "guess", false).await;
        statuses.push(page.status.as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    for node in [&browser, &on_second] {
        let throttled = node.submit_login("/login", EMAIL, PASSWORD, false).await;
        assert_eq!(throttled.status, 429, "even the right password waits");
        assert!(
            throttled
                .alert()
                .is_some_and(|message| message.starts_with("Too many attempts")),
            "{:?}",
            throttled.alert()
        );
    }
    world.app.clock.advance(7200);
    let allowed = on_second
        .submit_login("/login", EMAIL, PASSWORD, false)
        .await;
    assert_eq!(allowed.redirect(), "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_to_both_nodes_at_once_are_counted_together() {
    let Some((world, second)) = two_nodes(&[("login", "base_delay_seconds", "60")]).await else {
        return;
    };
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let pages = all_at_once((0..40).map(|guess| {
        let node = if guess % 2 == 0 {
            browser.clone()
        } else {
            browser.on(&second.base_url)
        };
        let csrf = csrf.clone();
        async move {
            node.post(
                "/login",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("email", EMAIL),
                    ("password", &format!("wrong guess number {guess}")),
                ],
            )
            .await
        }
    }))
    .await;
    let (compared, held_back) = tally(&pages, "The e-mail or password is incorrect.");
    assert!(
        (1..=5).contains(&compared),
        "login.account_free_failures is 5 for all nodes together, yet {compared} guesses \
         were compared"
    );
    assert_eq!(compared + held_back, 40);
}
