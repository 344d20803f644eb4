use crate::code_flow::jwt_payload;
use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, authorization_request, exchange, userinfo};
use gatehouse_tests::relying_party::{query_parameter, relying_party};
use gatehouse_tests::{Backend, TestApp};
use openidconnect::{OAuth2TokenResponse, TokenResponse};

/// A world with two studios; the user is `admin` in Rossi and `member` in Bianchi, with
/// the user name `anna` in Bianchi (licence 123).
async fn two_studios(backend: Backend) -> World {
    let world = World::start(backend).await;
    world.app.create_studio("rossi", "Studio Rossi", &[]).await;
    world
        .app
        .create_studio("bianchi", "Studio Bianchi", &["--licence", "123"])
        .await;
    world.app.add_member("rossi", EMAIL, "admin", None).await;
    world
        .app
        .add_member("bianchi", EMAIL, "member", Some("anna"))
        .await;
    world
}

fn studio_of(id_token: &str) -> (String, serde_json::Value) {
    let claims = jwt_payload(id_token);
    (
        claims["studio_slug"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        claims["studio_roles"].clone(),
    )
}

async fn user_in_two_studios_picks_and_switches(backend: Backend) {
    let world = two_studios(backend).await;
    let browser = world.app.browser();

    // First sign-in: the picker appears after the password; the user picks Bianchi.
    let (url, verifier, nonce) = authorization_request(&world.rp, &["profile"], "");
    let callback = browser
        .authorize_in_studio(&url, EMAIL, PASSWORD, Some("Bianchi"))
        .await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let id_token = tokens.id_token().expect("id token");
    id_token
        .claims(&world.rp.id_token_verifier(), &nonce)
        .expect("valid ID token");
    assert_eq!(
        studio_of(&id_token.to_string()),
        ("bianchi".to_owned(), serde_json::json!(["member"]))
    );
    let claims = jwt_payload(&id_token.to_string());
    assert_eq!(claims["studio_name"], "Studio Bianchi");
    assert_eq!(claims["studio_licence"], "123");
    let access = jwt_payload(tokens.access_token().secret());
    assert_eq!(access["studio_slug"], "bianchi");
    let info: serde_json::Value = userinfo(&world.app, tokens.access_token().secret())
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(info["studio_slug"], "bianchi");
    assert!(info["studio_id"].as_str().is_some_and(|id| !id.is_empty()));

    // The choice is remembered: the next sign-in goes straight through.
    let (url, verifier, _) = authorization_request(&world.rp, &[], "");
    let direct = browser.get(&url).await;
    let tokens = exchange(&world.rp, direct.redirect(), verifier).await;
    assert_eq!(
        studio_of(&tokens.id_token().expect("id token").to_string()).0,
        "bianchi"
    );

    // Switching: prompt=select_account shows the picker again, no password asked.
    let (url, verifier, _) = authorization_request(&world.rp, &[], "&prompt=select_account");
    let picker_url = browser.get(&url).await.redirect().to_owned();
    assert!(picker_url.contains("/select-account"), "{picker_url}");
    let picker = browser.get(&picker_url).await;
    assert_eq!(picker.studio_options().len(), 2);
    assert!(
        !picker.body.contains("type=\"password\""),
        "no password on the picker"
    );
    let callback = browser
        .authorize_in_studio(&picker_url, EMAIL, "not needed", Some("Rossi"))
        .await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert_eq!(
        studio_of(&tokens.id_token().expect("id token").to_string()),
        ("rossi".to_owned(), serde_json::json!(["admin"]))
    );

    // Refreshing keeps the studio of the grant.
    let refreshed = world
        .rp
        .exchange_refresh_token(tokens.refresh_token().expect("refresh token"))
        .expect("token endpoint")
        .request_async(&gatehouse_tests::relying_party::http_client())
        .await
        .expect("refresh");
    assert_eq!(
        jwt_payload(refreshed.access_token().secret())["studio_slug"],
        "rossi"
    );

    // The account page shows the current studio and offers the switch.
    let account = browser.get("/account").await;
    assert!(
        account.body.contains("You are working in Studio Rossi."),
        "{}",
        account.body
    );
    assert!(account.body.contains("Switch to Studio Bianchi"));
}

async fn licence_sign_in_name_selects_the_studio(backend: Backend) {
    let world = two_studios(backend).await;
    let browser = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &["profile"], "");
    // No picker: "anna@123" names the studio up front.
    let callback = browser.authorize(&url, "anna@123", PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let id_token = tokens.id_token().expect("id token").to_string();
    assert_eq!(studio_of(&id_token).0, "bianchi");
    // Applications see the studio sign-in name, in the ID token and from UserInfo.
    assert_eq!(jwt_payload(&id_token)["preferred_username"], "anna@123");
    let userinfo: serde_json::Value = reqwest::Client::new()
        .get(world.app.url("/userinfo"))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("JSON");
    assert_eq!(userinfo["preferred_username"], "anna@123");

    let other = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &[], "");
    let callback = other.authorize(&url, "anna@bianchi", PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert_eq!(
        studio_of(&tokens.id_token().expect("id token").to_string()).0,
        "bianchi"
    );

    let refused = world.app.browser();
    let malformed = refused
        .submit_login("/login", "anna@", PASSWORD, false)
        .await;
    assert!(
        malformed
            .alert()
            .is_some_and(|alert| alert.contains("user@licence")),
        "{:?}",
        malformed.alert()
    );
    let unknown = refused
        .submit_login("/login", "anna@999", PASSWORD, false)
        .await;
    assert!(
        unknown
            .alert()
            .is_some_and(|alert| alert.contains("no studio or licence")),
        "{:?}",
        unknown.alert()
    );
    let wrong_user = refused
        .submit_login("/login", "mario@123", PASSWORD, false)
        .await;
    assert_eq!(
        wrong_user.alert().as_deref(),
        Some("The e-mail or password is incorrect.")
    );
}

async fn organization_parameter_pins_the_studio(backend: Backend) {
    let world = two_studios(backend).await;
    world.app.create_studio("verdi", "Studio Verdi", &[]).await;
    let browser = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &[], "&organization=rossi");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert_eq!(
        studio_of(&tokens.id_token().expect("id token").to_string()).0,
        "rossi"
    );

    let (url, _, _) = authorization_request(&world.rp, &[], "&organization=verdi");
    let not_member = browser.get(&url).await;
    assert_eq!(not_member.status, 403);
    assert!(not_member.location.is_none(), "no code, no redirect");
    assert!(
        not_member.body.contains("not a member of the studio"),
        "{}",
        not_member.body
    );

    let (url, _, _) = authorization_request(&world.rp, &[], "&organization=nowhere");
    let unknown = browser.get(&url).await;
    assert_eq!(unknown.status, 403);
    assert!(unknown.body.contains("studio that does not exist"));

    let (url, _, _) = authorization_request(&world.rp, &[], "&organization=Not%20A%20Slug");
    let malformed = browser.get(&url).await;
    assert_eq!(
        query_parameter(malformed.redirect(), "error").as_deref(),
        Some("invalid_request")
    );
}

async fn clients_limited_to_studios_refuse_other_users(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.create_studio("rossi", "Studio Rossi", &[]).await;
    app.create_studio("bianchi", "Studio Bianchi", &[]).await;
    let client = app
        .register_client(
            REDIRECT_URI,
            &["--first-party", "--studio", "rossi", "--require-studio"],
        )
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    app.create_user("mario@example.com", PASSWORD).await;
    app.add_member("bianchi", EMAIL, "member", None).await;
    app.add_member("rossi", "mario@example.com", "member", None)
        .await;
    let rp = relying_party(
        &app.base_url,
        &client.id,
        client.secret.as_deref(),
        REDIRECT_URI,
    )
    .await;

    for email in [EMAIL, "nobody-yet@example.com"] {
        if email.starts_with("nobody") {
            app.create_user(email, PASSWORD).await;
        }
        let browser = app.browser();
        let (url, _, _) = authorization_request(&rp, &[], "");
        let (login_url, _) = browser.follow_to_client(&url).await;
        // The refusal comes straight after the password: no code, no redirect.
        let refused = browser
            .submit_login(&login_url, email, PASSWORD, false)
            .await;
        assert_eq!(refused.status, 403, "{email}");
        assert!(refused.location.is_none());
        assert!(
            refused
                .body
                .contains("does not belong to any studio this application accepts"),
            "{}",
            refused.body
        );
    }
    // A member of the accepted studio gets in, with that studio's claims.
    let (url, verifier, _) = authorization_request(&rp, &[], "");
    let callback = app
        .browser()
        .authorize(&url, "mario@example.com", PASSWORD)
        .await;
    let tokens = exchange(&rp, &callback, verifier).await;
    assert_eq!(
        studio_of(&tokens.id_token().expect("id token").to_string()).0,
        "rossi"
    );
}

async fn studio_settings_are_validated(backend: Backend) {
    let app = TestApp::start(backend).await;
    let check = |output: gatehouse_server::cli::Output, expected: &str| {
        assert_ne!(
            output.exit_code, 0,
            "expected a refusal mentioning {expected}"
        );
        assert!(
            output.stderr.contains(expected),
            "{:?} should mention {expected:?}",
            output.stderr
        );
    };
    check(
        app.cli(
            &[
                "studios",
                "create",
                "--slug",
                "x1",
                "--name",
                "X",
                "--device-limit",
                "0",
            ],
            "",
        )
        .await,
        "device_limit",
    );
    check(
        app.cli(
            &[
                "studios",
                "create",
                "--slug",
                "x1",
                "--name",
                "X",
                "--device-limit",
                "lots",
            ],
            "",
        )
        .await,
        "device_limit",
    );
    check(
        app.cli(
            &["studios", "create", "--slug", "Not A Slug", "--name", "X"],
            "",
        )
        .await,
        "studio slug",
    );
    app.create_studio("rossi", "Studio Rossi", &["--licence", "123"])
        .await;
    check(
        app.cli(
            &["studios", "create", "--slug", "rossi", "--name", "Again"],
            "",
        )
        .await,
        "already exists",
    );
    check(
        app.cli(
            &[
                "studios",
                "create",
                "--slug",
                "other",
                "--name",
                "X",
                "--licence",
                "123",
            ],
            "",
        )
        .await,
        "already exists",
    );
    check(
        app.cli(
            &[
                "studios",
                "set",
                "--studio",
                "rossi",
                "--allowed-providers",
                "myspace",
            ],
            "",
        )
        .await,
        "allowed_providers",
    );
    check(
        app.cli(
            &[
                "studios",
                "set",
                "--studio",
                "rossi",
                "--password-length",
                "30-20",
            ],
            "",
        )
        .await,
        "password_policy",
    );
    check(
        app.cli(
            &[
                "studios",
                "set",
                "--studio",
                "rossi",
                "--session-lifetime",
                "5",
            ],
            "",
        )
        .await,
        "session_lifetime_seconds",
    );
    check(
        app.cli(
            &[
                "studios",
                "set",
                "--studio",
                "nowhere",
                "--device-limit",
                "2",
            ],
            "",
        )
        .await,
        "no studio",
    );
    app.create_user(EMAIL, PASSWORD).await;
    check(
        app.cli(
            &[
                "studios",
                "add-member",
                "--studio",
                "rossi",
                "--email",
                EMAIL,
                "--role",
                "owner",
            ],
            "",
        )
        .await,
        "no role \"owner\"",
    );
    check(
        app.cli(
            &[
                "studios",
                "add-member",
                "--studio",
                "rossi",
                "--email",
                "ghost@example.com",
            ],
            "",
        )
        .await,
        "no user",
    );
    let output = app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "rossi",
                "--device-limit",
                "1",
                "--password-length",
                "8-20",
                "--mfa-required",
                "true",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let studio: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(studio["settings"]["device_limit"], 1);
    assert_eq!(studio["settings"]["password_policy"]["max_length"], 20);
    assert_eq!(studio["settings"]["mfa_required"], true);
    let listed: serde_json::Value =
        serde_json::from_str(&app.cli(&["studios", "list"], "").await.stdout).expect("JSON");
    assert_eq!(listed[0]["licence"], "123");
}

async fn a_removed_member_loses_what_applications_hold_in_the_studio(backend: Backend) {
    let world = two_studios(backend).await;
    let browser = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &["offline_access"], "");
    let callback = browser.authorize(&url, "anna@123", PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let access = tokens.access_token().secret().clone();
    let refresh = tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone();
    let introspect = |token: String| {
        let (app, client) = (&world.app, &world.client);
        async move {
            crate::client_post(app, client, "/introspect", &[("token", token.as_str())])
                .await
                .json::<serde_json::Value>()
                .await
                .expect("JSON")
        }
    };
    assert_eq!(introspect(access.clone()).await["active"], true);

    let operator = world
        .app
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
    let (status, token) = crate::token_request(
        &world.app,
        &operator,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let removed = reqwest::Client::new()
        .delete(world.app.url(&format!(
            "/api/v1/studios/bianchi/members/{}",
            world.user_id
        )))
        .bearer_auth(token["access_token"].as_str().expect("a token"))
        .send()
        .await
        .expect("remove the member");
    assert_eq!(removed.status(), 204);

    // The application's tokens of that studio stop at once, not at their expiry.
    assert_eq!(introspect(access).await["active"], false);
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
    a_removed_member_loses_what_applications_hold_in_the_studio,
    user_in_two_studios_picks_and_switches,
    licence_sign_in_name_selects_the_studio,
    organization_parameter_pins_the_studio,
    clients_limited_to_studios_refuse_other_users,
    studio_settings_are_validated,
);
