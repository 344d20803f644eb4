//! The hosted pages in a real headless Chromium: the page scripts, the browser's WebAuthn
//! API and a platform authenticator (Chromium's virtual one, standing in for Touch ID or
//! Windows Hello) working together, as a user's browser would.
//!
//! Skipped with a note when Chromium is not installed, unless
//! `GATEHOUSE_TEST_REQUIRE_CHROMIUM` is set (CI sets it and installs Chromium).

use crate::code_flow::jwt_payload;
use crate::{EMAIL, PASSWORD, authorization_request, exchange};
use gatehouse_tests::relying_party::relying_party;
use gatehouse_tests::webdriver::{Chromium, Installation};
use gatehouse_tests::{Backend, TestApp};
use openidconnect::TokenResponse;

/// What the relying party's callback page says, so a test sees the browser arrived there.
pub(crate) const CALLBACK_PAGE_TEXT: &str = "Signed in to the relying party.";

/// A relying party's callback page, so the browser has somewhere real to land.
pub(crate) async fn callback_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the callback server");
    let port = listener.local_addr().expect("address").port();
    let router = axum::Router::new().route(
        "/callback",
        axum::routing::get(|| async { CALLBACK_PAGE_TEXT }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://127.0.0.1:{port}/callback")
}

pub(crate) fn installation() -> Option<Installation> {
    match Installation::find() {
        Ok(installation) => Some(installation),
        Err(missing) if std::env::var_os("GATEHOUSE_TEST_REQUIRE_CHROMIUM").is_some() => {
            panic!("{missing}, and GATEHOUSE_TEST_REQUIRE_CHROMIUM is set")
        }
        Err(missing) => {
            eprintln!("skipping the Chromium test: {missing}");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_enrolled_in_chromium_signs_in_alone_and_as_a_second_factor() {
    let Some(installation) = installation() else {
        return;
    };
    // WebAuthn binds passkeys to a host name, so the server is reached as `localhost`.
    let app = TestApp::builder(Backend::Sqlite)
        .with_localhost_issuer()
        .start()
        .await;
    let user_id = app.create_user(EMAIL, PASSWORD).await;
    let callback = callback_server().await;
    // A registered loopback redirect URI matches any port (RFC 8252 §7.3).
    let client = app
        .register_client("http://127.0.0.1/callback", &["--first-party"])
        .await;
    let rp = relying_party(
        &app.base_url,
        &client.id,
        client.secret.as_deref(),
        &callback,
    )
    .await;
    let chromium = Chromium::start(&installation).await;
    let authenticator = chromium.add_platform_authenticator().await;

    // Sign in with the password through the login form.
    let (url, verifier, _) = authorization_request(&rp, &[], "");
    chromium.open(&url).await;
    chromium.type_into("#email", EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium
        .click("form[action='/login'] button[type=submit]")
        .await;
    let landed = chromium.wait_for_url(&callback).await;
    let tokens = exchange(&rp, &landed, verifier).await;
    let claims = jwt_payload(&tokens.id_token().expect("an ID token").to_string());
    assert_eq!(claims["amr"], serde_json::json!(["pwd"]));

    // Enrol a passkey on the account security page; the page script runs the ceremony.
    chromium.open(&app.url("/account/security")).await;
    chromium
        .type_into("#passkey-label", "Chromium test key")
        .await;
    chromium.click("#add-passkey").await;
    // The first factor comes with recovery codes, shown once.
    chromium.wait_for_url(&app.url("/account/security")).await;
    chromium.find("code.recovery-code").await;
    let credentials = chromium.credentials(&authenticator).await;
    assert_eq!(credentials.len(), 1, "{credentials:?}");
    assert_eq!(credentials[0]["isResidentCredential"], true);
    chromium.open(&app.url("/account/security")).await;
    chromium.wait_for_text("Chromium test key").await;

    // A stranger's browser state, the same authenticator: sign in with the passkey alone.
    chromium.delete_cookies().await;
    let (url, verifier, nonce) = authorization_request(&rp, &[], "");
    chromium.open(&url).await;
    // The login page offers the passkey in the browser's autofill (conditional mediation)
    // and as a button. Chromium's virtual authenticator may answer the autofill request on
    // its own, as a user picking the suggested passkey would; otherwise the button is used.
    if !chromium
        .wait_for_url_or_element(&callback, "#passkey-sign-in")
        .await
    {
        chromium.click("#passkey-sign-in").await;
    }
    let landed = chromium.wait_for_url(&callback).await;
    assert!(
        chromium.text().await.contains(CALLBACK_PAGE_TEXT),
        "the browser did not land on the relying party"
    );
    let tokens = exchange(&rp, &landed, verifier).await;
    let claims = jwt_payload(&tokens.id_token().expect("an ID token").to_string());
    assert_eq!(claims["sub"], user_id);
    assert_eq!(claims["nonce"], nonce.secret().as_str());
    // A platform authenticator with user verification: possession plus biometrics or PIN.
    assert_eq!(claims["amr"], serde_json::json!(["hwk", "user", "mfa"]));
    assert_eq!(claims["acr"], "urn:gatehouse:acr:2fa");

    // The account page shows when the passkey was last used.
    chromium.open(&app.url("/account/security")).await;
    chromium.wait_for_text("Last used").await;

    // The same key as a second factor after the password, through the second-factor page's
    // button: a security key that holds it without offering it to autofill.
    let credential = chromium.credentials(&authenticator).await.remove(0);
    chromium.remove_authenticator(&authenticator).await;
    let security_key = chromium.add_security_key().await;
    chromium
        .add_server_side_credential(&security_key, &credential)
        .await;
    chromium.delete_cookies().await;
    let (url, verifier, _) = authorization_request(&rp, &[], "");
    chromium.open(&url).await;
    chromium.type_into("#email", EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium
        .click("form[action='/login'] button[type=submit]")
        .await;
    chromium.click("button[data-passkey=authenticate]").await;
    let landed = chromium.wait_for_url(&callback).await;
    let tokens = exchange(&rp, &landed, verifier).await;
    let claims = jwt_payload(&tokens.id_token().expect("an ID token").to_string());
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "hwk", "mfa"]));
    assert_eq!(claims["acr"], "urn:gatehouse:acr:2fa");
    chromium.quit().await;
}

/// sRGB relative luminance of a CSS `rgb(...)`/`rgba(...)` colour (WCAG 2.x).
fn luminance(css: &str) -> f64 {
    let channels: Vec<f64> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|part| part.trim().parse::<f64>().expect("a colour channel") / 255.0)
        .map(|channel| {
            if channel <= 0.039_28 {
                channel / 12.92
            } else {
                ((channel + 0.055) / 1.055).powf(2.4)
            }
        })
        .collect();
    0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
}

fn contrast(foreground: &str, background: &str) -> f64 {
    let (a, b) = (luminance(foreground), luminance(background));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_comes_back_after_sign_in_and_buttons_can_be_read() {
    let Some(installation) = installation() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await;
    app.create_user(EMAIL, PASSWORD).await;
    let chromium = Chromium::start(&installation).await;

    // Signed out, /account asks for a sign-in and comes back to itself.
    chromium.open(&app.url("/account")).await;
    chromium.wait_for_url(&app.url("/login?return_to=")).await;
    chromium.type_into("#email", EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium
        .click("form[action='/login'] button[type=submit]")
        .await;
    let landed = chromium.wait_for_url(&app.url("/account")).await;
    assert_eq!(landed, app.url("/account"));
    chromium.wait_for_text(EMAIL).await;

    // The home page's "Your account" button: visible text with enough contrast.
    chromium.open(&app.url("/")).await;
    let drawn = chromium
        .script(
            "const link = document.querySelector('a.button-primary');
             const style = getComputedStyle(link);
             return [link.innerText, style.color, style.backgroundColor];",
            serde_json::json!([]),
        )
        .await;
    let label = drawn[0].as_str().expect("the button's text");
    assert_eq!(
        label.trim(),
        gatehouse_server::i18n::translate("en", "home-account", &[])
    );
    let ratio = contrast(
        drawn[1].as_str().expect("a colour"),
        drawn[2].as_str().expect("a background"),
    );
    assert!(ratio >= 4.5, "contrast {ratio:.2} of {drawn}");
    chromium.quit().await;
}
