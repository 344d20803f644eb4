use crate::{EMAIL, PASSWORD, REDIRECT_URI};
use gatehouse_tests::{Backend, TestApp};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text:?}"))
}

async fn command_line_contract(backend: Backend) {
    let app = TestApp::start(backend).await;

    let output = app.cli(&["migrate"], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert_eq!(json(&output.stdout)["applied"], 0, "serve already migrated");

    let output = app
        .cli(
            &[
                "clients",
                "create",
                "--name",
                "ERP",
                "--redirect-uri",
                REDIRECT_URI,
                "--redirect-uri",
                "https://rp.example/second",
                "--post-logout-redirect-uri",
                "https://rp.example/out",
                "--first-party",
                "--grant-types",
                "authorization_code,refresh_token,client_credentials",
                "--scopes",
                "openid profile email erp:read",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let confidential = json(&output.stdout);
    let secret = confidential["client_secret"]
        .as_str()
        .expect("a confidential client gets a secret");
    assert!(secret.len() >= 43, "at least 256 bits of entropy");
    assert!(
        confidential["client_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(confidential.as_object().map(|object| object.len()), Some(2));

    let output = app
        .cli(
            &[
                "clients",
                "create",
                "--name",
                "App",
                "--redirect-uri",
                "com.example.app:/cb",
                "--public",
            ],
            "",
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let public = json(&output.stdout);
    assert!(public.get("client_secret").is_none());

    let listed = json(&app.cli(&["clients", "list"], "").await.stdout);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|client| client.get("client_secret").is_none()),
        "secrets are shown once"
    );

    let output = app
        .cli(
            &[
                "users",
                "create",
                "--email",
                EMAIL,
                "--name",
                "Anna Rossi",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
        .await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    assert!(json(&output.stdout)["id"].as_str().is_some());

    let keys = json(&app.cli(&["keys", "list"], "").await.stdout);
    assert_eq!(keys.as_array().map(Vec::len), Some(6));
    assert!(
        !app.cli(&["keys", "list"], "")
            .await
            .stdout
            .contains("private")
    );
}

async fn command_line_refuses_bad_input_clearly(backend: Backend) {
    let app = TestApp::start(backend).await;
    let check = |output: gatehouse_server::cli::Output, expected: &str| {
        assert_ne!(
            output.exit_code, 0,
            "expected a failure mentioning {expected:?}"
        );
        assert!(
            output.stdout.is_empty(),
            "nothing on stdout on failure: {}",
            output.stdout
        );
        assert!(
            output.stderr.contains(expected),
            "stderr {:?} should mention {expected:?}",
            output.stderr
        );
    };
    check(
        app.cli(
            &[
                "clients",
                "create",
                "--name",
                "X",
                "--redirect-uri",
                "http://rp.example/cb",
            ],
            "",
        )
        .await,
        "plain http",
    );
    check(
        app.cli(
            &[
                "clients",
                "create",
                "--name",
                "X",
                "--redirect-uri",
                "https://rp.example/cb#frag",
            ],
            "",
        )
        .await,
        "fragment",
    );
    check(
        app.cli(
            &[
                "clients",
                "create",
                "--name",
                "X",
                "--redirect-uri",
                REDIRECT_URI,
                "--grant-types",
                "password",
            ],
            "",
        )
        .await,
        "unknown grant type",
    );
    check(
        app.cli(&["clients", "create", "--name", "X"], "").await,
        "--redirect-uri",
    );
    check(
        app.cli(
            &[
                "clients",
                "create",
                "--name",
                "X",
                "--redirect-uri",
                REDIRECT_URI,
                "--public",
                "--grant-types",
                "client_credentials",
            ],
            "",
        )
        .await,
        "public client",
    );
    check(
        app.cli(&["clients", "create", "--redirect-uri", REDIRECT_URI], "")
            .await,
        "--name",
    );
    check(
        app.cli(
            &[
                "users",
                "create",
                "--email",
                "not-an-email",
                "--password-stdin",
            ],
            "secret-password\n",
        )
        .await,
        "e-mail",
    );
    check(
        app.cli(
            &["users", "create", "--email", EMAIL, "--password-stdin"],
            "short\n",
        )
        .await,
        "at least 8 characters",
    );
    check(
        app.cli(&["users", "create", "--email", EMAIL], "").await,
        "--password-stdin",
    );
    assert_eq!(
        app.cli(
            &["users", "create", "--email", EMAIL, "--password-stdin"],
            &format!("{PASSWORD}\n")
        )
        .await
        .exit_code,
        0
    );
    check(
        app.cli(
            &[
                "users",
                "create",
                "--email",
                "ANNA.ROSSI@example.com",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
        .await,
        "already exists",
    );
    check(
        app.cli_with_environment(&["migrate"], "", &[("GATEHOUSE_SERVER__LISTN", "x")])
            .await,
        "`server.listn`",
    );
    check(
        app.cli_with_environment(
            &["migrate"],
            "",
            &[("GATEHOUSE_TOKENS__ACCESS_TOKEN_TTL_SECONDS", "-5")],
        )
        .await,
        "`tokens.access_token_ttl_seconds`",
    );
    check(
        app.cli_with_environment(
            &["keys", "rotate"],
            "",
            &[("GATEHOUSE_KEYS__ALGORITHMS", "RS256,HS256")],
        )
        .await,
        "`keys.algorithms`",
    );
}

gatehouse_tests::on_both_backends!(
    command_line_contract,
    command_line_refuses_bad_input_clearly
);

/// A bad configuration stops the server before it listens, naming the key.
#[tokio::test]
async fn bad_configuration_stops_start_up() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let file = folder.path().join("gatehouse.toml");
    std::fs::write(
        &file,
        "[server]\nlisten = \"127.0.0.1:0\"\nissuer = \"not a url\"\n",
    )
    .expect("write");
    let error = gatehouse_server::Config::load(Some(&file), Default::default())
        .expect_err("an invalid issuer is refused");
    assert!(error.to_string().contains("`server.issuer`"), "{error}");
    std::fs::write(
        &file,
        "[server]\nlisten = \"127.0.0.1:0\"\n\n[tokens]\naccess_token_ttl = 5\n",
    )
    .expect("write");
    let error = gatehouse_server::Config::load(Some(&file), Default::default())
        .expect_err("an unknown key is refused");
    assert_eq!(
        error.to_string(),
        "configuration key `tokens.access_token_ttl`: unknown key"
    );
    let environment = [
        (
            "GATEHOUSE_SERVER__DATA_DIR".to_owned(),
            folder.path().display().to_string(),
        ),
        ("GATEHOUSE_SERVER__ISSUER".to_owned(), "ftp://x".to_owned()),
    ];
    use clap::Parser as _;
    let cli =
        gatehouse_server::cli::Cli::try_parse_from(["gatehouse", "serve"]).expect("arguments");
    let output =
        gatehouse_server::cli::execute(cli, std::io::empty(), environment.into_iter().collect())
            .await;
    assert_eq!(output.exit_code, 1);
    assert!(
        output.stderr.contains("`server.issuer`"),
        "{}",
        output.stderr
    );
}

#[tokio::test]
async fn doctor_reports_unsafe_settings_and_passes_a_production_setup() {
    let app = TestApp::start(Backend::Sqlite).await;
    let production = [
        ("GATEHOUSE_SERVER__ISSUER", "https://login.example.com"),
        ("GATEHOUSE_SERVER__TRUSTED_PROXIES", "10.0.0.0/8"),
        ("GATEHOUSE_SMTP__HOST", "smtp.example.com"),
        ("GATEHOUSE_SMS__PROVIDER", "http"),
        ("GATEHOUSE_SMS__URL", "https://sms.example.com/send"),
        ("GATEHOUSE_LOG__LEVEL", "info"),
    ];
    let healthy = app.cli_with_environment(&["doctor"], "", &production).await;
    assert_eq!(healthy.exit_code, 0, "{}", healthy.stderr);
    assert_eq!(json(&healthy.stdout)["unsafe"], 0);

    let mut careless = production.to_vec();
    careless.retain(|(name, _)| !name.starts_with("GATEHOUSE_SMTP") && !name.contains("TRUSTED"));
    careless.push(("GATEHOUSE_SERVER__ISSUER", "http://login.example.com"));
    careless.push(("GATEHOUSE_PASSWORDS__ARGON2_MEMORY_KIB", "4096"));
    careless.push(("GATEHOUSE_PASSWORDS__ARGON2_ITERATIONS", "1"));
    let report = app.cli_with_environment(&["doctor"], "", &careless).await;
    assert_eq!(report.exit_code, 1, "{}", report.stderr);
    let keys: Vec<String> = json(&report.stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["severity"] == "unsafe")
        .map(|finding| finding["key"].as_str().expect("a key").to_owned())
        .collect();
    assert_eq!(
        keys,
        ["server.issuer", "passwords.argon2_memory_kib", "smtp.host"],
        "{}",
        report.stderr
    );
    assert!(
        report
            .stderr
            .contains("unsafe: smtp.host is empty: e-mail (activation links"),
        "{}",
        report.stderr
    );
}
