//! Faults an operator will meet: the database going away and coming back while requests
//! keep arriving. The node must answer clean `503`s while it is gone (never a `500`, never
//! a hang) and serve again once it is back, without being restarted.

use crate::{EMAIL, PASSWORD, World, sign_in, token_request, userinfo};
use gatehouse_tests::relay::DatabaseRelay;
use gatehouse_tests::{Backend, TestApp};
use openidconnect::OAuth2TokenResponse as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Polls `condition` every 50 ms until it holds or `limit` passes.
async fn wait_until(limit: Duration, what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_gives_clean_503s_and_service_resumes_when_it_returns() {
    let Some(Backend::Postgres { base_url }) = Backend::postgres() else {
        return;
    };
    let relay = DatabaseRelay::start(&base_url).await;
    let app = TestApp::builder(Backend::Postgres {
        base_url: relay.url().to_owned(),
    })
    .with_setting("database", "acquire_timeout_seconds", "3")
    .start()
    .await;
    let world = World::start_with(app, &["--first-party"]).await;
    let signed_in = sign_in(&world, &["email", "offline_access"]).await;
    let access_token = signed_in.tokens.access_token().secret().clone();
    let refresh_token = signed_in
        .tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();

    // Load throughout: UserInfo reads the account on every call.
    let statuses = Arc::new(std::sync::Mutex::new(BTreeMap::<u16, usize>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (statuses, stop) = (statuses.clone(), stop.clone());
        let url = world.app.url("/userinfo");
        let token = access_token.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            while !stop.load(Ordering::SeqCst) {
                let status = match http.get(&url).bearer_auth(&token).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(_) => 0,
                };
                *statuses
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .entry(status)
                    .or_default() += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    wait_until(
        Duration::from_secs(10),
        "the load is answered",
        async || {
            statuses
                .lock()
                .expect("statuses")
                .get(&200)
                .is_some_and(|count| *count >= 5)
        },
    )
    .await;

    // A person has the sign-in page open when the database goes away.
    let browser = world.app.browser();
    let form = browser.get("/login").await;
    let csrf = form.form_value("csrf_token").expect("a CSRF token");

    relay.cut();
    let ready = world.app.url("/health/ready");
    wait_until(
        Duration::from_secs(15),
        "readiness reports the outage",
        async || {
            reqwest::get(&ready)
                .await
                .is_ok_and(|response| response.status() == 503)
        },
    )
    .await;

    // While it is gone: each audience gets its own clean refusal, quickly.
    let started = Instant::now();
    let answer = userinfo(&world.app, &access_token).await;
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.headers()["retry-after"], "5");
    let body: serde_json::Value = answer.json().await.expect("a JSON body");
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");

    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("temporarily_unavailable")),
        "{body}"
    );

    let submitted = browser
        .post(
            "/login",
            &[
                ("csrf_token", csrf.as_str()),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    let reopened = world.app.browser().get("/login").await;
    for page in [&submitted, &reopened] {
        assert_eq!(page.status, 503, "{}", page.body);
        assert!(
            page.body
                .contains("Sign-in is briefly unavailable on our side"),
            "{}",
            page.body
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refusals come quickly, not after waiting for a connection each time"
    );
    // What is kept in memory goes on being served.
    let discovery = reqwest::get(world.app.url("/.well-known/openid-configuration"))
        .await
        .expect("discovery");
    assert_eq!(discovery.status(), 200);

    // Back: the same node serves again, reads and writes.
    relay.restore();
    wait_until(Duration::from_secs(30), "readiness recovers", async || {
        reqwest::get(&ready)
            .await
            .is_ok_and(|response| response.status() == 200)
    })
    .await;
    wait_until(
        Duration::from_secs(30),
        "UserInfo answers again",
        async || userinfo(&world.app, &access_token).await.status() == 200,
    )
    .await;
    let (status, body) = token_request(
        &world.app,
        &world.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
        ],
    )
    .await;
    assert_eq!(
        status, 200,
        "the refresh token refused during the outage still works: {body}"
    );
    let again = sign_in(&world, &["email"]).await;
    assert!(!again.tokens.access_token().secret().is_empty());

    stop.store(true, Ordering::SeqCst);
    load.await.expect("the load task");
    let statuses = statuses.lock().expect("statuses").clone();
    let unexpected: Vec<_> = statuses
        .keys()
        .filter(|status| !matches!(status, 200 | 503))
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 200 and 503 under load, got {statuses:?}"
    );
    assert!(
        statuses.get(&503).is_some_and(|count| *count > 0),
        "{statuses:?}"
    );
}

/// A PostgreSQL role of its own for one test, so the test can turn the database read-only
/// for this node alone (as a failover to a standby does) and back.
struct OwnRole {
    admin_url: String,
    name: String,
}

impl OwnRole {
    fn create(admin_url: &str) -> Self {
        let name = format!(
            "gh_role_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        gatehouse_store::testing::execute(
            admin_url,
            &format!("CREATE ROLE {name} LOGIN SUPERUSER"),
        )
        .expect("create the role");
        Self {
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    /// `admin_url` connecting as this role.
    fn url(&self) -> String {
        let mut url = url::Url::parse(&self.admin_url).expect("a database URL");
        url.set_username(&self.name).expect("a user name");
        url.to_string()
    }

    /// Makes the role's transactions read-only (or writable again) and ends its sessions,
    /// so every new connection sees the change.
    fn set_read_only(&self, read_only: bool) {
        let name = &self.name;
        let setting = if read_only {
            format!("ALTER ROLE {name} SET default_transaction_read_only = on")
        } else {
            format!("ALTER ROLE {name} RESET default_transaction_read_only")
        };
        gatehouse_store::testing::execute(
            &self.admin_url,
            &format!(
                "{setting}; SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE usename = '{name}' AND pid <> pg_backend_pid()"
            ),
        )
        .expect("change the role");
    }
}

impl Drop for OwnRole {
    fn drop(&mut self) {
        let name = &self.name;
        let _ = gatehouse_store::testing::execute(
            &self.admin_url,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'; \
                 DROP OWNED BY {name} CASCADE; DROP ROLE {name}"
            ),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_refuses_writes_cleanly_and_still_serves_reads() {
    let Some(Backend::Postgres { base_url }) = Backend::postgres() else {
        return;
    };
    let role = OwnRole::create(&base_url);
    let app = TestApp::builder(Backend::Postgres {
        base_url: role.url(),
    })
    .start()
    .await;
    let world = World::start_with(app, &["--first-party"]).await;
    let signed_in = sign_in(&world, &["email", "offline_access"]).await;
    let access_token = signed_in.tokens.access_token().secret().clone();
    let refresh_token = signed_in
        .tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();
    let browser = world.app.browser();
    let csrf = browser
        .get("/login")
        .await
        .form_value("csrf_token")
        .expect("a CSRF token");

    role.set_read_only(true);
    // Reads go on (once the connections the database ended have been replaced).
    wait_until(Duration::from_secs(30), "UserInfo answers", async || {
        userinfo(&world.app, &access_token).await.status() == 200
    })
    .await;
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.as_str()),
    ];
    let (status, body) = token_request(&world.app, &world.client, &refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("temporarily_unavailable")),
        "{body}"
    );
    let submitted = browser
        .post(
            "/login",
            &[
                ("csrf_token", csrf.as_str()),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(submitted.status, 503, "{}", submitted.body);
    assert!(
        submitted
            .body
            .contains("Sign-in is briefly unavailable on our side"),
        "{}",
        submitted.body
    );

    // Writable again: the refresh token refused meanwhile was not spent by the refusal.
    role.set_read_only(false);
    let mut refreshed = (0, serde_json::Value::Null);
    wait_until(
        Duration::from_secs(30),
        "refreshing works again",
        async || {
            refreshed = token_request(&world.app, &world.client, &refresh).await;
            refreshed.0 != 503
        },
    )
    .await;
    assert_eq!(refreshed.0, 200, "{}", refreshed.1);
    drop(world);
}
