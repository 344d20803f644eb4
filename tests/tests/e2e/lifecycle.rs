//! Password policy, expiry, account closure and purge, saved language, and message delivery
//! across a crash.

use crate::accounts::{Messaging, submit};
use crate::{EMAIL, PASSWORD, authorization_request, exchange, token_request};
use gatehouse_server::i18n::translate;
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, TestApp, eventually};
use openidconnect::{OAuth2TokenResponse, TokenResponse};
use std::time::Duration;

async fn studio_password_rules_are_explained(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world
        .app
        .create_studio("connectprof", "ConnectProf", &[])
        .await;
    let output = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "connectprof",
                "--password-length",
                "8-20",
                "--password-classes",
                "true",
                "--password-history",
                "3",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    world.app.create_user(EMAIL, PASSWORD).await;
    world
        .app
        .add_member("connectprof", EMAIL, "member", None)
        .await;
    let browser = world.app.browser();
    browser.submit_login("/login", EMAIL, PASSWORD, false).await;

    let change = |current: &'static str, new: &'static str| {
        let browser = browser.clone();
        async move {
            submit(
                &browser,
                "/account",
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", new),
                ],
            )
            .await
        }
    };
    let refused = change(PASSWORD, "troubadour").await;
    assert_eq!(refused.status, 400);
    let alert = refused.alert().expect("an explanation");
    for rule in ["upper-case letter", "digit", "special character"] {
        assert!(alert.contains(rule), "{rule} missing from {alert}");
    }
    assert!(
        !alert.contains("lower-case"),
        "rules that hold are not listed: {alert}"
    );
    let too_long = change(PASSWORD, "Tr0ub4dor&3-and-more-words").await;
    assert!(
        too_long
            .alert()
            .is_some_and(|alert| alert.contains("at most 20 characters"))
    );
    let personal = change(PASSWORD, "Rossi#2026x").await;
    assert!(
        personal
            .alert()
            .is_some_and(|alert| alert.contains("name or e-mail")),
        "{:?}",
        personal.alert()
    );

    assert_eq!(
        change(PASSWORD, "Tr0ub4dor&3").await.redirect(),
        "/account?notice=password-changed"
    );
    assert_eq!(
        change("Tr0ub4dor&3", "Corr3ct#Horse").await.redirect(),
        "/account?notice=password-changed"
    );
    let reused = change("Corr3ct#Horse", "Tr0ub4dor&3").await;
    assert!(
        reused
            .alert()
            .is_some_and(|alert| alert.contains("used this password recently")),
        "{:?}",
        reused.alert()
    );

    // The same rules in Finnish, from the user's saved language.
    let saved = submit(
        &browser,
        "/account",
        "/account/language",
        &[("language", "fi")],
    )
    .await;
    assert_eq!(saved.redirect(), "/account?notice=language-saved");
    let finnish = change("Corr3ct#Horse", "troubadour").await;
    assert!(finnish.body.contains("<html lang=\"fi\">"));
    assert!(
        finnish
            .alert()
            .is_some_and(|alert| alert.contains(&translate("fi", "password-rule-digit", &[])))
    );
}

async fn expired_passwords_are_changed_before_any_token(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world
        .app
        .create_studio("connectprof", "ConnectProf", &[])
        .await;
    world
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
    world.app.create_user(EMAIL, PASSWORD).await;
    world
        .app
        .add_member("connectprof", EMAIL, "member", None)
        .await;
    world.sign_in(&world.app.browser(), EMAIL, PASSWORD).await;

    world.app.clock.advance(91 * 86_400);
    let browser = world.app.browser();
    let (url, verifier, nonce) = authorization_request(&world.rp, &[], "");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let interrupted = browser
        .submit_login(&login_url, EMAIL, PASSWORD, false)
        .await;
    let expired_url = interrupted.redirect().to_owned();
    assert!(
        expired_url.starts_with("/password-expired?request="),
        "{expired_url}"
    );
    assert!(
        !interrupted
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_session=")),
        "no session yet"
    );
    let page = browser.get(&expired_url).await;
    assert!(page.body.contains("Your password has expired"));
    let request = query_parameter(&format!("http://x{expired_url}"), "request").expect("request");
    let csrf = page.form_value("csrf_token").expect("csrf");
    let same = browser
        .post(
            "/password-expired",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert!(
        same.alert()
            .is_some_and(|alert| alert.contains("used this password recently")),
        "the old one cannot come back"
    );
    let changed = browser
        .post(
            "/password-expired",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("password", "renewed password 2026"),
                ("confirm_password", "renewed password 2026"),
            ],
        )
        .await;
    // The sign-in continues into the authorization flow and the client gets its code.
    let callback = browser.follow_to_client(changed.redirect()).await.0;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    tokens
        .id_token()
        .expect("id token")
        .claims(&world.rp.id_token_verifier(), &nonce)
        .expect("valid");
    assert_eq!(
        browser.get(&expired_url).await.status,
        400,
        "the interruption works once"
    );
}

async fn closed_accounts_reopen_within_grace_and_are_purged_after(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    let tokens = world.sign_in(&browser, EMAIL, PASSWORD).await;
    let refresh = tokens.refresh_token().expect("refresh").secret().clone();
    submit(
        &browser,
        "/account",
        "/account/profile",
        &[
            ("name", "Anna Rossi"),
            ("city", "Milano"),
            ("company", "Rossi Srl"),
            ("date_of_birth", "1985-02-28"),
        ],
    )
    .await;
    let requested = submit(
        &browser,
        "/account",
        "/account/phone",
        &[("phone", "+39 333 765 4321")],
    )
    .await;
    assert_eq!(requested.redirect(), "/account?notice=code-sent");
    let code = gatehouse_tests::mail::six_digits(&world.sms.wait_for("+393337654321", 1).await[0])
        .expect("code");
    submit(
        &browser,
        "/account",
        "/account/phone/confirm",
        &[("code", code.as_str())],
    )
    .await;

    let unticked = submit(
        &browser,
        "/account",
        "/account/close",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(unticked.status, 400);
    assert!(
        unticked
            .alert()
            .is_some_and(|alert| alert.contains("Tick the box"))
    );
    let closed = submit(
        &browser,
        "/account",
        "/account/close",
        &[("password", PASSWORD), ("acknowledge", "1")],
    )
    .await;
    assert!(closed.body.contains("Your account is closed"));
    let mails = world.mail.wait_for(EMAIL, 2).await;
    assert_eq!(
        mails[0].subject,
        translate("en", "mail-phone_changed-subject", &[])
    );
    assert_eq!(
        mails[1].subject,
        translate("en", "mail-account_closed-subject", &[])
    );
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 400, "tokens are revoked at once");

    // Within the grace period, signing in offers to reopen.
    world.app.clock.advance(10 * 86_400);
    let returning = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &[], "");
    let (login_url, _) = returning.follow_to_client(&url).await;
    let offered = returning
        .submit_login(&login_url, EMAIL, PASSWORD, false)
        .await;
    let reactivate_url = offered.redirect().to_owned();
    assert!(reactivate_url.starts_with("/reactivate?request="));
    let page = returning.get(&reactivate_url).await;
    assert!(page.body.contains("Reopen your account?"));
    let request =
        query_parameter(&format!("http://x{reactivate_url}"), "request").expect("request");
    let csrf = page.form_value("csrf_token").expect("csrf");
    let reopened = returning
        .post(
            "/reactivate",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("decision", "reopen"),
            ],
        )
        .await;
    let callback = returning.follow_to_client(reopened.redirect()).await.0;
    exchange(&world.rp, &callback, verifier).await;

    // Closed again, and this time past the grace period: the purge removes everything.
    submit(
        &returning,
        "/account",
        "/account/close",
        &[("password", PASSWORD), ("acknowledge", "1")],
    )
    .await;
    world.app.clock.advance(31 * 86_400);
    let late = world
        .app
        .browser()
        .submit_login("/login", EMAIL, PASSWORD, false)
        .await;
    assert_eq!(
        late.alert().as_deref(),
        Some("The e-mail or password is incorrect.")
    );
    // Let queued notices go out first, so the outbox holds nothing about the account.
    world.mail.wait_for(EMAIL, 4).await;
    let output = world.app.cli(&["accounts", "purge-expired"], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let purged: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(purged["purged"], 1);
    for personal in [
        EMAIL,
        "Anna Rossi",
        "Milano",
        "Rossi Srl",
        "1985-02-28",
        "+393337654321",
    ] {
        assert_eq!(
            world.app.columns_containing(personal),
            Vec::<String>::new(),
            "{personal} is still stored"
        );
    }
    let output = world
        .app
        .cli(&["devices", "list", "--email", EMAIL], "")
        .await;
    assert!(output.stderr.contains("no user"));
}

async fn administrators_close_and_purge_accounts(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let output = world
        .app
        .cli(&["users", "close", "--email", EMAIL], "")
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&output.stdout).expect("JSON")["status"],
        "closed"
    );
    assert_ne!(
        world
            .app
            .cli(&["users", "close", "--email", EMAIL], "")
            .await
            .exit_code,
        0,
        "already closed"
    );
    let output = world
        .app
        .cli(&["users", "purge", "--email", EMAIL], "")
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert!(world.app.columns_containing(EMAIL).is_empty());
    let output = world
        .app
        .cli(&["users", "close", "--email", "ghost@example.com"], "")
        .await;
    assert!(output.stderr.contains("no user"));
}

/// The sum of the samples of the metric `name` in one scrape of `/metrics`.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let scrape = reqwest::get(app.url("/metrics"))
        .await
        .expect("a scrape")
        .text()
        .await
        .expect("its text");
    scrape
        .lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

async fn queued_messages_survive_a_crash_and_go_out_once(backend: Backend) {
    let mut world = Messaging::start(backend, |builder| builder).await;
    let addresses = ["one@example.com", "two@example.com", "three@example.com"];
    for address in addresses {
        world.app.create_user(address, PASSWORD).await;
    }
    // The mail server is down: deliveries fail and stay queued.
    world.mail.set_accepting(false);
    for address in addresses {
        let requested = submit(
            &world.app.browser(),
            "/forgot-password",
            "/forgot-password",
            &[("identifier", address), ("channel", "email")],
        )
        .await;
        assert!(requested.redirect().starts_with("/forgot-password/code"));
    }
    // Every message was tried and refused, and all three wait in the outbox.
    let app = &world.app;
    eventually(
        Duration::from_secs(15),
        async || {
            let failures = metric(app, "gatehouse_outbox_failures_total").await;
            let pending = metric(app, "gatehouse_outbox_pending").await;
            (failures >= 3.0 && pending == 3.0).then_some(())
        },
        || "the three deliveries were not tried and kept".to_owned(),
    )
    .await;
    assert!(world.mail.messages().is_empty());

    // Crash, recover the mail server, start again: every message goes out exactly once.
    world.app.kill().await;
    world.mail.set_accepting(true);
    world.app.restart().await;
    for address in addresses {
        let mails = world.mail.wait_for(address, 1).await;
        assert_eq!(
            mails[0].subject,
            translate("en", "mail-password_reset-subject", &[])
        );
    }
    // Once the outbox is empty nothing more can go out: count what arrived.
    let app = &world.app;
    eventually(
        Duration::from_secs(15),
        async || (metric(app, "gatehouse_outbox_pending").await == 0.0).then_some(()),
        || "the outbox did not empty".to_owned(),
    )
    .await;
    for address in addresses {
        assert_eq!(
            world.mail.messages_to(address).len(),
            1,
            "{address} got a duplicate"
        );
    }
}

gatehouse_tests::on_both_backends!(
    studio_password_rules_are_explained,
    expired_passwords_are_changed_before_any_token,
    closed_accounts_reopen_within_grace_and_are_purged_after,
    administrators_close_and_purge_accounts,
    queued_messages_survive_a_crash_and_go_out_once,
);
