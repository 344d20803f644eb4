//! Gatehouse beside a reference provider, under the same load.
//!
//! ```sh
//! cargo bench -p gatehouse-tests --bench compare
//! ```
//!
//! Builds Gatehouse in release mode and starts it as its own process on SQLite (and on
//! PostgreSQL when `GATEHOUSE_TEST_POSTGRES_URL` names a server), starts the `oidc-provider`
//! package (installed from `tests/bench-reference/` with npm) as the reference, and drives
//! each with `wrk` over loopback, scenario by scenario, the targets taking turns so that a
//! drift of the machine hits all of them. Writes `docs/benchmarks/comparison.md` and
//! `docs/benchmarks/comparison.svg`.
//!
//! `BENCH_SECONDS` (default 8) and `BENCH_CONNECTIONS` (default 32) bound each run; wrk uses
//! two threads. Arguments select the scenarios whose names contain one of them (and then
//! nothing is written to `docs/`).

mod load;
mod prepare;
mod report;
mod targets;

use load::{Load, Run, Summary};
use prepare::{Client, SignedIn};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use targets::{Kind, Running};

/// The measured scenarios, in the order they run and appear.
const SCENARIOS: [&str; 8] = [
    "client credentials",
    "refresh-token rotation",
    "introspection",
    "UserInfo",
    "discovery",
    "JWKS",
    "code flow, signed-in user",
    "code flow with password sign-in",
];

/// Users the password sign-ins take turns with (`user-<n>@example.com`); more than there are
/// connections, so no account has two sign-ins in flight.
const SIGN_IN_USERS: usize = 100;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(compare());
}

/// One provider under test with what its scenarios need.
struct Target {
    running: Running,
    client: Client,
    first_start_ms: Option<f64>,
    idle_mib: f64,
}

async fn compare() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with('-'))
        .collect();
    let load = Load {
        threads: 2,
        connections: usize::try_from(setting("BENCH_CONNECTIONS", 32)).expect("connections"),
        duration: Duration::from_secs(setting("BENCH_SECONDS", 8)),
    };
    if !load::wrk_is_installed() {
        eprintln!("The comparison drives the servers with wrk: install it (apt-get install wrk).");
        std::process::exit(2);
    }
    let workspace = gatehouse_tests::npm::target_directory()
        .parent()
        .expect("workspace")
        .to_owned();
    let binary = build_release(&workspace);
    let work = workspace.join("target/bench-compare");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work folder");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/compare/wrk");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let mut targets = vec![start_gatehouse("Gatehouse SQLite", &binary, &work, None).await];
    let package = gatehouse_tests::npm::install(
        "bench-reference",
        &["server.js"],
        "node_modules/oidc-provider/package.json",
    )
    .await;
    let reference = targets::start_reference(&package, &work, prepare::REDIRECT_URI).await;
    let reference_client = Client {
        id: targets::REFERENCE_CLIENT_ID.to_owned(),
        secret: targets::REFERENCE_CLIENT_SECRET.to_owned(),
    };
    let idle_mib = reference.resident_mib();
    targets.push(Target {
        running: reference,
        client: reference_client,
        first_start_ms: None,
        idle_mib,
    });
    let reference_index = targets.len() - 1;
    if let Ok(base_url) = std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
        && !base_url.is_empty()
    {
        let _ = gatehouse_store::testing::drop_schema(&base_url, "bench_compare");
        let url = gatehouse_store::testing::create_schema(&base_url, "bench_compare")
            .expect("a PostgreSQL schema for the benchmark");
        targets.push(start_gatehouse("Gatehouse PostgreSQL", &binary, &work, Some(&url)).await);
    } else {
        eprintln!("GATEHOUSE_TEST_POSTGRES_URL is not set: Gatehouse runs on SQLite only");
    }

    let hashes_per_second = argon2_rate().await;
    eprintln!("argon2id: {hashes_per_second:.0} hashes per second");

    // A short run of the first scenario against each target first, so no measured run pays
    // for connection set-up, lazy initialisation or a cold page cache.
    for target in &targets {
        let warm_up = Load {
            duration: Duration::from_secs(2),
            ..load
        };
        let run = scenario_run(SCENARIOS[0], target, &http, warm_up).await;
        load::drive(&scripts, &work, warm_up, &run);
    }

    let mut results = Vec::new();
    for (number, scenario) in SCENARIOS.iter().enumerate() {
        if !filters.is_empty()
            && !filters
                .iter()
                .any(|filter| scenario.contains(filter.as_str()))
        {
            continue;
        }
        // Alternate the order, so no target always runs first after a pause.
        let mut order: Vec<usize> = (0..targets.len()).collect();
        if number % 2 == 1 {
            order.reverse();
        }
        let mut summaries = vec![None; targets.len()];
        for index in order {
            let target = &targets[index];
            let run = scenario_run(scenario, target, &http, load).await;
            let summary = load::drive(&scripts, &work, load, &run);
            eprintln!(
                "{scenario:32} {:22} {:>9.0}/s  p50 {:6.2} ms  p99 {:6.2} ms  failed {}",
                target.running.label,
                summary.per_second(),
                summary.p50_ms(),
                summary.p99_ms(),
                summary.errors + summary.failures
            );
            summaries[index] = Some(summary);
        }
        results.push(report::ScenarioResult {
            name: scenario,
            summaries: summaries
                .into_iter()
                .map(Option::unwrap)
                .collect::<Vec<Summary>>(),
        });
    }

    let processes = targets
        .iter()
        .map(|target| report::Process {
            first_start_ms: target.first_start_ms,
            startup_ms: target.running.startup.as_secs_f64() * 1000.0,
            idle_mib: target.idle_mib,
            loaded_mib: target.running.resident_mib(),
        })
        .collect();
    let password_scenario = results
        .iter()
        .position(|result| result.name == "code flow with password sign-in");
    let report = report::Report {
        date: today(),
        machine: machine(),
        settings: format!(
            "wrk with {} threads and {} connections, {}-second runs, the targets taking turns",
            load.threads,
            load.connections,
            load.duration.as_secs()
        ),
        targets: targets
            .iter()
            .map(|target| target.running.label.clone())
            .collect(),
        reference: reference_index,
        scenarios: results,
        processes,
        hashes_per_second,
        password_scenario,
    };
    let markdown = report.markdown();
    println!("\n{markdown}");
    if filters.is_empty() {
        let docs = workspace.join("docs/benchmarks");
        std::fs::create_dir_all(&docs).expect("docs/benchmarks");
        std::fs::write(docs.join("comparison.md"), &markdown).expect("comparison.md");
        std::fs::write(docs.join("comparison.svg"), report.svg()).expect("comparison.svg");
        println!("written: docs/benchmarks/comparison.md, docs/benchmarks/comparison.svg");
    }
}

/// `cargo build --release` of the server binary, as an operator would build it.
fn build_release(workspace: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "gatehouse-server",
            "--bin",
            "gatehouse",
        ])
        .current_dir(workspace)
        .status()
        .expect("cargo build");
    assert!(status.success(), "the release build failed");
    workspace.join("target/release/gatehouse")
}

/// Starts Gatehouse once on an empty database (the first start creates the schema and the
/// signing keys), registers the client and the user with the CLI, and starts it again: the
/// second start is the one measured as start-up.
async fn start_gatehouse(
    label: &str,
    binary: &Path,
    work: &Path,
    database_url: Option<&str>,
) -> Target {
    let gatehouse = targets::Gatehouse::configure(label, binary, work, database_url);
    let first = gatehouse.start().await;
    let first_start_ms = first.startup.as_secs_f64() * 1000.0;
    first.stop();
    let printed = gatehouse.cli(
        &[
            "clients",
            "create",
            "--name",
            "Benchmark portal",
            "--redirect-uri",
            prepare::REDIRECT_URI,
            "--first-party",
            "--grant-types",
            "authorization_code,refresh_token,client_credentials",
            "--scopes",
            "openid email api:read",
        ],
        "",
    );
    let printed: serde_json::Value = serde_json::from_str(&printed).expect("client JSON");
    let client = Client {
        id: printed["client_id"].as_str().expect("client_id").to_owned(),
        secret: printed["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    };
    gatehouse.cli(
        &[
            "users",
            "create",
            "--email",
            prepare::EMAIL,
            "--name",
            "Anna Rossi",
            "--password-stdin",
        ],
        &format!("{}\n", prepare::PASSWORD),
    );
    for n in 0..SIGN_IN_USERS {
        gatehouse.cli(
            &[
                "users",
                "create",
                "--email",
                &format!("user-{n}@example.com"),
                "--name",
                &format!("User {n}"),
                "--password-stdin",
            ],
            &format!("{}\n", prepare::PASSWORD),
        );
    }
    let running = gatehouse.start().await;
    let idle_mib = running.resident_mib();
    Target {
        running,
        client,
        first_start_ms: Some(first_start_ms),
        idle_mib,
    }
}

/// The script and settings of `scenario` for `target`, with fresh tokens where it needs them.
///
/// Scenarios that need a signed-in browser sign in anew: the reference keeps sessions in a
/// bounded in-memory cache, which the load of an earlier scenario may have emptied.
async fn scenario_run<'a>(
    scenario: &str,
    target: &'a Target,
    http: &reqwest::Client,
    load: Load,
) -> Run<'a> {
    let running = &target.running;
    let endpoints = &running.endpoints;
    let needs_session = matches!(
        scenario,
        "refresh-token rotation" | "introspection" | "UserInfo" | "code flow, signed-in user"
    );
    let signed_in = if needs_session {
        Some(prepare::sign_in(running, &target.client, http).await)
    } else {
        None
    };
    let signed_in = signed_in.as_ref();
    let basic = target.client.basic_authorization();
    let form = |path: &str, body: String| Run {
        script: "fixed.lua",
        url: running.url(path),
        settings: vec![
            ("BENCH_METHOD", "POST".to_owned()),
            ("BENCH_BODY", body),
            ("BENCH_AUTHORIZATION", basic.clone()),
        ],
    };
    let flow_settings = || {
        vec![
            (
                "BENCH_AUTHORIZE",
                prepare::authorize_path(running, &target.client),
            ),
            ("BENCH_TOKEN_PATH", endpoints.token.to_owned()),
            (
                "BENCH_REDIRECT_URI_ENCODED",
                prepare::REDIRECT_URI_ENCODED.to_owned(),
            ),
            ("BENCH_VERIFIER", prepare::VERIFIER.to_owned()),
            ("BENCH_AUTHORIZATION", basic.clone()),
        ]
    };
    let run = match scenario {
        "client credentials" => form(
            endpoints.token,
            "grant_type=client_credentials&scope=api%3Aread".to_owned(),
        ),
        "refresh-token rotation" => {
            let tokens = prepare::refresh_tokens(
                running,
                &target.client,
                signed_in.expect("signed in"),
                http,
                load.connections * 2,
            )
            .await;
            Run {
                script: "refresh.lua",
                url: running.url(endpoints.token),
                settings: vec![
                    ("BENCH_PATH", endpoints.token.to_owned()),
                    ("BENCH_REFRESH_TOKENS", tokens.join(" ")),
                    ("BENCH_AUTHORIZATION", basic.clone()),
                ],
            }
        }
        "introspection" => {
            let access_token =
                fresh_access_token(target, signed_in.expect("signed in"), http).await;
            form(endpoints.introspection, format!("token={access_token}"))
        }
        "UserInfo" => {
            let access_token =
                fresh_access_token(target, signed_in.expect("signed in"), http).await;
            Run {
                script: "fixed.lua",
                url: running.url(endpoints.userinfo),
                settings: vec![("BENCH_AUTHORIZATION", format!("Bearer {access_token}"))],
            }
        }
        "discovery" => Run {
            script: "fixed.lua",
            url: running.url(endpoints.discovery),
            settings: vec![],
        },
        "JWKS" => Run {
            script: "fixed.lua",
            url: running.url(endpoints.jwks),
            settings: vec![],
        },
        "code flow, signed-in user" => {
            let mut settings = flow_settings();
            settings.push(("BENCH_COOKIE", signed_in.expect("signed in").cookie.clone()));
            Run {
                script: "code_signed_in.lua",
                url: running.url("/"),
                settings,
            }
        }
        "code flow with password sign-in" => {
            let mut settings = flow_settings();
            settings.push(("BENCH_USERS", SIGN_IN_USERS.to_string()));
            settings.push(("BENCH_PASSWORD", url_encoded(prepare::PASSWORD)));
            Run {
                script: match running.kind {
                    Kind::Gatehouse => "code_password_gatehouse.lua",
                    Kind::Reference => "code_password_reference.lua",
                },
                url: running.url("/"),
                settings,
            }
        }
        other => unreachable!("unknown scenario {other}"),
    };
    check_once(&run, http).await;
    run
}

/// An access token issued just now (the scenarios outlast a token's lifetime).
async fn fresh_access_token(
    target: &Target,
    signed_in: &SignedIn,
    http: &reqwest::Client,
) -> String {
    let tokens = prepare::code_flow_tokens(&target.running, &target.client, signed_in, http).await;
    tokens["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// Sends a fixed request once before the load, so a request the provider refuses is found
/// here and not reported as throughput.
async fn check_once(run: &Run<'_>, http: &reqwest::Client) {
    if run.script != "fixed.lua" {
        return;
    }
    let value = |name: &str| {
        run.settings
            .iter()
            .find(|(setting, _)| *setting == name)
            .map(|(_, value)| value.clone())
    };
    let mut request = match value("BENCH_BODY") {
        Some(body) => http
            .post(&run.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
        None => http.get(&run.url),
    };
    if let Some(authorization) = value("BENCH_AUTHORIZATION") {
        request = request.header("authorization", authorization);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{}: {status} {body}", run.url);
    assert!(
        !body.contains("\"active\":false"),
        "{}: the token is not active",
        run.url
    );
}

fn url_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// argon2id hashes per second with the default `[passwords]` settings, as many at once as the
/// machine has cores, through the same bounded hasher the server uses.
async fn argon2_rate() -> f64 {
    let config = gatehouse_server::config::PasswordsConfig::default();
    let hasher = gatehouse_server::crypto::password::PasswordHasher::new(&config).expect("hasher");
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let began = Instant::now();
    let deadline = began + Duration::from_secs(4);
    let mut workers = Vec::new();
    for _ in 0..cores {
        let hasher = hasher.clone();
        workers.push(tokio::spawn(async move {
            let mut hashes = 0u32;
            while Instant::now() < deadline {
                hasher
                    .hash("correct horse battery staple".to_owned().into())
                    .await
                    .expect("hash");
                hashes += 1;
            }
            hashes
        }));
    }
    let mut total = 0u32;
    for worker in workers {
        total += worker.await.expect("worker");
    }
    f64::from(total) / began.elapsed().as_secs_f64()
}

fn today() -> String {
    std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// Cores, memory and kernel, for the record next to the figures.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|value| value.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    format!("{cores} cores ({model}), {memory_gib:.0} GiB, both servers and wrk on the one machine")
}
