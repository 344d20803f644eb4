use crate::{EMAIL, PASSWORD, World, authorization_request, exchange, token_request};
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, Browser};
use openidconnect::OAuth2TokenResponse;

const ADMIN: &str = "support@fiin.example";

/// Signs `browser` in through the relying party; returns the refresh token.
async fn sign_in_refresh_token(world: &World, browser: &Browser) -> String {
    let (url, verifier, _) = authorization_request(&world.rp, &[], "");
    let callback = browser.authorize(&url, EMAIL, PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    tokens
        .refresh_token()
        .expect("refresh token")
        .secret()
        .clone()
}

async fn is_signed_in(world: &World, browser: &Browser) -> bool {
    let (url, _, _) = authorization_request(&world.rp, &[], "&prompt=none");
    query_parameter(browser.get(&url).await.redirect(), "code").is_some()
}

/// The user's devices as `(name, id)`, from the CLI.
async fn devices_of(world: &World, email: &str) -> Vec<(String, String)> {
    let output = world
        .app
        .cli(&["devices", "list", "--email", email], "")
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let listed: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|device| {
            assert!(
                device["name"].is_string()
                    && device["first_seen"].is_number()
                    && device["last_seen"].is_number()
            );
            (
                device["name"].as_str().expect("name").to_owned(),
                device["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

async fn device_id(world: &World, email: &str, name: &str) -> String {
    devices_of(world, email)
        .await
        .into_iter()
        .find(|(device, _)| device == name)
        .map(|(_, id)| id)
        .unwrap_or_else(|| panic!("no device named {name}"))
}

async fn third_device_is_refused_until_an_admin_removes_one(backend: Backend) {
    let world = World::start(backend).await;
    world
        .app
        .create_studio("fiin", "FiinPro", &["--device-limit", "2"])
        .await;
    world.app.add_member("fiin", EMAIL, "member", None).await;
    world.app.create_user(ADMIN, PASSWORD).await;
    world.app.add_member("fiin", ADMIN, "admin", None).await;

    let first = world.app.browser_named("first-phone");
    let first_refresh = sign_in_refresh_token(&world, &first).await;
    let second = world.app.browser_named("second-phone");
    sign_in_refresh_token(&world, &second).await;
    // Signing in again on a registered device is fine.
    sign_in_refresh_token(&world, &first).await;
    assert_eq!(devices_of(&world, EMAIL).await.len(), 2);

    let third = world.app.browser();
    let refused = third.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("already registered on as many devices"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("remove a device"));
    assert!(
        !refused
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_session=")),
        "nothing is issued"
    );
    assert_eq!(devices_of(&world, EMAIL).await.len(), 2);

    // A plain member cannot manage the studio's devices.
    let members_page = second.get("/studios/fiin/members").await;
    assert_eq!(members_page.status, 403);

    // The studio admin removes the first phone.
    let oldest = device_id(&world, EMAIL, "first-phone").await;
    let admin = world.app.browser();
    assert_eq!(
        admin
            .submit_login("/login", ADMIN, PASSWORD, false)
            .await
            .redirect(),
        "/"
    );
    let page = admin.get("/studios/fiin/members").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(EMAIL) && page.body.contains(&oldest));
    let csrf = page.form_value("csrf_token").expect("csrf");
    let removed = admin
        .post(
            "/studios/fiin/devices/remove",
            &[
                ("csrf_token", csrf.as_str()),
                ("device_id", oldest.as_str()),
            ],
        )
        .await;
    assert_eq!(
        removed.redirect(),
        "/studios/fiin/members?notice=device-removed"
    );

    // The removed device is signed out and its refresh token is dead...
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &first_refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(!is_signed_in(&world, &first).await);
    assert!(
        is_signed_in(&world, &second).await,
        "the other device is untouched"
    );
    // ... and the third device may now register.
    let allowed = third.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert_eq!(allowed.redirect(), "/");
}

async fn admins_act_only_within_their_studio(backend: Backend) {
    let world = World::start(backend).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    world.app.create_studio("other", "Other", &[]).await;
    world.app.create_user(ADMIN, PASSWORD).await;
    world.app.add_member("other", ADMIN, "admin", None).await;
    world.app.add_member("fiin", EMAIL, "member", None).await;
    let user_browser = world.app.browser();
    sign_in_refresh_token(&world, &user_browser).await;
    let device = devices_of(&world, EMAIL).await.pop().expect("a device").1;

    let admin = world.app.browser();
    admin.submit_login("/login", ADMIN, PASSWORD, false).await;
    assert_eq!(admin.get("/studios/fiin/members").await.status, 403);
    let page = admin.get("/studios/other/members").await;
    let csrf = page.form_value("csrf_token").expect("csrf");
    let refused = admin
        .post(
            "/studios/other/devices/remove",
            &[
                ("csrf_token", csrf.as_str()),
                ("device_id", device.as_str()),
            ],
        )
        .await;
    assert_eq!(
        refused.status, 403,
        "the device's owner is not a member of this admin's studio"
    );
    assert!(is_signed_in(&world, &user_browser).await);
}

async fn users_remove_devices_and_end_sessions(backend: Backend) {
    let world = World::start(backend).await;
    let laptop = world.app.browser_named("laptop");
    sign_in_refresh_token(&world, &laptop).await;
    let phone = world.app.browser_named("phone");
    let phone_refresh = sign_in_refresh_token(&world, &phone).await;
    let tablet = world.app.browser_named("tablet");
    sign_in_refresh_token(&world, &tablet).await;

    let account = laptop.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("this device") && account.body.contains("this session"));
    let csrf = account.form_value("csrf_token").expect("csrf");
    assert_eq!(devices_of(&world, EMAIL).await.len(), 3);
    let tablet_device = &device_id(&world, EMAIL, "tablet").await;
    let phone_device = &device_id(&world, EMAIL, "phone").await;
    let laptop_device = &device_id(&world, EMAIL, "laptop").await;
    let removed = laptop
        .post(
            "/account/devices/remove",
            &[
                ("csrf_token", csrf.as_str()),
                ("device_id", phone_device.as_str()),
            ],
        )
        .await;
    assert_eq!(removed.redirect(), "/account?notice=device-removed");
    assert!(!is_signed_in(&world, &phone).await);
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &phone_refresh),
        ],
    )
    .await;
    assert_eq!(status, 400);
    let refused = laptop
        .post(
            "/account/devices/remove",
            &[
                ("csrf_token", csrf.as_str()),
                ("device_id", laptop_device.as_str()),
            ],
        )
        .await;
    assert_eq!(
        refused.status, 400,
        "the current device is not removed from itself"
    );
    assert_eq!(devices_of(&world, EMAIL).await.len(), 2);

    // Ending the tablet's session from the laptop.
    let account = laptop.get("/account").await;
    let marker = "name=\"session_id\" value=\"";
    let session_id = account.body
        [account.body.find(marker).expect("another session") + marker.len()..]
        .split('"')
        .next()
        .expect("id")
        .to_owned();
    let ended = laptop
        .post(
            "/account/sessions/end",
            &[
                ("csrf_token", csrf.as_str()),
                ("session_id", session_id.as_str()),
            ],
        )
        .await;
    assert_eq!(ended.redirect(), "/account?notice=session-ended");
    assert!(!is_signed_in(&world, &tablet).await);
    assert!(is_signed_in(&world, &laptop).await);

    // The CLI removes devices too.
    let output = world
        .app
        .cli(&["devices", "remove", tablet_device], "")
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let output = world
        .app
        .cli(&["devices", "remove", "no-such-device"], "")
        .await;
    assert_ne!(output.exit_code, 0);
    assert!(output.stderr.contains("no device"));
}

gatehouse_tests::on_both_backends!(
    third_device_is_refused_until_an_admin_removes_one,
    admins_act_only_within_their_studio,
    users_remove_devices_and_end_sessions,
    a_member_at_the_device_limit_swaps_the_oldest_device_with_an_emailed_code,
);

/// Follows a sign-in from the sign-in page: the page it stops on (path and page).
async fn sign_in_stops_at(
    browser: &Browser,
    authorize_url: &str,
) -> (String, gatehouse_tests::browser::Page) {
    let (login_url, _) = browser.follow_to_client(authorize_url).await;
    let submitted = browser
        .submit_login(&login_url, EMAIL, PASSWORD, false)
        .await;
    assert!(submitted.status.is_redirection(), "{}", submitted.body);
    browser.follow_to_client(submitted.redirect()).await
}

async fn a_member_at_the_device_limit_swaps_the_oldest_device_with_an_emailed_code(
    backend: Backend,
) {
    use gatehouse_server::i18n::translate;
    let world = crate::accounts::Messaging::start(backend, |builder| {
        builder.with_setting("devices", "swaps_per_month", "1")
    })
    .await;
    let app = &world.app;
    app.create_user(EMAIL, PASSWORD).await;
    app.create_studio("fiin", "FiinPro", &["--device-limit", "1"])
        .await;
    let set = app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "fiin",
                "--device-self-service-swap",
                "true",
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    app.add_member("fiin", EMAIL, "member", None).await;
    app.create_user(ADMIN, PASSWORD).await;
    app.add_member("fiin", ADMIN, "admin", None).await;

    let phone = app.browser_named("old-phone");
    let phone_tokens = world.sign_in(&phone, EMAIL, PASSWORD).await;
    let phone_refresh = phone_tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();

    // A new laptop is refused at the limit and offered the swap instead of a dead end.
    let laptop = app.browser_named("new-laptop");
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let (swap_url, page) = sign_in_stops_at(&laptop, &url).await;
    assert!(swap_url.contains("/device-swap?request="), "{swap_url}");
    assert!(
        page.body
            .contains(&translate("en", "device-swap-title", &[]))
    );
    assert!(
        page.body.contains("old-phone"),
        "the device to be replaced is named"
    );
    let request = query_parameter(&swap_url, "request").expect("request");
    let csrf = page.form_value("csrf_token").expect("CSRF");
    let sent = laptop
        .post(
            "/device-swap/send",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("channel", "email"),
            ],
        )
        .await;
    assert!(sent.status.is_redirection(), "{}", sent.body);
    let mails = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(
        mails[0].subject,
        translate("en", "mail-device_swap_code-subject", &[])
    );
    let code = mails[0].code().expect("a code");
    let code_page = laptop.get(sent.redirect()).await;
    assert!(
        code_page.body.contains("name=\"code\""),
        "{}",
        code_page.body
    );

    // Another browser holding the page's address gets nothing from it.
    let stranger = app.browser();
    assert_ne!(stranger.get(&swap_url).await.status, 200);

    let wrong = laptop
        .post(
            "/device-swap",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong
            .body
            .contains(&translate("en", "code-error-wrong", &[]))
    );

    // The right code, sent twice at once: one swap happens.
    let form = [
        ("csrf_token", csrf.as_str()),
        ("request", request.as_str()),
        ("code", code.as_str()),
    ];
    let (first, second) = tokio::join!(
        laptop.post("/device-swap", &form),
        laptop.post("/device-swap", &form)
    );
    let swapped: Vec<_> = [&first, &second]
        .into_iter()
        .filter(|answer| answer.status.is_redirection())
        .collect();
    assert_eq!(swapped.len(), 1, "{} / {}", first.status, second.status);
    let (callback, _) = laptop.follow_to_client(swapped[0].redirect()).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert!(tokens.refresh_token().is_some());

    // The old phone is gone: its refresh token fails, and only the laptop is registered.
    let (status, body) = token_request(
        app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &phone_refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let devices = devices_of_app(app, EMAIL).await;
    assert_eq!(devices, vec!["new-laptop".to_owned()]);
    // The laptop is recognised next time it signs in: no offer, straight through.
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&prompt=login");
    let (landed, _) = sign_in_stops_at(&laptop, &url).await;
    assert!(landed.starts_with(crate::REDIRECT_URI), "{landed}");

    // The user and the studio's device admin are told.
    let mails = world.mail.wait_for(EMAIL, 2).await;
    assert_eq!(
        mails[1].subject,
        translate("en", "mail-device_swapped-subject", &[])
    );
    assert!(mails[1].text.contains("old-phone") && mails[1].text.contains("new-laptop"));
    let admin_mails = world.mail.wait_for(ADMIN, 1).await;
    assert_eq!(
        admin_mails[0].subject,
        translate("en", "mail-device_swapped_admin-subject", &[])
    );
    assert!(admin_mails[0].text.contains(EMAIL));
    assert!(
        app.audit_kinds(EMAIL)
            .await
            .contains(&"device.swapped".to_owned())
    );

    // One swap a month here: the next one is refused, saying why, and nothing changes.
    let tablet = app.browser_named("tablet");
    let (url, _, _) = authorization_request(&world.rp, &["email"], "");
    let (swap_url, page) = sign_in_stops_at(&tablet, &url).await;
    let request = query_parameter(&swap_url, "request").expect("request");
    let csrf = page.form_value("csrf_token").expect("CSRF");
    tablet
        .post(
            "/device-swap/send",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("channel", "email"),
            ],
        )
        .await;
    let mails = world.mail.wait_for(EMAIL, 3).await;
    let code = mails[2].code().expect("a code");
    let refused = tablet
        .post(
            "/device-swap",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status, 429);
    let explained = translate(
        "en",
        "device-swap-monthly-limit",
        &[("count", "1".to_owned())],
    );
    assert!(
        gatehouse_tests::browser::unescape(&refused.body).contains(&explained),
        "{}",
        refused.body
    );
    assert_eq!(
        devices_of_app(app, EMAIL).await,
        vec!["new-laptop".to_owned()]
    );
}

/// The names of the user's devices, from the CLI.
async fn devices_of_app(app: &gatehouse_tests::TestApp, email: &str) -> Vec<String> {
    let output = app.cli(&["devices", "list", "--email", email], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let listed: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|device| device["name"].as_str().expect("name").to_owned())
        .collect()
}
