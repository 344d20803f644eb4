//! The `gatehouse` command line. Other tools depend on it: JSON on stdout, human messages
//! on stderr, a non-zero exit status with a clear message on bad input.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::service::accounts;
use crate::service::audit::Actor;
use crate::service::clients::{self, NewClient};
use crate::service::studios::{self, NewStudio, SettingsChange};
use crate::service::users;
use crate::startup::Application;
use crate::state::AppState;
use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use gatehouse_core::DeviceId;
use gatehouse_core::client::GrantType;
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use gatehouse_core::studio::{DeviceLimit, StudioSettings};
use gatehouse_core::user::normalize_email;
use secrecy::SecretString;
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

mod providers;

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
    /// Run the maintenance a server runs every ten minutes, once, now: delete expired
    /// flows, codes, sessions, grants, retired keys and rate counters, audit events past
    /// `audit.retention_days`, old idempotency keys, and accounts past their grace period.
    Maintenance,
    /// Report settings that are unsafe for real users (plain http outside this machine,
    /// weak argon2, e-mail or SMS only logged, no trusted proxies behind a TLS proxy, ...).
    /// Exits 1 when anything unsafe is found.
    Doctor,
    /// Manage clients (relying parties).
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage studios (organisations, licences) and their members.
    #[command(subcommand)]
    Studios(StudiosCommand),
    /// Manage users' registered devices.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Account housekeeping.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Users' second factors (two-step verification).
    #[command(subcommand)]
    Mfa(MfaCommand),
    /// Upstream identity providers (Google, Microsoft, Facebook, X, OpenID Connect, OAuth2).
    #[command(subcommand)]
    Providers(providers::ProvidersCommand),
}

/// `gatehouse mfa ...`
#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    /// List a user's second factors (no secrets).
    List {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Remove all of a user's second factors (a lost phone); the user is told by e-mail and
    /// the reason is kept in the audit log.
    Reset {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// Why, for the audit log and the message to the user.
        #[arg(long)]
        reason: String,
    },
}

/// `gatehouse accounts ...`
#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Purge accounts closed longer ago than accounts.closure_grace_days (the server also does
    /// this on a schedule).
    PurgeExpired,
}

/// `gatehouse studios ...`
#[derive(Debug, Subcommand)]
pub enum StudiosCommand {
    /// Create a studio; prints its id.
    Create(CreateStudioArgs),
    /// List studios with their settings.
    List,
    /// Change a studio's settings.
    Set(Box<SetStudioArgs>),
    /// Add an existing user to a studio (or change their role and user name).
    AddMember(AddMemberArgs),
    /// Define a role of a studio (or change its permissions).
    DefineRole(DefineRoleArgs),
    /// Brand a studio's sign-in pages: display name, accent colour, logo.
    Brand(BrandStudioArgs),
}

/// What `brand` changes; parts left out stay as they are.
#[derive(Debug, Args)]
pub struct BrandingArgs {
    /// Name shown in the sign-in pages' masthead ("" removes it).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Colour of primary buttons, `#rrggbb`, dark enough for white text ("" removes it).
    #[arg(long, value_name = "#RRGGBB")]
    pub accent_color: Option<String>,
    /// A PNG, JPEG or WebP logo of at most 256 KiB.
    #[arg(long, value_name = "FILE", conflicts_with = "remove_logo")]
    pub logo: Option<PathBuf>,
    /// Remove the logo.
    #[arg(long)]
    pub remove_logo: bool,
}

/// `gatehouse studios brand`
#[derive(Debug, Args)]
pub struct BrandStudioArgs {
    /// The studio's slug.
    #[arg(long)]
    pub studio: String,
    #[command(flatten)]
    pub branding: BrandingArgs,
}

/// `gatehouse clients brand`
#[derive(Debug, Args)]
pub struct BrandClientArgs {
    /// The client id.
    #[arg(long)]
    pub client_id: String,
    #[command(flatten)]
    pub branding: BrandingArgs,
}

/// `gatehouse studios create`
#[derive(Debug, Args)]
pub struct CreateStudioArgs {
    /// Unique slug (lower-case letters, digits, hyphens); also `user@slug` sign-in.
    #[arg(long)]
    pub slug: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Licence number, for `user@licence` sign-in.
    #[arg(long)]
    pub licence: Option<String>,
    /// Devices per account: a number or "unlimited" (default: devices.default_limit).
    #[arg(long, value_name = "N")]
    pub device_limit: Option<String>,
    /// Members must use a second factor.
    #[arg(long)]
    pub mfa_required: bool,
}

/// `gatehouse studios set`
#[derive(Debug, Args)]
pub struct SetStudioArgs {
    /// New display name.
    #[arg(long)]
    pub name: Option<String>,
    /// The studio.
    #[arg(long)]
    pub studio: String,
    /// Devices per account: a number, "unlimited", or "default" (devices.default_limit).
    #[arg(long, value_name = "N")]
    pub device_limit: Option<String>,
    /// Whether members must use a second factor.
    #[arg(long, value_name = "BOOL")]
    pub mfa_required: Option<bool>,
    /// Days a device may skip the second factor after one was presented on it (0: never),
    /// or "default" (mfa.remember_device_days).
    #[arg(long, value_name = "DAYS")]
    pub mfa_remember_days: Option<String>,
    /// Password length limits, e.g. 8-20.
    #[arg(long, value_name = "MIN-MAX")]
    pub password_length: Option<String>,
    /// Upstream providers (ids) offered on the studio's sign-in pages, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub allowed_providers: Option<Vec<String>>,
    /// Create an account at a first upstream sign-in with a verified address no account
    /// has.
    #[arg(long, value_name = "BOOL")]
    pub upstream_provisioning: Option<bool>,
    /// Provision only addresses of these domains, comma-separated (empty: any).
    #[arg(long, value_delimiter = ',', value_name = "DOMAINS")]
    pub provisioning_domains: Option<Vec<String>>,
    /// Count an upstream sign-in whose `amr` shows a second factor as two factors.
    #[arg(long, value_name = "BOOL")]
    pub trust_upstream_mfa: Option<bool>,
    /// Let members refused at the device limit replace their least recently used device
    /// after a code to their verified e-mail or phone: true, false or "default".
    #[arg(long, value_name = "BOOL")]
    pub device_self_service_swap: Option<String>,
    /// Let members sign in only to applications held to the FAPI 2.0 Security Profile
    /// (clients created with --fapi).
    #[arg(long, value_name = "BOOL")]
    pub fapi_required: Option<bool>,
    /// Browser session lifetime in seconds, or "default".
    #[arg(long, value_name = "SECONDS")]
    pub session_lifetime: Option<String>,
    /// Require lower-case, upper-case, digit and symbol in passwords.
    #[arg(long, value_name = "BOOL")]
    pub password_classes: Option<bool>,
    /// Days after which members must change their password (0: never).
    #[arg(long, value_name = "DAYS")]
    pub password_max_age_days: Option<u32>,
    /// Previous passwords members may not reuse (0 to 24).
    #[arg(long, value_name = "N")]
    pub password_history: Option<usize>,
    /// Self-registration into the studio: "closed", "open" or "approval".
    #[arg(long, value_name = "MODE")]
    pub registration: Option<String>,
    /// Whose second factors the studio's admins may reset: "all_members", or
    /// "exclusive_members" (a member shared with another studio needs the instance's
    /// administrators).
    #[arg(long, value_name = "SCOPE")]
    pub mfa_reset_scope: Option<String>,
    /// Sender name of the studio's e-mail, or "default".
    #[arg(long, value_name = "NAME")]
    pub email_sender_name: Option<String>,
    /// A JSON file of the studio's message wording: `{"activation": {"subject": ...,
    /// "text": ..., "html": ...}}`, each part a template; replaces the studio's overrides.
    #[arg(long, value_name = "FILE")]
    pub message_overrides: Option<PathBuf>,
}

/// `gatehouse studios define-role`
#[derive(Debug, Args)]
pub struct DefineRoleArgs {
    /// The studio's slug.
    #[arg(long)]
    pub studio: String,
    /// The role's name.
    #[arg(long)]
    pub role: String,
    /// Its permissions, comma-separated: members.manage, devices.manage, mfa.reset (none:
    /// an empty value).
    #[arg(long, value_delimiter = ',')]
    pub permissions: Vec<String>,
}

/// `gatehouse studios add-member`
#[derive(Debug, Args)]
pub struct AddMemberArgs {
    /// The studio's slug.
    #[arg(long)]
    pub studio: String,
    /// The user's e-mail.
    #[arg(long)]
    pub email: String,
    /// The role (a role the studio defines: member, admin, ...).
    #[arg(long, default_value = "member")]
    pub role: String,
    /// The studio-scoped user name, for `username@licence` sign-in.
    #[arg(long)]
    pub username: Option<String>,
}

/// `gatehouse devices ...`
#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    /// List a user's devices.
    List {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Remove a device: its sessions end and its refresh tokens are revoked.
    Remove {
        /// The device id (from `devices list`).
        id: String,
    },
}

/// `gatehouse clients ...`
#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Register a client; prints its id and (once) its secret.
    Create(Box<CreateClientArgs>),
    /// List clients.
    List,
    /// Brand a client's sign-in pages: display name, accent colour, logo.
    Brand(BrandClientArgs),
    /// Give a confidential client a new secret (printed once); the old one stops working.
    RotateSecret(ClientIdArgs),
    /// Issue an initial access token for one dynamic client registration (printed once).
    InitialToken,
}

/// A command about one client.
#[derive(Debug, Args)]
pub struct ClientIdArgs {
    /// The client id.
    #[arg(long)]
    pub client_id: String,
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
    /// Limit the client to a studio (repeatable; slug).
    #[arg(long = "studio", value_name = "SLUG")]
    pub studios: Vec<String>,
    /// Every sign-in for this client must choose a studio.
    #[arg(long)]
    pub require_studio: bool,
    /// OpenID Connect Back-Channel Logout URI.
    #[arg(long, value_name = "URI")]
    pub backchannel_logout_uri: Option<String>,
    /// Offer registration on this client's sign-in page even when the instance does not.
    #[arg(long)]
    pub allow_registration: bool,
    /// Authenticate with private_key_jwt using these public keys (a JWK Set, as JSON);
    /// the client gets no secret.
    #[arg(long, value_name = "JSON", conflicts_with = "jwks_uri")]
    pub jwks: Option<String>,
    /// Authenticate with private_key_jwt using the keys published at this URL.
    #[arg(long, value_name = "URL")]
    pub jwks_uri: Option<String>,
    /// Its authorization requests must be pushed to /par first (RFC 9126).
    #[arg(long)]
    pub require_par: bool,
    /// Hold it to the FAPI 2.0 Security Profile (needs --jwks or --jwks-uri; its ID tokens
    /// are then ES256, PS256 or EdDSA, never RS256).
    #[arg(long)]
    pub fapi: bool,
    /// Authenticate with client_secret_jwt: a JWT MACed (HS256) with the secret.
    #[arg(long)]
    pub client_secret_jwt: bool,
    /// Sign its UserInfo answers with this algorithm (RS256, PS256, ES256 or EdDSA, as enabled in keys.algorithms).
    #[arg(long, value_name = "ALG")]
    pub userinfo_alg: Option<String>,
}

/// `gatehouse users ...`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints its id.
    Create(CreateUserArgs),
    /// Set a user's password (read from standard input). Revokes all their refresh tokens
    /// and ends their sessions.
    SetPassword {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Close an account (reopened by signing in within the grace period).
    Close {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Delete an account's personal data now.
    Purge {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Make an account an instance administrator: it may use the management API
    /// everywhere (with a token carrying the API's scopes).
    GrantAdmin {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Take instance administration away from an account.
    RevokeAdmin {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Import accounts from another system: a JSON-lines file, one account per line, with
    /// its existing password hash (see docs/api.md). Prints what was imported and each
    /// refused line; exits 3 when a line was refused.
    Import {
        /// The file; `-` reads standard input.
        file: PathBuf,
    },
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
    /// Create the account without a password and queue the activation message.
    #[arg(long)]
    pub send_activation: bool,
    /// Make the user a member of this studio.
    #[arg(long, value_name = "SLUG")]
    pub studio: Option<String>,
    /// Studio-scoped user name (needs --studio), for user@licence sign-in.
    #[arg(long)]
    pub username: Option<String>,
    /// Language of the activation message.
    #[arg(long)]
    pub language: Option<String>,
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
    execute_with_clock(cli, stdin, environment, Arc::new(SystemClock)).await
}

/// Runs a parsed command with the given clock (tests share the server's).
pub async fn execute_with_clock(
    cli: Cli,
    stdin: impl Read + Send + 'static,
    environment: HashMap<String, String>,
    clock: Arc<dyn Clock>,
) -> Output {
    match run(cli, stdin, environment, clock).await {
        Ok(Printed {
            stdout,
            stderr,
            exit_code,
        }) => Output {
            exit_code,
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
#[derive(Default)]
struct Printed {
    stdout: String,
    stderr: String,
    /// Non-zero when the command did part of its work (an import with refused lines).
    exit_code: i32,
}

fn json_line(value: &serde_json::Value) -> Printed {
    Printed {
        stdout: format!("{value}\n"),
        ..Printed::default()
    }
}

async fn run(
    cli: Cli,
    stdin: impl Read + Send + 'static,
    environment: HashMap<String, String>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Printed> {
    let config = Config::load(cli.config.as_deref(), environment)?;
    match cli.command {
        Command::Serve => {
            init_logging(&config)?;
            let application = Application::build(config, clock).await?;
            let served = application
                .run_until(shutdown_signal())
                .await
                .context("server failed");
            crate::traces::flush().await;
            served?;
            Ok(Printed::default())
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
        Command::Doctor => Ok(doctor(&config)),
        Command::Maintenance => {
            let state = crate::startup::build_state(config, clock).await?;
            let removed = crate::startup::purge_expired(&state).await?;
            let purged = accounts::purge_expired(
                &state.store,
                &state.secrets,
                state.config.accounts.closure_grace_days,
                state.now(),
            )
            .await?;
            Ok(json_line(
                &serde_json::json!({ "removed_rows": removed, "purged_accounts": purged }),
            ))
        }
        Command::Clients(ClientsCommand::Create(arguments)) => {
            create_client(config, clock, *arguments).await
        }
        Command::Clients(ClientsCommand::Brand(arguments)) => {
            let state = crate::startup::build_state(config, clock).await?;
            let target = crate::service::branding::Brandable::Client(
                gatehouse_core::ClientId::new(arguments.client_id),
            );
            brand(&state, target, arguments.branding).await
        }
        Command::Clients(ClientsCommand::InitialToken) => {
            let state = crate::startup::build_state(config, clock).await?;
            let (token, expires_at) =
                crate::service::client_registration::issue_initial_token(&state).await?;
            let stderr = if state.config.dynamic_registration.enabled {
                "good for one registration at /connect/register; store it now, it is not shown again\n"
            } else {
                "dynamic_registration.enabled is false: /connect/register refuses every registration until it is turned on\n"
            };
            Ok(Printed {
                stderr: stderr.to_owned(),
                ..json_line(&serde_json::json!({
                    "initial_access_token": token,
                    "expires_at": expires_at.as_secs(),
                }))
            })
        }
        Command::Clients(ClientsCommand::RotateSecret(arguments)) => {
            let state = crate::startup::build_state(config, clock).await?;
            let id = gatehouse_core::ClientId::new(arguments.client_id);
            let secret = match clients::rotate_secret(&state, &Actor::cli(), &id).await {
                Ok(Some(secret)) => secret,
                Ok(None) => bail!("{id} is a public client: it has no secret"),
                Err(clients::CreateClientError::NotFound) => bail!("no client {id}"),
                Err(error) => return Err(anyhow::anyhow!("{error:?}")),
            };
            Ok(Printed {
                stderr: "new secret issued; store it now, it is not shown again\n".to_owned(),
                ..json_line(&serde_json::json!({ "client_id": id, "client_secret": secret }))
            })
        }
        Command::Clients(ClientsCommand::List) => {
            let state = crate::startup::build_state(config, clock).await?;
            let clients = clients::list(&state).await?;
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
            create_user(config, clock, arguments, stdin).await
        }
        Command::Keys(KeysCommand::Rotate) => {
            let reload_seconds = config.keys.reload_interval_seconds;
            let state = crate::startup::build_state(config, clock).await?;
            let rotations = crate::service::keys::rotate(&state, &Actor::cli()).await?;
            Ok(Printed {
                stderr: format!(
                    "keys rotated; running servers switch within {reload_seconds} seconds (keys.reload_interval_seconds)\n"
                ),
                ..json_line(&serde_json::json!({ "rotated": rotations }))
            })
        }
        Command::Users(UsersCommand::SetPassword {
            email,
            password_stdin,
        }) => {
            let password = read_password(stdin, password_stdin).await?;
            let state = crate::startup::build_state(config, clock).await?;
            set_password(&state, &email, password).await
        }
        Command::Users(UsersCommand::Close { email }) => {
            let state = crate::startup::build_state(config, clock).await?;
            close_user(&state, &email).await
        }
        Command::Users(UsersCommand::GrantAdmin { email }) => {
            let state = crate::startup::build_state(config, clock).await?;
            set_instance_admin(&state, &email, true).await
        }
        Command::Users(UsersCommand::RevokeAdmin { email }) => {
            let state = crate::startup::build_state(config, clock).await?;
            set_instance_admin(&state, &email, false).await
        }
        Command::Users(UsersCommand::Import { file }) => {
            let text = if file.as_os_str() == "-" {
                tokio::task::spawn_blocking(move || {
                    let mut text = String::new();
                    let mut stdin = stdin;
                    stdin.read_to_string(&mut text).map(|_| text)
                })
                .await
                .context("reading standard input")?
                .context("reading the import from standard input")?
            } else {
                std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?
            };
            let state = crate::startup::build_state(config, clock).await?;
            let report = crate::service::import::import(&state, &Actor::cli(), &text).await?;
            let mut notes = format!(
                "{} account(s) imported, {} line(s) refused\n",
                report.imported.len(),
                report.errors.len()
            );
            for error in &report.errors {
                notes.push_str(&format!(
                    "line {}: {}: {}\n",
                    error.line, error.field, error.message
                ));
            }
            Ok(Printed {
                stderr: notes,
                exit_code: if report.errors.is_empty() { 0 } else { 3 },
                ..json_line(&serde_json::to_value(&report)?)
            })
        }
        Command::Users(UsersCommand::Purge { email }) => {
            let state = crate::startup::build_state(config, clock).await?;
            purge_user(&state, &email).await
        }
        Command::Accounts(AccountsCommand::PurgeExpired) => {
            let state = crate::startup::build_state(config, clock).await?;
            let purged = accounts::purge_expired(
                &state.store,
                &state.secrets,
                state.config.accounts.closure_grace_days,
                state.now(),
            )
            .await?;
            Ok(json_line(&serde_json::json!({ "purged": purged })))
        }
        Command::Studios(command) => studios_command(config, clock, command).await,
        Command::Mfa(MfaCommand::List { email }) => {
            let state = crate::startup::build_state(config, clock).await?;
            let user = find_user(&state, &email).await?;
            let enrolled = crate::service::mfa::factors_of(&state, &user.id).await?;
            Ok(json_line(&mfa_json(&enrolled)))
        }
        Command::Mfa(MfaCommand::Reset { email, reason }) => {
            let reason = reason.trim().to_owned();
            if reason.is_empty() {
                bail!("--reason must say why the second factors are removed");
            }
            let state = crate::startup::build_state(config, clock).await?;
            let user = find_user(&state, &email).await?;
            let removed = crate::service::mfa::reset(
                &state,
                &user,
                crate::service::mfa::ResetBy {
                    actor: "cli",
                    reason: &reason,
                    ..Default::default()
                },
            )
            .await?
            .unwrap_or_default();
            Ok(Printed {
                stderr: format!(
                    "{removed} second factor(s) removed; the user was told by e-mail and signs in with the password next time\n"
                ),
                ..json_line(&serde_json::json!({ "id": user.id, "removed": removed }))
            })
        }
        Command::Devices(command) => devices_command(config, clock, command).await,
        Command::Providers(command) => {
            let state = crate::startup::build_state(config, clock).await?;
            providers::run(&state, command, stdin).await
        }
        Command::Keys(KeysCommand::List) => {
            let state = crate::startup::build_state(config, clock).await?;
            let stored = crate::service::keys::list(&state).await?;
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
    config: Config,
    clock: Arc<dyn Clock>,
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
        None => config.default_id_token_algorithm(arguments.fapi)?,
    };
    let userinfo_algorithm = match &arguments.userinfo_alg {
        Some(name) => {
            let algorithm = name.parse::<SigningAlgorithm>().context("--userinfo-alg")?;
            if !config.signing_algorithms()?.contains(&algorithm) {
                bail!("--userinfo-alg: {algorithm} is not enabled in keys.algorithms");
            }
            Some(algorithm)
        }
        None => None,
    };
    let state = crate::startup::build_state(config, clock).await?;
    let created = clients::create_client(
        &state,
        &Actor::cli(),
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
            allowed_studio_slugs: arguments.studios,
            require_studio: arguments.require_studio,
            backchannel_logout_uri: arguments.backchannel_logout_uri,
            allows_registration: arguments.allow_registration,
            keys: match (arguments.jwks, arguments.jwks_uri) {
                (Some(jwks), _) => Some(gatehouse_core::client::ClientKeys::Jwks(jwks)),
                (None, Some(uri)) => Some(gatehouse_core::client::ClientKeys::JwksUri(uri)),
                (None, None) => None,
            },
            requires_pushed_requests: arguments.require_par,
            is_fapi: arguments.fapi,
            userinfo_signing_algorithm: userinfo_algorithm,
            uses_secret_jwt: arguments.client_secret_jwt,
        },
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

/// Reads a one-line password from standard input, off the async workers.
async fn read_password(
    stdin: impl Read + Send + 'static,
    password_stdin: bool,
) -> anyhow::Result<SecretString> {
    if !password_stdin {
        bail!(
            "--password-stdin is required: pipe the password in, so it never appears in the process list"
        );
    }
    read_secret_line(stdin, "the password").await
}

/// One secret from standard input (a trailing newline is not part of it), so it never
/// appears in the process list.
async fn read_secret_line(
    stdin: impl Read + Send + 'static,
    what: &'static str,
) -> anyhow::Result<SecretString> {
    let text = tokio::task::spawn_blocking(move || {
        let mut text = String::new();
        stdin.take(4096).read_to_string(&mut text).map(|_| text)
    })
    .await
    .context("reading standard input")?
    .with_context(|| format!("reading {what} from standard input"))?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        bail!("{what} on standard input is empty");
    }
    Ok(SecretString::from(text.to_owned()))
}

async fn create_user(
    config: Config,
    clock: Arc<dyn Clock>,
    arguments: CreateUserArgs,
    stdin: impl Read + Send + 'static,
) -> anyhow::Result<Printed> {
    let credential = if arguments.send_activation {
        if arguments.password_stdin {
            bail!("use either --send-activation or --password-stdin, not both");
        }
        let language = arguments
            .language
            .clone()
            .unwrap_or_else(|| config.ui.default_locale.clone());
        if !crate::i18n::is_supported(&language) {
            bail!(
                "--language: use one of {}",
                crate::i18n::SUPPORTED.join(", ")
            );
        }
        users::Credential::Activation { language }
    } else {
        users::Credential::Password(read_password(stdin, arguments.password_stdin).await?)
    };
    if arguments.username.is_some() && arguments.studio.is_none() {
        bail!("--username needs --studio");
    }
    let state = crate::startup::build_state(config, clock).await?;
    let is_activation = matches!(credential, users::Credential::Activation { .. });
    let user = users::create(
        &state,
        &Actor::cli(),
        users::NewAccount {
            email: arguments.email,
            // An operator vouches for the address of an account created with a password;
            // an activation proves it.
            email_verified: !is_activation,
            name: arguments.name,
            phone: None,
            phone_verified: false,
            locale: None,
            profile: gatehouse_core::profile::Profile::default(),
            memberships: arguments
                .studio
                .into_iter()
                .map(|studio| users::NewMembership {
                    studio,
                    role: "member".to_owned(),
                    username: arguments.username.clone(),
                })
                .collect(),
            credential,
        },
    )
    .await?
    .map_err(|refusal| anyhow::anyhow!("{}", cli_field_names(&refusal.to_string())))?;
    Ok(Printed {
        stderr: if is_activation {
            "user created; the activation message is queued\n".to_owned()
        } else {
            String::new()
        },
        ..json_line(&serde_json::json!({ "id": user.id }))
    })
}

/// A service refusal in the command line's words: `memberships/0/username` is `--username`.
fn cli_field_names(message: &str) -> String {
    message
        .replace("memberships/0/studio", "--studio")
        .replace("memberships/0/username", "--username")
        .replace("password:", "the password is not acceptable:")
}

async fn find_user(state: &AppState, email: &str) -> anyhow::Result<gatehouse_core::user::User> {
    normalize_email(email).context("--email")?;
    users::find_by_email(state, email)
        .await?
        .with_context(|| format!("no user with e-mail {email:?}"))
}

async fn set_password(
    state: &AppState,
    email: &str,
    password: SecretString,
) -> anyhow::Result<Printed> {
    let user = find_user(state, email).await?;
    accounts::set_password(state, &user, password, None, &Actor::cli()).await?;
    Ok(Printed {
        stderr: "password set; the user's sessions ended and refresh tokens were revoked\n"
            .to_owned(),
        ..json_line(&serde_json::json!({ "id": user.id }))
    })
}

async fn set_instance_admin(
    state: &AppState,
    email: &str,
    is_admin: bool,
) -> anyhow::Result<Printed> {
    let user = find_user(state, email).await?;
    users::set_instance_admin(state, &Actor::cli(), &user.id, is_admin).await?;
    Ok(Printed {
        stderr: if is_admin {
            "the account is an instance administrator: with a token carrying the API's scopes it may administer everything\n"
        } else {
            "the account is no longer an instance administrator\n"
        }
        .to_owned(),
        ..json_line(&serde_json::json!({ "id": user.id, "instance_admin": is_admin }))
    })
}

async fn close_user(state: &AppState, email: &str) -> anyhow::Result<Printed> {
    let user = find_user(state, email).await?;
    if user.status == gatehouse_core::user::UserStatus::Closed {
        bail!("the account of {email:?} is already closed");
    }
    accounts::close(state, &user, &Actor::cli()).await?;
    Ok(Printed {
        stderr: format!(
            "account closed; signing in within {} days reopens it, afterwards it is purged\n",
            state.config.accounts.closure_grace_days
        ),
        ..json_line(&serde_json::json!({ "id": user.id, "status": "closed" }))
    })
}

async fn purge_user(state: &AppState, email: &str) -> anyhow::Result<Printed> {
    let user = find_user(state, email).await?;
    users::purge(state, &Actor::cli(), &user.id).await?;
    Ok(Printed {
        stderr: "account purged: its personal data is deleted\n".to_owned(),
        ..json_line(&serde_json::json!({ "id": user.id, "purged": true }))
    })
}

/// A user's factors as `mfa list` prints them: each second factor, then the recovery codes
/// as one entry with the number left.
fn mfa_json(enrolled: &[gatehouse_core::mfa::Factor]) -> serde_json::Value {
    use gatehouse_core::mfa::FactorKind;
    let mut listed: Vec<serde_json::Value> = enrolled
        .iter()
        .filter(|factor| factor.kind.is_primary())
        .map(|factor| {
            serde_json::json!({
                "id": factor.id,
                "kind": factor.kind.as_str(),
                "label": factor.label,
                "confirmed": factor.confirmed_at.is_some(),
                "created_at": factor.created_at,
                "last_used_at": factor.last_used_at,
            })
        })
        .collect();
    let recovery: Vec<_> = enrolled
        .iter()
        .filter(|factor| factor.kind == FactorKind::RecoveryCode)
        .collect();
    if let Some(first) = recovery.first() {
        listed.push(serde_json::json!({
            "kind": FactorKind::RecoveryCode.as_str(),
            "remaining": recovery.iter().filter(|factor| factor.is_active()).count(),
            "created_at": first.created_at,
        }));
    }
    serde_json::Value::from(listed)
}

fn studio_json(studio: &gatehouse_core::studio::Studio) -> serde_json::Value {
    serde_json::json!({
        "id": studio.id,
        "slug": studio.slug,
        "name": studio.name,
        "licence": studio.licence_number,
        "settings": studio.settings,
    })
}

/// Parses `--device-limit`: a number, `unlimited`, or (when `allow_default`) `default`.
fn parse_device_limit(text: &str, allow_default: bool) -> anyhow::Result<Option<DeviceLimit>> {
    if allow_default && text.trim().eq_ignore_ascii_case("default") {
        return Ok(None);
    }
    Ok(Some(text.parse::<DeviceLimit>().map_err(|error| {
        anyhow::anyhow!("invalid setting device_limit: {error}")
    })?))
}

/// `studios brand` and `clients brand`.
async fn brand(
    state: &AppState,
    target: crate::service::branding::Brandable,
    arguments: BrandingArgs,
) -> anyhow::Result<Printed> {
    use crate::service::branding::{self, BrandingChange};
    let emptied = |text: String| Some(Some(text).filter(|text| !text.trim().is_empty()));
    let logo = match (&arguments.logo, arguments.remove_logo) {
        (Some(path), _) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the logo {}", path.display()))?;
            Some(Some((bytes, None)))
        }
        (None, true) => Some(None),
        (None, false) => None,
    };
    let change = BrandingChange {
        display_name: arguments.display_name.and_then(emptied),
        accent_color: arguments.accent_color.and_then(emptied),
        logo,
    };
    let shown = branding::change(state, &Actor::cli(), target, change).await?;
    Ok(json_line(&serde_json::json!({
        "display_name": shown.display_name,
        "accent_color": shown.accent_color.as_ref().map(|color| color.as_str()),
        "logo_url": shown.logo.as_ref().map(|digest| format!("{}/assets/branding/logos/{digest}", state.issuer)),
    })))
}

async fn studios_command(
    config: Config,
    clock: Arc<dyn Clock>,
    command: StudiosCommand,
) -> anyhow::Result<Printed> {
    let state = crate::startup::build_state(config, clock).await?;
    let actor = Actor::cli();
    match command {
        StudiosCommand::Create(arguments) => {
            let settings = StudioSettings {
                device_limit: match &arguments.device_limit {
                    Some(text) => parse_device_limit(text, false)?,
                    None => None,
                },
                mfa_required: arguments.mfa_required,
                ..StudioSettings::default()
            };
            let studio = studios::create(
                &state,
                &actor,
                NewStudio {
                    slug: arguments.slug,
                    name: arguments.name,
                    licence_number: arguments.licence,
                    settings,
                },
            )
            .await?;
            Ok(json_line(&serde_json::json!({ "id": studio.id })))
        }
        StudiosCommand::List => {
            let listed = studios::list(&state, None, i64::MAX).await?;
            Ok(json_line(&serde_json::Value::from(
                listed.iter().map(studio_json).collect::<Vec<_>>(),
            )))
        }
        StudiosCommand::Set(arguments) => {
            let password_length = match &arguments.password_length {
                Some(text) => {
                    let (min, max) = text
                        .split_once('-')
                        .and_then(|(min, max)| Some((min.trim().parse().ok()?, max.trim().parse().ok()?)))
                        .context("invalid setting password_policy: use --password-length MIN-MAX, e.g. 8-20")?;
                    Some((min, max))
                }
                None => None,
            };
            let session_lifetime_seconds = match &arguments.session_lifetime {
                Some(text) if text.eq_ignore_ascii_case("default") => Some(None),
                Some(text) => Some(Some(text.parse::<i64>().context(
                    "invalid setting session_lifetime_seconds: a number of seconds, or default",
                )?)),
                None => None,
            };
            let registration = match arguments.registration.as_deref() {
                None => None,
                Some("closed") => Some((false, false)),
                Some("open") => Some((true, false)),
                Some("approval") => Some((true, true)),
                Some(other) => {
                    bail!("invalid setting registration: {other:?}; use closed, open or approval")
                }
            };
            let mfa_reset_scope = arguments
                .mfa_reset_scope
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|message: String| {
                    anyhow::anyhow!("invalid setting mfa_reset_scope: {message}")
                })?;
            let email_sender_name = match arguments.email_sender_name.as_deref() {
                None => None,
                Some("default") => Some(None),
                Some(name) => Some(Some(name.to_owned())),
            };
            let message_overrides = match &arguments.message_overrides {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    Some(serde_json::from_str(&text).with_context(|| {
                        format!(
                            "invalid setting message_overrides: {} is not a JSON object of \
                             messages with subject, text and html",
                            path.display()
                        )
                    })?)
                }
            };
            let upstream_provisioning = if arguments.upstream_provisioning.is_some()
                || arguments.provisioning_domains.is_some()
            {
                let current = studios::get_by_slug(&state.store, &arguments.studio)
                    .await?
                    .settings
                    .upstream_provisioning;
                Some(gatehouse_core::upstream::Provisioning {
                    enabled: arguments.upstream_provisioning.unwrap_or(current.enabled),
                    email_domains: arguments
                        .provisioning_domains
                        .clone()
                        .map(|domains| {
                            domains
                                .into_iter()
                                .map(|domain| domain.trim().to_owned())
                                .filter(|domain| !domain.is_empty())
                                .collect()
                        })
                        .unwrap_or(current.email_domains),
                })
            } else {
                None
            };
            let change = SettingsChange {
                name: arguments.name,
                mfa_reset_scope,
                email_sender_name,
                message_overrides,
                password_classes: arguments.password_classes,
                password_max_age_days: arguments.password_max_age_days,
                password_history: arguments.password_history,
                registration,
                device_limit: arguments
                    .device_limit
                    .as_deref()
                    .map(|text| parse_device_limit(text, true))
                    .transpose()?,
                mfa_required: arguments.mfa_required,
                mfa_remember_device_days: match arguments.mfa_remember_days.as_deref() {
                    None => None,
                    Some("default") => Some(None),
                    Some(text) => Some(Some(text.trim().parse::<u32>().map_err(|_| {
                        anyhow::anyhow!(
                            "invalid setting mfa_remember_device_days: {text:?}; use a number of days from 0 to 365, or default"
                        )
                    })?)),
                },
                password_length,
                allowed_providers: arguments.allowed_providers,
                session_lifetime_seconds,
                upstream_provisioning,
                trust_upstream_mfa: arguments.trust_upstream_mfa,
                device_self_service_swap: match arguments.device_self_service_swap.as_deref() {
                    None => None,
                    Some("default") => Some(None),
                    Some(text) => Some(Some(text.parse::<bool>().with_context(|| {
                        format!("--device-self-service-swap: {text:?} is not true, false or default")
                    })?)),
                },
                fapi_required: arguments.fapi_required,
            };
            let studio =
                studios::update_settings(&state, &actor, &arguments.studio, change, None).await?;
            Ok(json_line(&studio_json(&studio)))
        }
        StudiosCommand::DefineRole(arguments) => {
            let permissions = arguments
                .permissions
                .iter()
                .map(|permission| permission.trim().to_owned())
                .filter(|permission| !permission.is_empty())
                .collect();
            let (studio, role) = studios::define_role(
                &state,
                &actor,
                &arguments.studio,
                &arguments.role,
                permissions,
            )
            .await?;
            Ok(json_line(&serde_json::json!({
                "studio_id": studio.id,
                "role": role.name,
                "permissions": role.permissions,
            })))
        }
        StudiosCommand::Brand(arguments) => {
            let target = crate::service::branding::Brandable::Studio(arguments.studio);
            brand(&state, target, arguments.branding).await
        }
        StudiosCommand::AddMember(arguments) => {
            let (studio, user_id) = studios::add_member(
                &state,
                &actor,
                &arguments.studio,
                studios::Member::Email(arguments.email),
                &arguments.role,
                arguments.username.as_deref(),
            )
            .await?;
            Ok(json_line(
                &serde_json::json!({ "studio_id": studio.id, "user_id": user_id }),
            ))
        }
    }
}

async fn devices_command(
    config: Config,
    clock: Arc<dyn Clock>,
    command: DevicesCommand,
) -> anyhow::Result<Printed> {
    let state = crate::startup::build_state(config, clock).await?;
    match command {
        DevicesCommand::List { email } => {
            let user = find_user(&state, &email).await?;
            let listed = users::devices_of(&state, &user.id).await?;
            let listed: Vec<serde_json::Value> = listed
                .iter()
                .map(|device| {
                    serde_json::json!({
                        "id": device.id,
                        "name": device.name,
                        "first_seen": device.first_seen_at,
                        "last_seen": device.last_seen_at,
                    })
                })
                .collect();
            Ok(json_line(&serde_json::Value::from(listed)))
        }
        DevicesCommand::Remove { id } => {
            let removed =
                users::remove_device(&state, &Actor::cli(), None, &DeviceId::new(id.clone()))
                    .await?
                    .with_context(|| format!("no device with id {id:?}"))?;
            Ok(Printed {
                stderr: "device removed; its sessions ended and its refresh tokens were revoked\n"
                    .to_owned(),
                ..json_line(&serde_json::json!({ "id": removed.id, "user_id": removed.user_id }))
            })
        }
    }
}

/// `gatehouse doctor`: the findings as JSON on stdout, one line each for people on stderr.
fn doctor(config: &Config) -> Printed {
    use crate::config::doctor::{Severity, examine};
    let findings = examine(config);
    let unsafe_count = findings
        .iter()
        .filter(|finding| finding.severity == Severity::Unsafe)
        .count();
    let mut stderr = String::new();
    for finding in &findings {
        let label = match finding.severity {
            Severity::Unsafe => "unsafe",
            Severity::Advice => "advice",
        };
        stderr.push_str(&format!("{label}: {} {}\n", finding.key, finding.message));
    }
    if findings.is_empty() {
        stderr.push_str("nothing to report\n");
    }
    Printed {
        stderr,
        exit_code: i32::from(unsafe_count > 0),
        ..json_line(&serde_json::json!({ "unsafe": unsafe_count, "findings": findings }))
    }
}

/// Sets up logging to stderr, and trace export when `traces.otlp_endpoint` is set.
pub fn init_logging(config: &Config) -> anyhow::Result<()> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let lines = if config.log.format == crate::config::LogFormat::Json {
        lines.json().boxed()
    } else {
        lines.boxed()
    };
    // Spans are exported at `info` whatever the log level: quiet logs keep their traces.
    let traces = crate::traces::layer(&config.traces)
        .context("traces.otlp_endpoint")?
        .map(|layer| layer.with_filter(tracing_subscriber::filter::LevelFilter::INFO));
    let _ = tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .with(traces)
        .try_init();
    Ok(())
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
