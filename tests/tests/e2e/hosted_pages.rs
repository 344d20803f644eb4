use crate::{EMAIL, PASSWORD, World};
use gatehouse_server::i18n::translate;
use gatehouse_tests::Backend;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge};

async fn failed_sign_in_says_so_without_revealing_accounts(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let wrong_password = browser
        .submit_login("/login", EMAIL, "wrong password", false)
        .await;
    assert_eq!(wrong_password.status, 200);
    assert_eq!(
        wrong_password.alert().as_deref(),
        Some("The e-mail or password is incorrect.")
    );
    assert!(
        wrong_password.body.contains(EMAIL),
        "the e-mail is kept in the form"
    );
    let unknown = browser
        .submit_login("/login", "nobody@example.com", "wrong password", false)
        .await;
    assert_eq!(
        unknown.alert(),
        wrong_password.alert(),
        "unknown accounts look exactly like wrong passwords"
    );
    assert!(
        !unknown
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_session="))
    );

    let signed_in = browser.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert_eq!(signed_in.redirect(), "/");
    let session_cookie = signed_in
        .set_cookies
        .iter()
        .find(|cookie| cookie.starts_with("gatehouse_session="))
        .expect("a session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"));
    assert!(
        !session_cookie.contains("Max-Age"),
        "without remember me the cookie ends with the browser"
    );
    let home = browser.get("/").await;
    assert!(home.body.contains(EMAIL));

    let remembered = world
        .app
        .browser()
        .submit_login("/login", EMAIL, PASSWORD, true)
        .await;
    let session_cookie = remembered
        .set_cookies
        .iter()
        .find(|cookie| cookie.starts_with("gatehouse_session="))
        .expect("a session cookie");
    assert!(
        session_cookie.contains("Max-Age="),
        "remember me makes the cookie persistent"
    );
}

async fn repeated_failures_are_slowed_down(backend: Backend) {
    // A long back-off so that a slow test machine cannot outwait it between attempts.
    let app = gatehouse_tests::TestApp::builder(backend)
        .with_setting("login", "base_delay_seconds", "60")
        .start()
        .await;
    let world = World::start_with(app, &["--first-party"]).await;
    let browser = world.app.browser();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            browser
                .submit_login("/login", EMAIL, "guess", false)
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], &[200; 5]);
    assert_eq!(statuses[6], 429);
    let throttled = browser.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert_eq!(throttled.status, 429, "even the right password waits");
    assert!(
        throttled
            .alert()
            .is_some_and(|message| message.starts_with("Too many attempts"))
    );
    world.app.clock.advance(7200);
    let allowed = browser.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert_eq!(allowed.redirect(), "/");
}

async fn pages_speak_the_users_language(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let english = browser.get("/login").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Sign in"));
    let vietnamese = browser
        .get_with("/login", &[("accept-language", "vi-VN,vi;q=0.9,en;q=0.5")])
        .await;
    assert!(
        vietnamese.body.contains("<html lang=\"vi\">") && vietnamese.body.contains("Đăng nhập")
    );

    // The switcher's choice sticks in a cookie, over Accept-Language.
    let switched = browser.get("/login?lang=vi").await;
    assert!(switched.body.contains("Mật khẩu"));
    assert!(
        switched
            .set_cookies
            .iter()
            .any(|cookie| cookie.starts_with("gatehouse_lang=vi"))
    );
    let later = browser
        .get_with("/login", &[("accept-language", "en")])
        .await;
    assert!(later.body.contains("Mật khẩu"));
    let failed = browser.submit_login("/login", EMAIL, "wrong", false).await;
    assert_eq!(
        failed.alert().as_deref(),
        Some("Email hoặc mật khẩu không đúng.")
    );

    // ui_locales on the authorization request picks the language of the flow's pages.
    let fresh = world.app.browser();
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
    let login_url = fresh
        .get(&format!("{url}&ui_locales=vi&login_hint={}", EMAIL))
        .await
        .redirect()
        .to_owned();
    let login = fresh.get(&login_url).await;
    assert!(login.body.contains("Đăng nhập") && login.body.contains("Test Portal"));
    assert!(
        login.body.contains(&format!("value=\"{EMAIL}\"")),
        "login_hint pre-fills the form"
    );
    // Switching mid-flow keeps the new language for the rest of the flow.
    let english = fresh.get(&format!("{login_url}&lang=en")).await;
    assert!(english.body.contains("Password"));
    let again = fresh.get(&login_url).await;
    assert!(again.body.contains("Password"));

    // Error pages are translated too.
    let error = world
        .app
        .browser()
        .get_with("/authorize", &[("accept-language", "vi")])
        .await;
    assert_eq!(error.status, 400);
    assert!(
        error.body.contains("Yêu cầu không cho biết ứng dụng nào"),
        "{}",
        error.body
    );
}

async fn pages_carry_security_headers(backend: Backend) {
    let world = World::start(backend).await;
    let response = reqwest::get(world.app.url("/login"))
        .await
        .expect("login page");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("x-frame-options"), "DENY");
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("cache-control"), "no-store");
    let missing = reqwest::get(world.app.url("/no-such-page"))
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap_or_default()
            .contains("This page does not exist.")
    );
    let stylesheet = reqwest::get(world.app.url("/assets/gatehouse.css"))
        .await
        .expect("css");
    assert_eq!(stylesheet.status(), 200);
}

async fn pages_that_need_a_user_come_back_after_sign_in(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let asked = browser.get("/account").await;
    assert_eq!(asked.redirect(), "/login?return_to=%2Faccount");
    let login = browser.get(asked.redirect()).await;
    assert_eq!(login.form_value("return_to").as_deref(), Some("/account"));
    let signed_in = browser
        .submit_login(asked.redirect(), EMAIL, PASSWORD, false)
        .await;
    assert_eq!(signed_in.redirect(), "/account");
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains(EMAIL), "{}", account.body);

    // The return path can only be one of our own pages.
    let elsewhere = world.app.browser();
    let page = elsewhere
        .get("/login?return_to=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(page.form_value("return_to").as_deref(), Some("/account"));
}

async fn error_pages_offer_every_language(backend: Backend) {
    let world = World::start(backend).await;
    let browser = world.app.browser();
    let page = browser
        .get("/authorize?client_id=nobody&response_type=code")
        .await;
    assert_eq!(page.status, 400);
    let body = gatehouse_tests::browser::unescape(&page.body);
    assert!(
        body.contains(&translate(
            "en",
            "error-unknown-client",
            &[("product", "Gatehouse".into())]
        )),
        "{body}"
    );
    assert!(body.contains(&format!("{}:", translate("en", "language-switcher", &[]))));
    for code in gatehouse_server::i18n::SUPPORTED {
        assert!(
            body.contains(&translate(code, "language-name", &[])),
            "{code}: {body}"
        );
    }
    let finnish_link = page
        .body
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("lang=fi"))
        .map(gatehouse_tests::browser::unescape)
        .expect("a link to the page in Finnish");
    let finnish = browser.get(&finnish_link).await;
    assert_eq!(finnish.status, 400);
    assert!(
        gatehouse_tests::browser::unescape(&finnish.body).contains(&translate(
            "fi",
            "error-unknown-client",
            &[("product", "Gatehouse".into())]
        ))
    );

    // A form's error page cannot be reloaded in another language: no empty switcher.
    let refused = browser
        .post("/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        !refused
            .body
            .contains(&translate("en", "language-switcher", &[])),
        "{}",
        refused.body
    );
}

gatehouse_tests::on_both_backends!(
    error_pages_offer_every_language,
    pages_that_need_a_user_come_back_after_sign_in,
    failed_sign_in_says_so_without_revealing_accounts,
    repeated_failures_are_slowed_down,
    pages_speak_the_users_language,
    pages_carry_security_headers,
);
