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
);
