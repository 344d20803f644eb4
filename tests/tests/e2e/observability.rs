//! What an operator's Prometheus sees at `/metrics`, who may see it, and the request id a
//! caller gets back. The metrics registry is one per process, and other tests run beside
//! these, so counters are compared before and after (they may grow by more, never by less).

use crate::accounts::{Messaging, submit};
use crate::{EMAIL, PASSWORD};
use gatehouse_tests::{Backend, TestApp};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One scrape of `/metrics`, parsed.
struct Scrape {
    text: String,
    samples: Vec<(String, HashMap<String, String>, f64)>,
}

impl Scrape {
    async fn of(app: &TestApp) -> Self {
        let response = reqwest::get(app.url("/metrics")).await.expect("scrape");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("a content type")
            .to_owned();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        let text = response.text().await.expect("the scrape's text");
        let samples = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(parse_sample)
            .collect();
        Self { text, samples }
    }

    /// The sum of the samples of `name` whose labels include `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|(sample, sample_labels, _)| {
                sample == name
                    && labels.iter().all(|(key, value)| {
                        sample_labels.get(*key).map(String::as_str) == Some(value)
                    })
            })
            .map(|(_, _, value)| value)
            .sum()
    }

    fn has(&self, name: &str) -> bool {
        self.samples.iter().any(|(sample, _, _)| sample == name)
    }
}

/// `name{key="value",...} 12` into its parts.
fn parse_sample(line: &str) -> (String, HashMap<String, String>, f64) {
    let (series, value) = line.rsplit_once(' ').expect("a sample line");
    let value: f64 = value
        .parse()
        .unwrap_or_else(|_| panic!("a number in {line}"));
    let Some((name, labels)) = series.split_once('{') else {
        return (series.to_owned(), HashMap::new(), value);
    };
    let labels = labels
        .trim_end_matches('}')
        .split("\",")
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once("=\"").expect("key=\"value\"");
            (key.to_owned(), value.trim_end_matches('"').to_owned())
        })
        .collect();
    (name.to_owned(), labels, value)
}

/// Scrapes until `ready` holds for the scrape, for up to ten seconds (background work such
/// as message delivery happens after the request that queued it has been answered).
async fn scrape_until(app: &TestApp, what: &str, ready: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let scrape = Scrape::of(app).await;
        if ready(&scrape) {
            return scrape;
        }
        assert!(
            Instant::now() < deadline,
            "{what} never showed:\n{}",
            scrape.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const REQUESTS: &str = "gatehouse_http_requests_total";
const SIGN_INS: &str = "gatehouse_sign_ins_total";
const TOKENS: &str = "gatehouse_tokens_issued_total";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_move_with_requests_sign_ins_tokens_and_messages() {
    let world = Messaging::start(Backend::Sqlite, |builder| builder).await;
    world.app.create_user(EMAIL, PASSWORD).await;
    let before = Scrape::of(&world.app).await;

    // A wrong password, then a complete sign-in and code exchange through the relying party.
    let browser = world.app.browser();
    let login = browser.get("/login").await;
    assert_eq!(login.status, 200);
    let refused = browser
        .submit_login("/login", EMAIL, "not the password", false)
        .await;
    assert!(refused.body.contains("name=\"password\""), "the form again");
    let tokens = world.sign_in(&world.app.browser(), EMAIL, PASSWORD).await;

    let after = Scrape::of(&world.app).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    let password = [("step", "first_factor"), ("method", "password")];
    assert!(grew(SIGN_INS, &[password[0], password[1], ("outcome", "failed")]) >= 1.0);
    assert!(
        grew(
            SIGN_INS,
            &[password[0], password[1], ("outcome", "succeeded")]
        ) >= 1.0
    );
    assert!(grew(TOKENS, &[("grant", "authorization_code")]) >= 1.0);
    assert!(
        grew(
            REQUESTS,
            &[("method", "POST"), ("route", "/token"), ("status", "200")]
        ) >= 1.0
    );
    assert!(grew(REQUESTS, &[("route", "/login"), ("method", "GET")]) >= 2.0);
    let token_latency = [("route", "/token"), ("method", "POST")];
    assert!(
        grew(
            "gatehouse_http_request_duration_seconds_count",
            &token_latency
        ) >= 1.0
    );
    assert!(
        after.value(
            "gatehouse_http_request_duration_seconds_bucket",
            &[token_latency[0], token_latency[1], ("le", "+Inf")]
        ) >= 1.0
    );
    for gauge in [
        "gatehouse_db_pool_connections",
        "gatehouse_db_pool_max_connections",
        "gatehouse_password_hash_queue",
        "gatehouse_outbox_pending",
    ] {
        assert!(after.has(gauge), "{gauge} in\n{}", after.text);
    }
    assert!(after.value("gatehouse_db_pool_max_connections", &[]) >= 1.0);
    assert!(after.text.contains("# HELP gatehouse_sign_ins_total"));
    // Routes are patterns, never the addresses or names people typed.
    assert!(!after.text.contains(EMAIL));
    assert!(!after.text.contains(tokens.access_token_secret()));

    // A reset e-mail goes out through the outbox, then one fails while the mail server is down.
    let delivered = [("kind", "email")];
    let requested = submit(
        &world.app.browser(),
        "/forgot-password",
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "email")],
    )
    .await;
    assert!(requested.redirect().starts_with("/forgot-password/code"));
    world.mail.wait_for(EMAIL, 1).await;
    let sent = before.value("gatehouse_outbox_delivered_total", &delivered);
    scrape_until(&world.app, "a delivered e-mail", |scrape| {
        scrape.value("gatehouse_outbox_delivered_total", &delivered) > sent
    })
    .await;

    world.mail.set_accepting(false);
    let failed = Scrape::of(&world.app)
        .await
        .value("gatehouse_outbox_failures_total", &delivered);
    submit(
        &world.app.browser(),
        "/forgot-password",
        "/forgot-password",
        &[("identifier", EMAIL), ("channel", "email")],
    )
    .await;
    scrape_until(&world.app, "a failed delivery", |scrape| {
        scrape.value("gatehouse_outbox_failures_total", &delivered) > failed
    })
    .await;
}

/// The secret of an access token, for checking it leaks nowhere.
trait AccessTokenSecret {
    fn access_token_secret(&self) -> &str;
}

impl AccessTokenSecret for openidconnect::core::CoreTokenResponse {
    fn access_token_secret(&self) -> &str {
        use openidconnect::OAuth2TokenResponse as _;
        self.access_token().secret()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_shown_only_to_allowed_networks() {
    let app = TestApp::builder(Backend::Sqlite)
        .with_setting("metrics", "allowed_networks", "[\"127.0.0.5/32\"]")
        .start()
        .await;

    let allowed = app.browser_from("127.0.0.5").get("/metrics").await;
    assert_eq!(allowed.status, 200);
    assert!(allowed.body.contains("gatehouse_http_requests_total"));

    // Anyone else sees the same page as for a path that does not exist, even when claiming
    // an allowed address in a header no trusted proxy set.
    let outsider = app
        .browser_from("127.0.0.9")
        .get_with("/metrics", &[("x-forwarded-for", "127.0.0.5")])
        .await;
    let missing = app.browser_from("127.0.0.9").get("/no-such-page").await;
    assert_eq!(
        (outsider.status.as_u16(), missing.status.as_u16()),
        (404, 404)
    );
    let not_found = "This page does not exist.";
    assert!(outsider.body.contains(not_found) && missing.body.contains(not_found));
    assert_eq!(
        outsider.body.replace("metrics", "no-such-page"),
        missing.body,
        "the same page, but for the path in its language links"
    );
    assert!(!outsider.body.contains("gatehouse_http_requests_total"));

    let switched_off = TestApp::builder(Backend::Sqlite)
        .with_setting("metrics", "enabled", "false")
        .start()
        .await;
    assert_eq!(switched_off.browser().get("/metrics").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_a_request_id() {
    let app = TestApp::start(Backend::Sqlite).await;
    let http = reqwest::Client::new();
    let request_id = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .expect("a header value")
            .to_owned()
    };

    // One a proxy already assigned is kept, so the proxy's log and ours can be joined.
    let kept = http
        .get(app.url("/.well-known/openid-configuration"))
        .header("x-request-id", "edge-7f3a.42")
        .send()
        .await
        .expect("discovery");
    assert_eq!(request_id(&kept), "edge-7f3a.42");

    // Without one, or with one that could forge a log line, a new one is made.
    let fresh = http
        .get(app.url("/health/live"))
        .send()
        .await
        .expect("live");
    let forged = http
        .get(app.url("/health/live"))
        .header("x-request-id", "x status=200 client_id=admin")
        .send()
        .await
        .expect("live");
    for response in [&fresh, &forged] {
        let id = request_id(response);
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()), "{id}");
    }
    assert_ne!(request_id(&fresh), request_id(&forged));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_endpoints_answer() {
    let app = TestApp::start(Backend::Sqlite).await;
    let live = reqwest::get(app.url("/health/live")).await.expect("live");
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.expect("text"), "ok");
    let ready = reqwest::get(app.url("/health/ready")).await.expect("ready");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("text"), "ready");
}
