use crate::code_flow::jwt_payload;
use crate::{EMAIL, PASSWORD, World, authorization_request, exchange, token_request};
use gatehouse_tests::dpop::DpopKey;
use gatehouse_tests::relying_party::{assert_oauth_error, query_parameter};
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::OAuth2TokenResponse;

const APP_REDIRECT: &str = "com.example.portal:/oauth/callback";

/// A public mobile client and its signed-in user's code, ready to exchange.
async fn mobile_code(app: &TestApp) -> (RegisteredClient, String, String) {
    mobile_code_with(app, "").await
}

/// The app's token request for `code`.
fn code_exchange<'a>(
    client: &'a RegisteredClient,
    code: &'a str,
    verifier: &'a str,
) -> [(&'static str, &'a str); 5] {
    [
        ("grant_type", "authorization_code"),
        ("client_id", client.id.as_str()),
        ("code", code),
        ("redirect_uri", APP_REDIRECT),
        ("code_verifier", verifier),
    ]
}

/// Like [`mobile_code`], with `extra` (`&name=value…`) added to the authorization request.
async fn mobile_code_with(app: &TestApp, extra: &str) -> (RegisteredClient, String, String) {
    let client = app
        .register_client(
            APP_REDIRECT,
            &[
                "--public",
                "--first-party",
                "--scopes",
                "openid email offline_access",
            ],
        )
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let url = app.url(&format!(
        "/authorize?client_id={}&redirect_uri=com.example.portal%3A%2Foauth%2Fcallback&response_type=code&scope=openid%20offline_access&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256{extra}",
        client.id
    ));
    let callback = app.browser().authorize(&url, EMAIL, PASSWORD).await;
    assert!(callback.starts_with(APP_REDIRECT), "{callback}");
    (
        client,
        query_parameter(&callback, "code").expect("code"),
        verifier.to_owned(),
    )
}

async fn post_token(
    app: &TestApp,
    form: &[(&str, &str)],
    proof: Option<String>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().post(app.url("/token")).form(form);
    if let Some(proof) = proof {
        request = request.header("DPoP", proof);
    }
    let response = request.send().await.expect("token request");
    (
        response.status().as_u16(),
        response.json().await.unwrap_or_default(),
    )
}

async fn dpop_binds_tokens_to_the_device_key(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, code, verifier) = mobile_code(&app).await;
    let key = DpopKey::generate();
    let token_url = app.url("/token");
    let (status, tokens) = post_token(
        &app,
        &code_exchange(&client, &code, &verifier),
        Some(key.proof("POST", &token_url, None)),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    assert!(
        jwt_payload(&access)["cnf"]["jkt"]
            .as_str()
            .is_some_and(|jkt| jkt.len() == 43)
    );

    // The refresh token is useless without the key: no proof, or another key's proof.
    let refresh_form = [
        ("grant_type", "refresh_token"),
        ("client_id", client.id.as_str()),
        ("refresh_token", refresh.as_str()),
    ];
    let (status, body) = post_token(&app, &refresh_form, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof"))
    );
    let thief = DpopKey::generate();
    let (status, body) = post_token(
        &app,
        &refresh_form,
        Some(thief.proof("POST", &token_url, None)),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof"))
    );
    let (status, body) = post_token(
        &app,
        &refresh_form,
        Some(key.proof("POST", &app.url("/elsewhere"), None)),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "htu must match"
    );
    // The failed attempts neither rotated nor revoked anything: the device's proof works.
    let proof = key.proof("POST", &token_url, None);
    let (status, refreshed) = post_token(&app, &refresh_form, Some(proof.clone())).await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(refreshed["token_type"], "DPoP");
    // A proof is single-use.
    let next_refresh = refreshed["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let (status, body) = post_token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client.id.as_str()),
            ("refresh_token", next_refresh.as_str()),
        ],
        Some(proof),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "replayed proof"
    );

    // UserInfo wants the DPoP scheme and a proof carrying the token's hash.
    let access = refreshed["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let userinfo_url = app.url("/userinfo");
    let http = reqwest::Client::new();
    let bearer = http
        .get(&userinfo_url)
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(bearer.status(), 401);
    let no_proof = http
        .get(&userinfo_url)
        .header("Authorization", format!("DPoP {access}"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(no_proof.status(), 401);
    assert!(
        no_proof
            .headers()
            .get("www-authenticate")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|challenge| challenge.starts_with("DPoP"))
    );
    let good = http
        .get(&userinfo_url)
        .header("Authorization", format!("DPoP {access}"))
        .header("DPoP", key.proof("GET", &userinfo_url, Some(&access)))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(good.status(), 200);
    let wrong_hash = http
        .get(&userinfo_url)
        .header("Authorization", format!("DPoP {access}"))
        .header(
            "DPoP",
            key.proof("GET", &userinfo_url, Some("another token")),
        )
        .send()
        .await
        .expect("userinfo");
    assert_eq!(wrong_hash.status(), 401);
}

async fn password_change_revokes_every_refresh_token(backend: Backend) {
    let world = World::start(backend).await;
    let phone = world.app.browser_named("phone");
    let (url, verifier, _) = authorization_request(&world.rp, &["offline_access"], "");
    let callback = phone.authorize(&url, EMAIL, PASSWORD).await;
    let offline = exchange(&world.rp, &callback, verifier).await;
    let offline_refresh = offline.refresh_token().expect("refresh").secret().clone();

    let laptop = world.app.browser_named("laptop");
    let (url, verifier, _) = authorization_request(&world.rp, &[], "");
    let callback = laptop.authorize(&url, EMAIL, PASSWORD).await;
    let online = exchange(&world.rp, &callback, verifier).await;
    let online_refresh = online.refresh_token().expect("refresh").secret().clone();

    // Wrong current password, mismatched confirmation, too short: refused with the reason.
    let account = laptop.get("/account").await;
    let csrf = account.form_value("csrf_token").expect("csrf");
    let attempt = |current: &'static str, new: &'static str, confirm: &'static str| {
        let csrf = csrf.clone();
        let laptop = laptop.clone();
        async move {
            laptop
                .post(
                    "/account/password",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("current_password", current),
                        ("new_password", new),
                        ("confirm_password", confirm),
                    ],
                )
                .await
        }
    };
    let wrong = attempt("wrong", "a new long password", "a new long password").await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.alert().as_deref()),
        (400, Some("The current password is incorrect."))
    );
    let mismatch = attempt(PASSWORD, "a new long password", "another long password").await;
    assert_eq!(
        mismatch.alert().as_deref(),
        Some("The new passwords do not match.")
    );
    let short = attempt(PASSWORD, "short", "short").await;
    assert_eq!(
        short.alert().as_deref(),
        Some("The password must have at least 8 characters.")
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
    assert_eq!(status, 200, "refused changes revoke nothing");
    let online_refresh = body["refresh_token"]
        .as_str()
        .expect("rotated refresh token")
        .to_owned();

    let changed = attempt(PASSWORD, "a brand new password", "a brand new password").await;
    assert_eq!(changed.redirect(), "/account?notice=password-changed");
    // Every refresh token is dead, offline ones included: the app must ask for credentials.
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &offline_refresh),
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
            ("refresh_token", &online_refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "even this session's tokens"
    );
    // The other device's session ended; this one goes on.
    let (url, _, _) = authorization_request(&world.rp, &[], "&prompt=none");
    assert_eq!(
        query_parameter(phone.get(&url).await.redirect(), "error").as_deref(),
        Some("login_required")
    );
    let (url, _, _) = authorization_request(&world.rp, &[], "&prompt=none");
    assert!(query_parameter(laptop.get(&url).await.redirect(), "code").is_some());
    // The new password works, the old one does not.
    let fresh = world.app.browser();
    assert_eq!(
        fresh
            .submit_login("/login", EMAIL, PASSWORD, false)
            .await
            .status,
        200
    );
    assert_eq!(
        fresh
            .submit_login("/login", EMAIL, "a brand new password", false)
            .await
            .redirect(),
        "/"
    );
}

async fn a_code_bound_to_the_app_key_is_useless_to_anyone_else(backend: Backend) {
    let app = TestApp::start(backend).await;
    let key = DpopKey::generate();
    let jkt = key.thumbprint();
    let (client, code, verifier) = mobile_code_with(&app, &format!("&dpop_jkt={jkt}")).await;
    let token_url = app.url("/token");
    let form = code_exchange(&client, &code, &verifier);
    // Whoever intercepted the code (and even the verifier) has no use for it without the key.
    let thief = DpopKey::generate();
    for proof in [Some(thief.proof("POST", &token_url, None)), None] {
        let (status, body) = post_token(&app, &form, proof).await;
        assert_oauth_error((status, &body), 400, "invalid_grant", "dpop_jkt");
    }
    // The refusals did not use the code up: the app, with its key, still gets its tokens.
    let (status, tokens) = post_token(&app, &form, Some(key.proof("POST", &token_url, None))).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"].as_str().expect("an access token");
    assert_eq!(jwt_payload(access)["cnf"]["jkt"], jkt.as_str());

    // A dpop_jkt that cannot be a thumbprint is refused at the redirect URI.
    let malformed = app.url(&format!(
        "/authorize?client_id={}&redirect_uri=com.example.portal%3A%2Foauth%2Fcallback&response_type=code&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&dpop_jkt=not-a-thumbprint",
        client.id
    ));
    let (sent_back, _) = app.browser().follow_to_client(&malformed).await;
    assert!(sent_back.starts_with(APP_REDIRECT), "{sent_back}");
    assert_eq!(
        query_parameter(&sent_back, "error").as_deref(),
        Some("invalid_request")
    );
}

/// Sends a request with a DPoP proof; the status, the `DPoP-Nonce` it hands out, the
/// `WWW-Authenticate` challenge and the JSON body.
async fn with_proof(
    request: reqwest::RequestBuilder,
    proof: String,
) -> (u16, Option<String>, String, serde_json::Value) {
    let response = request
        .header("DPoP", proof)
        .send()
        .await
        .expect("a response");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let (nonce, challenge) = (header("dpop-nonce"), header("www-authenticate"));
    (
        response.status().as_u16(),
        nonce,
        challenge.unwrap_or_default(),
        response.json().await.unwrap_or_default(),
    )
}

async fn proofs_carry_the_server_nonce_when_it_is_required(backend: Backend) {
    // On PostgreSQL two nodes, to show a nonce from one is good on the other; a SQLite
    // file is one node's database.
    let node_count = if matches!(backend, Backend::Sqlite) {
        1
    } else {
        2
    };
    let nodes = TestApp::builder(backend)
        .with_setting("dpop", "require_nonce", "true")
        .start_nodes(node_count)
        .await;
    let (first, second) = (&nodes[0], &nodes[node_count - 1]);
    let (client, code, verifier) = mobile_code(first).await;
    let key = DpopKey::generate();
    // Proofs name the issuer's URLs, whichever node they reach.
    let token_url = first.url("/token");
    let form = code_exchange(&client, &code, &verifier);
    let http = reqwest::Client::new();

    // A proof without a nonce is answered with one, and the code is still good.
    let (status, nonce, _, body) = with_proof(
        http.post(&token_url).form(&form),
        key.proof("POST", &token_url, None),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    let nonce = nonce.expect("a DPoP-Nonce header");
    // A made-up nonce is no better.
    let (status, _, _, body) = with_proof(
        http.post(&token_url).form(&form),
        key.proof_with_nonce("POST", &token_url, None, "made-up"),
    )
    .await;
    assert_eq!(body["error"], "use_dpop_nonce", "{status} {body}");
    // The nonce one node handed out is good on the other (on PostgreSQL).
    let (status, _, _, tokens) = with_proof(
        http.post(second.url("/token")).form(&form),
        key.proof_with_nonce("POST", &token_url, None, &nonce),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"].as_str().expect("an access token");

    // UserInfo asks for the nonce in its DPoP challenge, then answers.
    let userinfo_url = first.url("/userinfo");
    let userinfo = || {
        http.get(&userinfo_url)
            .header("Authorization", format!("DPoP {access}"))
    };
    let (status, handed_out, challenge, _) =
        with_proof(userinfo(), key.proof("GET", &userinfo_url, Some(access))).await;
    assert_eq!(status, 401);
    assert!(
        challenge.starts_with("DPoP") && challenge.contains("error=\"use_dpop_nonce\""),
        "{challenge}"
    );
    let handed_out = handed_out.expect("a DPoP-Nonce header");
    let (status, _, _, claims) = with_proof(
        userinfo(),
        key.proof_with_nonce("GET", &userinfo_url, Some(access), &handed_out),
    )
    .await;
    assert_eq!(status, 200, "{claims}");
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    assert_eq!(claims["sub"], jwt_payload(id_token)["sub"]);

    // Requests without a proof are not handed nonces.
    let discovery = http
        .get(first.url("/.well-known/openid-configuration"))
        .send()
        .await
        .expect("discovery");
    assert!(discovery.headers().get("dpop-nonce").is_none());
}

gatehouse_tests::on_both_backends!(
    a_code_bound_to_the_app_key_is_useless_to_anyone_else,
    dpop_binds_tokens_to_the_device_key,
    proofs_carry_the_server_nonce_when_it_is_required,
    password_change_revokes_every_refresh_token
);
