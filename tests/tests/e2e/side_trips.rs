//! Side trips from an application's sign-in page (forgotten password, forgotten user name,
//! registration) come back to the application's request instead of ending on a dead end.

use crate::accounts::{Messaging, follow_confirmation_link, submit};
use crate::{EMAIL, PASSWORD, authorization_request, exchange};
use gatehouse_server::i18n::translate;
use gatehouse_tests::browser::{Page, unescape};
use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::{Backend, Browser};
use openidconnect::TokenResponse;

/// The `href` of the link whose text is `label`.
fn link_to(page: &Page, label: &str) -> Option<String> {
    let before = page.body.split(&format!(">{label}</a>")).next()?;
    if before.len() == page.body.len() {
        return None;
    }
    let href = before.rsplit("href=\"").next()?.split('"').next()?;
    Some(unescape(href))
}

/// Opens the request's sign-in page; returns its address.
async fn sign_in_page(browser: &Browser, authorize_url: &str) -> String {
    let (url, page) = browser.follow_to_client(authorize_url).await;
    assert!(url.contains("/login?flow="), "{url}: {}", page.body);
    url
}

/// Signs in on the sign-in page the side trip came back to and finishes at the client.
async fn finish_at_client(
    browser: &Browser,
    login_url: &str,
    name: &str,
    password: &str,
) -> String {
    let signed_in = browser.submit_login(login_url, name, password, false).await;
    assert!(signed_in.status.is_redirection(), "{}", signed_in.body);
    let (callback, page) = browser.follow_to_client(signed_in.redirect()).await;
    assert!(
        callback.starts_with(crate::REDIRECT_URI),
        "{callback}: {}",
        page.body
    );
    callback
}

async fn side_trips_from_an_applications_sign_in_come_back_to_it(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    let opened = world
        .app
        .cli(
            &[
                "studios",
                "set",
                "--studio",
                "fiin",
                "--registration",
                "open",
            ],
            "",
        )
        .await;
    assert_eq!(opened.exit_code, 0, "{}", opened.stderr);

    // A forgotten password, begun on the application's sign-in page.
    let browser = world.app.browser();
    let (authorize_url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let login_url = sign_in_page(&browser, &authorize_url).await;
    let flow = query_parameter(&login_url, "flow").expect("the flow");
    let login = browser.get(&login_url).await;
    assert!(
        link_to(&login, &translate("en", "login-register", &[])).is_none(),
        "registration is closed instance-wide and the request names no studio"
    );
    let forgot = link_to(&login, &translate("en", "login-forgot-password", &[]))
        .expect("a forgotten-password link");
    assert_eq!(forgot, format!("/forgot-password?flow={flow}"));
    let requested = submit(
        &browser,
        &forgot,
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "email"), ("flow", &flow)],
    )
    .await;
    let code_page = requested.redirect().to_owned();
    assert!(code_page.contains(&format!("flow={flow}")), "{code_page}");
    let mails = world.mail.wait_for(EMAIL, 1).await;
    let code = mails[0].code().expect("a code");
    let request = query_parameter(&format!("http://x{code_page}"), "request").expect("request");
    let action = format!("/forgot-password/code?via=email&flow={flow}");
    let new_password = "a brand new passphrase";
    let reset = submit(
        &browser,
        &code_page,
        &action,
        &[
            ("request", &request),
            ("code", &code),
            ("password", new_password),
            ("confirm_password", new_password),
        ],
    )
    .await;
    let back = reset.redirect().to_owned();
    assert_eq!(
        back,
        format!("/login?flow={flow}&returned=password-changed")
    );
    let landed = browser.get(&back).await;
    assert!(
        landed
            .body
            .contains(&translate("en", "login-returned-password-changed", &[])),
        "{}",
        landed.body
    );
    assert!(
        landed.body.contains("name=\"flow\""),
        "still the request's page"
    );
    let callback = finish_at_client(&browser, &back, EMAIL, new_password).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert!(
        tokens.id_token().is_some(),
        "the application got its tokens"
    );

    // A forgotten user name, in Vietnamese, comes back with the message in Vietnamese.
    let browser = world.app.browser();
    let (authorize_url, _, _) = authorization_request(&world.rp, &["email"], "&ui_locales=vi");
    let login_url = sign_in_page(&browser, &authorize_url).await;
    let flow = query_parameter(&login_url, "flow").expect("the flow");
    let login = browser.get(&login_url).await;
    let forgot = link_to(&login, &translate("vi", "login-forgot-username", &[]))
        .expect("a forgotten-user-name link");
    let sent = submit(
        &browser,
        &forgot,
        "/forgot-username",
        &[("contact", EMAIL), ("flow", &flow)],
    )
    .await;
    let back = sent.redirect().to_owned();
    assert_eq!(back, format!("/login?flow={flow}&returned=usernames-sent"));
    let landed = browser.get(&back).await;
    assert!(
        landed
            .body
            .contains(&translate("vi", "login-returned-usernames-sent", &[])),
        "{}",
        landed.body
    );

    // Registration, offered by the studio the request names although the instance is closed;
    // the confirmation link brings the new user back to the request.
    let browser = world.app.browser();
    let (authorize_url, verifier, _) =
        authorization_request(&world.rp, &["email"], "&organization=fiin");
    let login_url = sign_in_page(&browser, &authorize_url).await;
    let flow = query_parameter(&login_url, "flow").expect("the flow");
    let login = browser.get(&login_url).await;
    let register = link_to(&login, &translate("en", "login-register", &[]))
        .expect("the studio takes registrations");
    assert_eq!(register, format!("/register?studio=fiin&flow={flow}"));
    let newcomer = "tuomas@fiin.example";
    let done = submit(
        &browser,
        &register,
        "/register?studio=fiin",
        &[
            ("name", "Tuomas Virtanen"),
            ("email", newcomer),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
            ("flow", &flow),
        ],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let mails = world.mail.wait_for(newcomer, 1).await;
    let link = mails[0]
        .link(&format!("{}/register/confirm?token=", world.app.base_url))
        .expect("a confirmation link");
    let confirmed = follow_confirmation_link(&browser, &link).await;
    let back = confirmed.redirect().to_owned();
    assert_eq!(back, format!("/login?flow={flow}&returned=registered"));
    let landed = browser.get(&back).await;
    assert!(
        landed
            .body
            .contains(&translate("en", "login-returned-registered", &[])),
        "{}",
        landed.body
    );
    let callback = finish_at_client(&browser, &back, newcomer, PASSWORD).await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let claims = crate::code_flow::jwt_payload(&tokens.id_token().expect("id token").to_string());
    assert_eq!(claims["email"], newcomer);
    assert_eq!(claims["email_verified"], true);
}

gatehouse_tests::on_both_backends!(side_trips_from_an_applications_sign_in_come_back_to_it,);
