//! The end-to-end harness: a real Gatehouse server per test, on an ephemeral port, with its
//! own SQLite file or its own PostgreSQL schema, driven over HTTP like a browser and a
//! relying party would.

pub mod browser;
pub mod dpop;
pub mod relying_party;

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
}

impl TestAppBuilder {
    /// Adds a configuration value: `section`, `key`, and the value as TOML (`"text"`, `5`).
    #[must_use]
    pub fn with_setting(mut self, section: &str, key: &str, toml_value: &str) -> Self {
        self.settings
            .push((section.to_owned(), key.to_owned(), toml_value.to_owned()));
        self
    }

    /// Starts the server.
    pub async fn start(self) -> TestApp {
        let data = tempfile::tempdir().expect("temporary folder");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let port = listener.local_addr().expect("bound address").port();
        let base_url = format!("http://127.0.0.1:{port}");

        let (database_url, schema) = match &self.backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data.path().join("gatehouse.db").display()),
                None,
            ),
            Backend::Postgres { base_url: server } => {
                let schema = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
                let url = gatehouse_store::testing::create_schema(server, &schema)
                    .expect("create a PostgreSQL schema");
                (url, Some((server.clone(), schema)))
            }
        };

        // Later values replace earlier ones, so a test can override the harness defaults.
        let mut values: std::collections::BTreeMap<(String, String), String> =
            std::collections::BTreeMap::new();
        let mut add = |section: &str, key: &str, value: String| {
            values.insert((section.to_owned(), key.to_owned()), value);
        };
        add("server", "listen", format!("\"127.0.0.1:{port}\""));
        add("server", "issuer", format!("\"{base_url}\""));
        add(
            "server",
            "data_dir",
            format!("{:?}", data.path().display().to_string()),
        );
        add("database", "url", format!("{database_url:?}"));
        add("database", "max_connections", "4".to_owned());
        add("log", "level", "\"warn\"".to_owned());
        for (section, key, value) in self.settings {
            add(&section, &key, value);
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
        let config_path = data.path().join("gatehouse.toml");
        std::fs::write(&config_path, text).expect("write the test configuration");

        let config =
            Config::load(Some(&config_path), HashMap::new()).expect("valid test configuration");
        let clock = OffsetClock::default();
        let shared_clock: Arc<dyn Clock> = Arc::new(clock.clone());
        let application = Application::with_listener(config, shared_clock, listener)
            .await
            .expect("the server starts");
        let (shutdown, on_shutdown) = oneshot::channel::<()>();
        tokio::spawn(application.run_until(async move {
            let _ = on_shutdown.await;
        }));
        TestApp {
            base_url,
            clock,
            config_path,
            shutdown: Some(shutdown),
            schema,
            _data: data,
        }
    }
}

/// A running server.
#[derive(Debug)]
pub struct TestApp {
    /// The issuer and base URL, `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The server's clock; advance it to expire things.
    pub clock: OffsetClock,
    config_path: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
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
        }
    }

    /// Starts a server with defaults on `backend`.
    pub async fn start(backend: Backend) -> Self {
        Self::builder(backend).start().await
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
                gatehouse_server::cli::execute(
                    cli,
                    std::io::Cursor::new(stdin.as_bytes().to_vec()),
                    environment,
                )
                .await
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

    /// A fresh browser with an empty cookie jar.
    #[must_use]
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
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
        if let Some((server, schema)) = self.schema.take()
            && let Err(error) = gatehouse_store::testing::drop_schema(&server, &schema)
        {
            eprintln!("could not drop test schema {schema}: {error}");
        }
    }
}
