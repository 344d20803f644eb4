//! Whole journeys through the hosted pages in a real headless Chromium, clicked and typed
//! as a person does: a forgotten password on an application's sign-in page, an application
//! disconnected from the account page, a studio's branded sign-in page, a device swap at
//! the device limit, and the account page's confirmations in the user's language.
//!
//! The HTTP-level tests of the same features (side_trips.rs, code_flow.rs, branding.rs,
//! devices.rs, accounts.rs) check the protocol; these check that the pages, their links,
//! buttons and forms get a person through. Skipped like the other Chromium tests when
//! Chromium is missing.

use crate::accessibility::photograph;
use crate::chromium::{CALLBACK_PAGE_TEXT, callback_server, installation};
use crate::{EMAIL, PASSWORD, authorization_request, exchange, token_request};
use gatehouse_server::i18n::translate;
use gatehouse_tests::mail::{MailSink, SmsSink, six_digits};
use gatehouse_tests::relying_party::{RelyingParty, relying_party};
use gatehouse_tests::webdriver::Chromium;
use gatehouse_tests::{Backend, RegisteredClient, TestApp, TestAppBuilder};
use openidconnect::core::CoreTokenResponse;
use openidconnect::{OAuth2TokenResponse, TokenResponse};
use serde_json::json;

/// The application's name, as the account page lists it.
const APP_NAME: &str = "Sổ Cái Hà Nội";

/// Selects the primary submit button of the sign-in form.
const SIGN_IN_BUTTON: &str = "form[action='/login'] button[type=submit]";

/// The branded studio: its slug, the name in its masthead and its accent colour, as CSS
/// computes it.
pub(crate) const BRANDED_STUDIO: &str = "lotus";
const BRANDED_NAME: &str = "Lotus Trading";
const ACCENT: &str = "#7a1f5c";
const ACCENT_COMPUTED: &str = "rgb(122, 31, 92)";
/// The logo's width and height in pixels.
const LOGO_SIZE: u32 = 64;

/// A server that sends e-mail and SMS to sinks, one user, and a first-party application
/// whose callback page is served on the loopback interface.
struct Site {
    app: TestApp,
    mail: MailSink,
    sms: SmsSink,
    client: RegisteredClient,
    rp: RelyingParty,
    callback: String,
}

impl Site {
    async fn start(configure: impl FnOnce(TestAppBuilder) -> TestAppBuilder) -> Self {
        let mail = MailSink::start().await;
        let sms = SmsSink::start().await;
        let app = configure(TestApp::builder(Backend::Sqlite).with_messaging(&mail, &sms))
            .start()
            .await;
        app.create_user(EMAIL, PASSWORD).await;
        let callback = callback_server().await;
        // A registered loopback redirect URI matches any port (RFC 8252 §7.3).
        let created = app
            .cli(
                &[
                    "clients",
                    "create",
                    "--name",
                    APP_NAME,
                    "--redirect-uri",
                    "http://127.0.0.1/callback",
                    "--first-party",
                ],
                "",
            )
            .await;
        assert_eq!(created.exit_code, 0, "{}", created.stderr);
        let printed: serde_json::Value = serde_json::from_str(&created.stdout).expect("JSON");
        let client = RegisteredClient {
            id: printed["client_id"].as_str().expect("client_id").to_owned(),
            secret: printed["client_secret"].as_str().map(str::to_owned),
        };
        let rp = relying_party(
            &app.base_url,
            &client.id,
            client.secret.as_deref(),
            &callback,
        )
        .await;
        Self {
            app,
            mail,
            sms,
            client,
            rp,
            callback,
        }
    }

    /// Waits for the application's callback page and exchanges the code in its address.
    async fn lands_at_application(
        &self,
        chromium: &Chromium,
        verifier: openidconnect::PkceCodeVerifier,
    ) -> CoreTokenResponse {
        let landed = chromium.wait_for_url(&self.callback).await;
        chromium.wait_for_text(CALLBACK_PAGE_TEXT).await;
        exchange(&self.rp, &landed, verifier).await
    }

    /// Signs in through the application with `offline_access`; returns the refresh token.
    async fn sign_in_for_refresh_token(&self, chromium: &Chromium) -> String {
        let (url, verifier, _) = authorization_request(&self.rp, &["offline_access"], "");
        chromium.open(&url).await;
        type_credentials(chromium, EMAIL, PASSWORD).await;
        let tokens = self.lands_at_application(chromium, verifier).await;
        tokens
            .refresh_token()
            .expect("a refresh token for offline_access")
            .secret()
            .clone()
    }

    /// Refreshes at the token endpoint: the rotated refresh token, or the error code.
    async fn refresh(&self, refresh_token: &str) -> Result<String, String> {
        let (status, body) = token_request(
            &self.app,
            &self.client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await;
        match body["refresh_token"].as_str() {
            Some(rotated) if status == 200 => Ok(rotated.to_owned()),
            _ => Err(format!(
                "{status} {}",
                body["error"].as_str().unwrap_or("?")
            )),
        }
    }
}

/// Fills in the sign-in form on the current page and submits it.
async fn type_credentials(chromium: &Chromium, email: &str, password: &str) {
    chromium.type_into("#email", email).await;
    chromium.type_into("#password", password).await;
    chromium.click(SIGN_IN_BUTTON).await;
}

/// Waits for the page's status notice to say `expected`, and checks it is that notice
/// alone, in the page's language `language`.
async fn notice_says(chromium: &Chromium, language: &str, expected: &str) {
    chromium.wait_for_text(expected).await;
    assert_eq!(
        chromium.text_of("main .notice[role=status]").await,
        expected
    );
    let shown = chromium
        .script("return document.documentElement.lang;", json!([]))
        .await;
    assert_eq!(shown, json!(language), "at {}", chromium.url().await);
}

/// Brands `slug` through the CLI with [`BRANDED_NAME`], [`ACCENT`] and a real PNG logo.
pub(crate) async fn brand_studio(app: &TestApp, slug: &str) {
    let folder = tempfile::tempdir().expect("a folder");
    let logo = folder.path().join("logo.png");
    std::fs::write(
        &logo,
        gatehouse_tests::png::square(LOGO_SIZE, [0x7a, 0x1f, 0x5c]),
    )
    .expect("write the logo");
    let branded = app
        .cli(
            &[
                "studios",
                "brand",
                "--studio",
                slug,
                "--display-name",
                BRANDED_NAME,
                "--accent-color",
                ACCENT,
                "--logo",
                &logo.to_string_lossy(),
            ],
            "",
        )
        .await;
    assert_eq!(branded.exit_code, 0, "{}", branded.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_forgotten_on_an_applications_sign_in_page_is_reset_and_the_sign_in_goes_on() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start(|builder| builder).await;
    let chromium = Chromium::start(&installation).await;
    let (url, verifier, _) = authorization_request(&site.rp, &["email"], "&ui_locales=en");
    chromium.open(&url).await;
    let sign_in_page = chromium.wait_for_url(&site.app.url("/login?flow=")).await;

    chromium
        .click_text("main a", &translate("en", "login-forgot-password", &[]))
        .await;
    chromium
        .wait_for_url(&site.app.url("/forgot-password?flow="))
        .await;
    chromium.type_into("#identifier", EMAIL).await;
    chromium
        .click_text(
            "label.radio",
            &translate("en", "forgot-password-by-email", &[]),
        )
        .await;
    chromium
        .click_text(
            "main button",
            &translate("en", "forgot-password-submit", &[]),
        )
        .await;
    chromium
        .wait_for_url(&site.app.url("/forgot-password/code?"))
        .await;
    let code = site.mail.wait_for(EMAIL, 1).await[0]
        .code()
        .expect("a code in the e-mail");
    chromium.type_into("#code", &code).await;
    chromium
        .click_text("main button", &translate("en", "code-submit", &[]))
        .await;

    // The code was right: the same address now asks for the new password, twice.
    chromium
        .find_text("main h1", &translate("en", "reset-title", &[]))
        .await;
    let new_password = "a brand new passphrase";
    chromium.type_into("#password", new_password).await;
    chromium.type_into("#confirm_password", new_password).await;
    chromium
        .click_text("main button", &translate("en", "reset-submit", &[]))
        .await;

    // Back on the application's sign-in page, which says what happened.
    let back = chromium.wait_for_url(&site.app.url("/login?flow=")).await;
    assert!(back.contains("returned=password-changed"), "{back}");
    let flow = |address: &str| gatehouse_tests::relying_party::query_parameter(address, "flow");
    assert_eq!(flow(&back), flow(&sign_in_page), "the same request's page");
    notice_says(
        &chromium,
        "en",
        &translate("en", "login-returned-password-changed", &[]),
    )
    .await;

    // The old password no longer works; the new one finishes at the application.
    type_credentials(&chromium, EMAIL, PASSWORD).await;
    chromium
        .find_text(
            "main [role=alert]",
            &translate("en", "login-error-invalid", &[]),
        )
        .await;
    type_credentials(&chromium, EMAIL, new_password).await;
    let tokens = site.lands_at_application(&chromium, verifier).await;
    assert!(
        tokens.id_token().is_some(),
        "the application got its tokens"
    );
    chromium.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_disconnected_on_the_account_page_loses_its_refresh_token() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start(|builder| builder).await;
    let chromium = Chromium::start(&installation).await;
    let refresh_token = site.sign_in_for_refresh_token(&chromium).await;
    // Alive before, so its failure afterwards is the disconnection's doing. Refresh tokens
    // rotate: the new one is the one the application holds.
    let refresh_token = site
        .refresh(&refresh_token)
        .await
        .expect("the refresh token works before the disconnection");

    chromium.open(&site.app.url("/account?lang=en")).await;
    chromium
        .wait_for_text(&translate("en", "account-connected-apps", &[]))
        .await;
    let disconnect = translate("en", "account-disconnect", &[]);
    // The application's entry in the list, with its own button.
    let entries = chromium
        .script(
            "return [...document.querySelectorAll('main li')]
               .filter((item) => [...item.querySelectorAll('button')]
                 .some((button) => button.textContent.trim() === arguments[0]))
               .map((item) => item.innerText);",
            json!([disconnect]),
        )
        .await;
    let entries = entries.as_array().expect("a list");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0]
            .as_str()
            .is_some_and(|text| text.contains(APP_NAME)),
        "{entries:?}"
    );
    chromium.click_text("main li button", &disconnect).await;

    notice_says(
        &chromium,
        "en",
        &translate("en", "account-notice-app-disconnected", &[]),
    )
    .await;
    chromium
        .wait_for_text(&translate("en", "account-no-connected-apps", &[]))
        .await;
    assert_eq!(
        site.refresh(&refresh_token).await,
        Err("400 invalid_grant".to_owned())
    );
    chromium.quit().await;
}

/// The computed background colour of the sign-in form's button.
async fn sign_in_button_background(chromium: &Chromium) -> String {
    chromium.find(SIGN_IN_BUTTON).await;
    chromium
        .script(
            "return getComputedStyle(document.querySelector(arguments[0])).backgroundColor;",
            json!([SIGN_IN_BUTTON]),
        )
        .await
        .as_str()
        .expect("a colour")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_studios_sign_in_page_shows_its_logo_name_and_colour() {
    let Some(installation) = installation() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await;
    app.create_studio(BRANDED_STUDIO, "Lotus", &[]).await;
    brand_studio(&app, BRANDED_STUDIO).await;
    let chromium = Chromium::start(&installation).await;
    chromium.set_viewport(1280, 800).await;

    // The instance's own sign-in page has its own colour, so matching the accent below
    // means the studio's stylesheet won.
    chromium.open(&app.url("/login?lang=en")).await;
    let plain = sign_in_button_background(&chromium).await;
    assert_ne!(plain, ACCENT_COMPUTED);
    assert_ne!(chromium.text_of("header.masthead").await, BRANDED_NAME);

    chromium
        .open(&app.url(&format!("/s/{BRANDED_STUDIO}/login?lang=en")))
        .await;
    chromium.find("header.masthead img").await;
    assert_eq!(chromium.text_of("header.masthead").await, BRANDED_NAME);
    // `decode()` settles once the picture is loaded and decoded, or fails if it cannot be.
    let logo = chromium
        .script_async(
            "const done = arguments[arguments.length - 1];
             const logo = document.querySelector('header.masthead img');
             logo.decode().then(
               () => done({ natural: logo.naturalWidth, drawn: logo.getBoundingClientRect().width }),
               (error) => done({ error: String(error) }));",
            json!([]),
        )
        .await;
    assert_eq!(logo["natural"], json!(LOGO_SIZE), "{logo}");
    assert!(
        logo["drawn"].as_f64().is_some_and(|width| width > 0.0),
        "{logo}"
    );
    assert_eq!(
        chromium.text_of(SIGN_IN_BUTTON).await,
        translate("en", "login-submit", &[])
    );
    assert_eq!(sign_in_button_background(&chromium).await, ACCENT_COMPUTED);

    photograph(&chromium, "studio-sign-in").await;
    chromium.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_browser_at_the_device_limit_replaces_the_old_one_with_an_emailed_code() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start(|builder| builder).await;
    let app = &site.app;
    app.create_studio("fiin", "FiinPro", &["--device-limit", "1"])
        .await;
    let allowed = app
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
    assert_eq!(allowed.exit_code, 0, "{}", allowed.stderr);
    app.add_member("fiin", EMAIL, "member", None).await;

    // The first browser is the one device the studio allows.
    let old = Chromium::start(&installation).await;
    let old_refresh_token = site.sign_in_for_refresh_token(&old).await;
    let old_refresh_token = site
        .refresh(&old_refresh_token)
        .await
        .expect("the old device's refresh token works before the swap");
    old.quit().await;

    // A fresh profile carries no device cookie: to the server, a new device.
    let new = Chromium::start(&installation).await;
    let (url, verifier, _) = authorization_request(&site.rp, &["offline_access"], "&ui_locales=en");
    new.open(&url).await;
    type_credentials(&new, EMAIL, PASSWORD).await;
    new.wait_for_url(&app.url("/device-swap?request=")).await;
    assert_eq!(
        new.text_of("main h1").await,
        translate("en", "device-swap-title", &[])
    );
    new.wait_for_text(&translate("en", "device-swap-replaced", &[]))
        .await;
    let by_email = translate(
        "en",
        "device-swap-by-email",
        &[("target", gatehouse_core::mfa::mask_target(EMAIL))],
    );
    new.click_text("label.radio", &by_email).await;
    new.click_text("main button", &translate("en", "device-swap-send", &[]))
        .await;
    let code = site.mail.wait_for(EMAIL, 1).await[0]
        .code()
        .expect("a code in the e-mail");
    new.type_into("#code", &code).await;
    new.click_text("main button", &translate("en", "device-swap-submit", &[]))
        .await;
    let tokens = site.lands_at_application(&new, verifier).await;
    let new_refresh_token = tokens
        .refresh_token()
        .expect("a refresh token for the new device")
        .secret()
        .clone();

    assert_eq!(
        site.refresh(&old_refresh_token).await,
        Err("400 invalid_grant".to_owned()),
        "the replaced device's application is signed out"
    );
    assert!(
        site.refresh(&new_refresh_token).await.is_ok(),
        "the new device's application keeps its access"
    );
    new.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_account_page_action_is_confirmed_in_vietnamese() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start(|builder| builder).await;
    let chromium = Chromium::start(&installation).await;
    chromium.open(&site.app.url("/account?lang=en")).await;
    chromium
        .wait_for_url(&site.app.url("/login?return_to="))
        .await;
    type_credentials(&chromium, EMAIL, PASSWORD).await;
    chromium.wait_for_url(&site.app.url("/account")).await;
    chromium.wait_for_text(EMAIL).await;

    // The user chooses Vietnamese; the confirmation is already in it, as is all that follows.
    chromium
        .click_text(
            "form[action='/account/language'] button",
            &translate("vi", "language-name", &[]),
        )
        .await;
    notice_says(
        &chromium,
        "vi",
        &translate("vi", "account-notice-language-saved", &[]),
    )
    .await;

    chromium.type_into("#name", "Nguyễn Thị Lan").await;
    chromium
        .click_text(
            "form[action='/account/profile'] button",
            &translate("vi", "account-save", &[]),
        )
        .await;
    notice_says(
        &chromium,
        "vi",
        &translate("vi", "account-notice-profile-saved", &[]),
    )
    .await;
    let saved = chromium
        .script("return document.querySelector('#name').value;", json!([]))
        .await;
    assert_eq!(saved, json!("Nguyễn Thị Lan"));

    chromium.type_into("#new_phone", "+84 912 345 678").await;
    chromium
        .click_text(
            "form[action='/account/phone'] button",
            &translate("vi", "account-send-code", &[]),
        )
        .await;
    notice_says(
        &chromium,
        "vi",
        &translate("vi", "account-notice-code-sent", &[]),
    )
    .await;
    let text = &site.sms.wait_for("+84912345678", 1).await[0];
    let code = six_digits(text).expect("a code in the text message");
    chromium.type_into("#phone_code", &code).await;
    chromium
        .click_text(
            "form[action='/account/phone/confirm'] button",
            &translate("vi", "code-submit", &[]),
        )
        .await;
    notice_says(
        &chromium,
        "vi",
        &translate("vi", "account-notice-phone-changed", &[]),
    )
    .await;
    // Confirmed: a number is shown, without the "unverified" badge.
    let page = chromium.text().await;
    assert!(
        !page.contains(&translate("vi", "account-no-phone", &[])),
        "{page}"
    );
    assert!(
        !page.contains(&translate("vi", "account-unverified", &[])),
        "{page}"
    );
    chromium.quit().await;
}
