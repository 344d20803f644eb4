//! Throughput of one Gatehouse server: client-credentials tokens, refresh-token rotations and
//! complete authorization-code flows per second, on SQLite and (with
//! `GATEHOUSE_TEST_POSTGRES_URL`) PostgreSQL.
//!
//! ```sh
//! cargo bench -p gatehouse-tests --bench throughput
//! GATEHOUSE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p gatehouse-tests --bench throughput
//! ```
//!
//! `BENCH_SECONDS` (default 10) and `BENCH_CONCURRENCY` (default 16) tune the run. The load
//! generator runs in the same process as the server, so both share the machine's cores: the
//! figures are a floor for a dedicated server.

use gatehouse_tests::relying_party::query_parameter;
use gatehouse_tests::webauthn::SoftPasskey;
use gatehouse_tests::{Backend, Browser, RegisteredClient, TestApp};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REDIRECT_URI: &str = "https://rp.example/callback";
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "correct horse battery staple";
/// A second user, who signs in with passkeys only (so the password scenarios stay one-factor).
const PASSKEY_EMAIL: &str = "passkey-bench@example.com";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Outcome {
    operations: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Outcome {
    fn per_second(&self) -> f64 {
        self.operations as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, fraction: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

/// Runs `concurrency` workers for `duration`; each calls `operation` in a loop with its own
/// state, made by `prepare`.
async fn measure<S, P, PF, O, OF>(
    concurrency: usize,
    duration: Duration,
    prepare: P,
    operation: O,
) -> Outcome
where
    S: Send + 'static,
    P: Fn(usize) -> PF,
    PF: Future<Output = S>,
    O: Fn(S) -> OF + Send + Sync + 'static,
    OF: Future<Output = S> + Send,
{
    let mut states = Vec::new();
    for worker in 0..concurrency {
        states.push(prepare(worker).await);
    }
    let operation = Arc::new(operation);
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for state in states {
        let operation = operation.clone();
        workers.push(tokio::spawn(async move {
            let mut state = state;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let begun = Instant::now();
                state = operation(state).await;
                latencies.push(begun.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    Outcome {
        operations: latencies.len(),
        latencies,
        elapsed: started.elapsed(),
    }
}

fn authorize_url(app: &TestApp, client: &RegisteredClient) -> String {
    app.url(&format!(
        "/authorize?client_id={}&redirect_uri=https%3A%2F%2Frp.example%2Fcallback&response_type=code&scope=openid%20email&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256",
        client.id
    ))
}

async fn exchange(
    http: &reqwest::Client,
    app: &TestApp,
    client: &RegisteredClient,
    code: &str,
) -> serde_json::Value {
    let response = http
        .post(app.url("/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .expect("token request");
    assert!(
        response.status().is_success(),
        "code exchange failed: {}",
        response.status()
    );
    response.json().await.expect("token JSON")
}

/// One complete code flow in `browser`: authorize, sign in if needed, exchange the code.
async fn code_flow(
    browser: &Browser,
    http: &reqwest::Client,
    app: &TestApp,
    client: &RegisteredClient,
) {
    let callback = browser
        .authorize(&authorize_url(app, client), EMAIL, PASSWORD)
        .await;
    let code = query_parameter(&callback, "code").expect("code");
    exchange(http, app, client, &code).await;
}

/// Registers `count` passkeys for the passkey user, from one signed-in browser (after the
/// first, the session counts as two-factor and may add more).
async fn register_passkeys(
    app: &TestApp,
    client: &RegisteredClient,
    count: usize,
) -> Vec<SoftPasskey> {
    let browser = app.browser();
    browser
        .authorize(&authorize_url(app, client), PASSKEY_EMAIL, PASSWORD)
        .await;
    let mut passkeys = Vec::with_capacity(count);
    for _ in 0..count {
        let security = browser.get("/account/security").await;
        let options = browser
            .passkey_options(&security, "/account/security/passkeys/options", &[])
            .await;
        let mut passkey = SoftPasskey::new();
        let credential = passkey.register(&options, &app.base_url);
        let registered = browser
            .post(
                "/account/security/passkeys",
                &[
                    (
                        "csrf_token",
                        &security.form_value("csrf_token").expect("CSRF"),
                    ),
                    ("ceremony", options["ceremony"].as_str().expect("ceremony")),
                    ("credential", &credential),
                ],
            )
            .await;
        assert!(
            registered.status.is_success() || registered.status.is_redirection(),
            "passkey registration failed: {}",
            registered.body
        );
        passkeys.push(passkey);
    }
    passkeys
}

/// One complete code flow in a new browser, signing in with a passkey and no password.
async fn passkey_code_flow(
    passkey: &mut SoftPasskey,
    http: &reqwest::Client,
    app: &TestApp,
    client: &RegisteredClient,
) {
    let browser = app.browser();
    let (_, login_page) = browser.follow_to_client(&authorize_url(app, client)).await;
    let flow = login_page.form_value("flow").expect("flow");
    let options = browser
        .passkey_options(&login_page, "/login/passkey/options", &[("flow", &flow)])
        .await;
    let answer = passkey.authenticate(&options, &app.base_url);
    let signed_in = browser
        .post(
            "/login/passkey",
            &[
                (
                    "csrf_token",
                    &login_page.form_value("csrf_token").expect("CSRF"),
                ),
                ("flow", &flow),
                ("ceremony", options["ceremony"].as_str().expect("ceremony")),
                ("credential", &answer),
            ],
        )
        .await;
    let (callback, _) = browser.follow_to_client(signed_in.redirect()).await;
    let code = query_parameter(&callback, "code").expect("code");
    exchange(http, app, client, &code).await;
}

fn report(backend: &str, scenario: &str, outcome: &Outcome) {
    println!(
        "| {backend} | {scenario} | {:.0} | {:.1} | {:.1} | {} |",
        outcome.per_second(),
        outcome.percentile(0.5).as_secs_f64() * 1000.0,
        outcome.percentile(0.99).as_secs_f64() * 1000.0,
        outcome.operations
    );
}

async fn run(backend_name: &str, backend: Backend, concurrency: usize, duration: Duration) {
    let app = Arc::new(
        TestApp::builder(backend)
            .with_localhost_issuer()
            .with_setting("database", "max_connections", "16")
            .with_setting("login", "account_free_failures", "1000000")
            .start()
            .await,
    );
    let client = Arc::new(
        app.register_client(
            REDIRECT_URI,
            &[
                "--first-party",
                "--grant-types",
                "authorization_code,refresh_token,client_credentials",
                "--scopes",
                "openid email api:read",
            ],
        )
        .await,
    );
    app.create_user(EMAIL, PASSWORD).await;
    app.create_user(PASSKEY_EMAIL, PASSWORD).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");

    // Client credentials.
    let outcome = {
        let (app, client, http) = (app.clone(), client.clone(), http.clone());
        measure(
            concurrency,
            duration,
            |_| async {},
            move |()| {
                let (app, client, http) = (app.clone(), client.clone(), http.clone());
                async move {
                    let response = http
                        .post(app.url("/token"))
                        .basic_auth(&client.id, client.secret.as_deref())
                        .form(&[("grant_type", "client_credentials"), ("scope", "api:read")])
                        .send()
                        .await
                        .expect("token request");
                    assert!(response.status().is_success());
                    let _ = response.bytes().await;
                }
            },
        )
        .await
    };
    report(backend_name, "client_credentials token", &outcome);

    // Refresh-token rotation: each worker owns a token family.
    let outcome = {
        let (app, client, http) = (app.clone(), client.clone(), http.clone());
        let (setup_app, setup_client, setup_http) = (app.clone(), client.clone(), http.clone());
        measure(
            concurrency,
            duration,
            move |_| {
                let (app, client, http) =
                    (setup_app.clone(), setup_client.clone(), setup_http.clone());
                async move {
                    let browser = app.browser();
                    let callback = browser
                        .authorize(&authorize_url(&app, &client), EMAIL, PASSWORD)
                        .await;
                    let code = query_parameter(&callback, "code").expect("code");
                    let tokens = exchange(&http, &app, &client, &code).await;
                    tokens["refresh_token"]
                        .as_str()
                        .expect("refresh token")
                        .to_owned()
                }
            },
            move |refresh_token: String| {
                let (app, client, http) = (app.clone(), client.clone(), http.clone());
                async move {
                    let response = http
                        .post(app.url("/token"))
                        .basic_auth(&client.id, client.secret.as_deref())
                        .form(&[
                            ("grant_type", "refresh_token"),
                            ("refresh_token", refresh_token.as_str()),
                        ])
                        .send()
                        .await
                        .expect("refresh request");
                    assert!(
                        response.status().is_success(),
                        "refresh failed: {}",
                        response.status()
                    );
                    let tokens: serde_json::Value = response.json().await.expect("JSON");
                    tokens["refresh_token"]
                        .as_str()
                        .expect("refresh token")
                        .to_owned()
                }
            },
        )
        .await
    };
    report(backend_name, "refresh_token rotation", &outcome);

    // Code flow for a user with a session (single sign-on: authorize, code, token).
    let outcome = {
        let (app, client, http) = (app.clone(), client.clone(), http.clone());
        let (setup_app, setup_client, setup_http) = (app.clone(), client.clone(), http.clone());
        measure(
            concurrency,
            duration,
            move |_| {
                let (app, client, http) =
                    (setup_app.clone(), setup_client.clone(), setup_http.clone());
                async move {
                    let browser = app.browser();
                    code_flow(&browser, &http, &app, &client).await;
                    browser
                }
            },
            move |browser: Browser| {
                let (app, client, http) = (app.clone(), client.clone(), http.clone());
                async move {
                    code_flow(&browser, &http, &app, &client).await;
                    browser
                }
            },
        )
        .await
    };
    report(backend_name, "code flow, signed-in user", &outcome);

    // Complete code flow with a password sign-in every time (argon2id-bound).
    let outcome = {
        let (app, client, http) = (app.clone(), client.clone(), http.clone());
        measure(
            concurrency,
            duration,
            |_| async {},
            move |()| {
                let (app, client, http) = (app.clone(), client.clone(), http.clone());
                async move {
                    let browser = app.browser();
                    code_flow(&browser, &http, &app, &client).await;
                }
            },
        )
        .await
    };
    report(backend_name, "code flow with password sign-in", &outcome);

    // Complete code flow with a passwordless passkey sign-in every time: each worker holds
    // its own passkey, so signature counters only ever grow.
    let outcome = {
        let passkeys = Arc::new(Mutex::new(
            register_passkeys(&app, &client, concurrency).await,
        ));
        let (app, client, http) = (app.clone(), client.clone(), http.clone());
        measure(
            concurrency,
            duration,
            move |_| {
                let passkey = passkeys
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .pop()
                    .expect("a passkey per worker");
                async move { passkey }
            },
            move |mut passkey: SoftPasskey| {
                let (app, client, http) = (app.clone(), client.clone(), http.clone());
                async move {
                    passkey_code_flow(&mut passkey, &http, &app, &client).await;
                    passkey
                }
            },
        )
        .await
    };
    report(backend_name, "code flow with passkey sign-in", &outcome);
}

fn main() {
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10);
    let concurrency = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(16);
    // `cargo bench` passes `--bench`; a filter argument selects a backend.
    let filter = std::env::args()
        .skip(1)
        .find(|argument| !argument.starts_with("--"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("| backend | scenario | per second | p50 ms | p99 ms | operations |");
        println!("|---|---|---:|---:|---:|---:|");
        let duration = Duration::from_secs(seconds);
        if filter
            .as_deref()
            .is_none_or(|filter| "sqlite".contains(filter))
        {
            run("SQLite", Backend::Sqlite, concurrency, duration).await;
        }
        if filter
            .as_deref()
            .is_none_or(|filter| "postgres".contains(filter))
            && let Some(backend) = Backend::postgres()
        {
            run("PostgreSQL", backend, concurrency, duration).await;
        }
    });
}
