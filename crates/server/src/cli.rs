//! The `gatehouse` command line. Other tools depend on it: JSON on stdout, human messages
//! on stderr, a non-zero exit status with a clear message on bad input.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::crypto::encryption::KeyEncryptionKey;
use crate::crypto::keyring;
use crate::crypto::password::PasswordHasher;
use crate::crypto::secrets::InstanceSecrets;
use crate::service::accounts::{self, NewUser};
use crate::service::clients::{self, NewClient};
use crate::startup::{Application, open_store};
use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use gatehouse_core::client::GrantType;
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use secrecy::SecretString;
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Gatehouse: an OpenID Connect provider.
#[derive(Debug, Parser)]
#[command(name = "gatehouse", version, about)]
pub struct Cli {
    /// Configuration file (TOML). Without it: defaults and GATEHOUSE_* variables.
    #[arg(long, global = true, env = "GATEHOUSE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Manage clients (relying parties).
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

/// `gatehouse clients ...`
#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Register a client; prints its id and (once) its secret.
    Create(CreateClientArgs),
    /// List clients.
    List,
}

/// `gatehouse clients create`
#[derive(Debug, Args)]
pub struct CreateClientArgs {
    /// Display name, shown on the consent page.
    #[arg(long)]
    pub name: String,
    /// A redirect URI (repeatable).
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may return to (repeatable).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client (native or browser app): no secret, PKCE required.
    #[arg(long)]
    pub public: bool,
    /// A first-party client: no consent page.
    #[arg(long)]
    pub first_party: bool,
    /// Comma-separated grant types.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "authorization_code,refresh_token"
    )]
    pub grant_types: Vec<String>,
    /// Space-separated scopes the client may request.
    #[arg(long, default_value = "openid profile email phone offline_access")]
    pub scopes: String,
    /// An access-token audience (repeatable; default: the client id).
    #[arg(long = "audience", value_name = "AUDIENCE")]
    pub audiences: Vec<String>,
    /// ID token signing algorithm (default: tokens.id_token_signing_alg).
    #[arg(long, value_name = "ALG")]
    pub id_token_alg: Option<String>,
}

/// `gatehouse users ...`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints its id.
    Create(CreateUserArgs),
}

/// `gatehouse users create`
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// E-mail address, the sign-in name.
    #[arg(long)]
    pub email: String,
    /// Full name.
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from standard input (one line).
    #[arg(long)]
    pub password_stdin: bool,
}

/// `gatehouse keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Promote each algorithm's next key, retire the current one, publish a new next key.
    Rotate,
    /// List signing keys (no private parts).
    List,
}

/// What a command printed and how it ended.
#[derive(Debug, Default)]
pub struct Output {
    /// Process exit status.
    pub exit_code: i32,
    /// Standard output (JSON).
    pub stdout: String,
    /// Standard error (messages).
    pub stderr: String,
}

/// The process entry point.
#[must_use]
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let environment: HashMap<String, String> = std::env::vars().collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let output = runtime.block_on(execute(cli, std::io::stdin(), environment));
    print!("{}", output.stdout);
    eprint!("{}", output.stderr);
    std::process::ExitCode::from(u8::try_from(output.exit_code).unwrap_or(1))
}

/// Runs a parsed command. `stdin` feeds `--password-stdin`.
pub async fn execute(
    cli: Cli,
    stdin: impl Read + Send + 'static,
    environment: HashMap<String, String>,
) -> Output {
    match run(cli, stdin, environment).await {
        Ok(Printed { stdout, stderr }) => Output {
            exit_code: 0,
            stdout,
            stderr,
        },
        Err(error) => Output {
            exit_code: 1,
            stdout: String::new(),
            stderr: format!("error: {error:#}\n"),
        },
    }
}

/// What a successful command prints: JSON for tools, and an optional note for people.
struct Printed {
    stdout: String,
    stderr: String,
}

fn json_line(value: &serde_json::Value) -> Printed {
    Printed {
        stdout: format!("{value}\n"),
        stderr: String::new(),
    }
}

async fn run(
    cli: Cli,
    stdin: impl Read + Send + 'static,
    environment: HashMap<String, String>,
) -> anyhow::Result<Printed> {
    let config = Config::load(cli.config.as_deref(), environment)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Serve => {
            init_logging(&config);
            let application = Application::build(config, clock).await?;
            application
                .run_until(shutdown_signal())
                .await
                .context("server failed")?;
            Ok(Printed {
                stdout: String::new(),
                stderr: String::new(),
            })
        }
        Command::Migrate => {
            crate::startup::ensure_data_dir(&config)?;
            let store =
                gatehouse_store::Store::connect(&config.database_url(), &config.pool_options())?;
            let applied = store.migrate().await?;
            Ok(json_line(
                &serde_json::json!({ "applied": applied, "backend": store.backend_name() }),
            ))
        }
        Command::Clients(ClientsCommand::Create(arguments)) => {
            create_client(&config, clock.as_ref(), arguments).await
        }
        Command::Clients(ClientsCommand::List) => {
            let store = open_store(&config).await?;
            let clients = store.read(gatehouse_store::clients::list).await?;
            let listed: Vec<serde_json::Value> = clients
                .iter()
                .map(|client| {
                    serde_json::json!({
                        "client_id": client.id,
                        "name": client.name,
                        "public": client.is_public(),
                        "first_party": client.is_first_party,
                        "redirect_uris": client.redirect_uris,
                        "post_logout_redirect_uris": client.post_logout_redirect_uris,
                        "grant_types": client.grant_types,
                        "scopes": client.scopes.to_string(),
                    })
                })
                .collect();
            Ok(json_line(&serde_json::Value::from(listed)))
        }
        Command::Users(UsersCommand::Create(arguments)) => {
            create_user(&config, clock.as_ref(), arguments, stdin).await
        }
        Command::Keys(KeysCommand::Rotate) => {
            let store = open_store(&config).await?;
            let kek = KeyEncryptionKey::load_or_generate(&config)?;
            let rotations = keyring::rotate(
                &store,
                &kek,
                &config.signing_algorithms()?,
                config.keys.rsa_bits,
                clock.now(),
            )
            .await?;
            Ok(Printed {
                stderr: format!(
                    "keys rotated; running servers switch within {} seconds (keys.reload_interval_seconds)\n",
                    config.keys.reload_interval_seconds
                ),
                ..json_line(&serde_json::json!({ "rotated": rotations }))
            })
        }
        Command::Keys(KeysCommand::List) => {
            let store = open_store(&config).await?;
            let stored = store.read(gatehouse_store::keys::list).await?;
            let listed: Vec<serde_json::Value> = stored
                .iter()
                .map(|key| {
                    serde_json::json!({
                        "kid": key.metadata.kid,
                        "algorithm": key.metadata.algorithm,
                        "status": key.metadata.status,
                        "created_at": key.metadata.created_at,
                        "retired_at": key.metadata.retired_at,
                    })
                })
                .collect();
            Ok(json_line(&serde_json::Value::from(listed)))
        }
    }
}

async fn create_client(
    config: &Config,
    clock: &dyn Clock,
    arguments: CreateClientArgs,
) -> anyhow::Result<Printed> {
    let grant_types = arguments
        .grant_types
        .iter()
        .map(|name| name.trim().parse::<GrantType>())
        .collect::<Result<Vec<_>, _>>()
        .context("--grant-types")?;
    let scopes = Scope::parse(&arguments.scopes).context("--scopes")?;
    let id_token_signing_algorithm = match &arguments.id_token_alg {
        Some(name) => {
            let algorithm = name.parse::<SigningAlgorithm>().context("--id-token-alg")?;
            if !config.signing_algorithms()?.contains(&algorithm) {
                bail!("--id-token-alg: {algorithm} is not enabled in keys.algorithms");
            }
            algorithm
        }
        None => config.id_token_algorithm()?,
    };
    let store = open_store(config).await?;
    let kek = KeyEncryptionKey::load_or_generate(config)?;
    let secrets = InstanceSecrets::load_or_create(&store, &kek, clock.now()).await?;
    let created = clients::create_client(
        &store,
        &secrets,
        NewClient {
            name: arguments.name,
            redirect_uris: arguments.redirect_uris,
            post_logout_redirect_uris: arguments.post_logout_redirect_uris,
            is_public: arguments.public,
            is_first_party: arguments.first_party,
            grant_types,
            scopes,
            audiences: arguments.audiences,
            id_token_signing_algorithm,
        },
        clock.now(),
    )
    .await?;
    let mut output = serde_json::json!({ "client_id": created.client.id });
    let note = if let Some(secret) = created.secret {
        output["client_secret"] = secret.into();
        "client registered; store the secret now, it is not shown again\n"
    } else {
        "public client registered; it must use PKCE\n"
    };
    Ok(Printed {
        stderr: note.to_owned(),
        ..json_line(&output)
    })
}

async fn create_user(
    config: &Config,
    clock: &dyn Clock,
    arguments: CreateUserArgs,
    stdin: impl Read + Send + 'static,
) -> anyhow::Result<Printed> {
    if !arguments.password_stdin {
        bail!(
            "--password-stdin is required: pipe the password in, so it never appears in the process list"
        );
    }
    let password = tokio::task::spawn_blocking(move || {
        let mut text = String::new();
        stdin.take(4096).read_to_string(&mut text).map(|_| text)
    })
    .await
    .context("reading standard input")?
    .context("reading the password from standard input")?;
    let password = password.strip_suffix('\n').unwrap_or(&password);
    let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
    if password.is_empty() {
        bail!("the password on standard input is empty");
    }
    let store = open_store(config).await?;
    let hasher = PasswordHasher::new(&config.passwords)?;
    let user = accounts::create_user(
        &store,
        &hasher,
        &config.passwords.policy(),
        NewUser {
            email: arguments.email,
            name: arguments.name,
            password: SecretString::from(password),
        },
        clock.now(),
    )
    .await?;
    Ok(json_line(&serde_json::json!({ "id": user.id })))
}

/// Sets up logging to stderr.
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if config.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
