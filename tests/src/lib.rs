//! The end-to-end harness: a real Gatehouse server per test, on an ephemeral port, with its
//! own SQLite file or its own PostgreSQL schema, driven over HTTP like a browser and a
//! relying party would.

pub mod axe;
pub mod browser;
pub mod dpop;
pub mod mail;
pub mod npm;
pub mod png;
pub mod relay;
pub mod relying_party;
pub mod totp;
pub mod upstream;
pub mod webauthn;
pub mod webdriver;

use gatehouse_server::clock::{Clock, OffsetClock};
use gatehouse_server::{Application, Config};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use browser::Browser;

/// The environment variable that points the PostgreSQL half of the tests at a server.
pub const POSTGRES_URL_VARIABLE: &str = "GATEHOUSE_TEST_POSTGRES_URL";

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A SQLite file in the test's temporary folder.
    Sqlite,
    /// A fresh schema on this PostgreSQL server.
    Postgres {
        /// Connection URL of the server's test database.
        base_url: String,
    },
}

impl Backend {
    /// PostgreSQL, when the test run was pointed at a server.
    #[must_use]
    pub fn postgres() -> Option<Self> {
        match std::env::var(POSTGRES_URL_VARIABLE) {
            Ok(base_url) if !base_url.is_empty() => Some(Self::Postgres { base_url }),
            _ => {
                eprintln!(
                    "{POSTGRES_URL_VARIABLE} is not set: skipping the PostgreSQL run of this test"
                );
                None
            }
        }
    }
}

/// Runs an async test body against both backends; see the e2e tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(backend) = $crate::Backend::postgres() {
                        super::$name(backend).await;
                    }
                }
            )*
        }
    };
}

/// Configures a [`TestApp`].
#[derive(Debug)]
pub struct TestAppBuilder {
    backend: Backend,
    settings: Vec<(String, String, String)>,
    host: &'static str,
    postgres_parameters: Option<String>,
}

impl TestAppBuilder {
    /// Adds a configuration value: `section`, `key`, and the value as TOML (`"text"`, `5`).
    #[must_use]
    pub fn with_setting(mut self, section: &str, key: &str, toml_value: &str) -> Self {
        self.settings
            .push((section.to_owned(), key.to_owned(), toml_value.to_owned()));
        self
    }

    /// Adds libpq parameters (`sslmode=require&application_name=...`) to the PostgreSQL URL
    /// the server is given; ignored on SQLite.
    #[must_use]
    pub fn with_postgres_parameters(mut self, parameters: &str) -> Self {
        self.postgres_parameters = Some(parameters.to_owned());
        self
    }

    /// Serves under `http://localhost:PORT` instead of `http://127.0.0.1:PORT`: WebAuthn
    /// binds passkeys to a host name, never to an IP address.
    #[must_use]
    pub fn with_localhost_issuer(mut self) -> Self {
        self.host = "localhost";
        self
    }

    /// Sends e-mail to `mail` over SMTP and SMS to `sms`, with a fast outbox (polled every
    /// second, retried after a second).
    #[must_use]
    pub fn with_messaging(self, mail: &mail::MailSink, sms: &mail::SmsSink) -> Self {
        self.with_setting("smtp", "host", "\"127.0.0.1\"")
            .with_setting("smtp", "port", &mail.port.to_string())
            .with_setting("smtp", "tls", "\"none\"")
            .with_setting("smtp", "from", "\"Gatehouse <no-reply@gatehouse.test>\"")
            .with_setting("sms", "provider", "\"http\"")
            .with_setting("sms", "url", &format!("{:?}", sms.url))
            .with_setting("outbox", "poll_interval_seconds", "1")
            .with_setting("outbox", "retry_base_seconds", "1")
            .with_setting("outbox", "retry_max_seconds", "2")
    }

    /// Starts the server. With `GATEHOUSE_TEST_LOG` set (a `tracing` filter such as `warn`),
    /// server logs go to the test output.
    pub async fn start(self) -> TestApp {
        self.start_nodes(1).await.pop().expect("one node")
    }

    /// Starts `count` nodes of one provider at the same moment on one fresh database, as
    /// the nodes of a new deployment behind a load balancer start: they share the issuer
    /// (the first node's address), the database and a configured key-encryption key, and
    /// each listens on its own port. Each node's `base_url` is its own address, so a test
    /// can send every step of a flow to a different node.
    pub async fn start_nodes(mut self, count: usize) -> Vec<TestApp> {
        if let Ok(filter) = std::env::var("GATEHOUSE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let data = tempfile::tempdir().expect("temporary folder");
        let mut listeners = Vec::with_capacity(count);
        for _ in 0..count {
            listeners.push(
                TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind an ephemeral port"),
            );
        }
        let ports: Vec<u16> = listeners
            .iter()
            .map(|listener| listener.local_addr().expect("bound address").port())
            .collect();
        let issuer = format!("http://{}:{}", self.host, ports[0]);

        let (database_url, schema) = match &self.backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data.path().join("gatehouse.db").display()),
                None,
            ),
            Backend::Postgres { base_url: server } => {
                let schema = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
                let mut url = gatehouse_store::testing::create_schema(server, &schema)
                    .expect("create a PostgreSQL schema");
                if let Some(parameters) = &self.postgres_parameters {
                    url = format!("{url}&{parameters}");
                }
                (url, Some((server.clone(), schema)))
            }
        };
        if count > 1 {
            // Nodes share one key-encryption key; each generating its own file would leave
            // them unable to read each other's signing keys.
            use base64::Engine as _;
            let mut key = [0_u8; 32];
            key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
            key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
            let key = base64::engine::general_purpose::STANDARD.encode(key);
            self.settings.insert(
                0,
                (
                    "keys".to_owned(),
                    "encryption_key".to_owned(),
                    format!("{key:?}"),
                ),
            );
        }

        let clock = OffsetClock::default();
        let mut config_paths = Vec::with_capacity(count);
        let mut node_folders = Vec::with_capacity(count);
        for &port in &ports {
            // Later values replace earlier ones, so a test can override the harness defaults.
            let mut values: std::collections::BTreeMap<(String, String), String> =
                std::collections::BTreeMap::new();
            let mut add = |section: &str, key: &str, value: String| {
                values.insert((section.to_owned(), key.to_owned()), value);
            };
            add("server", "listen", format!("\"127.0.0.1:{port}\""));
            add("server", "issuer", format!("\"{issuer}\""));
            add(
                "server",
                "data_dir",
                format!("{:?}", data.path().display().to_string()),
            );
            add("database", "url", format!("{database_url:?}"));
            add("database", "max_connections", "4".to_owned());
            add("log", "level", "\"warn\"".to_owned());
            for (section, key, value) in &self.settings {
                add(section, key, value.clone());
            }
            let mut text = String::new();
            let mut current_section = String::new();
            for ((section, key), value) in values {
                if section != current_section {
                    text.push_str(&format!("\n[{section}]\n"));
                    current_section = section;
                }
                text.push_str(&format!("{key} = {value}\n"));
            }
            // The first node's configuration sits in the data folder; the others' in
            // folders of their own, pointing at the same data folder.
            let folder = if config_paths.is_empty() {
                None
            } else {
                Some(tempfile::tempdir().expect("temporary folder"))
            };
            let config_path = folder
                .as_ref()
                .map_or_else(|| data.path(), tempfile::TempDir::path)
                .join("gatehouse.toml");
            std::fs::write(&config_path, text).expect("write the test configuration");
            config_paths.push(config_path);
            node_folders.push(folder);
        }

        let servers = futures_util::future::join_all(
            config_paths
                .iter()
                .zip(listeners)
                .map(|(config_path, listener)| serve(config_path, &clock, listener)),
        )
        .await;
        let mut data = Some(data);
        let mut schema = schema;
        servers
            .into_iter()
            .zip(ports)
            .zip(config_paths.into_iter().zip(node_folders))
            .map(|(((shutdown, server), port), (config_path, folder))| {
                let folder = folder.unwrap_or_else(|| data.take().expect("the data folder"));
                TestApp {
                    base_url: format!("http://{}:{port}", self.host),
                    port,
                    clock: clock.clone(),
                    config_path,
                    shutdown: Some(shutdown),
                    server: Some(server),
                    schema: schema.take(),
                    _data: folder,
                }
            })
            .collect()
    }
}

/// Builds and starts a server from the configuration file, on `listener`.
async fn serve(
    config_path: &std::path::Path,
    clock: &OffsetClock,
    listener: TcpListener,
) -> (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let config = Config::load(Some(config_path), HashMap::new()).expect("valid test configuration");
    let shared_clock: Arc<dyn Clock> = Arc::new(clock.clone());
    let application = Application::with_listener(config, shared_clock, listener)
        .await
        .expect("the server starts");
    let (shutdown, on_shutdown) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async move {
        let _ = on_shutdown.await;
    }));
    (shutdown, server)
}

/// A running server.
#[derive(Debug)]
pub struct TestApp {
    /// The issuer and base URL, `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The server's clock; advance it to expire things.
    pub clock: OffsetClock,
    port: u16,
    config_path: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    schema: Option<(String, String)>,
    _data: tempfile::TempDir,
}

/// A registered client, as the CLI printed it.
#[derive(Debug, Clone)]
pub struct RegisteredClient {
    /// `client_id`.
    pub id: String,
    /// `client_secret`, for confidential clients.
    pub secret: Option<String>,
}

impl TestApp {
    /// A builder on `backend`.
    #[must_use]
    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            settings: Vec::new(),
            host: "127.0.0.1",
            postgres_parameters: None,
        }
    }

    /// Starts a server with defaults on `backend`.
    pub async fn start(backend: Backend) -> Self {
        Self::builder(backend).start().await
    }

    /// The configuration file this server was started with (the command line run as a
    /// separate process reads it too).
    #[must_use]
    pub fn config_path(&self) -> &std::path::Path {
        &self.config_path
    }

    /// `base_url` + `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Runs the `gatehouse` command line against this server's configuration.
    pub async fn cli(&self, arguments: &[&str], stdin: &str) -> gatehouse_server::cli::Output {
        self.cli_with_environment(arguments, stdin, &[]).await
    }

    /// Runs the command line with extra environment variables.
    pub async fn cli_with_environment(
        &self,
        arguments: &[&str],
        stdin: &str,
        environment: &[(&str, &str)],
    ) -> gatehouse_server::cli::Output {
        use clap::Parser as _;
        let environment: HashMap<String, String> = environment
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let mut argv = vec![
            "gatehouse".to_owned(),
            "--config".to_owned(),
            self.config_path.display().to_string(),
        ];
        argv.extend(arguments.iter().map(|argument| (*argument).to_owned()));
        match gatehouse_server::cli::Cli::try_parse_from(argv) {
            Ok(cli) => {
                // The command line shares the server's clock, so time travel applies to both.
                let clock: Arc<dyn Clock> = Arc::new(self.clock.clone());
                let stdin = std::io::Cursor::new(stdin.as_bytes().to_vec());
                gatehouse_server::cli::execute_with_clock(cli, stdin, environment, clock).await
            }
            Err(error) => gatehouse_server::cli::Output {
                exit_code: 2,
                stdout: String::new(),
                stderr: error.to_string(),
            },
        }
    }

    /// Registers a client through the CLI; `extra` adds flags such as `--public`.
    pub async fn register_client(&self, redirect_uri: &str, extra: &[&str]) -> RegisteredClient {
        let mut arguments = vec![
            "clients",
            "create",
            "--name",
            "Test Portal",
            "--redirect-uri",
            redirect_uri,
        ];
        arguments.extend_from_slice(extra);
        let output = self.cli(&arguments, "").await;
        assert_eq!(
            output.exit_code, 0,
            "clients create failed: {}",
            output.stderr
        );
        let printed: serde_json::Value =
            serde_json::from_str(&output.stdout).expect("clients create prints JSON");
        RegisteredClient {
            id: printed["client_id"].as_str().expect("client_id").to_owned(),
            secret: printed["client_secret"].as_str().map(str::to_owned),
        }
    }

    /// Creates a user through the CLI and returns its id.
    pub async fn create_user(&self, email: &str, password: &str) -> String {
        let output = self
            .cli(
                &[
                    "users",
                    "create",
                    "--email",
                    email,
                    "--name",
                    "Test User",
                    "--password-stdin",
                ],
                &format!("{password}\n"),
            )
            .await;
        assert_eq!(
            output.exit_code, 0,
            "users create failed: {}",
            output.stderr
        );
        let printed: serde_json::Value =
            serde_json::from_str(&output.stdout).expect("users create prints JSON");
        printed["id"].as_str().expect("id").to_owned()
    }

    /// Creates a studio through the CLI (`extra`: `--licence`, `--device-limit`, ...) and
    /// returns its id.
    pub async fn create_studio(&self, slug: &str, name: &str, extra: &[&str]) -> String {
        let mut arguments = vec!["studios", "create", "--slug", slug, "--name", name];
        arguments.extend_from_slice(extra);
        let output = self.cli(&arguments, "").await;
        assert_eq!(
            output.exit_code, 0,
            "studios create failed: {}",
            output.stderr
        );
        let printed: serde_json::Value =
            serde_json::from_str(&output.stdout).expect("studios create prints JSON");
        printed["id"].as_str().expect("id").to_owned()
    }

    /// Adds a user to a studio through the CLI.
    pub async fn add_member(&self, studio: &str, email: &str, role: &str, username: Option<&str>) {
        let mut arguments = vec![
            "studios",
            "add-member",
            "--studio",
            studio,
            "--email",
            email,
            "--role",
            role,
        ];
        if let Some(username) = username {
            arguments.extend_from_slice(&["--username", username]);
        }
        let output = self.cli(&arguments, "").await;
        assert_eq!(
            output.exit_code, 0,
            "studios add-member failed: {}",
            output.stderr
        );
    }

    /// Kills the server abruptly (no graceful shutdown), as a crash would.
    pub async fn kill(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
        self.shutdown = None;
    }

    /// Starts the server again on the same port, configuration and database.
    pub async fn restart(&mut self) {
        self.kill().await;
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("bind the same port again");
        let (shutdown, server) = serve(&self.config_path, &self.clock, listener).await;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    /// The URL of this server's database, as the server connects to it.
    #[must_use]
    pub fn database_url(&self) -> String {
        Config::load(Some(&self.config_path), HashMap::new())
            .expect("configuration")
            .database_url()
    }

    /// Every `table.column` of the database whose text contains `needle`.
    #[must_use]
    pub fn columns_containing(&self, needle: &str) -> Vec<String> {
        let config = Config::load(Some(&self.config_path), HashMap::new()).expect("configuration");
        gatehouse_store::testing::columns_containing(&config.database_url(), needle)
            .expect("scan the database")
    }

    /// The stored password hash of the account with `email` (to see that an imported
    /// hash was replaced by argon2id).
    pub async fn password_hash(&self, email: &str) -> Option<String> {
        let config = Config::load(Some(&self.config_path), HashMap::new()).expect("configuration");
        let store = gatehouse_store::Store::connect(&config.database_url(), &config.pool_options())
            .expect("open the database");
        let email = email.to_owned();
        store
            .read(move |connection| {
                gatehouse_store::users::find_with_password_by_email(connection, &email)
            })
            .await
            .expect("read the account")
            .and_then(|(_, hash)| hash)
    }

    /// The audit log's event kinds for the account with `email`, oldest first.
    pub async fn audit_kinds(&self, email: &str) -> Vec<String> {
        let config = Config::load(Some(&self.config_path), HashMap::new()).expect("configuration");
        let store = gatehouse_store::Store::connect(&config.database_url(), &config.pool_options())
            .expect("open the database");
        let email = email.to_owned();
        store
            .read(move |connection| {
                let user = gatehouse_store::users::find_by_email(connection, &email)?
                    .ok_or(gatehouse_store::StoreError::NotFound("user"))?;
                gatehouse_store::audit::kinds_for_user(connection, &user.id)
            })
            .await
            .expect("read the audit log")
    }

    /// The details of the audit log's events of `kind`, newest first.
    pub async fn audit_details(&self, kind: &str) -> Vec<serde_json::Value> {
        let config = Config::load(Some(&self.config_path), HashMap::new()).expect("configuration");
        let store = gatehouse_store::Store::connect(&config.database_url(), &config.pool_options())
            .expect("open the database");
        let filter = gatehouse_store::audit::Filter {
            kind: Some(kind.to_owned()),
            ..gatehouse_store::audit::Filter::default()
        };
        store
            .read(move |connection| gatehouse_store::audit::list(connection, &filter, 100))
            .await
            .expect("read the audit log")
            .into_iter()
            .map(|event| event.detail)
            .collect()
    }

    /// Whether an account with `email` exists.
    pub async fn account_exists(&self, email: &str) -> bool {
        let config = Config::load(Some(&self.config_path), HashMap::new()).expect("configuration");
        let store = gatehouse_store::Store::connect(&config.database_url(), &config.pool_options())
            .expect("open the database");
        let email = email.to_owned();
        store
            .read(move |connection| gatehouse_store::users::find_by_email(connection, &email))
            .await
            .expect("read the accounts")
            .is_some()
    }

    /// A fresh browser with an empty cookie jar.
    #[must_use]
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
    }

    /// A fresh browser on another machine, whose connections come from `address` (an
    /// address of 127.0.0.0/8 other than 127.0.0.1).
    #[must_use]
    pub fn browser_from(&self, address: &str) -> Browser {
        Browser::from_address(&self.base_url, address.parse().expect("an IP address"))
    }

    /// A fresh browser whose User-Agent (and so its device name) is `name`.
    #[must_use]
    pub fn browser_named(&self, name: &str) -> Browser {
        Browser::with_user_agent(&self.base_url, name)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some((server, schema)) = self.schema.take()
            && let Err(error) = gatehouse_store::testing::drop_schema(&server, &schema)
        {
            eprintln!("could not drop test schema {schema}: {error}");
        }
    }
}

/// Polls `check` every 100 ms until it gives a value, for at most `limit`; past the
/// deadline the test fails with `failure()`. Tests wait for conditions, never for time.
pub async fn eventually<T>(
    limit: std::time::Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
    failure: impl FnOnce() -> String,
) -> T {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "{}", failure());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
