//! Registration, activation and recovery, with real SMTP and an HTTP SMS gateway.

use crate::{EMAIL, PASSWORD, REDIRECT_URI, authorization_request, exchange, token_request};
use gatehouse_server::i18n::translate;
use gatehouse_tests::mail::{MailSink, SmsSink, six_digits};
use gatehouse_tests::relying_party::{RelyingParty, query_parameter, relying_party};
use gatehouse_tests::{Backend, Browser, RegisteredClient, TestApp, TestAppBuilder};
use openidconnect::{OAuth2TokenResponse, TokenResponse};

pub struct Messaging {
    pub app: TestApp,
    pub mail: MailSink,
    pub sms: SmsSink,
    pub client: RegisteredClient,
    pub rp: RelyingParty,
}

impl Messaging {
    pub async fn start(
        backend: Backend,
        configure: impl FnOnce(TestAppBuilder) -> TestAppBuilder,
    ) -> Self {
        let mail = MailSink::start().await;
        let sms = SmsSink::start().await;
        let app = configure(TestApp::builder(backend).with_messaging(&mail, &sms))
            .start()
            .await;
        let client = app.register_client(REDIRECT_URI, &["--first-party"]).await;
        let rp = relying_party(
            &app.base_url,
            &client.id,
            client.secret.as_deref(),
            REDIRECT_URI,
        )
        .await;
        Self {
            app,
            mail,
            sms,
            client,
            rp,
        }
    }

    /// Signs in through the relying party; returns the token response.
    pub async fn sign_in(
        &self,
        browser: &Browser,
        name: &str,
        password: &str,
    ) -> openidconnect::core::CoreTokenResponse {
        let (url, verifier, _) = authorization_request(&self.rp, &["email"], "");
        let callback = browser.authorize(&url, name, password).await;
        exchange(&self.rp, &callback, verifier).await
    }
}

fn subject(language: &str, message: &str) -> String {
    translate(language, &format!("mail-{message}-subject"), &[])
}

/// Posts a form page's form with its CSRF token plus `fields`.
pub async fn submit(
    browser: &Browser,
    page_url: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> gatehouse_tests::browser::Page {
    let page = browser.get(page_url).await;
    let csrf = page
        .form_value("csrf_token")
        .unwrap_or_else(|| panic!("no form on {page_url}: {}", page.body));
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.post(action, &form).await
}

/// Opens a confirmation link as a person does: the page it opens asks for a click (mail
/// scanners that follow links confirm nothing), and the button posts it.
pub async fn follow_confirmation_link(
    browser: &Browser,
    link: &str,
) -> gatehouse_tests::browser::Page {
    let page = browser.get(link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("method=\"post\""),
        "the link opens a page with a button, and changes nothing by itself"
    );
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let token = page.form_value("token").expect("the link's token");
    let action = page
        .body
        .split("method=\"post\" action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(gatehouse_tests::browser::unescape)
        .expect("the form's action");
    browser
        .post(&action, &[("csrf_token", &csrf), ("token", &token)])
        .await
}

async fn registration_confirms_the_address_before_sign_in(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    let browser = world.app.browser();
    let form_page = browser.get("/register").await;
    assert_eq!(form_page.status, 200);
    assert!(
        form_page.body.contains("name=\"phone\"") && form_page.body.contains("name=\"job_title\"")
    );

    // Bad input is refused with messages, and nothing is created.
    let refused = submit(
        &browser,
        "/register",
        "/register",
        &[
            ("name", &"x".repeat(300)),
            ("email", "not-an-email"),
            ("phone", "12345"),
            ("password", "short"),
            ("confirm_password", "short"),
        ],
    )
    .await;
    assert_eq!(refused.status, 400);
    for expected in ["too long", "valid e-mail", "international form"] {
        assert!(
            refused.body.contains(expected),
            "{expected}: {}",
            refused.body
        );
    }
    let weak = submit(
        &browser,
        "/register",
        "/register",
        &[
            ("name", "Anna Rossi"),
            ("email", EMAIL),
            ("password", "password1"),
            ("confirm_password", "password1"),
        ],
    )
    .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("too common"), "{}", weak.body);

    let fields = [
        ("name", "Anna Rossi"),
        ("email", EMAIL),
        ("phone", "+39 333 123 4567"),
        ("country", "Italia"),
        ("company", "Studio Rossi"),
        ("job_title", "Commercialista"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ];
    let done = submit(&browser, "/register", "/register", &fields).await;
    assert_eq!(done.status, 200);
    assert!(done.body.contains("Check your e-mail"));
    let mails = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(mails[0].subject, subject("en", "confirm_registration"));
    let link = mails[0]
        .link(&format!("{}/register/confirm?token=", world.app.base_url))
        .expect("a confirmation link");

    // Not confirmed yet: the right password gets a clear message, no tokens.
    let early = browser.submit_login("/login", EMAIL, PASSWORD, false).await;
    assert!(
        early
            .alert()
            .is_some_and(|alert| alert.contains("Confirm your e-mail address first")),
        "{:?}",
        early.alert()
    );

    let confirmed = follow_confirmation_link(&browser, &link).await;
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.body.contains("Your account is ready"));
    let reused = browser.get(&link).await;
    assert_eq!(reused.status, 400, "the link works once");

    let tokens = world.sign_in(&world.app.browser(), EMAIL, PASSWORD).await;
    let claims = crate::code_flow::jwt_payload(&tokens.id_token().expect("id token").to_string());
    assert_eq!(claims["email_verified"], true);

    // Registering the same address again reveals nothing: same page, and the owner is told.
    let again = submit(&world.app.browser(), "/register", "/register", &fields).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("Check your e-mail"));
    let mails = world.mail.wait_for(EMAIL, 2).await;
    assert_eq!(mails[1].subject, subject("en", "already_registered"));
}

async fn studio_registrations_wait_for_approval(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_studio("fiin", "FiinPro", &[]).await;
    let output = world
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
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert_eq!(
        world.app.browser().get("/register").await.status,
        404,
        "the instance itself is closed"
    );

    let browser = world.app.browser_named("vi-browser");
    let page = browser.get("/register?studio=fiin&lang=vi").await;
    assert!(page.body.contains("FiinPro") && page.body.contains("lang=\"vi\""));
    let fields = [
        ("name", "Nguyễn Văn A"),
        ("email", "nguyen@fiin.example"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ];
    let csrf = page.form_value("csrf_token").expect("csrf");
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(&fields);
    let done = browser.post("/register?studio=fiin", &form).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let mails = world.mail.wait_for("nguyen@fiin.example", 1).await;
    assert_eq!(
        mails[0].subject,
        subject("vi", "confirm_registration"),
        "messages follow the page language"
    );
    let link = mails[0]
        .link(&format!("{}/register/confirm?token=", world.app.base_url))
        .expect("link");
    let confirmed = follow_confirmation_link(&browser, &link).await;
    assert!(
        confirmed
            .body
            .contains(&translate("vi", "register-awaiting-title", &[]))
    );

    let waiting = world
        .app
        .browser()
        .submit_login("/login", "nguyen@fiin.example", PASSWORD, false)
        .await;
    assert!(
        waiting
            .alert()
            .is_some_and(|alert| alert.contains("waiting for approval"))
    );

    // The studio admin approves; the user is mailed and can sign in.
    world.app.create_user("admin@fiin.example", PASSWORD).await;
    world
        .app
        .add_member("fiin", "admin@fiin.example", "admin", None)
        .await;
    let admin = world.app.browser();
    admin
        .submit_login("/login", "admin@fiin.example", PASSWORD, false)
        .await;
    let members = admin.get("/studios/fiin/members").await;
    assert!(members.body.contains("Waiting for approval"));
    let marker = "name=\"user_id\" value=\"";
    let user_id = members.body
        [members.body.find(marker).expect("an approve button") + marker.len()..]
        .split('"')
        .next()
        .expect("id")
        .to_owned();
    let csrf = members.form_value("csrf_token").expect("csrf");
    let approved = admin
        .post(
            "/studios/fiin/members/approve",
            &[("csrf_token", csrf.as_str()), ("user_id", user_id.as_str())],
        )
        .await;
    assert_eq!(approved.redirect(), "/studios/fiin/members?notice=approved");
    let mails = world.mail.wait_for("nguyen@fiin.example", 2).await;
    assert_eq!(mails[1].subject, subject("vi", "registration_approved"));
    world
        .sign_in(&world.app.browser(), "nguyen@fiin.example", PASSWORD)
        .await;
}

async fn admin_created_account_is_activated_by_its_user(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world
        .app
        .create_studio("contoso", "Contoso Oy", &["--licence", "123"])
        .await;
    let output = world
        .app
        .cli(
            &[
                "users",
                "create",
                "--email",
                "matti@contoso.example",
                "--name",
                "Matti Meikäläinen",
                "--studio",
                "contoso",
                "--username",
                "matti",
                "--language",
                "fi",
                "--send-activation",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert!(
        serde_json::from_str::<serde_json::Value>(&output.stdout).expect("JSON")["id"].is_string()
    );

    let mails = world.mail.wait_for("matti@contoso.example", 1).await;
    assert_eq!(mails[0].subject, subject("fi", "activation"));
    assert!(
        mails[0].text.contains("matti@123"),
        "the activation message shows the user name: {}",
        mails[0].text
    );
    let link = mails[0]
        .link(&format!("{}/activate?token=", world.app.base_url))
        .expect("activation link");

    // Not activated yet: no password works.
    let browser = world.app.browser();
    let page = browser.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("matti@123"));
    let token = query_parameter(&link, "token").expect("token");
    let csrf = page.form_value("csrf_token").expect("csrf");
    let mismatch = browser
        .post(
            "/activate",
            &[
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("email", "matti@contoso.example"),
                ("password", PASSWORD),
                ("confirm_password", "other"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 400);
    let activated = browser
        .post(
            "/activate",
            &[
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("email", "matti@contoso.example"),
                ("phone", "+358 40 123 4567"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert!(
        activated
            .body
            .contains(&translate("fi", "activate-done-title", &[]))
    );
    assert_eq!(
        browser.get(&link).await.status,
        400,
        "the activation link works once"
    );

    // The SoftOne way: user@licence.
    let tokens = world
        .sign_in(&world.app.browser(), "matti@123", PASSWORD)
        .await;
    assert!(tokens.id_token().is_some());
    // The phone waits for its SMS code on the account page.
    let texts = world.sms.wait_for("+358401234567", 1).await;
    let code = six_digits(&texts[0]).expect("a code in the SMS");
    let account = world.app.browser();
    account
        .submit_login("/login", "matti@123", PASSWORD, false)
        .await;
    let confirmed = submit(
        &account,
        "/account",
        "/account/phone/confirm",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(confirmed.redirect(), "/account?notice=phone-changed");
}

async fn forgotten_password_is_reset_by_email_or_sms(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    let tokens = world.sign_in(&browser, EMAIL, PASSWORD).await;
    let old_refresh = tokens.refresh_token().expect("refresh").secret().clone();

    // Give the account a verified phone first.
    let requested = submit(
        &browser,
        "/account",
        "/account/phone",
        &[("phone", "+358 50 765 4321")],
    )
    .await;
    assert_eq!(requested.redirect(), "/account?notice=code-sent");
    let code = six_digits(&world.sms.wait_for("+358507654321", 1).await[0]).expect("code");
    let wrong = submit(
        &browser,
        "/account",
        "/account/phone/confirm",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("not correct"));
    submit(
        &browser,
        "/account",
        "/account/phone/confirm",
        &[("code", code.as_str())],
    )
    .await;

    // By e-mail: a code, typed on the page.
    let visitor = world.app.browser();
    let requested = submit(
        &visitor,
        "/forgot-password",
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "email")],
    )
    .await;
    let code_page = requested.redirect().to_owned();
    assert!(code_page.starts_with("/forgot-password/code?request="));
    // The e-mail address heard of the phone change first.
    let mails = world.mail.wait_for(EMAIL, 2).await;
    assert_eq!(mails[0].subject, subject("en", "phone_changed"));
    assert!(mails[0].text.contains("+358507654321"), "{}", mails[0].text);
    assert_eq!(mails[1].subject, subject("en", "password_reset"));
    let code = mails[1].code().expect("a code in the mail");
    let request = query_parameter(&format!("http://x{code_page}"), "request").expect("request");
    let page = visitor.get(&code_page).await;
    let csrf = page.form_value("csrf_token").expect("csrf");
    let wrong = visitor
        .post(
            "/forgot-password/code?via=email",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", "999999"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    let form = visitor
        .post(
            "/forgot-password/code?via=email",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    assert!(form.body.contains("Choose a new password"), "{}", form.body);
    let weak = visitor
        .post(
            "/forgot-password/code?via=email",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
                ("password", "123456"),
                ("confirm_password", "123456"),
            ],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("at least 8 characters"));
    let reset = visitor
        .post(
            "/forgot-password/code?via=email",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
                ("password", "a brand new password"),
                ("confirm_password", "a brand new password"),
            ],
        )
        .await;
    assert!(
        reset.body.contains("Your password has been changed"),
        "{}",
        reset.body
    );
    // The reset signed everything out and told the user.
    let (status, _) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &old_refresh),
        ],
    )
    .await;
    assert_eq!(status, 400);
    let mails = world.mail.wait_for(EMAIL, 3).await;
    assert_eq!(mails[2].subject, subject("en", "password_changed"));
    let replay = visitor
        .post(
            "/forgot-password/code?via=email",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    assert_eq!(replay.status, 400, "a code works once");
    world
        .sign_in(&world.app.browser(), EMAIL, "a brand new password")
        .await;

    // By SMS.
    let visitor = world.app.browser();
    let requested = submit(
        &visitor,
        "/forgot-password",
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "sms")],
    )
    .await;
    let code_page = requested.redirect().to_owned();
    let texts = world.sms.wait_for("+358507654321", 2).await;
    let code = six_digits(&texts[1]).expect("code");
    let request = query_parameter(&format!("http://x{code_page}"), "request").expect("request");
    let page = visitor.get(&code_page).await;
    let csrf = page.form_value("csrf_token").expect("csrf");
    let reset = visitor
        .post(
            "/forgot-password/code?via=sms",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("code", code.as_str()),
                ("password", "third password here"),
                ("confirm_password", "third password here"),
            ],
        )
        .await;
    assert!(reset.body.contains("Your password has been changed"));
    world
        .sign_in(&world.app.browser(), EMAIL, "third password here")
        .await;

    // By the e-mailed link.
    let visitor = world.app.browser();
    submit(
        &visitor,
        "/forgot-password",
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "email")],
    )
    .await;
    let mails = world.mail.wait_for(EMAIL, 5).await;
    let link = mails[4]
        .link(&format!("{}/reset-password?token=", world.app.base_url))
        .expect("reset link");
    let reset = submit(
        &visitor,
        &link,
        "/reset-password",
        &[
            ("token", &query_parameter(&link, "token").expect("token")),
            ("password", "fourth password here"),
            ("confirm_password", "fourth password here"),
        ],
    )
    .await;
    assert!(
        reset.body.contains("Your password has been changed"),
        "{}",
        reset.body
    );
    assert_eq!(visitor.get(&link).await.status, 400, "the link works once");

    // Unknown accounts get exactly the same answer, and nothing is sent.
    world.mail.wait_for(EMAIL, 6).await;
    let sent_before = world.mail.messages().len();
    let unknown = submit(
        &world.app.browser(),
        "/forgot-password",
        "/forgot-password",
        &[("identifier", "nobody@example.com"), ("channel", "email")],
    )
    .await;
    assert!(
        unknown
            .redirect()
            .starts_with("/forgot-password/code?request=")
    );
    let unknown_licence = submit(
        &world.app.browser(),
        "/forgot-password",
        "/forgot-password",
        &[("identifier", "someone@999"), ("channel", "sms")],
    )
    .await;
    assert!(
        unknown_licence
            .redirect()
            .starts_with("/forgot-password/code?request=")
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(world.mail.messages().len(), sent_before);
}

async fn forgotten_user_names_are_sent_to_verified_contacts(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world
        .app
        .create_studio("contoso", "Contoso Oy", &["--licence", "123"])
        .await;
    world.app.create_user(EMAIL, PASSWORD).await;
    world
        .app
        .add_member("contoso", EMAIL, "member", Some("anna"))
        .await;
    let browser = world.app.browser();
    let sent = submit(
        &browser,
        "/forgot-username",
        "/forgot-username",
        &[("contact", EMAIL)],
    )
    .await;
    assert!(sent.body.contains("we have sent the user names"));
    let mails = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(mails[0].subject, subject("en", "usernames"));
    assert!(
        mails[0].text.contains("anna@123") && mails[0].text.contains("Contoso Oy"),
        "{}",
        mails[0].text
    );
    let unknown = submit(
        &browser,
        "/forgot-username",
        "/forgot-username",
        &[("contact", "+358 40 000 0000")],
    )
    .await;
    assert_eq!(
        unknown.body,
        sent.body.replace(
            &sent.form_value("csrf_token").unwrap_or_default(),
            &unknown.form_value("csrf_token").unwrap_or_default()
        )
    );
}

async fn email_changes_wait_for_the_code(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    world.app.create_user("taken@example.com", PASSWORD).await;
    let browser = world.app.browser();
    browser.submit_login("/login", EMAIL, PASSWORD, false).await;

    let invalid = submit(&browser, "/account", "/account/email", &[("email", "nope")]).await;
    assert_eq!(invalid.status, 400);
    let requested = submit(
        &browser,
        "/account",
        "/account/email",
        &[("email", "anna@new.example")],
    )
    .await;
    assert_eq!(requested.redirect(), "/account?notice=code-sent");
    let mails = world.mail.wait_for("anna@new.example", 1).await;
    assert_eq!(mails[0].subject, subject("en", "email_change_code"));
    let account = browser.get("/account").await;
    assert!(
        account.body.contains("anna@new.example"),
        "the pending change is shown"
    );
    assert!(account.body.contains(EMAIL), "nothing changed yet");
    let confirmed = submit(
        &browser,
        "/account",
        "/account/email/confirm",
        &[("code", &mails[0].code().expect("code"))],
    )
    .await;
    assert_eq!(confirmed.redirect(), "/account?notice=email-changed");
    let notices = world.mail.wait_for(EMAIL, 1).await;
    assert_eq!(
        notices[0].subject,
        subject("en", "email_changed"),
        "the old address is told"
    );
    world
        .sign_in(&world.app.browser(), "anna@new.example", PASSWORD)
        .await;

    // An address of another account: the page looks the same, that address is told, and no
    // code can ever confirm it.
    let requested = submit(
        &browser,
        "/account",
        "/account/email",
        &[("email", "taken@example.com")],
    )
    .await;
    assert_eq!(requested.redirect(), "/account?notice=code-sent");
    let mails = world.mail.wait_for("taken@example.com", 1).await;
    assert_eq!(mails[0].subject, subject("en", "already_registered"));
    let refused = submit(
        &browser,
        "/account",
        "/account/email/confirm",
        &[("code", "123456")],
    )
    .await;
    assert_eq!(refused.status, 400);
}

/// The account page's confirmation after an action, as the person reads it.
async fn confirmation(browser: &Browser, answer: &gatehouse_tests::browser::Page) -> String {
    assert!(answer.status.is_redirection(), "{}", answer.body);
    let page = browser.get(answer.redirect()).await;
    assert_eq!(page.status, 200);
    let body = gatehouse_tests::browser::unescape(&page.body);
    let start = body
        .find("class=\"notice\"")
        .unwrap_or_else(|| panic!("no confirmation on {}: {body}", answer.redirect()));
    let text = &body[start..];
    let text = &text[text.find('>').map_or(0, |at| at + 1)..];
    text[..text.find('<').unwrap_or(text.len())]
        .trim()
        .to_owned()
}

async fn every_account_change_is_confirmed_in_the_users_language(backend: Backend) {
    let world = Messaging::start(backend, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    world.sign_in(&browser, EMAIL, PASSWORD).await;
    let said = |language: &str, notice: &str| {
        translate(language, &format!("account-notice-{notice}"), &[])
    };

    let saved = submit(
        &browser,
        "/account",
        "/account/profile",
        &[("name", "Anna Rossi"), ("city", "Milano")],
    )
    .await;
    assert_eq!(
        confirmation(&browser, &saved).await,
        said("en", "profile-saved")
    );

    let sent = submit(
        &browser,
        "/account",
        "/account/email",
        &[("email", "anna@new.example")],
    )
    .await;
    assert_eq!(confirmation(&browser, &sent).await, said("en", "code-sent"));
    let code = world.mail.wait_for("anna@new.example", 1).await[0]
        .code()
        .expect("code");
    let changed = submit(
        &browser,
        "/account",
        "/account/email/confirm",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(
        confirmation(&browser, &changed).await,
        said("en", "email-changed")
    );

    // From here on the page speaks the language the user saved.
    let language = submit(
        &browser,
        "/account",
        "/account/language",
        &[("language", "vi")],
    )
    .await;
    assert_eq!(
        confirmation(&browser, &language).await,
        said("vi", "language-saved")
    );

    let sent = submit(
        &browser,
        "/account",
        "/account/phone",
        &[("phone", "+84 912 345 678")],
    )
    .await;
    assert_eq!(confirmation(&browser, &sent).await, said("vi", "code-sent"));
    let code = six_digits(&world.sms.wait_for("+84912345678", 1).await[0]).expect("code");
    let confirmed = submit(
        &browser,
        "/account",
        "/account/phone/confirm",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(
        confirmation(&browser, &confirmed).await,
        said("vi", "phone-changed")
    );

    // An unknown notice shows nothing.
    let page = browser.get("/account?notice=made-up").await;
    assert!(!page.body.contains("class=\"notice\""));
}

gatehouse_tests::on_both_backends!(
    every_account_change_is_confirmed_in_the_users_language,
    registration_confirms_the_address_before_sign_in,
    studio_registrations_wait_for_approval,
    admin_created_account_is_activated_by_its_user,
    forgotten_password_is_reset_by_email_or_sms,
    forgotten_user_names_are_sent_to_verified_contacts,
    email_changes_wait_for_the_code,
);
