//! Two-step verification: authenticator apps, e-mail and SMS codes, recovery codes,
//! passkeys (second factor and passwordless), studio rules, step-up, remembered devices,
//! admin reset and help requests.

use crate::accounts::{Messaging, submit};
use crate::code_flow::jwt_payload;
use crate::{EMAIL, PASSWORD, authorization_request, exchange};
use gatehouse_server::clock::Clock;
use gatehouse_server::i18n::translate;
use gatehouse_tests::browser::{Page, unescape};
use gatehouse_tests::mail::six_digits;
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::webauthn::SoftPasskey;
use gatehouse_tests::{Backend, Browser, TestApp, totp};
use openidconnect::TokenResponse;

const TWO_FACTORS: &str = "urn:gatehouse:acr:2fa";

fn subject(message: &str) -> String {
    translate("en", &format!("mail-{message}-subject"), &[])
}

/// The value of `data-<name>="..."` in a page.
fn data_attribute(page: &Page, name: &str) -> Option<String> {
    let marker = format!("data-{name}=\"");
    let start = page.body.find(&marker)? + marker.len();
    let end = page.body[start..].find('"')?;
    Some(unescape(&page.body[start..start + end]))
}

/// The recovery codes a page shows.
pub(crate) fn recovery_codes(page: &Page) -> Vec<String> {
    page.body
        .split("<code class=\"recovery-code\">")
        .skip(1)
        .filter_map(|rest| rest.split('<').next().map(str::to_owned))
        .collect()
}

/// The continue link of the recovery codes page.
fn next_link(page: &Page) -> String {
    let marker = "class=\"button button-primary\" href=\"";
    let start = page.body.find(marker).expect("a continue link") + marker.len();
    let end = page.body[start..].find('"').expect("link end");
    unescape(&page.body[start..start + end])
}

pub(crate) fn request_of(url: &str) -> String {
    let absolute = if url.starts_with('/') {
        format!("http://localhost{url}")
    } else {
        url.to_owned()
    };
    query_parameter(&absolute, "request").unwrap_or_else(|| panic!("no request in {url}"))
}

/// Moves the server's clock to two seconds into a fresh 30-second step, so a test has the
/// whole step to type its code.
pub(crate) fn next_totp_step(app: &TestApp) -> i64 {
    let now = app.clock.now().as_secs();
    app.clock.advance(32 - now.rem_euclid(30));
    app.clock.now().as_secs()
}

/// Starts an authorization and signs in with the password; returns where the browser
/// landed (a page of ours, or the client's callback) and the PKCE verifier.
pub(crate) async fn password_step(
    world: &Messaging,
    browser: &Browser,
    email: &str,
    extra: &str,
) -> (String, Page, openidconnect::PkceCodeVerifier) {
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], extra);
    let (login_url, _) = browser.follow_to_client(&url).await;
    assert!(login_url.contains("/login"), "{login_url}");
    let posted = browser
        .submit_login(&login_url, email, PASSWORD, false)
        .await;
    let (landed, page) = browser.follow_to_client(posted.redirect()).await;
    (landed, page, verifier)
}

/// Submits the code form of the second-factor page at `url`.
pub(crate) async fn submit_code(
    browser: &Browser,
    page: &Page,
    code: &str,
    extra: &[(&str, &str)],
) -> Page {
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").expect("the sign-in attempt");
    let method = page.form_value("method").expect("the method");
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("request", request.as_str()),
        ("method", method.as_str()),
        ("code", code),
    ];
    form.extend_from_slice(extra);
    browser.post("/mfa", &form).await
}

/// Enrols an authenticator app from the page at `page_url` (the account security page, or
/// the forced set-up page of a sign-in); returns its key and the page after confirmation.
pub(crate) async fn enrol_totp(
    app: &TestApp,
    browser: &Browser,
    page_url: &str,
) -> (Vec<u8>, Page) {
    let page = browser.get(page_url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").unwrap_or_default();
    let setup = browser
        .post(
            "/account/security/totp",
            &[("csrf_token", &csrf), ("request", &request)],
        )
        .await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    let shown = unescape(&setup.body);
    assert!(
        shown.contains("src=\"data:image/svg+xml;base64,"),
        "a QR code: {shown}"
    );
    let secret = data_attribute(&setup, "secret").expect("the key as text");
    assert!(shown.contains("href=\"otpauth://totp/"));
    let key = totp::decode_base32(&secret);
    assert_eq!(key.len(), 20);

    // A wrong code is refused and the same key is shown again.
    let now = next_totp_step(app);
    let wrong_code = if totp::code(&key, now) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let wrong = browser
        .post(
            "/account/security/totp/confirm",
            &[
                ("csrf_token", &csrf),
                ("request", &request),
                ("code", wrong_code),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert_eq!(
        data_attribute(&wrong, "secret").as_deref(),
        Some(secret.as_str())
    );

    let confirmed = browser
        .post(
            "/account/security/totp/confirm",
            &[
                ("csrf_token", &csrf),
                ("request", &request),
                ("code", &totp::code(&key, now)),
            ],
        )
        .await;
    (key, confirmed)
}

/// A browser signed in (password only, no flow) with a session.
pub(crate) async fn session_browser(world: &Messaging, email: &str) -> Browser {
    let browser = world.app.browser();
    let tokens = world.sign_in(&browser, email, PASSWORD).await;
    assert!(tokens.id_token().is_some());
    browser
}

fn id_token_claims(tokens: &openidconnect::core::CoreTokenResponse) -> serde_json::Value {
    jwt_payload(&tokens.id_token().expect("an ID token").to_string())
}

async fn authenticator_app_codes_are_checked_once_with_one_step_of_skew(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = session_browser(&world, EMAIL).await;

    let (key, confirmed) = enrol_totp(&world.app, &browser, "/account/security").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let codes = recovery_codes(&confirmed);
    assert_eq!(codes.len(), 10, "{}", confirmed.body);
    assert!(
        codes
            .iter()
            .all(|code| code.len() == 11 && code.as_bytes()[5] == b'-')
    );
    assert_eq!(
        next_link(&confirmed),
        "/account/security?notice=factor-added"
    );
    let notice = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(notice[0].subject, subject("mfa_added"));
    let listed = browser.get("/account/security").await;
    assert!(listed.body.contains("Authenticator app"), "{}", listed.body);
    assert!(listed.body.contains("10 unused recovery codes"));

    // The code that confirmed the enrolment cannot also sign in (same time step).
    let confirm_code = totp::code(&key, world.app.clock.now().as_secs());
    let visitor = world.app.browser();
    let (landed, page, verifier) = password_step(&world, &visitor, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    assert_eq!(page.form_value("method").as_deref(), Some("totp"));
    assert!(page.body.contains("No access to your authenticator?"));
    let replayed = submit_code(&visitor, &page, &confirm_code, &[]).await;
    assert_eq!(replayed.status, 401, "{}", replayed.body);
    assert!(
        replayed
            .alert()
            .is_some_and(|alert| alert.contains("not correct"))
    );

    // One step of clock skew is accepted; two are not. Three steps on from the enrolment,
    // neither code was used before, so only the skew decides.
    next_totp_step(&world.app);
    next_totp_step(&world.app);
    let now = next_totp_step(&world.app);
    let two_behind = submit_code(&visitor, &page, &totp::code(&key, now - 60), &[]).await;
    assert_eq!(two_behind.status, 401);
    let one_behind = submit_code(&visitor, &page, &totp::code(&key, now - 30), &[]).await;
    assert_eq!(one_behind.status, 303, "{}", one_behind.body);
    let (callback, _) = visitor.follow_to_client(one_behind.redirect()).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let claims = id_token_claims(&tokens);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    assert_eq!(claims["acr"], TWO_FACTORS);

    // The very same code again, in a new sign-in: refused.
    let again = world.app.browser();
    let (_, page, _) = password_step(&world, &again, EMAIL, "").await;
    let reused = submit_code(&again, &page, &totp::code(&key, now - 30), &[]).await;
    assert_eq!(reused.status, 401);

    // Guessing backs off (per user and address), and every failure is audited.
    let mut throttled = None;
    for _ in 0..8 {
        let guess = submit_code(&again, &page, "123456", &[]).await;
        if guess.status == 429 {
            throttled = Some(guess);
            break;
        }
    }
    let throttled = throttled.expect("guessing is throttled");
    assert!(throttled.body.contains("Too many attempts"));
    let failures = world.app.cli(&["mfa", "list", "--email", EMAIL], "").await;
    assert_eq!(failures.exit_code, 0, "{}", failures.stderr);
    let listed: serde_json::Value = serde_json::from_str(&failures.stdout).expect("JSON");
    assert_eq!(listed[0]["kind"], "totp");
    assert_eq!(listed[0]["confirmed"], true);
    assert_eq!(listed[1]["kind"], "recovery_code");
    assert_eq!(listed[1]["remaining"], 10);
    let audited = world.app.audit_kinds(EMAIL).await;
    assert!(
        audited.iter().filter(|kind| *kind == "mfa.failed").count() >= 4,
        "{audited:?}"
    );
    // The key is stored encrypted, never as the base32 text or raw bytes.
    let secret = data_attribute(&confirmed, "secret").unwrap_or_default();
    assert!(
        world
            .app
            .columns_containing(&totp_secret_text(&key))
            .is_empty()
    );
    assert!(secret.is_empty() || world.app.columns_containing(&secret).is_empty());
}

fn totp_secret_text(key: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = String::new();
    for byte in key {
        bits = (bits << 8) | u64::from(*byte);
        count += 8;
        while count >= 5 {
            count -= 5;
            out.push(char::from(ALPHABET[((bits >> count) & 31) as usize]));
        }
    }
    out
}

async fn email_and_sms_codes_and_recovery_codes(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = session_browser(&world, EMAIL).await;

    // E-mail codes: a code proves the address works before the method is on.
    let started = submit(
        &browser,
        "/account/security",
        "/account/security/code",
        &[("kind", "email_otp")],
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert!(
        started.body.contains("a•••@example.com"),
        "{}",
        started.body
    );
    let code = world.mail.wait_for(EMAIL, 1).await[0]
        .code()
        .expect("a code");
    let confirmed = submit(
        &browser,
        "/account/security",
        "/account/security/code/confirm",
        &[("code", &code)],
    )
    .await;
    let codes = recovery_codes(&confirmed);
    assert_eq!(codes.len(), 10, "{}", confirmed.body);

    // A verified phone, then SMS codes as a second method (no new recovery codes).
    submit(
        &browser,
        "/account",
        "/account/phone",
        &[("phone", "+358 50 765 4321")],
    )
    .await;
    let phone_code = six_digits(&world.sms.wait_for("+358507654321", 1).await[0]).expect("code");
    submit(
        &browser,
        "/account",
        "/account/phone/confirm",
        &[("code", &phone_code)],
    )
    .await;
    submit(
        &browser,
        "/account/security",
        "/account/security/code",
        &[("kind", "sms_otp")],
    )
    .await;
    let sms_code = six_digits(&world.sms.wait_for("+358507654321", 2).await[1]).expect("code");
    let added = submit(
        &browser,
        "/account/security",
        "/account/security/code/confirm",
        &[("code", &sms_code)],
    )
    .await;
    assert_eq!(added.redirect(), "/account/security?notice=factor-added");

    // Both enrolments were told by e-mail (after the e-mailed enrolment code), and so was
    // the phone change in between.
    let notices = world.mail.wait_for(EMAIL, 4).await;
    assert_eq!(
        notices[1..]
            .iter()
            .map(|mail| mail.subject.clone())
            .collect::<Vec<_>>(),
        vec![
            subject("mfa_added"),
            subject("phone_changed"),
            subject("mfa_added")
        ]
    );

    // Sign-in: the e-mail method is offered first and its code goes out at once.
    let mails_before = notices.len();
    let visitor = world.app.browser();
    let (landed, page, verifier) = password_step(&world, &visitor, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    assert_eq!(page.form_value("method").as_deref(), Some("email_otp"));
    let mails = world.mail.wait_for(EMAIL, mails_before + 1).await;
    let sign_in_mail = mails.last().expect("a mail");
    assert_eq!(sign_in_mail.subject, subject("mfa_code"));
    let email_code = sign_in_mail.code().expect("a code");

    // A second sign-in elsewhere gets its own code; codes are not interchangeable.
    let other = world.app.browser();
    let (_, other_page, _) = password_step(&world, &other, EMAIL, "").await;
    world.mail.wait_for(EMAIL, mails_before + 2).await;
    let crossed = submit_code(&other, &other_page, &email_code, &[]).await;
    assert_ne!(
        crossed.status, 303,
        "a code of another sign-in attempt works"
    );

    // Back in the first browser: the other sign-in's code replaced this one's, so the page
    // sends a new code; asking for another sends one more, and only the newest works.
    let refreshed = visitor.get(&landed).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let replaced = world.mail.wait_for(EMAIL, mails_before + 3).await;
    let replaced_code = replaced
        .last()
        .and_then(|mail| mail.code())
        .expect("a code");
    let resent = visitor
        .post(
            "/mfa/send",
            &[
                (
                    "csrf_token",
                    &refreshed.form_value("csrf_token").unwrap_or_default(),
                ),
                ("request", &request_of(&landed)),
                ("method", "email_otp"),
            ],
        )
        .await;
    assert!(
        resent.body.contains("We have sent a six-digit code"),
        "{}",
        resent.body
    );
    let mails = world.mail.wait_for(EMAIL, mails_before + 4).await;
    let fresh_code = mails.last().and_then(|mail| mail.code()).expect("a code");
    let outdated = submit_code(&visitor, &refreshed, &replaced_code, &[]).await;
    assert_eq!(outdated.status, 401, "{}", outdated.body);
    let passed = submit_code(&visitor, &refreshed, &fresh_code, &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);
    let (callback, _) = visitor.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));

    // The user picks SMS instead.
    let texter = world.app.browser();
    let (landed, _, verifier) = password_step(&world, &texter, EMAIL, "").await;
    let sms_page = texter
        .get(&format!(
            "/mfa?request={}&method=sms_otp",
            request_of(&landed)
        ))
        .await;
    assert_eq!(sms_page.form_value("method").as_deref(), Some("sms_otp"));
    assert!(sms_page.body.contains("+••••••••••21"), "{}", sms_page.body);
    let texts = world.sms.wait_for("+358507654321", 3).await;
    let sms_sign_in = six_digits(texts.last().expect("an SMS")).expect("code");
    let passed = submit_code(&texter, &sms_page, &sms_sign_in, &[]).await;
    let (callback, _) = texter.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "sms", "mfa"]));

    // A recovery code works once and tells how many remain.
    let lost = world.app.browser();
    let (landed, _, verifier) = password_step(&world, &lost, EMAIL, "").await;
    let recovery_page = lost
        .get(&format!(
            "/mfa?request={}&method=recovery_code",
            request_of(&landed)
        ))
        .await;
    let typed = codes[0].to_lowercase().replace('-', " ");
    let passed = submit_code(&lost, &recovery_page, &typed, &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);
    let (callback, _) = lost.follow_to_client(passed.redirect()).await;
    exchange(&world.rp, &callback, verifier).await;
    let used = world
        .mail
        .wait_for_subject(EMAIL, &subject("recovery_code_used"))
        .await;
    assert!(used.text.contains("9 unused codes"), "{}", used.text);
    let again = world.app.browser();
    let (landed, _, _) = password_step(&world, &again, EMAIL, "").await;
    let recovery_page = again
        .get(&format!(
            "/mfa?request={}&method=recovery_code",
            request_of(&landed)
        ))
        .await;
    let reused = submit_code(&again, &recovery_page, &codes[0], &[]).await;
    assert_eq!(reused.status, 401);
}

async fn passkeys_as_second_factor_and_passwordless(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder.with_localhost_issuer()).await;
    let origin = world.app.base_url.clone();
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = session_browser(&world, EMAIL).await;

    let security = browser.get("/account/security").await;
    assert!(
        security.body.contains("data-passkey=\"register\""),
        "{}",
        security.body
    );
    let options = browser
        .passkey_options(&security, "/account/security/passkeys/options", &[])
        .await;
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["residentKey"],
        "required"
    );
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["userVerification"],
        "required"
    );
    let mut passkey = SoftPasskey::new();
    let credential = passkey.register(&options, &origin);
    let csrf = security.form_value("csrf_token").unwrap_or_default();
    let ceremony = options["ceremony"].as_str().expect("ceremony").to_owned();
    let registered = browser
        .post(
            "/account/security/passkeys",
            &[
                ("csrf_token", &csrf),
                ("ceremony", &ceremony),
                ("credential", &credential),
                ("label", "Work laptop"),
            ],
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(recovery_codes(&registered).len(), 10);
    // A ceremony answers once.
    let replayed = browser
        .post(
            "/account/security/passkeys",
            &[
                ("csrf_token", &csrf),
                ("ceremony", &ceremony),
                ("credential", &credential),
            ],
        )
        .await;
    assert_eq!(replayed.status, 422);
    let listed = browser.get("/account/security").await;
    assert!(listed.body.contains("Work laptop"), "{}", listed.body);
    // The credential is stored with its owner; the finished ceremony left nothing behind.
    let holding = world.app.columns_containing(&passkey.credential_id());
    assert!(
        !holding.is_empty()
            && holding
                .iter()
                .all(|column| column.starts_with("user_credentials.")),
        "{holding:?}"
    );

    // Second factor after the password.
    let visitor = world.app.browser();
    let (landed, page, verifier) = password_step(&world, &visitor, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    assert!(
        page.body.contains("data-passkey=\"authenticate\""),
        "{}",
        page.body
    );
    let request = request_of(&landed);
    let options = visitor
        .passkey_options(&page, "/mfa/passkey/options", &[("request", &request)])
        .await;
    let answer = passkey.authenticate(&options, &origin);
    let passed = visitor
        .post(
            "/mfa/passkey",
            &[
                (
                    "csrf_token",
                    &page.form_value("csrf_token").unwrap_or_default(),
                ),
                ("request", &request),
                ("ceremony", options["ceremony"].as_str().unwrap_or_default()),
                ("credential", &answer),
            ],
        )
        .await;
    assert_eq!(passed.status, 303, "{}", passed.body);
    let (callback, _) = visitor.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "hwk", "mfa"]));
    assert_eq!(claims["acr"], TWO_FACTORS);

    // Passwordless: the login page offers the passkey; no name, no password.
    let stranger = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let (login_url, login_page) = stranger.follow_to_client(&url).await;
    assert!(
        login_page.body.contains("data-passkey=\"discover\""),
        "{}",
        login_page.body
    );
    assert!(
        login_page
            .body
            .contains("autocomplete=\"username webauthn\"")
    );
    let flow = login_page.form_value("flow").expect("flow");
    let options = stranger
        .passkey_options(&login_page, "/login/passkey/options", &[("flow", &flow)])
        .await;
    assert!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    let answer = passkey.authenticate(&options, &origin);
    let csrf = login_page.form_value("csrf_token").unwrap_or_default();
    let signed_in = stranger
        .post(
            "/login/passkey",
            &[
                ("csrf_token", &csrf),
                ("flow", &flow),
                ("ceremony", options["ceremony"].as_str().unwrap_or_default()),
                ("credential", &answer),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{login_url}: {}", signed_in.body);
    let (callback, _) = stranger.follow_to_client(signed_in.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["hwk", "user", "mfa"]));
    assert_eq!(claims["acr"], TWO_FACTORS);

    // The same answer again (a replay) and another key's answer are refused.
    let replay = stranger
        .post(
            "/login/passkey",
            &[
                ("csrf_token", &csrf),
                ("ceremony", options["ceremony"].as_str().unwrap_or_default()),
                ("credential", &answer),
            ],
        )
        .await;
    assert_eq!(replay.status, 401);
    let impostor_page = stranger.get("/login").await;
    let options = stranger
        .passkey_options(&impostor_page, "/login/passkey/options", &[])
        .await;
    let mut impostor = SoftPasskey::new();
    let _ = impostor.register(
        &serde_json::json!({"publicKey": {"challenge": "AA", "rp": {"id": "localhost"}, "user": {"id": "AAAA"}}}),
        &origin,
    );
    let forged = stranger
        .post(
            "/login/passkey",
            &[
                (
                    "csrf_token",
                    &impostor_page.form_value("csrf_token").unwrap_or_default(),
                ),
                ("ceremony", options["ceremony"].as_str().unwrap_or_default()),
                ("credential", &impostor.authenticate(&options, &origin)),
            ],
        )
        .await;
    assert_eq!(forged.status, 401);

    // Rename, then remove: the user is told.
    let security = browser.get("/account/security").await;
    let factor_id = security
        .body
        .split("name=\"factor_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a factor id")
        .to_owned();
    let renamed = submit(
        &browser,
        "/account/security",
        "/account/security/rename",
        &[("factor_id", &factor_id), ("label", "Old laptop")],
    )
    .await;
    assert_eq!(
        renamed.redirect(),
        "/account/security?notice=factor-renamed"
    );
    assert!(
        browser
            .get("/account/security")
            .await
            .body
            .contains("Old laptop")
    );
    let removed = submit(
        &browser,
        "/account/security",
        "/account/security/remove",
        &[("factor_id", &factor_id)],
    )
    .await;
    assert_eq!(
        removed.redirect(),
        "/account/security?notice=factor-removed"
    );
    world
        .mail
        .wait_for_subject(EMAIL, &subject("mfa_removed"))
        .await;
    // With no second factor left, the password alone signs in again.
    let (landed, _, _) = password_step(&world, &world.app.browser(), EMAIL, "").await;
    assert!(landed.starts_with(crate::REDIRECT_URI), "{landed}");
}

async fn a_studio_that_requires_mfa_forces_enrolment_before_tokens(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    // A session from before the studio's rule: password only.
    let early = session_browser(&world, EMAIL).await;
    world
        .app
        .create_studio("acme", "Acme Oy", &["--mfa-required"])
        .await;
    world.app.add_member("acme", EMAIL, "member", None).await;

    let browser = world.app.browser();
    let (landed, setup, verifier) = password_step(&world, &browser, EMAIL, "").await;
    assert!(landed.contains("/mfa/setup?request="), "{landed}");
    assert!(
        setup.body.contains("requires a second step"),
        "{}",
        setup.body
    );
    // No way around it: the flow does not continue without a factor.
    let (url, _, _) = authorization_request(&world.rp, &["email"], "");
    let (elsewhere, _) = browser.follow_to_client(&url).await;
    assert!(elsewhere.contains("/login"), "{elsewhere}");

    let (key, confirmed) = enrol_totp(&world.app, &browser, &landed).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(recovery_codes(&confirmed).len(), 10);
    let next = next_link(&confirmed);
    let (callback, _) = browser.follow_to_client(&next).await;
    assert!(callback.starts_with(crate::REDIRECT_URI), "{callback}");
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    assert_eq!(claims["acr"], TWO_FACTORS);

    // The last method cannot be removed while the studio requires one.
    let security = browser.get("/account/security").await;
    let factor_id = security
        .body
        .split("name=\"factor_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a factor id")
        .to_owned();
    let refused = submit(
        &browser,
        "/account/security",
        "/account/security/remove",
        &[("factor_id", &factor_id)],
    )
    .await;
    assert_eq!(refused.redirect(), "/account/security?notice=last-required");

    // The session from before the rule must step up: no code without a second factor, and
    // prompt=none gets interaction_required.
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&prompt=none");
    let (silent, _) = early.follow_to_client(&url).await;
    assert_eq!(
        query_parameter(&silent, "error").as_deref(),
        Some("interaction_required")
    );
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let (step_up, page) = early.follow_to_client(&url).await;
    assert!(step_up.contains("/mfa?request="), "{step_up}");
    assert!(page.body.contains("asks you to confirm"), "{}", page.body);
    let now = next_totp_step(&world.app);
    let passed = submit_code(&early, &page, &totp::code(&key, now), &[]).await;
    let (callback, _) = early.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["acr"], TWO_FACTORS);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}

async fn acr_values_trigger_step_up(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    // Signed in before any factor existed: a password-only session.
    let early = session_browser(&world, EMAIL).await;
    let other = session_browser(&world, EMAIL).await;
    let (key, _) = enrol_totp(&world.app, &other, "/account/security").await;

    // Without acr_values the session is good enough; the ID token says what it is.
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let (callback, _) = early.follow_to_client(&url).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["acr"], "urn:gatehouse:acr:1fa");

    // The client asks for two factors: the user presents the second one.
    let ask = "&acr_values=urn%3Agatehouse%3Aacr%3A2fa";
    let (url, _, _) = authorization_request(&world.rp, &["email"], &format!("{ask}&prompt=none"));
    let (silent, _) = early.follow_to_client(&url).await;
    assert_eq!(
        query_parameter(&silent, "error").as_deref(),
        Some("interaction_required")
    );
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], ask);
    let (step_up, page) = early.follow_to_client(&url).await;
    assert!(step_up.contains("/mfa?request="), "{step_up}");
    let now = next_totp_step(&world.app);
    let passed = submit_code(&early, &page, &totp::code(&key, now), &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);
    let (callback, _) = early.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["acr"], TWO_FACTORS);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));

    // The session keeps what it proved: the next request for two factors needs no code.
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], ask);
    let (callback, _) = early.follow_to_client(&url).await;
    assert!(callback.starts_with(crate::REDIRECT_URI), "{callback}");
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["acr"], TWO_FACTORS);

    // Past max_age the user signs in again, with both factors, and auth_time is new.
    world.app.clock.advance(120);
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "&max_age=60");
    let (login_url, _) = early.follow_to_client(&url).await;
    assert!(login_url.contains("/login"), "{login_url}");
    let posted = early.submit_login(&login_url, EMAIL, PASSWORD, false).await;
    let (landed, page) = early.follow_to_client(posted.redirect()).await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    let now = next_totp_step(&world.app);
    let passed = submit_code(&early, &page, &totp::code(&key, now), &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);
    let (callback, _) = early.follow_to_client(passed.redirect()).await;
    let claims = id_token_claims(&exchange(&world.rp, &callback, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    // The sign-in finished when the code was accepted: a second boundary may pass between
    // the code's time step and the server's clock on a loaded machine.
    let auth_time = claims["auth_time"].as_i64().expect("auth_time");
    assert!(
        (now..now + 5).contains(&auth_time),
        "auth_time {auth_time}, code at {now}"
    );
}

async fn a_remembered_device_skips_the_second_factor(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    world.app.create_studio("acme", "Acme Oy", &[]).await;
    world.app.add_member("acme", EMAIL, "member", None).await;
    let set = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "acme",
                "--mfa-remember-days",
                "30",
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    let setup_browser = session_browser(&world, EMAIL).await;
    let (key, _) = enrol_totp(&world.app, &setup_browser, "/account/security").await;

    let device = world.app.browser();
    let (_, page, verifier) = password_step(&world, &device, EMAIL, "").await;
    assert!(
        unescape(&page.body).contains("Don't ask again on this device for 30 days"),
        "{}",
        page.body
    );
    let now = next_totp_step(&world.app);
    let passed = submit_code(
        &device,
        &page,
        &totp::code(&key, now),
        &[("remember_device", "1")],
    )
    .await;
    let (callback, _) = device.follow_to_client(passed.redirect()).await;
    exchange(&world.rp, &callback, verifier).await;

    // Signed out, then in again on the same device: password only.
    let logout = device.get("/logout").await;
    let csrf = logout.form_value("csrf_token").unwrap_or_default();
    device
        .post("/logout", &[("csrf_token", &csrf), ("decision", "logout")])
        .await;
    let (landed, _, verifier) = password_step(&world, &device, EMAIL, "").await;
    assert!(landed.starts_with(crate::REDIRECT_URI), "{landed}");
    let claims = id_token_claims(&exchange(&world.rp, &landed, verifier).await);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "swk", "mfa"]));
    assert_eq!(claims["acr"], TWO_FACTORS);

    // Another device is asked; and after 30 days this one is asked again.
    let (landed, _, _) = password_step(&world, &world.app.browser(), EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    world.app.clock.advance(31 * 86_400);
    let logout = device.get("/logout").await;
    let csrf = logout.form_value("csrf_token").unwrap_or_default();
    device
        .post("/logout", &[("csrf_token", &csrf), ("decision", "logout")])
        .await;
    let (landed, _, _) = password_step(&world, &device, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
}

const MEMBER: &str = "mika.virtanen@example.com";
const OUTSIDER: &str = "sara.lind@example.com";
const ADMIN: &str = "liisa.admin@example.com";

async fn studio_admins_reset_only_their_members_and_hear_help_requests(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    let member_id = world.app.create_user(MEMBER, PASSWORD).await;
    let outsider_id = world.app.create_user(OUTSIDER, PASSWORD).await;
    world.app.create_user(ADMIN, PASSWORD).await;
    world.app.create_studio("acme", "Acme Oy", &[]).await;
    world.app.create_studio("other", "Other Ab", &[]).await;
    world.app.add_member("acme", MEMBER, "member", None).await;
    world.app.add_member("acme", ADMIN, "admin", None).await;
    world
        .app
        .add_member("other", OUTSIDER, "member", None)
        .await;
    for email in [MEMBER, OUTSIDER] {
        let browser = session_browser(&world, email).await;
        enrol_totp(&world.app, &browser, "/account/security").await;
    }

    // The member lost the phone: "no access to your authenticator?" asks the admins.
    let member = world.app.browser();
    let (landed, _, _) = password_step(&world, &member, MEMBER, "").await;
    let help_url = format!("/mfa/help?request={}", request_of(&landed));
    let help = member.get(&help_url).await;
    assert_eq!(help.status, 200, "{}", help.body);
    let asked = submit(
        &member,
        &help_url,
        "/mfa/help",
        &[("request", &request_of(&landed))],
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let admin_mail = world.mail.wait_for(ADMIN, 1).await;
    assert_eq!(admin_mail[0].subject, subject("mfa_help_request"));
    assert!(
        admin_mail[0].text.contains(MEMBER),
        "{}",
        admin_mail[0].text
    );
    assert!(admin_mail[0].text.contains("/studios/acme/members"));

    // The admin resets the member, with a reason; not the other studio's member.
    let admin = session_browser(&world, ADMIN).await;
    let members_page = admin.get("/studios/acme/members").await;
    assert!(
        members_page.body.contains("Turn off two-step verification"),
        "{}",
        members_page.body
    );
    let no_reason = submit(
        &admin,
        "/studios/acme/members",
        "/studios/acme/members/mfa-reset",
        &[("user_id", &member_id), ("reason", " ")],
    )
    .await;
    assert_eq!(no_reason.status, 400);
    let foreign = submit(
        &admin,
        "/studios/acme/members",
        "/studios/acme/members/mfa-reset",
        &[("user_id", &outsider_id), ("reason", "lost phone")],
    )
    .await;
    assert_eq!(foreign.status, 403);
    let not_admin = submit(
        &admin,
        "/studios/acme/members",
        "/studios/other/members/mfa-reset",
        &[("user_id", &outsider_id), ("reason", "lost phone")],
    )
    .await;
    assert_eq!(not_admin.status, 403);
    let reset = submit(
        &admin,
        "/studios/acme/members",
        "/studios/acme/members/mfa-reset",
        &[
            ("user_id", &member_id),
            ("reason", "Phone stolen, verified by call"),
        ],
    )
    .await;
    assert_eq!(reset.redirect(), "/studios/acme/members?notice=mfa-reset");

    let listed = world.app.cli(&["mfa", "list", "--email", MEMBER], "").await;
    assert_eq!(listed.stdout.trim(), "[]");
    let outsider_listed = world
        .app
        .cli(&["mfa", "list", "--email", OUTSIDER], "")
        .await;
    assert_ne!(outsider_listed.stdout.trim(), "[]");
    let told = world.mail.messages_to(MEMBER);
    let told = if told.iter().any(|mail| mail.subject == subject("mfa_reset")) {
        told
    } else {
        world.mail.wait_for(MEMBER, told.len() + 1).await
    };
    let notice = told
        .iter()
        .find(|mail| mail.subject == subject("mfa_reset"))
        .expect("the member is told");
    assert!(notice.text.contains("Phone stolen, verified by call"));
    let audited = world.app.audit_kinds(MEMBER).await;
    assert!(audited.contains(&"mfa.reset".to_owned()), "{audited:?}");
    assert!(
        audited.contains(&"mfa.help_requested".to_owned()),
        "{audited:?}"
    );

    // The member signs in with the password alone again.
    let (landed, _, _) = password_step(&world, &world.app.browser(), MEMBER, "").await;
    assert!(landed.starts_with(crate::REDIRECT_URI), "{landed}");

    // The CLI does the same for an instance admin.
    let reset = world
        .app
        .cli(
            &[
                "mfa",
                "reset",
                "--email",
                OUTSIDER,
                "--reason",
                "support ticket 42",
            ],
            "",
        )
        .await;
    assert_eq!(reset.exit_code, 0, "{}", reset.stderr);
    let printed: serde_json::Value = serde_json::from_str(&reset.stdout).expect("JSON");
    assert!(
        printed["removed"]
            .as_u64()
            .is_some_and(|removed| removed >= 2)
    );
    assert_eq!(
        world
            .app
            .cli(&["mfa", "list", "--email", OUTSIDER], "")
            .await
            .stdout
            .trim(),
        "[]"
    );
    let missing_reason = world
        .app
        .cli(&["mfa", "reset", "--email", OUTSIDER, "--reason", ""], "")
        .await;
    assert_ne!(missing_reason.exit_code, 0);
}

gatehouse_tests::on_both_backends!(
    authenticator_app_codes_are_checked_once_with_one_step_of_skew,
    email_and_sms_codes_and_recovery_codes,
    passkeys_as_second_factor_and_passwordless,
    a_studio_that_requires_mfa_forces_enrolment_before_tokens,
    acr_values_trigger_step_up,
    a_remembered_device_skips_the_second_factor,
    studio_admins_reset_only_their_members_and_hear_help_requests,
);
