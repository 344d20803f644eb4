use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, sign_in};
use base64::Engine as _;
use gatehouse_tests::relying_party::{http_client, query_parameter, relying_party};
use gatehouse_tests::{Backend, TestApp};
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AccessTokenHash, CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, Scope, TokenResponse,
};

/// The JSON payload of a JWT, without checking it (the relying party checks it).
pub fn jwt_payload(token: &str) -> serde_json::Value {
    jwt_part(token, 1)
}

/// The JSON header of a JWT, without checking it.
pub fn jwt_header(token: &str) -> serde_json::Value {
    jwt_part(token, 0)
}

fn jwt_part(token: &str, index: usize) -> serde_json::Value {
    let payload = token.split('.').nth(index).expect("a JWT has that part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON payload")
}

async fn code_flow_with_pkce_yields_verified_tokens(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &["email", "profile"]).await;

    let id_token = signed_in
        .tokens
        .id_token()
        .expect("an ID token for an openid request");
    let verifier = world.rp.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &signed_in.nonce)
        .expect("the ID token verifies");
    assert_eq!(claims.subject().as_str(), world.user_id);
    assert_eq!(claims.issuer().as_str(), world.app.base_url);
    assert!(claims.auth_time().is_some());
    assert_eq!(claims.email().map(|email| email.as_str()), Some(EMAIL));
    let expected_hash = AccessTokenHash::from_token(
        signed_in.tokens.access_token(),
        id_token.signing_alg().expect("alg"),
        id_token.signing_key(&verifier).expect("key"),
    )
    .expect("hash");
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));

    let raw = jwt_payload(&id_token.to_string());
    assert_eq!(raw["amr"], serde_json::json!(["pwd"]));
    assert_eq!(raw["acr"], "urn:gatehouse:acr:1fa");
    assert!(raw["sid"].as_str().is_some_and(|sid| !sid.is_empty()));
    assert_eq!(raw["azp"], world.client.id.as_str());

    // RFC 9068 access token.
    let access = jwt_payload(signed_in.tokens.access_token().secret());
    assert_eq!(access["sub"], world.user_id.as_str());
    assert_eq!(access["client_id"], world.client.id.as_str());
    assert!(access["jti"].as_str().is_some_and(|jti| jti.len() > 16));
    assert_eq!(access["sid"], raw["sid"]);

    let user_info: openidconnect::core::CoreUserInfoClaims = world
        .rp
        .user_info(signed_in.tokens.access_token().clone(), None)
        .expect("userinfo endpoint configured")
        .request_async(&http_client())
        .await
        .expect("userinfo answers");
    assert_eq!(user_info.subject().as_str(), world.user_id);
    assert_eq!(user_info.email().map(|email| email.as_str()), Some(EMAIL));
    assert_eq!(user_info.email_verified(), Some(true));
    assert!(user_info.name().is_some());
    assert!(signed_in.tokens.refresh_token().is_some());
}

async fn third_party_clients_ask_for_consent_once(backend: Backend) {
    let world = World::start_with(TestApp::start(backend).await, &[]).await;
    let browser = world.app.browser();
    let (challenge, _verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let (login_url, _) = browser.follow_to_client(url.as_str()).await;
    let after_login = browser
        .submit_login(&login_url, EMAIL, PASSWORD, false)
        .await;
    let (consent_url, consent_page) = browser.follow_to_client(after_login.redirect()).await;
    assert!(consent_url.contains("/consent"), "{consent_url}");
    assert!(consent_page.body.contains("Test Portal"));
    assert!(consent_page.body.contains("See your e-mail address"));
    let csrf = consent_page.form_value("csrf_token").expect("csrf");
    let flow = consent_page.form_value("flow").expect("flow");
    let approved = browser
        .post(
            "/consent",
            &[
                ("csrf_token", &csrf),
                ("flow", &flow),
                ("decision", "allow"),
            ],
        )
        .await;
    assert!(approved.redirect().starts_with(REDIRECT_URI));
    assert!(query_parameter(approved.redirect(), "code").is_some());

    // The second time, the remembered consent and the session skip both pages.
    let (challenge, _verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let direct = browser.get(url.as_str()).await;
    assert!(
        direct.redirect().starts_with(REDIRECT_URI),
        "{}",
        direct.redirect()
    );
    assert!(query_parameter(direct.redirect(), "code").is_some());

    // Denying ends the flow with access_denied at the client.
    let other_browser = world.app.browser();
    let (challenge, _verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, _) = world
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("phone".into()))
        .set_pkce_challenge(challenge)
        .url();
    let (login_url, _) = other_browser.follow_to_client(url.as_str()).await;
    let after_login = other_browser
        .submit_login(&login_url, EMAIL, PASSWORD, false)
        .await;
    let (_, consent_page) = other_browser.follow_to_client(after_login.redirect()).await;
    let csrf = consent_page.form_value("csrf_token").expect("csrf");
    let flow = consent_page.form_value("flow").expect("flow");
    let denied = other_browser
        .post(
            "/consent",
            &[("csrf_token", &csrf), ("flow", &flow), ("decision", "deny")],
        )
        .await;
    assert_eq!(
        query_parameter(denied.redirect(), "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_parameter(denied.redirect(), "state").as_deref(),
        Some(state.secret().as_str())
    );
}

async fn native_public_client_uses_any_loopback_port(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app
        .register_client("http://127.0.0.1/callback", &["--public", "--first-party"])
        .await;
    assert!(client.secret.is_none(), "public clients get no secret");
    app.create_user(EMAIL, PASSWORD).await;
    let redirect = "http://127.0.0.1:53127/callback";
    let rp = relying_party(&app.base_url, &client.id, None, redirect).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let callback = app.browser().authorize(url.as_str(), EMAIL, PASSWORD).await;
    assert!(callback.starts_with(redirect), "{callback}");
    let code = query_parameter(&callback, "code").expect("code");
    let tokens = rp
        .exchange_code(openidconnect::AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http_client())
        .await
        .expect("a public client exchanges its code with PKCE and no secret");
    assert!(tokens.id_token().is_some());

    // Without PKCE a public client is refused, at its redirect URI.
    let (url, _, _) = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();
    let refused = app.browser().get(url.as_str()).await;
    assert_eq!(
        query_parameter(refused.redirect(), "error").as_deref(),
        Some("invalid_request")
    );
}

async fn sessions_skip_sign_in_until_prompt_or_max_age_demand_it(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &[]).await;
    let browser = &signed_in.browser;
    let authorize = |extra: &str| {
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
        format!("{url}{extra}")
    };
    let silent = browser.get(&authorize("&prompt=none")).await;
    assert!(
        query_parameter(silent.redirect(), "code").is_some(),
        "{}",
        silent.redirect()
    );
    let forced = browser.get(&authorize("&prompt=login")).await;
    assert!(
        forced.redirect().contains("/login?flow="),
        "{}",
        forced.redirect()
    );
    let callback = browser.authorize(forced.redirect(), EMAIL, PASSWORD).await;
    assert!(query_parameter(&callback, "code").is_some());

    world.app.clock.advance(120);
    let too_old = browser.get(&authorize("&max_age=60")).await;
    assert!(
        too_old.redirect().contains("/login?flow="),
        "{}",
        too_old.redirect()
    );
    let fresh_enough = browser.get(&authorize("&max_age=3600")).await;
    assert!(query_parameter(fresh_enough.redirect(), "code").is_some());

    let choose = browser.get(&authorize("&prompt=select_account")).await;
    assert!(
        choose.redirect().contains("/select-account?flow="),
        "{}",
        choose.redirect()
    );
    let page = browser.get(choose.redirect()).await;
    assert!(page.body.contains(EMAIL));
    let callback = browser.authorize(choose.redirect(), EMAIL, PASSWORD).await;
    assert!(query_parameter(&callback, "code").is_some());
}

async fn profile_fields_reach_applications_through_their_scopes(backend: Backend) {
    let world = World::start_with(
        TestApp::start(backend).await,
        &[
            "--first-party",
            "--scopes",
            "openid profile email address gatehouse:profile offline_access",
        ],
    )
    .await;
    let signed_in = sign_in(&world, &["profile"]).await;
    let browser = signed_in.browser;
    let saved = crate::accounts::submit(
        &browser,
        "/account",
        "/account/profile",
        &[
            ("name", "Matti Virtanen"),
            ("trade_name", "Virtanen Tmi"),
            ("country", "Finland"),
            ("city", "Tampere"),
            ("date_of_birth", "1980-05-17"),
            ("company", "Virtanen Oy"),
            ("job_title", "Analyst"),
        ],
    )
    .await;
    assert_eq!(saved.redirect(), "/account?notice=profile-saved");

    let (url, verifier, _) =
        crate::authorization_request(&world.rp, &["profile", "address", "gatehouse:profile"], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = crate::exchange(&world.rp, &callback, verifier).await;
    let id_token = jwt_payload(&tokens.id_token().expect("an ID token").to_string());
    assert_eq!(id_token["birthdate"], "1980-05-17");
    assert_eq!(id_token["address"]["locality"], "Tampere");
    assert_eq!(id_token["address"]["country"], "Finland");
    assert_eq!(id_token["company"], "Virtanen Oy");
    assert_eq!(id_token["trade_name"], "Virtanen Tmi");
    assert_eq!(id_token["job_title"], "Analyst");
    let userinfo: serde_json::Value = reqwest::Client::new()
        .get(world.app.url("/userinfo"))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("JSON");
    assert_eq!(userinfo["address"]["formatted"], "Tampere, Finland");
    assert_eq!(userinfo["job_title"], "Analyst");

    // Without the scopes, none of it.
    let (url, verifier, _) = crate::authorization_request(&world.rp, &["email"], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = crate::exchange(&world.rp, &callback, verifier).await;
    let id_token = jwt_payload(&tokens.id_token().expect("an ID token").to_string());
    assert!(id_token.get("address").is_none() && id_token.get("job_title").is_none());

    // Discovery names the scopes and claims.
    let discovery: serde_json::Value =
        reqwest::get(world.app.url("/.well-known/openid-configuration"))
            .await
            .expect("discovery")
            .json()
            .await
            .expect("JSON");
    for scope in ["address", "gatehouse:profile"] {
        assert!(
            discovery["scopes_supported"]
                .as_array()
                .expect("scopes")
                .contains(&scope.into())
        );
    }
    for claim in ["birthdate", "address", "job_title"] {
        assert!(
            discovery["claims_supported"]
                .as_array()
                .expect("claims")
                .contains(&claim.into())
        );
    }
}

async fn a_user_disconnects_an_application_from_the_account_page(backend: Backend) {
    use gatehouse_server::i18n::translate;
    let world = World::start(backend).await;
    let signed_in = sign_in(&world, &["email", "offline_access"]).await;
    let browser = signed_in.browser;
    let refresh = signed_in
        .tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();

    let account = browser.get("/account").await;
    let body = gatehouse_tests::browser::unescape(&account.body);
    assert!(body.contains(&translate("en", "account-connected-apps", &[])));
    assert!(body.contains("Test Portal"), "{body}");
    assert!(
        body.contains(&translate("en", "scope-offline_access", &[])),
        "{body}"
    );

    let csrf = account.form_value("csrf_token").expect("CSRF");
    let nothing = browser
        .post(
            "/account/apps/disconnect",
            &[("csrf_token", csrf.as_str()), ("client_id", "not-a-client")],
        )
        .await;
    assert_eq!(nothing.status, 404);
    let disconnected = browser
        .post(
            "/account/apps/disconnect",
            &[
                ("csrf_token", csrf.as_str()),
                ("client_id", world.client.id.as_str()),
            ],
        )
        .await;
    assert_eq!(disconnected.redirect(), "/account?notice=app-disconnected");
    let after =
        gatehouse_tests::browser::unescape(&browser.get(disconnected.redirect()).await.body);
    assert!(after.contains(&translate("en", "account-notice-app-disconnected", &[])));
    assert!(
        after.contains(&translate("en", "account-no-connected-apps", &[])),
        "{after}"
    );

    // The application's refresh token is dead.
    let (status, body) = crate::token_request(
        &world.app,
        &world.client,
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
    a_user_disconnects_an_application_from_the_account_page,
    profile_fields_reach_applications_through_their_scopes,
    code_flow_with_pkce_yields_verified_tokens,
    third_party_clients_ask_for_consent_once,
    native_public_client_uses_any_loopback_port,
    sessions_skip_sign_in_until_prompt_or_max_age_demand_it,
);
