//! The `gatehouse` binary as an operator runs it: separate processes against PostgreSQL
//! (whose TLS handshake runs OpenSSL inside libpq), judged by their exit status,
//! `gatehouse serve` stopped with SIGTERM under load, and two starts on one new SQLite file.

use gatehouse_tests::{Backend, TestApp};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::process::Command;

/// The command line, built by Cargo for this test package.
const GATEHOUSE: &str = env!("CARGO_BIN_EXE_gatehouse-under-test");

/// How a process ended, in words: "exit 0", "exit 1", "killed by signal 11".
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    format!("exit {}", status.code().unwrap_or(-1))
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `gatehouse --config CONFIG ARGUMENTS...` with `stdin` and waits for it.
async fn gatehouse(config: &Path, arguments: &[String], stdin: &str) -> Finished {
    let mut child = Command::new(GATEHOUSE)
        .arg("--config")
        .arg(config)
        .args(arguments)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the gatehouse binary");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the command ends within a minute")
        .expect("wait for the command");
    Finished {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The commands of the provisioning script: a studio, a user, the membership, a client.
fn provisioning_commands(round: usize) -> Vec<(Vec<String>, String)> {
    let owned = |arguments: &[&str]| arguments.iter().map(|&a| a.to_owned()).collect();
    let slug = format!("studio-{round}");
    let email = format!("member{round}@example.com");
    vec![
        (
            owned(&[
                "studios",
                "create",
                "--slug",
                &slug,
                "--name",
                &format!("Studio {round}"),
                "--licence",
                &format!("{}", 5000 + round),
            ]),
            String::new(),
        ),
        (
            owned(&[
                "users",
                "create",
                "--email",
                &email,
                "--name",
                "Matti Virtanen",
                "--password-stdin",
            ]),
            "correct horse battery staple\n".to_owned(),
        ),
        (
            owned(&[
                "studios",
                "add-member",
                "--studio",
                &slug,
                "--email",
                &email,
                "--username",
                &format!("matti{round}"),
            ]),
            String::new(),
        ),
        (
            owned(&[
                "clients",
                "create",
                "--name",
                &format!("ERP {round}"),
                "--redirect-uri",
                "https://erp.example/callback",
            ]),
            String::new(),
        ),
    ]
}

/// When CI says the machine's PostgreSQL offers TLS, the server's connections must use it,
/// so these tests go through the same OpenSSL handshake an operator's commands do.
fn assert_tls_as_the_machine_ships_it(app: &TestApp) {
    if std::env::var("GATEHOUSE_TEST_POSTGRES_TLS").as_deref() != Ok("1") {
        return;
    }
    let url = gatehouse_server::Config::load(Some(app.config_path()), Default::default())
        .expect("configuration")
        .database_url();
    assert!(
        gatehouse_store::testing::postgres_connection_uses_tls(&url).expect("ask PostgreSQL"),
        "the PostgreSQL connection should negotiate TLS as libpq does by default"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_commands_on_postgres_all_exit_zero() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = TestApp::start(backend).await;
    assert_tls_as_the_machine_ships_it(&app);
    let config = app.config_path().to_owned();

    // Two scripts side by side, as two operators (or a script with `xargs -P 2`) would run.
    let script = |rounds: Vec<usize>| {
        let config = config.clone();
        async move {
            let mut failures = Vec::new();
            let mut ran = 0;
            for round in rounds {
                for (arguments, stdin) in provisioning_commands(round) {
                    let finished = gatehouse(&config, &arguments, &stdin).await;
                    ran += 1;
                    let printed_json =
                        serde_json::from_str::<serde_json::Value>(&finished.stdout).is_ok();
                    if !finished.status.success() || !printed_json {
                        failures.push(format!(
                            "`gatehouse {}`: {}; stdout {:?}; stderr {:?}",
                            arguments.join(" "),
                            describe(finished.status),
                            finished.stdout,
                            finished.stderr
                        ));
                    }
                }
            }
            (ran, failures)
        }
    };
    let (first, second) = tokio::join!(
        script(
            (0..50)
                .filter(|round: &usize| round.is_multiple_of(2))
                .collect()
        ),
        script((0..50).filter(|round| round % 2 == 1).collect()),
    );
    let ran = first.0 + second.0;
    let failures: Vec<String> = first.1.into_iter().chain(second.1).collect();
    assert_eq!(ran, 200);
    assert!(
        failures.is_empty(),
        "{} of {ran} commands failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The work is all there: 50 studios, each with its member.
    let listed = gatehouse(&config, &["studios".to_owned(), "list".to_owned()], "").await;
    assert!(listed.status.success(), "{}", listed.stderr);
    let studios: serde_json::Value = serde_json::from_str(&listed.stdout).expect("JSON");
    assert_eq!(studios.as_array().map(Vec::len), Some(50), "{studios}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tls_follows_sslmode_in_the_database_url() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let Backend::Postgres { base_url } = &backend else {
        unreachable!("postgres() gives PostgreSQL");
    };
    let machine_offers_tls = std::env::var("GATEHOUSE_TEST_POSTGRES_TLS").as_deref() == Ok("1");
    let mut modes = vec![("disable", false)];
    if machine_offers_tls {
        modes.push(("require", true));
    }
    for (mode, expect_tls) in modes {
        let application = format!("gatehouse-tls-{}", uuid::Uuid::new_v4().simple());
        let app = TestApp::builder(backend.clone())
            .with_postgres_parameters(&format!("sslmode={mode}&application_name={application}"))
            .start()
            .await;
        let response = reqwest::get(app.url("/health/ready")).await.expect("ready");
        assert_eq!(response.status(), 200);
        let connections =
            gatehouse_store::testing::postgres_tls_of_connections(base_url, &application)
                .expect("ask PostgreSQL");
        assert!(
            !connections.is_empty(),
            "the server keeps a pooled connection"
        );
        assert!(
            connections.iter().all(|&tls| tls == expect_tls),
            "sslmode={mode}: TLS on the server's connections: {connections:?}"
        );
    }

    // A certificate check that cannot succeed stops the command with a clear message.
    let app = TestApp::start(backend.clone()).await;
    let separator = if base_url.contains('?') { '&' } else { '?' };
    let strict =
        format!("{base_url}{separator}sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
    let mut command = Command::new(GATEHOUSE);
    command
        .arg("--config")
        .arg(app.config_path())
        .arg("migrate")
        .env("GATEHOUSE_DATABASE__URL", &strict)
        .stdin(Stdio::null());
    let output = command.output().await.expect("run gatehouse migrate");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(describe(output.status), "exit 1", "{stderr}");
    assert!(
        stderr.contains("cannot reach the database") && stderr.contains("root certificate"),
        "{stderr}"
    );
}

/// What the load saw while the server was stopped.
#[derive(Default)]
struct LoadReport {
    answered: AtomicUsize,
    /// Requests refused before any answer began, after SIGTERM (a closed listener).
    not_served_after_stop: AtomicUsize,
    problems: std::sync::Mutex<Vec<String>>,
}

impl LoadReport {
    fn problem(&self, text: String) {
        self.problems
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(text);
    }
}

/// Sends discovery and client-credentials requests until `stop`, classifying every outcome.
async fn light_load(
    base_url: String,
    client_id: String,
    secret: String,
    stopping: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    report: Arc<LoadReport>,
) {
    let http = reqwest::Client::new();
    let mut turn = 0_u64;
    while !stop.load(Ordering::SeqCst) {
        turn += 1;
        let request = if turn.is_multiple_of(2) {
            http.get(format!("{base_url}/.well-known/openid-configuration"))
        } else {
            http.post(format!("{base_url}/token"))
                .basic_auth(&client_id, Some(&secret))
                .form(&[("grant_type", "client_credentials")])
        };
        let was_stopping = stopping.load(Ordering::SeqCst);
        match request.send().await {
            Err(error) => {
                if was_stopping || stopping.load(Ordering::SeqCst) {
                    report.not_served_after_stop.fetch_add(1, Ordering::SeqCst);
                    // The server is going away; do not spin on refused connections.
                    tokio::task::yield_now().await;
                } else {
                    report.problem(format!("request failed before SIGTERM: {error}"));
                }
            }
            Ok(response) => {
                let status = response.status();
                let length = response.content_length();
                match response.bytes().await {
                    Err(error) => {
                        report.problem(format!("response cut off mid-body ({status}): {error}"))
                    }
                    Ok(body) if !status.is_success() => report.problem(format!(
                        "answered {status}: {}",
                        String::from_utf8_lossy(&body)
                    )),
                    Ok(body) if length.is_some_and(|length| length != body.len() as u64) => {
                        report.problem(format!("answered {} of {length:?} bytes", body.len()))
                    }
                    Ok(_) => {
                        report.answered.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }
    }
}

/// Reads an HTTP/1.1 response head and its `Content-Length` body from `stream`.
async fn read_response(stream: &mut tokio::net::TcpStream) -> (String, String) {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&received[end + 4..end + 4 + length]);
                return (head, body.into_owned());
            }
        }
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buffer))
            .await
            .expect("the server answers within 30 s")
            .expect("read the response");
        assert!(
            read > 0,
            "the connection closed mid-response after {:?}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buffer[..read]);
    }
}

/// Polls `condition` every 20 ms until it holds or `limit` passes.
async fn wait_until(limit: Duration, what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("an ephemeral port")
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_postgres_stops_cleanly_on_sigterm_twenty_times() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = TestApp::start(backend).await;
    assert_tls_as_the_machine_ships_it(&app);
    let client = app
        .register_client(
            "https://rp.example/callback",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "erp:read",
            ],
        )
        .await;
    let secret = client.secret.clone().expect("a confidential client");
    let basic = base64_basic(&client.id, &secret);
    let mut total_answered = 0;

    for stop_number in 1..=20 {
        let port = free_port();
        let base_url = format!("http://127.0.0.1:{port}");
        let mut server = Command::new(GATEHOUSE)
            .arg("--config")
            .arg(app.config_path())
            .arg("serve")
            .env("GATEHOUSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start gatehouse serve");
        let mut stderr = server.stderr.take().expect("stderr");
        let logs = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });

        let probe = reqwest::Client::new();
        wait_until(Duration::from_secs(30), "the server is ready", async || {
            probe
                .get(format!("{base_url}/health/ready"))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success())
        })
        .await;

        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let report = Arc::new(LoadReport::default());
        let load: Vec<_> = (0..3)
            .map(|_| {
                tokio::spawn(light_load(
                    base_url.clone(),
                    client.id.clone(),
                    secret.clone(),
                    stopping.clone(),
                    stop.clone(),
                    report.clone(),
                ))
            })
            .collect();
        wait_until(
            Duration::from_secs(30),
            "the load is answered",
            async || report.answered.load(Ordering::SeqCst) >= 20,
        )
        .await;

        // A token request whose handler is running (it has asked for the body with
        // 100 Continue) when SIGTERM arrives; its body is completed only afterwards.
        let body = "grant_type=client_credentials";
        let (first_half, second_half) = body.split_at(11);
        let mut in_flight = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        in_flight
            .write_all(
                format!(
                    "POST /token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Basic {basic}\r\n\
                     Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
                     Expect: 100-continue\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .expect("send the request head");
        let (interim, _) = read_response(&mut in_flight).await;
        assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");
        in_flight
            .write_all(first_half.as_bytes())
            .await
            .expect("send half the body");

        stopping.store(true, Ordering::SeqCst);
        let terminated = std::process::Command::new("kill")
            .args(["-TERM", &server.id().expect("running").to_string()])
            .status()
            .expect("run kill");
        assert!(terminated.success());

        in_flight
            .write_all(second_half.as_bytes())
            .await
            .expect("send the rest of the body after SIGTERM");
        let (head, answer) = read_response(&mut in_flight).await;
        assert!(
            head.starts_with("HTTP/1.1 200"),
            "stop {stop_number}: {head}\n{answer}"
        );
        let token: serde_json::Value = serde_json::from_str(&answer).expect("a JSON body");
        assert!(token["access_token"].is_string(), "{token}");

        let status = tokio::time::timeout(Duration::from_secs(30), server.wait())
            .await
            .unwrap_or_else(|_| panic!("stop {stop_number}: the server exits within 30 s"))
            .expect("wait for the server");
        stop.store(true, Ordering::SeqCst);
        for task in load {
            task.await.expect("load task");
        }
        let logs = logs.await.unwrap_or_default();
        assert_eq!(
            describe(status),
            "exit 0",
            "stop {stop_number}: gatehouse serve did not exit cleanly; its log:\n{logs}"
        );
        assert!(!logs.contains("panicked"), "stop {stop_number}: {logs}");
        let problems = report
            .problems
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        assert!(
            problems.is_empty(),
            "stop {stop_number}: {}",
            problems.join("\n")
        );
        total_answered += report.answered.load(Ordering::SeqCst);
    }
    assert!(total_answered >= 20 * 20, "{total_answered} answers");
}

fn base64_basic(client_id: &str, secret: &str) -> String {
    use base64::Engine as _;
    // RFC 6749 §2.3.1: both parts form-encoded before joining.
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        encode(client_id),
        encode(secret)
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_log_has_a_line_per_request_and_no_secrets() {
    let app = TestApp::start(Backend::Sqlite).await;
    let client = app
        .register_client(
            "https://rp.example/callback",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "erp:read",
            ],
        )
        .await;
    let secret = client.secret.clone().expect("a confidential client");
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(GATEHOUSE)
        .arg("--config")
        .arg(app.config_path())
        .arg("serve")
        .env("GATEHOUSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_LOG__FORMAT", "json")
        .env("GATEHOUSE_LOG__LEVEL", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start gatehouse serve");
    let mut stderr = server.stderr.take().expect("stderr");
    let logs = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let http = reqwest::Client::new();
    wait_until(Duration::from_secs(30), "the server is ready", async || {
        http.get(format!("{base_url}/health/ready"))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    })
    .await;

    let issued = http
        .post(format!("{base_url}/token"))
        .basic_auth(&client.id, Some(&secret))
        .header("x-request-id", "access-log-token-1")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(issued.status(), 200);
    let token: serde_json::Value = issued.json().await.expect("token JSON");
    let access_token = token["access_token"].as_str().expect("an access token");
    // A link with a secret in its query string, as e-mailed reset links have.
    let reset = http
        .get(format!(
            "{base_url}/reset-password?token=SECRET-RESET-TOKEN"
        ))
        .header("x-request-id", "access-log-reset-1")
        .send()
        .await
        .expect("reset link");
    assert!(reset.status().is_success() || reset.status().is_client_error());

    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &server.id().expect("running").to_string()])
        .status()
        .expect("run kill");
    assert!(terminated.success());
    let status = tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("the server exits within 30 s")
        .expect("wait for the server");
    let logs = logs.await.unwrap_or_default();
    assert_eq!(describe(status), "exit 0", "{logs}");

    let access_line = |request_id: &str| -> serde_json::Value {
        logs.lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| {
                line["target"] == "gatehouse::access" && line["fields"]["request_id"] == request_id
            })
            .unwrap_or_else(|| panic!("no access-log line for {request_id} in\n{logs}"))
    };
    let token_line = access_line("access-log-token-1");
    assert_eq!(token_line["level"], "INFO");
    assert_eq!(token_line["fields"]["route"], "/token");
    assert_eq!(token_line["fields"]["method"], "POST");
    assert_eq!(token_line["fields"]["status"], 200);
    assert_eq!(token_line["fields"]["client_id"], client.id.as_str());
    assert!(
        token_line["fields"]["duration_ms"].as_f64().is_some(),
        "{token_line}"
    );
    let reset_line = access_line("access-log-reset-1");
    assert_eq!(reset_line["fields"]["route"], "/reset-password");

    for secret_text in [access_token, secret.as_str(), "SECRET-RESET-TOKEN"] {
        assert!(!logs.contains(secret_text), "a secret in the log:\n{logs}");
    }
}

/// One refresh-token family as its client sees it while a node is killed.
#[derive(Debug, Default)]
struct Family {
    /// The newest refresh token the client received.
    newest: String,
    /// A refresh with `newest` had been sent and not answered when the node died.
    in_flight: bool,
    refreshed: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_work_loses_no_message_and_breaks_no_refresh_family() {
    use crate::accounts::Messaging;
    use crate::{PASSWORD, authorization_request, exchange};
    use openidconnect::OAuth2TokenResponse as _;

    let Some(backend) = Backend::postgres() else {
        return;
    };
    // Short timeouts, so a message the killed node had claimed is taken over in seconds.
    let world = Messaging::start(backend, |builder| {
        builder
            .with_setting("outbox", "request_timeout_seconds", "2")
            .with_setting("smtp", "timeout_seconds", "2")
            .with_setting("sms", "timeout_seconds", "2")
            .with_setting("outbox", "claim_seconds", "4")
    })
    .await;
    let users: Vec<String> = (1..=4).map(|n| format!("family-{n}@example.com")).collect();
    let mut families = Vec::new();
    for user in &users {
        world.app.create_user(user, PASSWORD).await;
        let (url, verifier, _) = authorization_request(&world.rp, &["email", "offline_access"], "");
        let callback = world.app.browser().authorize(&url, user, PASSWORD).await;
        let tokens = exchange(&world.rp, &callback, verifier).await;
        let newest = tokens
            .refresh_token()
            .expect("a refresh token")
            .secret()
            .clone();
        families.push(Arc::new(std::sync::Mutex::new(Family {
            newest,
            ..Family::default()
        })));
    }
    let secret = world.client.secret.clone().expect("a confidential client");

    // The second node: a separate process on the same database.
    let port = free_port();
    let node = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(GATEHOUSE)
        .arg("--config")
        .arg(world.app.config_path())
        .arg("serve")
        .env("GATEHOUSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start gatehouse serve");
    let http = reqwest::Client::new();
    wait_until(
        Duration::from_secs(30),
        "the second node is ready",
        async || {
            http.get(format!("{node}/health/ready"))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success())
        },
    )
    .await;

    // Work on the second node: refreshes in every family, password-reset e-mails (each
    // acknowledged request has queued its message), and password sign-ins.
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for family in &families {
        let (family, stop, http) = (family.clone(), stop.clone(), http.clone());
        let (node, client_id, secret) = (node.clone(), world.client.id.clone(), secret.clone());
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let presented = {
                    let mut family = family.lock().expect("family");
                    family.in_flight = true;
                    family.newest.clone()
                };
                let answer = http
                    .post(format!("{node}/token"))
                    .basic_auth(&client_id, Some(&secret))
                    .form(&[
                        ("grant_type", "refresh_token"),
                        ("refresh_token", presented.as_str()),
                    ])
                    .send()
                    .await;
                let Ok(answer) = answer else { return None };
                let status = answer.status();
                let Ok(body) = answer.json::<serde_json::Value>().await else {
                    return None;
                };
                let mut family = family.lock().expect("family");
                if status != 200 {
                    return Some(format!("a refresh on the live node: {status} {body}"));
                }
                family.newest = body["refresh_token"].as_str().expect("rotated").to_owned();
                family.in_flight = false;
                family.refreshed += 1;
            }
            None
        }));
    }
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    {
        let (acknowledged, stop, users) = (acknowledged.clone(), stop.clone(), users.clone());
        let browser = gatehouse_tests::Browser::new(&node);
        load.push(tokio::spawn(async move {
            for user in users.iter().cycle() {
                if stop.load(Ordering::SeqCst) {
                    return None;
                }
                let Ok(page) = tokio::spawn({
                    let browser = browser.clone();
                    async move { browser.get("/forgot-password").await }
                })
                .await
                else {
                    return None;
                };
                let csrf = page.form_value("csrf_token")?;
                let sent = tokio::spawn({
                    let (browser, user) = (browser.clone(), user.clone());
                    async move {
                        browser
                            .post(
                                "/forgot-password",
                                &[
                                    ("csrf_token", csrf.as_str()),
                                    ("identifier", user.as_str()),
                                    ("channel", "email"),
                                ],
                            )
                            .await
                    }
                })
                .await;
                match sent {
                    Ok(page) if page.status.is_redirection() => {
                        acknowledged.lock().expect("list").push(user.clone());
                    }
                    _ => return None,
                }
            }
            None
        }));
    }
    let signins = Arc::new(AtomicUsize::new(0));
    {
        let (signins, stop, user) = (signins.clone(), stop.clone(), users[0].clone());
        let browser = gatehouse_tests::Browser::new(&node);
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let signed_in = tokio::spawn({
                    let (browser, user) = (browser.clone(), user.clone());
                    async move { browser.submit_login("/login", &user, PASSWORD, false).await }
                })
                .await;
                match signed_in {
                    Ok(page) if page.status.is_redirection() => {
                        signins.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => return None,
                }
            }
            None
        }));
    }
    let refreshed = || -> usize {
        families
            .iter()
            .map(|family| family.lock().expect("family").refreshed)
            .sum()
    };
    wait_until(Duration::from_secs(60), "work is under way", async || {
        refreshed() >= 40
            && acknowledged.lock().expect("list").len() >= 4
            && signins.load(Ordering::SeqCst) >= 2
    })
    .await;

    let killed = std::process::Command::new("kill")
        .args(["-KILL", &server.id().expect("running").to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = server.wait().await.expect("wait for the killed node");
    assert_eq!(describe(status), "killed by signal 9");
    stop.store(true, Ordering::SeqCst);
    for task in load {
        let problem = task.await.expect("the load tasks end");
        assert!(problem.is_none(), "{problem:?}");
    }

    // No message lost: every acknowledged request's e-mail arrives, sent by the node that
    // is left (once the dead node's claim on a message it had taken runs out).
    let acknowledged = acknowledged.lock().expect("list").clone();
    for user in &users {
        let expected = acknowledged.iter().filter(|sent| *sent == user).count();
        let deadline = Instant::now() + Duration::from_secs(30);
        while world.mail.messages_to(user).len() < expected {
            assert!(
                Instant::now() < deadline,
                "{user}: {} of {expected} e-mails arrived",
                world.mail.messages_to(user).len()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    // No family broken: the newest token the client holds refreshes on the surviving node.
    // Only a refresh that was in flight at the kill may have been committed unseen; then
    // the client's retry is a reuse and ends the family cleanly.
    for family in &families {
        let family = std::mem::take(&mut *family.lock().expect("family"));
        let (status, body) = crate::token_request(
            &world.app,
            &world.client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", family.newest.as_str()),
            ],
        )
        .await;
        if !(family.in_flight && body["error"] == "invalid_grant") {
            assert_eq!(status, 200, "{family:?}: {body}");
        }
    }
    let doubled = gatehouse_store::testing::count(
        &world.app.database_url(),
        "SELECT COUNT(*) AS count FROM (SELECT t.grant_id FROM refresh_tokens t \
         JOIN grants g ON g.id = t.grant_id WHERE t.used_at IS NULL AND g.revoked_at IS NULL \
         GROUP BY t.grant_id HAVING COUNT(*) > 1) AS doubled",
    )
    .expect("count the families");
    assert_eq!(doubled, 0, "a live family with two unused refresh tokens");

    // Signing in goes on, on the surviving node.
    let (url, verifier, _) = authorization_request(&world.rp, &["email"], "");
    let callback = world
        .app
        .browser()
        .authorize(&url, &users[0], PASSWORD)
        .await;
    let tokens = exchange(&world.rp, &callback, verifier).await;
    assert!(!tokens.access_token().secret().is_empty());
}

/// What an OpenTelemetry collector's OTLP/HTTP receiver got.
#[derive(Debug, Clone)]
struct Export {
    content_type: String,
    body: Vec<u8>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_reach_an_otlp_collector_and_continue_the_callers_trace() {
    let exports: Arc<std::sync::Mutex<Vec<Export>>> = Arc::default();
    let kept = exports.clone();
    let collector = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Export {
                        content_type: headers
                            .get("content-type")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or_default()
                            .to_owned(),
                        body: body.to_vec(),
                    });
                http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the collector");
    let collector_url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("an address").port()
    );
    tokio::spawn(async move { axum::serve(listener, collector).await });

    let app = TestApp::start(Backend::Sqlite).await;
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(GATEHOUSE)
        .arg("--config")
        .arg(app.config_path())
        .arg("serve")
        .env("GATEHOUSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_TRACES__OTLP_ENDPOINT", &collector_url)
        .env("GATEHOUSE_TRACES__SERVICE_NAME", "gatehouse-under-test")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start gatehouse serve");
    let http = reqwest::Client::new();
    wait_until(Duration::from_secs(30), "the server is ready", async || {
        http.get(format!("{base_url}/health/ready"))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    })
    .await;

    // A relying party that traces its own work sends its trace along.
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let discovery = http
        .get(format!("{base_url}/.well-known/openid-configuration"))
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .send()
        .await
        .expect("discovery");
    assert_eq!(discovery.status(), 200);
    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &server.id().expect("running").to_string()])
        .status()
        .expect("run kill");
    assert!(terminated.success());
    let status = tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("the server exits within 30 s")
        .expect("wait for the server");
    assert_eq!(describe(status), "exit 0");

    let received = || {
        exports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    };
    let trace_bytes: Vec<u8> = (0..trace_id.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&trace_id[at..at + 2], 16).expect("hex"))
        .collect();
    let contains = |haystack: &[u8], needle: &[u8]| {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    };
    wait_until(
        Duration::from_secs(20),
        "the span reached the collector",
        async || {
            received().iter().any(|export| {
                contains(&export.body, b"GET /.well-known/openid-configuration")
                    && contains(&export.body, &trace_bytes)
            })
        },
    )
    .await;
    let export = received()
        .into_iter()
        .find(|export| contains(&export.body, &trace_bytes))
        .expect("the export with the caller's trace");
    assert_eq!(export.content_type, "application/x-protobuf");
    assert!(contains(&export.body, b"gatehouse-under-test"));
    assert!(contains(&export.body, b"http.route"));
}

/// Two starts on one new SQLite file at the same moment (the server and a command run
/// beside it on a fresh install) both find the schema whole and the same signing keys:
/// the migrations run once, under SQLite's write lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_starts_on_one_new_sqlite_file_migrate_it_once() {
    for _ in 0..5 {
        let nodes = TestApp::builder(Backend::Sqlite).start_nodes(2).await;
        let mut published = Vec::new();
        for node in &nodes {
            let jwks: serde_json::Value = reqwest::get(node.url("/jwks"))
                .await
                .expect("the JWKS")
                .json()
                .await
                .expect("JSON");
            assert!(
                jwks["keys"].as_array().is_some_and(|keys| !keys.is_empty()),
                "{jwks}"
            );
            published.push(jwks);
        }
        assert_eq!(published[0], published[1]);
    }
}
