//! Hostile requests: guesses raced in parallel, lockouts aimed at someone else, forged
//! client addresses, and a battery of malformed and malicious requests. Each defence is
//! shown to hold from the outside, as an attacker would probe it.

use crate::accounts::Messaging;
use crate::mfa::{enrol_totp, password_step, recovery_codes, session_browser, submit_code};
use crate::{EMAIL, PASSWORD, World, token_request};
use axum::http::Method;
use gatehouse_tests::browser::{Page, unescape};
use gatehouse_tests::{Backend, Browser, RegisteredClient, TestApp, totp};
use std::future::Future;

/// A back-off long enough that no test outruns it by accident: tests move the clock on.
const SLOW_BACK_OFF: &str = "60";

/// A server with a client and a user whose back-offs start at a minute.
async fn world_with_slow_back_off(backend: Backend) -> World {
    let app = TestApp::builder(backend)
        .with_setting("login", "base_delay_seconds", SLOW_BACK_OFF)
        .start()
        .await;
    World::start_with(app, &["--first-party"]).await
}

/// Runs the futures at once and collects what they return.
pub(crate) async fn all_at_once<T: Send + 'static>(
    futures: impl IntoIterator<Item = impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    let mut results = Vec::new();
    while let Some(result) = set.join_next().await {
        results.push(result.expect("the request task"));
    }
    results
}

/// How the answers to a burst of guesses split: compared (and wrong), or held back.
pub(crate) fn tally(pages: &[Page], wrong_marker: &str) -> (usize, usize) {
    let compared = pages
        .iter()
        .filter(|page| page.status != 429 && page.body.contains(wrong_marker))
        .count();
    let held_back = pages.iter().filter(|page| page.status == 429).count();
    (compared, held_back)
}

/// A six-digit code that is not `right`.
fn another_code(right: &str, seed: usize) -> String {
    let mut guess = format!("{:06}", (seed * 7919 + 13) % 1_000_000);
    if guess == right {
        guess = format!("{:06}", (seed * 7919 + 14) % 1_000_000);
    }
    guess
}

async fn password_guesses_in_parallel_are_counted_before_they_are_compared(backend: Backend) {
    let world = world_with_slow_back_off(backend).await;
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let pages = all_at_once((0..50).map(|guess| {
        let (browser, csrf) = (browser.clone(), csrf.clone());
        async move {
            browser
                .post(
                    "/login",
                    &[
                        ("csrf_token", &csrf),
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
        "login.account_free_failures is 5, yet {compared} guesses were compared"
    );
    assert_eq!(compared + held_back, 50);

    // The right password is refused too until the back-off ends, then it works.
    let form = [
        ("csrf_token", csrf.as_str()),
        ("email", EMAIL),
        ("password", PASSWORD),
    ];
    let refused = browser.post("/login", &form).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(
        refused.body.contains("Too many attempts"),
        "{}",
        refused.body
    );
    let wait = refused.retry_after.expect("Retry-After");
    world.app.clock.advance(wait);
    let signed_in = browser.post("/login", &form).await;
    assert_eq!(signed_in.redirect(), "/", "{}", signed_in.body);
}

/// Asks for a password reset by e-mail; returns the code page's URL and the code.
async fn reset_code(world: &Messaging, browser: &Browser, mails_before: usize) -> (String, String) {
    let page = browser.get("/forgot-password").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let requested = browser
        .post(
            "/forgot-password",
            &[
                ("csrf_token", &csrf),
                ("identifier", EMAIL),
                ("channel", "email"),
            ],
        )
        .await;
    let code_page = requested.redirect().to_owned();
    let mails = world.mail.wait_for(EMAIL, mails_before + 1).await;
    let code = mails[mails_before].code().expect("a code in the mail");
    (code_page, code)
}

async fn guess_reset_code(
    browser: &Browser,
    code_page: &str,
    right: &str,
    guesses: usize,
) -> Vec<Page> {
    let page = browser.get(code_page).await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").expect("the request");
    all_at_once((0..guesses).map(|guess| {
        let (browser, csrf, request) = (browser.clone(), csrf.clone(), request.clone());
        let (action, code) = (code_page.to_owned(), another_code(right, guess));
        async move {
            browser
                .post(
                    &action,
                    &[
                        ("csrf_token", &csrf),
                        ("request", &request),
                        ("code", &code),
                    ],
                )
                .await
        }
    }))
    .await
}

async fn submit_reset_code(browser: &Browser, code_page: &str, code: &str) -> Page {
    let page = browser.get(code_page).await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").expect("the request");
    browser
        .post(
            code_page,
            &[("csrf_token", &csrf), ("request", &request), ("code", code)],
        )
        .await
}

async fn reset_code_guesses_in_parallel_are_counted_before_they_are_compared(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("login", "base_delay_seconds", SLOW_BACK_OFF)
    })
    .await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    let (code_page, code) = reset_code(&world, &browser, 0).await;
    let pages = guess_reset_code(&browser, &code_page, &code, 50).await;
    let (compared, held_back) = tally(&pages, "The code is not correct.");
    assert!(
        (1..=5).contains(&compared),
        "a code allows five guesses, yet {compared} were compared"
    );
    assert!(held_back > 0, "the per-account limit held some back");

    // The right code no longer works: this one is spent, and the account backs off.
    let burnt = submit_reset_code(&browser, &code_page, &code).await;
    assert!(
        burnt.status == 429 || burnt.body.contains("Too many wrong codes"),
        "{}: {}",
        burnt.status,
        burnt.body
    );
    let (code_page, code) = reset_code(&world, &browser, 1).await;
    let waiting = submit_reset_code(&browser, &code_page, &code).await;
    assert_eq!(waiting.status, 429, "{}", waiting.body);
    world
        .app
        .clock
        .advance(waiting.retry_after.expect("Retry-After"));
    let accepted = submit_reset_code(&browser, &code_page, &code).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert!(
        accepted.body.contains("name=\"password\""),
        "the new-password form"
    );
}

async fn each_code_allows_five_guesses_even_when_the_throttle_would_allow_more(backend: Backend) {
    // With a generous back-off, only the code's own attempt counter stands in the way.
    let world = Messaging::start(backend, |builder| {
        builder
            .with_setting("login", "account_free_failures", "1000")
            .with_setting("login", "address_free_failures", "1000")
    })
    .await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    let (code_page, code) = reset_code(&world, &browser, 0).await;
    let pages = guess_reset_code(&browser, &code_page, &code, 50).await;
    let (compared, _) = tally(&pages, "The code is not correct.");
    assert_eq!(compared, 5, "one conditional update per guess decides");
    let too_many = pages
        .iter()
        .filter(|page| page.body.contains("Too many wrong codes"))
        .count();
    assert_eq!(too_many, 45);
    let burnt = submit_reset_code(&browser, &code_page, &code).await;
    assert!(
        burnt.body.contains("Too many wrong codes"),
        "{}",
        burnt.body
    );
}

/// Starts a sign-in that stops at the second-factor page; `method` picks the form.
async fn second_factor_page(world: &Messaging, browser: &Browser, method: &str) -> Page {
    let (landed, page, _) = password_step(world, browser, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    if method == "totp" {
        return page;
    }
    let url = format!(
        "{}&method={method}",
        landed.trim_start_matches(&world.app.base_url)
    );
    browser.get(&url).await
}

async fn guess_second_factor(browser: &Browser, page: &Page, codes: Vec<String>) -> Vec<Page> {
    all_at_once(codes.into_iter().map(|code| {
        let browser = browser.clone();
        let page = Page {
            status: page.status,
            location: None,
            body: page.body.clone(),
            set_cookies: Vec::new(),
            retry_after: None,
        };
        async move { submit_code(&browser, &page, &code, &[]).await }
    }))
    .await
}

/// A user with an authenticator app and recovery codes; returns its key and the codes.
async fn user_with_second_factor(world: &Messaging) -> (Vec<u8>, Vec<String>) {
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = session_browser(world, EMAIL).await;
    let (key, confirmed) = enrol_totp(&world.app, &browser, "/account/security").await;
    let codes = recovery_codes(&confirmed);
    assert_eq!(codes.len(), 10);
    (key, codes)
}

async fn second_factor_guesses_in_parallel_are_counted_before_they_are_compared(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("login", "base_delay_seconds", SLOW_BACK_OFF)
    })
    .await;
    let (key, recovery) = user_with_second_factor(&world).await;

    // Authenticator app codes.
    let visitor = world.app.browser();
    let page = second_factor_page(&world, &visitor, "totp").await;
    let now = crate::mfa::next_totp_step(&world.app);
    let right = totp::code(&key, now);
    let guesses = (0..50).map(|seed| another_code(&right, seed)).collect();
    let pages = guess_second_factor(&visitor, &page, guesses).await;
    let (compared, held_back) = tally(&pages, "The code is not correct.");
    assert!(
        (1..=5).contains(&compared),
        "{compared} TOTP guesses compared"
    );
    assert_eq!(compared + held_back, 50);
    let refused = submit_code(&visitor, &page, &right, &[]).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    world
        .app
        .clock
        .advance(refused.retry_after.expect("Retry-After"));
    let now = crate::mfa::next_totp_step(&world.app);
    let passed = submit_code(&visitor, &page, &totp::code(&key, now), &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);

    // Recovery codes, in a new sign-in once the back-off has passed.
    world.app.clock.advance(3600);
    let visitor = world.app.browser();
    let page = second_factor_page(&world, &visitor, "recovery_code").await;
    assert_eq!(page.form_value("method").as_deref(), Some("recovery_code"));
    let guesses = (0..50)
        .map(|seed| format!("{:05}-{:05}", seed, seed * 3))
        .collect();
    let pages = guess_second_factor(&visitor, &page, guesses).await;
    let (compared, held_back) = tally(&pages, "The code is not correct.");
    assert!(
        (1..=5).contains(&compared),
        "{compared} recovery-code guesses compared"
    );
    assert_eq!(compared + held_back, 50);
    let refused = submit_code(&visitor, &page, &recovery[0], &[]).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    world
        .app
        .clock
        .advance(refused.retry_after.expect("Retry-After"));
    let passed = submit_code(&visitor, &page, &recovery[0], &[]).await;
    assert_eq!(passed.status, 303, "{}", passed.body);
}

async fn a_sign_in_attempt_allows_its_configured_guesses_even_under_a_generous_throttle(
    backend: Backend,
) {
    let world = Messaging::start(backend, |builder| {
        builder
            .with_setting("mfa", "max_attempts", "3")
            .with_setting("login", "account_free_failures", "1000")
            .with_setting("login", "address_free_failures", "1000")
    })
    .await;
    let (key, _) = user_with_second_factor(&world).await;
    let visitor = world.app.browser();
    let page = second_factor_page(&world, &visitor, "totp").await;
    let now = crate::mfa::next_totp_step(&world.app);
    let right = totp::code(&key, now);
    let guesses = (0..50).map(|seed| another_code(&right, seed)).collect();
    let pages = guess_second_factor(&visitor, &page, guesses).await;
    let (compared, _) = tally(&pages, "The code is not correct.");
    assert_eq!(compared, 3, "mfa.max_attempts is 3");
    // The attempt is used up: even the right code needs the password again.
    let refused = submit_code(&visitor, &page, &right, &[]).await;
    assert_ne!(refused.status, 303, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("has expired or was already completed"),
        "{}",
        refused.body
    );
}

async fn client_credentials_service(app: &TestApp) -> RegisteredClient {
    app.register_client(
        "https://rp.example/unused",
        &[
            "--grant-types",
            "client_credentials",
            "--scopes",
            "erp:read",
        ],
    )
    .await
}

async fn a_strangers_wrong_client_secrets_do_not_stop_the_real_client(backend: Backend) {
    let app = TestApp::start(backend).await;
    let service = client_credentials_service(&app).await;
    let stranger = reqwest::Client::builder()
        .local_address(Some("127.0.0.2".parse().expect("address")))
        .build()
        .expect("client");
    let mut statuses = std::collections::BTreeMap::new();
    for guess in 0..200 {
        let response = stranger
            .post(app.url("/token"))
            .basic_auth(&service.id, Some(format!("guess-{guess}")))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token request");
        *statuses.entry(response.status().as_u16()).or_insert(0) += 1;
    }
    assert_eq!(statuses.keys().copied().collect::<Vec<_>>(), vec![401, 429]);
    let (status, body) =
        token_request(&app, &service, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());

    // Anyone may name a public client; a secret sent for it is refused without counting
    // against the client itself.
    let public = app
        .register_client("com.example.app:/callback", &["--public"])
        .await;
    for _ in 0..10 {
        let response = reqwest::Client::new()
            .post(app.url("/token"))
            .basic_auth(&public.id, Some("not-a-secret-it-has"))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), 401);
    }
    let response = reqwest::Client::new()
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "not-a-token"),
            ("client_id", public.id.as_str()),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 400, "the public client is not held back");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "invalid_grant");
}

async fn sign_in(browser: &Browser, password: &str) -> Page {
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    browser
        .post(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("email", EMAIL),
                ("password", password),
            ],
        )
        .await
}

async fn a_strangers_wrong_passwords_do_not_lock_out_the_owners_browser(backend: Backend) {
    let world = world_with_slow_back_off(backend).await;
    let owner = world.app.browser();
    assert_eq!(sign_in(&owner, PASSWORD).await.redirect(), "/");

    // Guesses from ten other machines, five each: past the account-wide allowance (20).
    for host in 2..12 {
        let stranger = world.app.browser_from(&format!("127.0.0.{host}"));
        for guess in 0..5 {
            let page = sign_in(&stranger, &format!("guess {guess}")).await;
            assert!(page.status == 200 || page.status == 429, "{}", page.status);
        }
    }
    // A browser without the account's device cookie now waits, wherever it is ...
    let new_browser = world.app.browser();
    assert_eq!(sign_in(&new_browser, PASSWORD).await.status, 429);
    // ... but the owner's browser, which holds a device cookie of the account, signs in.
    let owner_again = sign_in(&owner, PASSWORD).await;
    assert_eq!(owner_again.redirect(), "/", "{}", owner_again.body);
}

async fn a_forged_forwarded_for_changes_nothing_without_trusted_proxies(backend: Backend) {
    let world = world_with_slow_back_off(backend).await;
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let attempt = |password: String, forged: String| {
        let (browser, csrf) = (browser.clone(), csrf.clone());
        async move {
            browser
                .post_with(
                    "/login",
                    &[
                        ("csrf_token", &csrf),
                        ("email", EMAIL),
                        ("password", &password),
                    ],
                    &[("X-Forwarded-For", &forged)],
                )
                .await
        }
    };
    for guess in 0..5 {
        let page = attempt(format!("guess {guess}"), format!("203.0.113.{guess}")).await;
        assert_eq!(page.status, 200);
    }
    // A new "address" in the header does not escape the back-off of the real one.
    let page = attempt(PASSWORD.to_owned(), "198.51.100.77".to_owned()).await;
    assert_eq!(page.status, 429, "{}", page.body);
}

async fn forwarded_for_is_read_from_the_right_behind_a_trusted_proxy(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("server", "trusted_proxies", "[\"127.0.0.1\"]")
        .with_setting("login", "base_delay_seconds", SLOW_BACK_OFF)
        .start()
        .await;
    app.create_user(EMAIL, PASSWORD).await;
    let browser = app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let attempt = |password: &'static str, forwarded: &'static str| {
        let (browser, csrf) = (browser.clone(), csrf.clone());
        async move {
            browser
                .post_with(
                    "/login",
                    &[
                        ("csrf_token", &csrf),
                        ("email", EMAIL),
                        ("password", password),
                    ],
                    &[("X-Forwarded-For", forwarded)],
                )
                .await
        }
    };
    // The client forges a left-most entry each time; the proxy appended the real one.
    for forged in [
        "6.6.6.1, 198.51.100.4",
        "6.6.6.2, 198.51.100.4",
        "6.6.6.3, 198.51.100.4",
    ] {
        assert_eq!(attempt("wrong", forged).await.status, 200);
    }
    for forged in ["6.6.6.4, 198.51.100.4", "6.6.6.5, 198.51.100.4"] {
        assert_eq!(attempt("wrong", forged).await.status, 200);
    }
    let held = attempt(PASSWORD, "6.6.6.6, 198.51.100.4").await;
    assert_eq!(held.status, 429, "198.51.100.4 used its five attempts");
    // Another client behind the same proxy is a different address.
    let other = attempt(PASSWORD, "198.51.100.5").await;
    assert_eq!(other.status, 303, "{}", other.body);
}

async fn the_expired_password_page_comes_only_after_the_second_factor(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world
        .app
        .create_studio("connectprof", "ConnectProf", &[])
        .await;
    let set = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "connectprof",
                "--password-max-age-days",
                "90",
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    let (key, _) = user_with_second_factor(&world).await;
    world
        .app
        .add_member("connectprof", EMAIL, "member", None)
        .await;
    world.app.clock.advance(91 * 86_400);

    // The password alone leads to the second factor, not to the password form.
    let browser = world.app.browser();
    let (landed, page, verifier) = password_step(&world, &browser, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    let attempt = crate::mfa::request_of(&landed);
    let early = browser
        .get(&format!("/password-expired?request={attempt}"))
        .await;
    assert_eq!(
        early.status, 400,
        "the sign-in attempt is no interruption ticket"
    );
    assert!(!early.body.contains("Your password has expired"));

    let now = crate::mfa::next_totp_step(&world.app);
    let passed = submit_code(&browser, &page, &totp::code(&key, now), &[]).await;
    let expired_url = passed.redirect().to_owned();
    assert!(
        expired_url.starts_with("/password-expired?request="),
        "{expired_url}"
    );
    assert!(
        !passed
            .set_cookies
            .iter()
            .any(|cookie| cookie.contains("session=")),
        "no session before the new password"
    );
    // Bound to the browser that signed in: a leaked URL is worth nothing elsewhere.
    let elsewhere = world.app.browser().get(&expired_url).await;
    assert_eq!(elsewhere.status, 400);
    let form = browser.get(&expired_url).await;
    assert!(
        form.body.contains("Your password has expired"),
        "{}",
        form.body
    );
    let csrf = form.form_value("csrf_token").expect("a CSRF token");
    let request = form.form_value("request").expect("the request");
    // Two submissions at once: one goes on, the other finds the request used.
    let submissions = all_at_once((0..2).map(|_| {
        let (browser, csrf, request) = (browser.clone(), csrf.clone(), request.clone());
        async move {
            browser
                .post(
                    "/password-expired",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("request", request.as_str()),
                        ("password", "renewed password 2026"),
                        ("confirm_password", "renewed password 2026"),
                    ],
                )
                .await
        }
    }))
    .await;
    let went_on: Vec<&Page> = submissions
        .iter()
        .filter(|page| page.status.is_redirection())
        .collect();
    assert_eq!(
        went_on.len(),
        1,
        "{:?}",
        submissions
            .iter()
            .map(|page| page.status)
            .collect::<Vec<_>>()
    );
    assert!(submissions.iter().any(|page| page.status == 400));
    let callback = browser.follow_to_client(went_on[0].redirect()).await.0;
    let tokens = crate::exchange(&world.rp, &callback, verifier).await;
    let claims = crate::code_flow::jwt_payload(
        &openidconnect::TokenResponse::id_token(&tokens)
            .expect("an ID token")
            .to_string(),
    );
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}

async fn the_second_factor_page_fails_closed_when_no_factor_is_usable(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    user_with_second_factor(&world).await;
    let browser = world.app.browser();
    let (landed, _, _) = password_step(&world, &browser, EMAIL, "").await;
    assert!(landed.contains("/mfa?request="), "{landed}");
    let reset = world
        .app
        .cli(
            &["mfa", "reset", "--email", EMAIL, "--reason", "lost phone"],
            "",
        )
        .await;
    assert_eq!(reset.exit_code, 0, "{}", reset.stderr);
    let page = browser
        .get(landed.trim_start_matches(&world.app.base_url))
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.alert()
            .is_some_and(|alert| alert.contains("None of your two-step verification methods")),
        "{}",
        page.body
    );
    assert!(unescape(&page.body).contains("Ask my studio's administrators for help"));
    assert!(
        !page
            .set_cookies
            .iter()
            .any(|cookie| cookie.contains("session=")),
        "nothing is issued"
    );
}

/// A browser signed in (password only) on the account pages.
async fn signed_in_browser(world: &Messaging) -> Browser {
    let browser = world.app.browser();
    let posted = sign_in(&browser, PASSWORD).await;
    assert_eq!(posted.redirect(), "/", "{}", posted.body);
    browser
}

async fn account_form(browser: &Browser, action: &str, fields: &[(&str, &str)]) -> Page {
    crate::accounts::submit(browser, "/account", action, fields).await
}

/// A browser signed in with the password and an authenticator code.
async fn signed_in_with_totp(world: &Messaging, key: &[u8]) -> Browser {
    let browser = world.app.browser();
    let posted = sign_in(&browser, PASSWORD).await;
    let mfa_url = posted.redirect().to_owned();
    assert!(mfa_url.starts_with("/mfa?request="), "{mfa_url}");
    let page = browser.get(&mfa_url).await;
    let now = crate::mfa::next_totp_step(&world.app);
    let passed = submit_code(&browser, &page, &totp::code(key, now), &[]).await;
    assert_eq!(passed.redirect(), "/", "{}", passed.body);
    browser
}

async fn sensitive_changes_ask_for_a_recent_proof_first(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    let (key, _) = user_with_second_factor(&world).await;
    let browser = signed_in_with_totp(&world, &key).await;
    // Five minutes and a second later, the sign-in no longer counts as recent.
    world.app.clock.advance(301);

    let asked = account_form(
        &browser,
        "/account/email",
        &[("email", "anna.new@example.com")],
    )
    .await;
    let reauth_url = asked.redirect().to_owned();
    assert!(
        reauth_url.starts_with("/reauthenticate?request="),
        "{reauth_url}"
    );
    let page = browser.get(&reauth_url).await;
    assert!(page.body.contains("Confirm it is you"), "{}", page.body);
    assert!(
        page.body.contains("anna.new@example.com"),
        "the page says what happens next"
    );
    assert!(
        world.mail.messages_to("anna.new@example.com").is_empty(),
        "nothing sent yet"
    );
    // The parked change belongs to this browser only.
    let elsewhere = signed_in_with_totp(&world, &key).await;
    assert_eq!(elsewhere.get(&reauth_url).await.status, 400);

    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").expect("the parked change");
    let proof = |password: &'static str| {
        let (browser, csrf, request) = (browser.clone(), csrf.clone(), request.clone());
        async move {
            browser
                .post(
                    "/reauthenticate",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("request", request.as_str()),
                        ("method", "password"),
                        ("password", password),
                    ],
                )
                .await
        }
    };
    let wrong = proof("not my password").await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .alert()
            .is_some_and(|alert| alert.contains("The current password is incorrect"))
    );
    let proved = proof(PASSWORD).await;
    assert_eq!(
        proved.redirect(),
        "/account?notice=code-sent",
        "{}",
        proved.body
    );
    let code = world.mail.wait_for("anna.new@example.com", 1).await[0]
        .code()
        .expect("a code to the new address");
    let replayed = proof(PASSWORD).await;
    assert_eq!(replayed.status, 400, "the parked change goes on once");

    // The proof is fresh now: the code is confirmed right away.
    let confirmed = account_form(&browser, "/account/email/confirm", &[("code", &code)]).await;
    assert_eq!(confirmed.redirect(), "/account?notice=email-changed");

    // The previous address is told, with a link that undoes the change.
    let mails = world.mail.wait_for(EMAIL, 2).await;
    let notice = mails
        .iter()
        .find(|mail| mail.subject == "Your e-mail address was changed")
        .expect("the old address is told");
    assert!(notice.text.contains("anna.new@example.com"));
    assert!(notice.text.contains("72 hours"));
    let undo = notice
        .link(&format!("{}/account/email/undo?token=", world.app.base_url))
        .expect("an undo link");
    let stranger = world.app.browser();
    let undone = crate::accounts::follow_confirmation_link(&stranger, &undo).await;
    assert_eq!(undone.status, 200, "{}", undone.body);
    assert!(
        undone.body.contains("Your e-mail address is back"),
        "{}",
        undone.body
    );
    // Whoever changed it is signed out, and the account answers to the old address again.
    let after = browser.get("/account").await;
    assert_eq!(after.redirect(), "/login?return_to=%2Faccount");
    assert_eq!(
        signed_in_with_totp(&world, &key)
            .await
            .get("/account")
            .await
            .status,
        200
    );
    assert_eq!(
        world.app.browser().get(&undo).await.status,
        400,
        "the link works once"
    );

    // Factor changes on the security page ask for the proof too, then come back.
    let browser = signed_in_with_totp(&world, &key).await;
    let security = browser.get("/account/security").await;
    assert_eq!(security.status, 200);
    world.app.clock.advance(301);
    let asked = browser.get("/account/security").await;
    assert_eq!(
        asked.redirect(),
        "/reauthenticate?return_to=%2Faccount%2Fsecurity"
    );
    let csrf = security.form_value("csrf_token").expect("a CSRF token");
    let factor = security
        .form_value("factor_id")
        .expect("a factor to remove");
    let removal = browser
        .post(
            "/account/security/remove",
            &[
                ("csrf_token", csrf.as_str()),
                ("factor_id", factor.as_str()),
            ],
        )
        .await;
    assert_eq!(
        removal.redirect(),
        "/reauthenticate?return_to=%2Faccount%2Fsecurity"
    );
    let page = browser.get(removal.redirect()).await;
    assert!(
        page.body.contains("authenticator app"),
        "a code works as proof too"
    );
    let now = crate::mfa::next_totp_step(&world.app);
    let proved = browser
        .post(
            "/reauthenticate",
            &[
                ("csrf_token", csrf.as_str()),
                ("return_to", "/account/security"),
                ("method", "totp"),
                ("code", &totp::code(&key, now)),
            ],
        )
        .await;
    assert_eq!(proved.redirect(), "/account/security", "{}", proved.body);
}

async fn phone_changes_are_told_to_the_email_address(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = signed_in_browser(&world).await;
    let asked = account_form(&browser, "/account/phone", &[("phone", "+39 333 123 4567")]).await;
    assert_eq!(asked.redirect(), "/account?notice=code-sent");
    let code = gatehouse_tests::mail::six_digits(&world.sms.wait_for("+393331234567", 1).await[0])
        .expect("a code");
    let confirmed = account_form(&browser, "/account/phone/confirm", &[("code", &code)]).await;
    assert_eq!(confirmed.redirect(), "/account?notice=phone-changed");
    let mails = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(mails[0].subject, "Your phone number was changed");
    assert!(mails[0].text.contains("+393331234567"), "{}", mails[0].text);
}

async fn code_sending_is_capped_per_session_and_text_messages_per_hour(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder
            .with_setting("security", "codes_per_session_per_day", "3")
            .with_setting("sms", "max_per_hour", "1")
    })
    .await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = signed_in_browser(&world).await;
    // Parallel requests cannot take more than the cap between them.
    let pages = all_at_once((0..6).map(|attempt| {
        let browser = browser.clone();
        async move {
            let email = format!("new{attempt}@example.com");
            account_form(&browser, "/account/email", &[("email", email.as_str())]).await
        }
    }))
    .await;
    let sent = pages
        .iter()
        .filter(|page| page.status.is_redirection())
        .count();
    assert_eq!(
        sent,
        3,
        "{:?}",
        pages.iter().map(|page| page.status).collect::<Vec<_>>()
    );
    let refused = pages
        .iter()
        .find(|page| page.status == 429)
        .expect("a refusal");
    assert!(
        refused
            .alert()
            .is_some_and(|alert| alert.contains("too many codes today")),
        "{}",
        refused.body
    );

    // Another browser session has its own cap, but the instance sends one text an hour.
    let other = signed_in_browser(&world).await;
    let first = account_form(&other, "/account/phone", &[("phone", "+39 333 123 4567")]).await;
    assert_eq!(first.redirect(), "/account?notice=code-sent");
    let second = account_form(&other, "/account/phone", &[("phone", "+39 333 765 4321")]).await;
    assert_eq!(second.status, 503);
    assert!(
        second
            .alert()
            .is_some_and(|alert| alert.contains("cannot send text messages")),
        "{}",
        second.body
    );
    world.sms.wait_for("+393331234567", 1).await;
    assert!(world.sms.messages_to("+393337654321").is_empty());
}

async fn register(browser: &Browser, password: &str) -> Page {
    crate::accounts::submit(
        browser,
        "/register",
        "/register",
        &[
            ("name", "Anna Rossi"),
            ("email", EMAIL),
            ("password", password),
            ("confirm_password", password),
        ],
    )
    .await
}

const ATTACKER_PASSWORD: &str = "attacker chose this one";

async fn a_pre_registered_address_ends_up_owned_by_whoever_confirms_it(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    // Someone registers the victim's address first, with a password of their own.
    let attacker = world.app.browser_from("127.0.0.2");
    assert_eq!(register(&attacker, ATTACKER_PASSWORD).await.status, 200);
    // The owner registers too: a confirmation link of their own, not "already registered".
    let owner = world.app.browser();
    assert_eq!(register(&owner, PASSWORD).await.status, 200);
    let mails = world.mail.wait_for(EMAIL, 2).await;
    let link_prefix = format!("{}/register/confirm?token=", world.app.base_url);
    let attackers_link = mails[0].link(&link_prefix).expect("the first link");
    let owners_link = mails[1].link(&link_prefix).expect("the second link");

    // A mail scanner following the link confirms nothing.
    assert_eq!(world.app.browser().get(&owners_link).await.status, 200);
    let confirmed = crate::accounts::follow_confirmation_link(&owner, &owners_link).await;
    assert!(
        confirmed.body.contains("Your account is ready"),
        "{}",
        confirmed.body
    );

    // The account is the owner's: their password works, the earlier one does not, and the
    // earlier registration's link is dead.
    world.sign_in(&world.app.browser(), EMAIL, PASSWORD).await;
    let refused = world
        .app
        .browser()
        .submit_login("/login", EMAIL, ATTACKER_PASSWORD, false)
        .await;
    assert_eq!(
        refused.alert().as_deref(),
        Some("The e-mail or password is incorrect.")
    );
    assert_eq!(world.app.browser().get(&attackers_link).await.status, 400);
}

async fn a_pending_registration_is_recovered_through_the_reset_flow(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    let attacker = world.app.browser_from("127.0.0.2");
    assert_eq!(register(&attacker, ATTACKER_PASSWORD).await.status, 200);
    let mails = world.mail.wait_for(EMAIL, 1).await;
    let attackers_link = mails[0]
        .link(&format!("{}/register/confirm?token=", world.app.base_url))
        .expect("a link");
    // The owner never registered; they reset the password of "their" account.
    let owner = world.app.browser();
    let (code_page, code) = reset_code(&world, &owner, 1).await;
    let page = owner.get(&code_page).await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let request = page.form_value("request").expect("the request");
    let reset = owner
        .post(
            &code_page,
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert!(
        reset.body.contains("Your password has been changed"),
        "{}",
        reset.body
    );
    world.sign_in(&world.app.browser(), EMAIL, PASSWORD).await;
    let refused = world
        .app
        .browser()
        .submit_login("/login", EMAIL, ATTACKER_PASSWORD, false)
        .await;
    assert_eq!(
        refused.alert().as_deref(),
        Some("The e-mail or password is incorrect.")
    );
    assert_eq!(world.app.browser().get(&attackers_link).await.status, 400);
}

async fn dpop_proofs_from_the_ends_of_time_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let service = client_credentials_service(&app).await;
    let key = gatehouse_tests::dpop::DpopKey::generate();
    let token_url = app.url("/token");
    for iat in [i64::MIN, i64::MIN + 1, -1, i64::MAX] {
        let response = reqwest::Client::new()
            .post(&token_url)
            .basic_auth(&service.id, service.secret.as_deref())
            .header("DPoP", key.proof_issued_at("POST", &token_url, None, iat))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), 400, "iat {iat}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["error"], "invalid_dpop_proof", "iat {iat}: {body}");
    }
    let response = reqwest::Client::new()
        .post(&token_url)
        .basic_auth(&service.id, service.secret.as_deref())
        .header("DPoP", key.proof("POST", &token_url, None))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["token_type"], "DPoP");
}

async fn refresh_tokens_without_offline_access_end_with_the_browser_session(backend: Backend) {
    let world = World::start(backend).await;
    let online = crate::sign_in(&world, &["email"]).await;
    let offline = crate::sign_in(&world, &["offline_access"]).await;
    let refresh = |tokens: &openidconnect::core::CoreTokenResponse| {
        openidconnect::OAuth2TokenResponse::refresh_token(tokens)
            .expect("a refresh token")
            .secret()
            .clone()
    };
    let (online_refresh, offline_refresh) = (refresh(&online.tokens), refresh(&offline.tokens));
    // The browser sessions expire (sessions.lifetime_seconds), nobody signs out.
    world.app.clock.advance(43_200 + 60);
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &online_refresh),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|text| text.contains("has ended")),
        "{body}"
    );
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
        status, 200,
        "offline_access outlives the browser session: {body}"
    );
}

async fn introspection_tells_a_client_only_about_its_own_tokens(backend: Backend) {
    let world = World::start(backend).await;
    let signed_in = crate::sign_in(&world, &["email"]).await;
    let access = openidconnect::OAuth2TokenResponse::access_token(&signed_in.tokens)
        .secret()
        .clone();
    let other = world
        .app
        .register_client("https://other.example/callback", &[])
        .await;
    let answer = introspect(&world.app, &other, &access).await;
    assert_eq!(answer, serde_json::json!({ "active": false }));
    let own = introspect(&world.app, &world.client, &access).await;
    assert_eq!(own["active"], true, "{own}");
    // A resource server named in the client's audiences may ask too.
    let api = world
        .app
        .register_client(
            "https://api.example/unused",
            &["--grant-types", "client_credentials"],
        )
        .await;
    let caller = world
        .app
        .register_client(
            "https://caller.example/callback",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "erp:read",
                "--audience",
                &api.id,
            ],
        )
        .await;
    let (status, issued) =
        token_request(&world.app, &caller, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{issued}");
    let token = issued["access_token"].as_str().expect("a token").to_owned();
    let seen = introspect(&world.app, &api, &token).await;
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["client_id"], caller.id.as_str());
}

/// Asks `/introspect` as `client`; any answer but a `200` fails the test with its body.
async fn introspect(app: &TestApp, client: &RegisteredClient, token: &str) -> serde_json::Value {
    let response = crate::client_post(app, client, "/introspect", &[("token", token)]).await;
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, 200, "introspection answered {status}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

async fn the_device_limit_holds_under_concurrent_first_sign_ins(backend: Backend) {
    // Cheap hashes, many at once: the sign-ins reach the device check together.
    let app = TestApp::builder(backend)
        .with_setting("passwords", "argon2_memory_kib", "64")
        .with_setting("passwords", "argon2_iterations", "1")
        .with_setting("passwords", "max_concurrent_hashes", "32")
        .with_setting("database", "max_connections", "16")
        .start()
        .await;
    let world = World::start_with(app, &["--first-party"]).await;
    world
        .app
        .create_studio("fiin", "FiinPro", &["--device-limit", "1"])
        .await;
    world.app.add_member("fiin", EMAIL, "member", None).await;
    let mut browsers = Vec::new();
    let mut forms = Vec::new();
    for attempt in 0..16 {
        // Each from its own machine, so the sign-in back-off stays out of the way.
        let browser = world.app.browser_from(&format!("127.0.0.{}", attempt + 2));
        let page = browser.get("/login").await;
        forms.push(page.form_value("csrf_token").expect("a CSRF token"));
        browsers.push(browser);
    }
    let pages = all_at_once(
        browsers
            .into_iter()
            .zip(forms)
            .map(|(browser, csrf)| async move {
                browser
                    .post(
                        "/login",
                        &[
                            ("csrf_token", csrf.as_str()),
                            ("email", EMAIL),
                            ("password", PASSWORD),
                        ],
                    )
                    .await
            }),
    )
    .await;
    let admitted = pages
        .iter()
        .filter(|page| page.status.is_redirection())
        .count();
    let refused = pages
        .iter()
        .filter(|page| page.status == 403 && page.body.contains("as many devices"))
        .count();
    assert_eq!(
        (admitted, refused),
        (1, 15),
        "{:?}",
        pages.iter().map(|page| page.status).collect::<Vec<_>>()
    );
    let listed = world
        .app
        .cli(&["devices", "list", "--email", EMAIL], "")
        .await;
    let devices: serde_json::Value = serde_json::from_str(&listed.stdout).expect("JSON");
    assert_eq!(devices.as_array().map(Vec::len), Some(1));
}

async fn concurrent_account_changes_keep_each_other(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = signed_in_browser(&world).await;
    let page = browser.get("/account").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    for round in 0..5 {
        let language = ["fi", "it", "sv", "tr", "vi"][round];
        let name = format!("Anna Rossi {round}");
        let profile = {
            let (browser, csrf, name) = (browser.clone(), csrf.clone(), name.clone());
            async move {
                browser
                    .post(
                        "/account/profile",
                        &[("csrf_token", csrf.as_str()), ("name", name.as_str())],
                    )
                    .await
            }
        };
        let choice = {
            let (browser, csrf) = (browser.clone(), csrf.clone());
            async move {
                browser
                    .post(
                        "/account/language",
                        &[("csrf_token", csrf.as_str()), ("language", language)],
                    )
                    .await
            }
        };
        let (saved, chosen) = tokio::join!(profile, choice);
        assert!(saved.status.is_redirection() && chosen.status.is_redirection());
        let page = browser.get("/account").await;
        assert!(page.body.contains(&name), "round {round}: the name stuck");
        assert!(
            page.body.contains(&format!("lang=\"{language}\"")),
            "round {round}: the language stuck"
        );
    }
}

async fn studio_wording_of_messages_escapes_what_users_typed(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    let folder = tempfile::tempdir().expect("a folder");
    let overrides = folder.path().join("overrides.json");
    std::fs::write(
        &overrides,
        r#"{"confirm_registration": {"subject": "Welcome {{ name }}", "html": "<p>Dear {{ name }}, <a href='{{ link }}'>confirm</a></p>"}}"#,
    )
    .expect("write the file");
    let set = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "fiin",
                "--registration",
                "open",
                "--message-overrides",
                overrides.to_str().expect("a path"),
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    let browser = world.app.browser();
    let page = browser.get("/register?studio=fiin").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let done = browser
        .post(
            "/register?studio=fiin",
            &[
                ("csrf_token", csrf.as_str()),
                ("name", "<img src=x onerror=alert(1)>"),
                ("email", EMAIL),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let mail = &world.mail.wait_for(EMAIL, 1).await[0];
    assert_eq!(
        mail.subject, "Welcome <img src=x onerror=alert(1)>",
        "plain text stays text"
    );
    assert!(
        mail.html
            .contains("Dear &lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("<img"), "{}", mail.html);
}

async fn approving_a_registration_needs_the_members_permission(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    let set = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "fiin",
                "--registration",
                "approval",
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    let defined = world
        .app
        .cli(
            &[
                "studios",
                "define-role",
                "--studio",
                "fiin",
                "--role",
                "support",
                "--permissions",
                "devices.manage",
            ],
            "",
        )
        .await;
    assert_eq!(defined.exit_code, 0, "{}", defined.stderr);
    world.app.create_user(EMAIL, PASSWORD).await;
    world.app.add_member("fiin", EMAIL, "support", None).await;
    world.app.create_user("boss@example.com", PASSWORD).await;
    world
        .app
        .add_member("fiin", "boss@example.com", "admin", None)
        .await;

    // Someone registers into the studio and confirms the address: now waiting for approval.
    let newcomer = world.app.browser();
    let page = newcomer.get("/register?studio=fiin").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let done = newcomer
        .post(
            "/register?studio=fiin",
            &[
                ("csrf_token", csrf.as_str()),
                ("name", "Nguyen Van A"),
                ("email", "nguyen@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let link = world.mail.wait_for("nguyen@example.com", 1).await[0]
        .link(&format!("{}/register/confirm?token=", world.app.base_url))
        .expect("a link");
    crate::accounts::follow_confirmation_link(&newcomer, &link).await;

    let boss = world.app.browser();
    let posted = boss
        .submit_login("/login", "boss@example.com", PASSWORD, false)
        .await;
    assert_eq!(posted.redirect(), "/");
    let members = boss.get("/studios/fiin/members").await;
    let pending = members.form_value("user_id").expect("the approve button");

    let support = signed_in_browser(&world).await;
    let members = support.get("/studios/fiin/members").await;
    assert_eq!(members.status, 200, "{}", members.body);
    assert!(members.body.contains("Waiting for approval"));
    assert!(
        !members.body.contains("/members/approve"),
        "no approve button"
    );
    let csrf = members.form_value("csrf_token").expect("a CSRF token");
    let refused = support
        .post(
            "/studios/fiin/members/approve",
            &[("csrf_token", csrf.as_str()), ("user_id", pending.as_str())],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let waiting = world
        .app
        .browser()
        .submit_login("/login", "nguyen@example.com", PASSWORD, false)
        .await;
    assert!(
        waiting
            .alert()
            .is_some_and(|alert| alert.contains("approv")),
        "still waiting: {:?}",
        waiting.alert()
    );
    let csrf = boss
        .get("/studios/fiin/members")
        .await
        .form_value("csrf_token")
        .expect("a CSRF token");
    let approved = boss
        .post(
            "/studios/fiin/members/approve",
            &[("csrf_token", csrf.as_str()), ("user_id", pending.as_str())],
        )
        .await;
    assert_eq!(approved.redirect(), "/studios/fiin/members?notice=approved");
}

// ----- The battery: malformed and malicious requests get the right refusal, never a 500.

/// A route's path with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{slug}", "fiin")
}

async fn every_form_refuses_a_request_without_its_csrf_token(backend: Backend) {
    let world = World::start(backend).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    // An admin, so that the studio pages get as far as the form.
    world.app.add_member("fiin", EMAIL, "admin", None).await;
    let browser = world.app.browser();
    assert_eq!(sign_in(&browser, PASSWORD).await.redirect(), "/");
    let posts: Vec<String> = gatehouse_server::router::hosted_page_routes()
        .into_iter()
        .filter(|(method, _)| method == Method::POST)
        .map(|(_, path)| concrete(path))
        .collect();
    assert!(posts.len() >= 30, "{posts:?}");
    let stranger = world.app.browser();
    for path in &posts {
        // Signed in, with a CSRF cookie, but no token in the form: refused for the token.
        let page = browser
            .post(path, &[("user_id", "x"), ("code", "123456")])
            .await;
        assert_eq!(page.status, 403, "POST {path}: {}", page.body);
        assert!(
            page.body.contains("This form has expired"),
            "POST {path}: {}",
            page.body
        );
        // A stranger's forged token: refused for it, or sent to sign in first.
        let page = stranger
            .post(path, &[("csrf_token", "forged"), ("code", "123456")])
            .await;
        let sent_to_sign_in = page
            .location
            .as_deref()
            .is_some_and(|location| location.starts_with("/login?return_to="));
        assert!(
            sent_to_sign_in || (page.status == 403 && page.body.contains("This form has expired")),
            "POST {path}: {} {:?}",
            page.status,
            page.location
        );
    }
}

async fn every_page_sends_its_security_headers(backend: Backend) {
    let world = World::start(backend).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    let signed_in = world.app.browser();
    assert_eq!(sign_in(&signed_in, PASSWORD).await.redirect(), "/");
    let gets: Vec<String> = gatehouse_server::router::hosted_page_routes()
        .into_iter()
        .filter(|(method, path)| method == Method::GET && !path.starts_with("/assets"))
        .map(|(_, path)| concrete(path))
        .collect();
    let mut pages_seen = 0;
    for browser in [&world.app.browser(), &signed_in] {
        for path in gets.iter().cloned().chain(["/no/such/page".to_owned()]) {
            let response = browser
                .http
                .get(world.app.url(&path))
                .send()
                .await
                .expect("GET");
            let status = response.status();
            assert_ne!(status, 500, "GET {path}");
            let headers = response.headers();
            let is_html = headers
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("text/html"));
            if !is_html {
                assert!(status.is_redirection(), "GET {path}: {status} without HTML");
                continue;
            }
            pages_seen += 1;
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert_eq!(header("x-frame-options"), "DENY", "GET {path}");
            assert!(
                header("content-security-policy").contains("frame-ancestors 'none'"),
                "GET {path}"
            );
            assert_eq!(header("cache-control"), "no-store", "GET {path}");
            assert_eq!(header("x-content-type-options"), "nosniff", "GET {path}");
        }
    }
    assert!(pages_seen >= 20, "{pages_seen} pages checked");
}

async fn oversized_bodies_and_headers_are_refused(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let huge = "x".repeat(200 * 1024);
    let posted = browser
        .post(
            "/login",
            &[
                ("csrf_token", csrf.as_str()),
                ("email", EMAIL),
                ("password", &huge),
            ],
        )
        .await;
    assert_eq!(posted.status, 413, "{}", posted.body);
    assert!(posted.body.contains("too large"), "{}", posted.body);
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[("grant_type", "authorization_code"), ("code", &huge)],
    )
    .await;
    assert!(status == 413 || status == 400, "{status} {body}");
    assert_ne!(status, 500);
    let big_header = browser
        .get_with("/login", &[("X-Padding", &"y".repeat(40 * 1024))])
        .await;
    assert_eq!(big_header.status, 431);
}

async fn invalid_utf8_is_a_bad_request_not_a_crash(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let page = browser.get("/login").await;
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let form = format!("csrf_token={csrf}&email=%FF%FEanna&password=%C3%28");
    let response = browser
        .http
        .post(world.app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    assert!(status == 400 || status == 200, "{status}");
    let raw = response.bytes().await.expect("body");
    assert!(
        std::str::from_utf8(&raw).is_ok(),
        "the answer is well-formed text"
    );
    for path in [
        "/authorize?client_id=%FF%FE&redirect_uri=%C3%28&response_type=code",
        "/login?flow=%FF%FE",
        "/forgot-password/code?request=%C3%28&via=%FF",
        "/reauthenticate?return_to=%FF",
        "/register/confirm?token=%FF%FE",
    ] {
        let page = browser.get(path).await;
        assert!(
            page.status.is_client_error() || page.status.is_redirection() || page.status == 200,
            "GET {path}: {}",
            page.status
        );
    }
    let response = reqwest::Client::new()
        .post(world.app.url("/token"))
        .basic_auth(&world.client.id, world.client.secret.as_deref())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=%FF%FE&code=%C3%28")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("an OAuth error");
    assert!(body["error"].is_string(), "{body}");
}

async fn line_breaks_cannot_reach_mail_headers(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    let browser = world.app.browser();
    for name in [
        "Anna\r\nBcc: evil@example.com",
        "Anna\nSubject: free money",
        "Anna\u{0}",
    ] {
        let refused = crate::accounts::submit(
            &browser,
            "/register",
            "/register",
            &[
                ("name", name),
                ("email", EMAIL),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(refused.status, 400, "{name:?}: {}", refused.body);
        assert!(
            refused.body.contains("Full name"),
            "the message names the field: {}",
            refused.body
        );
    }
    assert!(world.mail.messages().is_empty(), "nothing was sent");
}

async fn nothing_redirects_where_it_was_not_registered_to(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    for redirect_uri in [
        "https://evil.example/callback",
        "https://rp.example/callback/../../evil",
        "https://rp.example/callback?next=https://evil.example",
        "https://rp.example.evil.example/callback",
        "https://rp.example/callback#fragment",
        "//evil.example/callback",
        "https://rp.example/Callback",
    ] {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("client_id", &world.client.id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid")
            .append_pair(
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            )
            .append_pair("code_challenge_method", "S256");
        let page = browser.get(&format!("/authorize?{}", query.finish())).await;
        assert_eq!(page.status, 400, "{redirect_uri}: {}", page.body);
        assert!(page.location.is_none(), "{redirect_uri}");
        assert!(page.body.contains("not registered"), "{redirect_uri}");
    }
    for post_logout in [
        "https://evil.example/",
        "https://rp.example/signed-out/../x",
    ] {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("client_id", &world.client.id)
            .append_pair("post_logout_redirect_uri", post_logout);
        let page = browser.get(&format!("/logout?{}", query.finish())).await;
        assert!(
            page.location.is_none(),
            "{post_logout}: {:?}",
            page.location
        );
        assert_ne!(page.status, 500);
    }
    // Return paths of our own pages stay on our own account pages.
    let signed_in = world.app.browser();
    assert_eq!(sign_in(&signed_in, PASSWORD).await.redirect(), "/");
    let csrf = signed_in
        .get("/reauthenticate")
        .await
        .form_value("csrf_token")
        .expect("a CSRF token");
    for return_to in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/account//evil.example",
        "/account/\\evil.example",
        "javascript:alert(1)",
    ] {
        let proved = signed_in
            .post(
                "/reauthenticate",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("method", "password"),
                    ("password", PASSWORD),
                    ("return_to", return_to),
                ],
            )
            .await;
        assert_eq!(proved.redirect(), "/account", "{return_to}");
    }
}

async fn studio_resets_of_shared_members_are_told_and_can_be_refused(backend: Backend) {
    const ADMIN_A: &str = "admin@acme.example";
    const ADMIN_B: &str = "admin@bank.example";
    let world = Messaging::start(backend, |builder| builder).await;
    let member_id = world.app.create_user(EMAIL, PASSWORD).await;
    world.app.create_user(ADMIN_A, PASSWORD).await;
    world.app.create_user(ADMIN_B, PASSWORD).await;
    world.app.create_studio("acme", "Acme Oy", &[]).await;
    world.app.create_studio("bank", "Bank Oyj", &[]).await;
    world.app.add_member("acme", EMAIL, "member", None).await;
    world.app.add_member("bank", EMAIL, "member", None).await;
    world.app.add_member("acme", ADMIN_A, "admin", None).await;
    world.app.add_member("bank", ADMIN_B, "admin", None).await;
    let member = signed_in_browser(&world).await;
    enrol_totp(&world.app, &member, "/account/security").await;
    let admin = session_browser(&world, ADMIN_A).await;
    let reset = |reason: &'static str| {
        let (admin, member_id) = (admin.clone(), member_id.clone());
        async move {
            crate::accounts::submit(
                &admin,
                "/studios/acme/members",
                "/studios/acme/members/mfa-reset",
                &[("user_id", member_id.as_str()), ("reason", reason)],
            )
            .await
        }
    };
    let done = reset("Phone stolen, verified by call").await;
    assert_eq!(done.redirect(), "/studios/acme/members?notice=mfa-reset");
    // The other studio's admin hears of it, with the reason.
    let told = world.mail.wait_for(ADMIN_B, 1).await;
    let notice = told
        .iter()
        .find(|mail| mail.subject == "Two-step verification of a member was turned off")
        .expect("the other studio's admin is told");
    assert!(notice.text.contains("Acme Oy") && notice.text.contains("Bank Oyj"));
    assert!(notice.text.contains("Phone stolen, verified by call"));

    // The bank keeps resets to its own members: a shared member is refused from now on.
    let set = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "bank",
                "--mfa-reset-scope",
                "exclusive_members",
            ],
            "",
        )
        .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    enrol_totp(
        &world.app,
        &signed_in_browser(&world).await,
        "/account/security",
    )
    .await;
    let refused = reset("Lost phone again").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("also belongs to another studio"),
        "{}",
        refused.body
    );
    let listed = world.app.cli(&["mfa", "list", "--email", EMAIL], "").await;
    assert_ne!(listed.stdout.trim(), "[]", "nothing was removed");
}

gatehouse_tests::on_both_backends!(
    studio_resets_of_shared_members_are_told_and_can_be_refused,
    every_form_refuses_a_request_without_its_csrf_token,
    every_page_sends_its_security_headers,
    oversized_bodies_and_headers_are_refused,
    invalid_utf8_is_a_bad_request_not_a_crash,
    line_breaks_cannot_reach_mail_headers,
    nothing_redirects_where_it_was_not_registered_to,
    dpop_proofs_from_the_ends_of_time_are_refused,
    refresh_tokens_without_offline_access_end_with_the_browser_session,
    introspection_tells_a_client_only_about_its_own_tokens,
    the_device_limit_holds_under_concurrent_first_sign_ins,
    concurrent_account_changes_keep_each_other,
    studio_wording_of_messages_escapes_what_users_typed,
    approving_a_registration_needs_the_members_permission,
    sensitive_changes_ask_for_a_recent_proof_first,
    phone_changes_are_told_to_the_email_address,
    code_sending_is_capped_per_session_and_text_messages_per_hour,
    a_pre_registered_address_ends_up_owned_by_whoever_confirms_it,
    a_pending_registration_is_recovered_through_the_reset_flow,
    the_expired_password_page_comes_only_after_the_second_factor,
    the_second_factor_page_fails_closed_when_no_factor_is_usable,
    password_guesses_in_parallel_are_counted_before_they_are_compared,
    reset_code_guesses_in_parallel_are_counted_before_they_are_compared,
    each_code_allows_five_guesses_even_when_the_throttle_would_allow_more,
    second_factor_guesses_in_parallel_are_counted_before_they_are_compared,
    a_sign_in_attempt_allows_its_configured_guesses_even_under_a_generous_throttle,
    a_strangers_wrong_client_secrets_do_not_stop_the_real_client,
    a_strangers_wrong_passwords_do_not_lock_out_the_owners_browser,
    a_forged_forwarded_for_changes_nothing_without_trusted_proxies,
    forwarded_for_is_read_from_the_right_behind_a_trusted_proxy,
);
