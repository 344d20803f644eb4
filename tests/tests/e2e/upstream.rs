//! Sign-in through upstream providers: an independent OpenID Connect provider
//! (`oidc-provider` from npm) and local servers that answer like Facebook, X and Microsoft.
//! Gatehouse is the relying party upstream and stays the issuer towards our application.

use crate::accounts::Messaging;
use crate::code_flow::jwt_payload;
use crate::{EMAIL, PASSWORD, authorization_request, exchange};
use gatehouse_server::i18n::translate;
use gatehouse_tests::browser::{Page, unescape};
use gatehouse_tests::upstream::{FakeIdentity, FakeKind, FakeUpstream, OidcProvider};
use gatehouse_tests::{Backend, Browser, TestApp};
use openidconnect::core::CoreTokenResponse;

const CLIENT_ID: &str = "gatehouse-at-corp";
const CLIENT_SECRET: &str = "corp-client-secret-for-tests";

fn text(key: &str) -> String {
    translate("en", key, &[])
}

/// Configures the provider `id` through the command line; the secret goes on stdin.
async fn configure(app: &TestApp, id: &str, arguments: &[&str]) -> serde_json::Value {
    let mut command = vec![
        "providers",
        "create",
        "--id",
        id,
        "--client-id",
        CLIENT_ID,
        "--client-secret-stdin",
    ];
    command.extend_from_slice(arguments);
    let output = app.cli(&command, &format!("{CLIENT_SECRET}\n")).await;
    assert_eq!(output.exit_code, 0, "providers create: {}", output.stderr);
    serde_json::from_str(&output.stdout).expect("JSON")
}

/// A server with the test client, a mail sink, an `oidc-provider` registered for it as
/// provider `corp`, and the studio `acme` that offers `corp` and creates accounts for
/// `example.org` addresses at their first sign-in.
async fn federated(backend: Backend, studio_flags: &[&str]) -> (Messaging, OidcProvider) {
    let world = Messaging::start(backend, |builder| builder).await;
    let upstream = OidcProvider::start(
        CLIENT_ID,
        CLIENT_SECRET,
        &world.app.url("/login/upstream/corp/callback"),
    )
    .await;
    let printed = configure(
        &world.app,
        "corp",
        &[
            "--kind",
            "oidc",
            "--name",
            "Corp SSO",
            "--issuer",
            &upstream.issuer,
        ],
    )
    .await;
    assert_eq!(printed["has_client_secret"], true);
    assert_eq!(
        printed["redirect_uri"],
        world.app.url("/login/upstream/corp/callback")
    );
    world.app.create_studio("acme", "Acme Trading", &[]).await;
    let mut flags = vec![
        "studios",
        "set",
        "--studio",
        "acme",
        "--allowed-providers",
        "corp",
        "--upstream-provisioning",
        "true",
        "--provisioning-domains",
        "example.org",
    ];
    flags.extend_from_slice(studio_flags);
    let output = world.app.cli(&flags, "").await;
    assert_eq!(output.exit_code, 0, "studios set: {}", output.stderr);
    (world, upstream)
}

/// Presses the button of provider `id` on the sign-in page at `login_url`.
async fn press(browser: &Browser, login_url: &str, id: &str) -> Page {
    let page = browser.get(login_url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let button = format!("action=\"/login/upstream/{id}\"");
    assert!(page.body.contains(&button), "no {id} button: {}", page.body);
    let csrf = page.form_value("csrf_token").expect("a CSRF token");
    let flow = page.form_value("flow").unwrap_or_default();
    let studio = page.form_value("studio").unwrap_or_default();
    browser
        .post(
            &format!("/login/upstream/{id}"),
            &[
                ("csrf_token", csrf.as_str()),
                ("flow", flow.as_str()),
                ("studio", studio.as_str()),
            ],
        )
        .await
}

/// Follows redirects while they stay on `host`; returns the first URL elsewhere (or the
/// page that stopped there, with its URL).
async fn follow_on(browser: &Browser, host: &str, start: &str) -> (String, Option<Page>) {
    let mut url = start.to_owned();
    for _ in 0..10 {
        if !url.starts_with(host) {
            return (url, None);
        }
        let page = browser.get(&url).await;
        match page.location.clone() {
            Some(location) if page.status.is_redirection() => {
                url = if location.starts_with('/') {
                    format!("{host}{location}")
                } else {
                    location
                };
            }
            _ => return (url, Some(page)),
        }
    }
    panic!("too many redirects from {start}");
}

/// Signs in at the `oidc-provider` as `login` (ticking its second factor when `mfa`),
/// approving or denying; returns the URL it sends the browser back to.
async fn upstream_answer(
    browser: &Browser,
    upstream: &OidcProvider,
    pressed: &Page,
    login: &str,
    mfa: bool,
    decision: &str,
) -> String {
    assert_eq!(pressed.status, 303, "{}", pressed.body);
    let location = pressed.location.clone().expect("a redirect upstream");
    assert!(location.starts_with(&upstream.issuer), "{location}");
    let (url, page) = follow_on(browser, &upstream.issuer, &location).await;
    let Some(page) = page else {
        // Already signed in there: the provider answers at once.
        return url;
    };
    assert!(page.body.contains("Upstream sign-in"), "{}", page.body);
    let mut form = vec![("login", login), ("decision", decision)];
    if mfa {
        form.push(("mfa", "1"));
    }
    let answered = browser.post(&url, &form).await;
    let next = answered.location.expect("the provider redirects");
    let next = if next.starts_with('/') {
        format!("{}{next}", upstream.issuer)
    } else {
        next
    };
    let (back, _) = follow_on(browser, &upstream.issuer, &next).await;
    back
}

/// Runs an authorization request of the test client to the end through provider `corp`
/// as `login`; returns the token response.
async fn federated_sign_in(
    world: &Messaging,
    upstream: &OidcProvider,
    browser: &Browser,
    extra: &str,
    login: &str,
    mfa: bool,
) -> Result<CoreTokenResponse, Page> {
    let (url, verifier, _) = authorization_request(&world.rp, &["email", "profile"], extra);
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(browser, &login_url, "corp").await;
    let callback = upstream_answer(browser, upstream, &pressed, login, mfa, "allow").await;
    let (landing, page) = browser.follow_to_client(&callback).await;
    if landing.starts_with(crate::REDIRECT_URI) {
        Ok(exchange(&world.rp, &landing, verifier).await)
    } else {
        Err(page)
    }
}

fn claims(tokens: &CoreTokenResponse) -> serde_json::Value {
    use openidconnect::TokenResponse as _;
    jwt_payload(&tokens.id_token().expect("an ID token").to_string())
}

fn amr(claims: &serde_json::Value) -> Vec<String> {
    claims["amr"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn first_sign_in_creates_the_account_and_the_next_signs_into_it(backend: Backend) {
    let (world, upstream) = federated(backend, &["--device-limit", "1"]).await;

    // The studio's own address shows its name and its provider.
    let studio_page = world.app.browser().get("/s/acme/login").await;
    assert_eq!(studio_page.status, 200);
    assert!(unescape(&studio_page.body).contains("Sign in to Acme Trading"));
    assert!(studio_page.body.contains("Continue with Corp SSO"));
    assert_eq!(
        world.app.browser().get("/s/nowhere/login").await.status,
        404
    );

    let browser = world.app.browser();
    let tokens = federated_sign_in(
        &world,
        &upstream,
        &browser,
        "&studio=acme",
        "alice@example.org",
        false,
    )
    .await
    .unwrap_or_else(|page| panic!("signed in: {} {}", page.status, page.body));
    let first = claims(&tokens);
    assert_eq!(first["email"], "alice@example.org");
    assert_eq!(first["email_verified"], true);
    assert_eq!(first["name"], "Alice Upstream");
    assert_eq!(amr(&first), vec!["fed".to_owned()]);
    assert!(world.app.account_exists("alice@example.org").await);
    let kinds = world.app.audit_kinds("alice@example.org").await;
    assert!(kinds.contains(&"user.created".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"login.succeeded".to_owned()), "{kinds:?}");

    // The account page lists the provider; its only way in cannot be unlinked.
    let account = browser.get("/account").await;
    assert!(account.body.contains("Corp SSO"), "{}", account.body);
    let csrf = account.form_value("csrf_token").expect("CSRF");
    let refused = browser
        .post(
            "/account/upstream/unlink",
            &[("csrf_token", csrf.as_str()), ("provider_id", "corp")],
        )
        .await;
    assert_eq!(refused.status, 409);
    // The account took its language from the provider's `locale` claim.
    assert!(
        unescape(&refused.body).contains(&translate("it", "account-error-last-way-in", &[])),
        "{}",
        refused.body
    );

    // Signing in again from the same browser lands in the same account.
    let again = federated_sign_in(
        &world,
        &upstream,
        &browser,
        "&studio=acme&prompt=login",
        "alice@example.org",
        false,
    )
    .await
    .unwrap_or_else(|page| panic!("signed in again: {}", page.body));
    assert_eq!(claims(&again)["sub"], first["sub"]);

    // The studio's device limit holds for upstream sign-ins too.
    let other_device = world.app.browser_named("Second laptop");
    let refused = federated_sign_in(
        &world,
        &upstream,
        &other_device,
        "&studio=acme",
        "alice@example.org",
        false,
    )
    .await
    .expect_err("a second device is refused");
    assert_eq!(refused.status, 403);
    assert!(unescape(&refused.body).contains(&text("error-device-limit")));

    // An administrator sees the linked identity and may remove it.
    let operator = world
        .app
        .register_client(
            "https://erp.example/unused",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "users:read users:write",
            ],
        )
        .await;
    let (status, token) = crate::token_request(
        &world.app,
        &operator,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let user_id = first["sub"].as_str().expect("sub");
    let http = reqwest::Client::new();
    let identities: serde_json::Value = http
        .get(
            world
                .app
                .url(&format!("/api/v1/users/{user_id}/identities")),
        )
        .bearer_auth(&token)
        .send()
        .await
        .expect("identities")
        .json()
        .await
        .expect("JSON");
    assert_eq!(identities[0]["provider"], "corp");
    assert_eq!(identities[0]["subject"], "alice@example.org");
    let removed = http
        .delete(
            world
                .app
                .url(&format!("/api/v1/users/{user_id}/identities/corp")),
        )
        .bearer_auth(&token)
        .send()
        .await
        .expect("unlink");
    assert_eq!(removed.status(), 204);
    let account = browser.get("/account").await;
    assert!(
        unescape(&account.body).contains(&translate("it", "account-no-linked-providers", &[])),
        "{}",
        account.body
    );
}

/// Posts the e-mailed code on the link page of `request`.
async fn submit_code(browser: &Browser, csrf: &str, request: &str, code: &str) -> Page {
    browser
        .post(
            "/login/upstream/link",
            &[
                ("csrf_token", csrf),
                ("request", request),
                ("action", "code"),
                ("code", code),
            ],
        )
        .await
}

async fn an_existing_account_is_linked_only_after_its_owner_proves_it(backend: Backend) {
    let (world, upstream) = federated(backend, &[]).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let browser = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, "corp").await;
    let callback = upstream_answer(&browser, &upstream, &pressed, EMAIL, false, "allow").await;
    let (proof_url, proof_page) = browser.follow_to_client(&callback).await;
    assert!(
        proof_url.contains("/login/upstream/link?request="),
        "{proof_url}"
    );
    assert!(
        unescape(&proof_page.body).contains(&translate(
            "en",
            "upstream-link-intro",
            &[("provider", "Corp SSO".into()), ("email", EMAIL.into())]
        )),
        "{}",
        proof_page.body
    );
    let request = proof_page.form_value("request").expect("the request");
    let csrf = proof_page.form_value("csrf_token").expect("CSRF");

    // Nothing is linked until the proof.
    let wrong = browser
        .post(
            "/login/upstream/link",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("action", "password"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 200);
    assert!(unescape(&wrong.body).contains(&text("upstream-link-wrong-password")));
    assert!(world.app.audit_details("upstream.linked").await.is_empty());

    // A code by e-mail instead.
    let sent = browser
        .post(
            "/login/upstream/link",
            &[
                ("csrf_token", csrf.as_str()),
                ("request", request.as_str()),
                ("action", "send_code"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let code_page = browser
        .get(&sent.location.clone().expect("the code page"))
        .await;
    assert!(
        unescape(&code_page.body).contains(&translate(
            "en",
            "upstream-link-code-sent",
            &[("email", EMAIL.into())]
        )),
        "{}",
        code_page.body
    );
    let mails = world.mail.wait_for(EMAIL, 1).await;
    assert!(
        mails[0].subject.contains("Corp SSO"),
        "{}",
        mails[0].subject
    );
    let code = mails[0].code().expect("a code in the e-mail");
    let code_request = code_page.form_value("request").expect("the new request");
    let linked = submit_code(&browser, &csrf, &code_request, &code).await;
    let (landing, _) = browser
        .follow_to_client(
            &linked
                .location
                .clone()
                .unwrap_or_else(|| panic!("{}", linked.body)),
        )
        .await;
    assert!(landing.starts_with(crate::REDIRECT_URI), "{landing}");
    let tokens = exchange(&world.rp, &landing, verifier).await;
    assert_eq!(claims(&tokens)["email"], EMAIL);
    assert_eq!(
        world.app.audit_details("upstream.linked").await[0]["proof"],
        "email_code"
    );

    // The code was used once: the proof page is gone.
    let replay = submit_code(&browser, &csrf, &code_request, &code).await;
    assert_eq!(replay.status, 400);

    // From now on the provider signs straight in, with no proof asked.
    let again = federated_sign_in(&world, &upstream, &world.app.browser(), "", EMAIL, false)
        .await
        .unwrap_or_else(|page| panic!("linked sign-in: {}", page.body));
    assert_eq!(claims(&again)["sub"], claims(&tokens)["sub"]);
}

async fn an_unverified_address_is_refused_and_nothing_is_created(backend: Backend) {
    let (world, upstream) = federated(backend, &[]).await;
    let browser = world.app.browser();
    let refused = federated_sign_in(
        &world,
        &upstream,
        &browser,
        "&studio=acme",
        "unverified:bob@example.org",
        false,
    )
    .await
    .expect_err("refused");
    assert_eq!(refused.status, 403);
    let body = unescape(&refused.body);
    assert!(body.contains(&text("upstream-error-unverified")), "{body}");
    assert!(body.contains(&text("upstream-back-to-login")), "{body}");
    assert!(body.contains("href=\"/s/acme/login?flow="), "{body}");
    assert!(!world.app.account_exists("bob@example.org").await);
    let failures = world.app.audit_details("upstream.failed").await;
    assert_eq!(failures[0]["reason"], "unverified_email");

    // An address outside the studio's provisioning domains gets no account either.
    let refused = federated_sign_in(
        &world,
        &upstream,
        &world.app.browser(),
        "&studio=acme",
        "carol@elsewhere.test",
        false,
    )
    .await
    .expect_err("refused");
    assert!(unescape(&refused.body).contains(&text("upstream-error-no-account")));
    assert!(!world.app.account_exists("carol@elsewhere.test").await);
}

async fn tampered_replayed_and_foreign_answers_are_refused(backend: Backend) {
    let (world, upstream) = federated(backend, &[]).await;
    let browser = world.app.browser();

    // A state nobody sent.
    let made_up = browser
        .get("/login/upstream/corp/callback?code=abc&state=made-up")
        .await;
    assert_eq!(made_up.status, 400);
    assert!(unescape(&made_up.body).contains(&text("upstream-error-expired")));

    // A real answer, brought by another browser (a link sent to a victim), is refused...
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&studio=acme");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, "corp").await;
    let callback = upstream_answer(
        &browser,
        &upstream,
        &pressed,
        "dave@example.org",
        false,
        "allow",
    )
    .await;
    let foreign = world.app.browser().get(&callback).await;
    assert_eq!(foreign.status, 400);
    assert!(unescape(&foreign.body).contains(&text("upstream-error-expired")));
    // ...and used the answer up: it cannot be replayed by its own browser either.
    let replayed = browser.get(&callback).await;
    assert_eq!(replayed.status, 400);
    assert!(!world.app.account_exists("dave@example.org").await);

    // A tampered state.
    let pressed = press(&browser, &login_url, "corp").await;
    let callback = upstream_answer(
        &browser,
        &upstream,
        &pressed,
        "dave@example.org",
        false,
        "allow",
    )
    .await;
    let tampered = callback.replace("state=", "state=x");
    assert_eq!(browser.get(&tampered).await.status, 400);

    // A provider the studio does not offer: no button, and its form is refused for a
    // sign-in pinned to the studio, whatever studio the form names.
    configure(
        &world.app,
        "stranger",
        &["--kind", "oidc", "--issuer", &upstream.issuer],
    )
    .await;
    let studio_page = browser.get(&login_url).await;
    assert!(!studio_page.body.contains("/login/upstream/stranger"));
    assert!(
        world
            .app
            .browser()
            .get("/login")
            .await
            .body
            .contains("/login/upstream/stranger")
    );
    let csrf = studio_page.form_value("csrf_token").expect("CSRF");
    let flow = studio_page.form_value("flow").expect("the flow");
    let refused = browser
        .post(
            "/login/upstream/stranger",
            &[
                ("csrf_token", csrf.as_str()),
                ("flow", flow.as_str()),
                ("studio", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(unescape(&refused.body).contains(&text("upstream-error-not-allowed")));

    // Consent denied at the provider (a browser not signed in there yet).
    let browser = world.app.browser();
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&studio=acme");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, "corp").await;
    let denied = upstream_answer(
        &browser,
        &upstream,
        &pressed,
        "dave@example.org",
        false,
        "deny",
    )
    .await;
    let page = browser.get(&denied).await;
    assert_eq!(page.status, 403);
    assert!(unescape(&page.body).contains(&text("upstream-error-denied")));
    let reasons: Vec<serde_json::Value> = world
        .app
        .audit_details("upstream.failed")
        .await
        .into_iter()
        .map(|detail| detail["reason"].clone())
        .collect();
    assert!(reasons.contains(&"denied".into()), "{reasons:?}");
    assert!(reasons.contains(&"state_mismatch".into()), "{reasons:?}");

    // The same answer delivered twice at once (a double click, a racing replay) goes on once.
    let browser = world.app.browser();
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&studio=acme");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, "corp").await;
    let callback = upstream_answer(
        &browser,
        &upstream,
        &pressed,
        "race@example.org",
        false,
        "allow",
    )
    .await;
    let (first, second) = tokio::join!(browser.get(&callback), browser.get(&callback));
    let mut statuses = vec![first.status.as_u16(), second.status.as_u16()];
    statuses.sort_unstable();
    assert!(
        statuses[0] < 400 && statuses[1] == 400,
        "one answer goes on, the other is refused: {statuses:?}"
    );
    assert!(world.app.account_exists("race@example.org").await);
}

async fn an_upstream_that_is_down_gets_a_clear_page(backend: Backend) {
    let (world, mut upstream) = federated(backend, &[]).await;
    upstream.stop().await;
    let browser = world.app.browser();
    let (url, _, _) = authorization_request(&world.rp, &["email"], "&studio=acme");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, "corp").await;
    assert_eq!(pressed.status, 502, "{}", pressed.body);
    let body = unescape(&pressed.body);
    assert!(body.contains(&text("upstream-error-unavailable")), "{body}");
    assert!(body.contains("href=\"/s/acme/login?flow="), "{body}");
    let failures = world.app.audit_details("upstream.failed").await;
    assert_eq!(failures[0]["reason"], "unavailable");
}

async fn a_studio_may_trust_the_upstream_second_factor(backend: Backend) {
    let (world, upstream) = federated(
        backend,
        &["--mfa-required", "true", "--trust-upstream-mfa", "true"],
    )
    .await;
    let with_mfa = federated_sign_in(
        &world,
        &upstream,
        &world.app.browser(),
        "&studio=acme",
        "erin@example.org",
        true,
    )
    .await
    .unwrap_or_else(|page| panic!("signed in: {}", page.body));
    let claims = claims(&with_mfa);
    assert_eq!(amr(&claims), vec!["fed".to_owned(), "mfa".to_owned()]);
    assert_eq!(claims["acr"], "urn:gatehouse:acr:2fa");

    // Without a second factor upstream, the studio's rule asks for one here.
    let without = federated_sign_in(
        &world,
        &upstream,
        &world.app.browser(),
        "&studio=acme",
        "erin@example.org",
        false,
    )
    .await
    .expect_err("a second factor is needed");
    assert!(
        unescape(&without.body).contains(&translate("it", "mfa-setup-title", &[])),
        "{}",
        without.body
    );
}

/// Configures a provider of `kind` against a fake server and signs in once through it.
async fn fake_sign_in(
    world: &Messaging,
    id: &str,
    fake: &FakeUpstream,
    identity: FakeIdentity,
) -> Result<CoreTokenResponse, Page> {
    fake.sign_in_as(identity);
    let browser = world.app.browser();
    let (url, verifier, _) = authorization_request(&world.rp, &["email", "profile"], "");
    let (login_url, _) = browser.follow_to_client(&url).await;
    let pressed = press(&browser, &login_url, id).await;
    assert_eq!(pressed.status, 303, "{}", pressed.body);
    let (callback, _) = follow_on(
        &browser,
        &fake.base_url,
        &pressed.location.clone().expect("upstream"),
    )
    .await;
    let (landing, page) = browser.follow_to_client(&callback).await;
    if landing.starts_with(crate::REDIRECT_URI) {
        Ok(exchange(&world.rp, &landing, verifier).await)
    } else {
        Err(page)
    }
}

async fn facebook_and_x_sign_in_through_their_apis(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    let facebook = FakeUpstream::start(FakeKind::Facebook, CLIENT_ID, CLIENT_SECRET).await;
    let x = FakeUpstream::start(FakeKind::X, CLIENT_ID, CLIENT_SECRET).await;
    for (id, kind, fake) in [("facebook", "facebook", &facebook), ("x", "x", &x)] {
        configure(
            &world.app,
            id,
            &[
                "--kind",
                kind,
                "--authorization-url",
                &fake.url("/authorize"),
                "--token-url",
                &fake.url("/token"),
                "--userinfo-url",
                &fake.url(if kind == "x" { "/2/users/me" } else { "/me" }),
            ],
        )
        .await;
    }
    let page = world.app.browser().get("/login").await;
    assert!(page.body.contains("Continue with Facebook"));
    assert!(page.body.contains("Continue with X"));

    let tokens = fake_sign_in(
        &world,
        "facebook",
        &facebook,
        FakeIdentity {
            id: "10160000000000001".into(),
            email: Some("frank@example.net".into()),
            name: "Frank Facebook".into(),
            ..FakeIdentity::default()
        },
    )
    .await
    .unwrap_or_else(|page| panic!("Facebook: {} {}", page.status, page.body));
    let facebook_claims = claims(&tokens);
    assert_eq!(facebook_claims["email"], "frank@example.net");
    assert_eq!(facebook_claims["name"], "Frank Facebook");
    assert_eq!(amr(&facebook_claims), vec!["fed".to_owned()]);

    let tokens = fake_sign_in(
        &world,
        "x",
        &x,
        FakeIdentity {
            id: "1460000000000000002".into(),
            email: Some("xena@example.net".into()),
            name: "Xena X".into(),
            ..FakeIdentity::default()
        },
    )
    .await
    .unwrap_or_else(|page| panic!("X: {} {}", page.status, page.body));
    assert_eq!(claims(&tokens)["email"], "xena@example.net");
    assert_eq!(claims(&tokens)["name"], "Xena X");

    // An X account without a confirmed address cannot make an account.
    let refused = fake_sign_in(
        &world,
        "x",
        &x,
        FakeIdentity {
            id: "1460000000000000003".into(),
            email: None,
            name: "No Mail".into(),
            ..FakeIdentity::default()
        },
    )
    .await
    .expect_err("refused");
    assert!(unescape(&refused.body).contains(&text("upstream-error-unverified")));
}

async fn microsoft_tokens_must_come_from_their_own_tenant(backend: Backend) {
    let world = Messaging::start(backend, |builder| {
        builder.with_setting("registration", "enabled", "true")
    })
    .await;
    let microsoft = FakeUpstream::start(FakeKind::Microsoft, CLIENT_ID, CLIENT_SECRET).await;
    configure(
        &world.app,
        "microsoft",
        &[
            "--kind",
            "microsoft",
            "--issuer",
            &microsoft.url("/common/v2.0"),
        ],
    )
    .await;
    let tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let identity = FakeIdentity {
        id: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ".into(),
        email: Some("mia@contoso.example".into()),
        name: "Mia Microsoft".into(),
        tenant: tenant.into(),
        ..FakeIdentity::default()
    };
    // Microsoft says nothing about verification: the address does not make an account.
    let tokens = fake_sign_in(&world, "microsoft", &microsoft, identity.clone()).await;
    assert!(
        unescape(&tokens.expect_err("unverified").body)
            .contains(&text("upstream-error-unverified"))
    );
    let output = world
        .app
        .cli(
            &[
                "providers",
                "set",
                "--id",
                "microsoft",
                "--email-trusted",
                "true",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);

    let tokens = fake_sign_in(&world, "microsoft", &microsoft, identity.clone())
        .await
        .unwrap_or_else(|page| panic!("Microsoft: {} {}", page.status, page.body));
    assert_eq!(claims(&tokens)["email"], "mia@contoso.example");

    // A token whose issuer names another tenant than its `tid` is refused.
    let refused = fake_sign_in(
        &world,
        "microsoft",
        &microsoft,
        FakeIdentity {
            issuer_tenant: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
            ..identity.clone()
        },
    )
    .await
    .expect_err("another tenant's issuer");
    assert_eq!(refused.status, 400);
    assert!(unescape(&refused.body).contains(&text("upstream-error-invalid")));

    // So is one with another nonce than the one sent.
    let refused = fake_sign_in(
        &world,
        "microsoft",
        &microsoft,
        FakeIdentity {
            wrong_nonce: true,
            ..identity
        },
    )
    .await
    .expect_err("another nonce");
    assert_eq!(refused.status, 400);
    let reasons = world.app.audit_details("upstream.failed").await;
    assert!(
        reasons
            .iter()
            .filter(|detail| detail["reason"] == "invalid_answer")
            .count()
            >= 2,
        "{reasons:?}"
    );
}

gatehouse_tests::on_both_backends!(
    first_sign_in_creates_the_account_and_the_next_signs_into_it,
    an_existing_account_is_linked_only_after_its_owner_proves_it,
    an_unverified_address_is_refused_and_nothing_is_created,
    tampered_replayed_and_foreign_answers_are_refused,
    an_upstream_that_is_down_gets_a_clear_page,
    a_studio_may_trust_the_upstream_second_factor,
    facebook_and_x_sign_in_through_their_apis,
    microsoft_tokens_must_come_from_their_own_tenant,
);
