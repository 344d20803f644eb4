//! Configuration: defaults, then a TOML file, then `GATEHOUSE_SECTION__KEY` variables.
//!
//! Loaded and validated once at start-up; an unknown key or a bad value stops start-up with a
//! message naming the key. The result is passed around as `Arc<Config>`, never read globally.

use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::network::AddressRange;
use gatehouse_core::password::PasswordPolicy;
use gatehouse_core::studio::{DeviceLimit, FieldRule};
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

/// Prefix of configuration environment variables.
pub const ENV_PREFIX: &str = "GATEHOUSE";

/// Everything configurable. Field docs are the reference; `config/gatehouse.toml` mirrors them.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where and as whom the server listens.
    pub server: ServerConfig,
    /// The database.
    pub database: DatabaseConfig,
    /// Signing keys and the key-encryption key.
    pub keys: KeysConfig,
    /// Token lifetimes and algorithms.
    pub tokens: TokensConfig,
    /// Browser sessions.
    pub sessions: SessionsConfig,
    /// Password hashing and rules.
    pub passwords: PasswordsConfig,
    /// Sign-in throttling.
    pub login: LoginConfig,
    /// Hosted pages.
    pub ui: UiConfig,
    /// Registered devices.
    pub devices: DevicesConfig,
    /// Delivery of queued messages (back-channel logout; later e-mail and SMS).
    pub outbox: OutboxConfig,
    /// DPoP proofs (RFC 9449).
    pub dpop: DpopConfig,
    /// Outgoing e-mail.
    pub smtp: SmtpConfig,
    /// Outgoing SMS.
    pub sms: SmsConfig,
    /// Self-registration at the instance level.
    pub registration: RegistrationConfig,
    /// Account life cycle: codes, links, closure.
    pub accounts: AccountsConfig,
    /// Second factors.
    pub mfa: MfaConfig,
    /// Passkeys (WebAuthn).
    pub webauthn: WebauthnConfig,
    /// Re-authentication and caps on what unauthenticated or signed-in callers can cost.
    pub security: SecurityConfig,
    /// Logging.
    pub log: LogConfig,
}

/// `[server]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// The issuer URL relying parties see; every endpoint hangs off it.
    pub issuer: String,
    /// Folder for the SQLite database and the generated key-encryption key.
    pub data_dir: PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` entries are believed (addresses or CIDR
    /// blocks); empty: the header is ignored.
    pub trusted_proxies: Vec<AddressRange>,
    /// On SIGTERM, how long requests already being answered may take before they are cut
    /// off.
    pub shutdown_grace_seconds: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            issuer: "http://localhost:8080".into(),
            data_dir: PathBuf::from("data"),
            trusted_proxies: Vec::new(),
            shutdown_grace_seconds: 30,
        }
    }
}

/// `[database]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://...`; empty means `sqlite://<data_dir>/gatehouse.db`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// Seconds to wait for a pooled connection.
    pub acquire_timeout_seconds: u64,
    /// SQLite: milliseconds a statement waits for another process's lock.
    pub sqlite_busy_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            max_connections: 16,
            acquire_timeout_seconds: 10,
            sqlite_busy_timeout_ms: 5000,
        }
    }
}

/// `[keys]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    /// The key-encryption key: 32 bytes, base64. Empty means read `encryption_key_file`, or
    /// generate `<data_dir>/encryption.key` (mode 0600) on first start.
    pub encryption_key: Option<SecretString>,
    /// A file holding the key-encryption key (base64).
    pub encryption_key_file: Option<PathBuf>,
    /// Algorithms to keep signing keys for; RS256 is always included.
    pub algorithms: Vec<String>,
    /// RSA modulus size.
    pub rsa_bits: u32,
    /// How long a retired key stays in the JWKS.
    pub retired_retention_seconds: i64,
    /// How often a node re-reads keys (to pick up `gatehouse keys rotate`).
    pub reload_interval_seconds: u64,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            encryption_key: None,
            encryption_key_file: None,
            algorithms: vec!["RS256".into(), "ES256".into(), "EdDSA".into()],
            rsa_bits: 2048,
            retired_retention_seconds: 7 * 24 * 3600,
            reload_interval_seconds: 60,
        }
    }
}

/// `[tokens]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokensConfig {
    /// Access token lifetime.
    pub access_token_ttl_seconds: i64,
    /// ID token lifetime.
    pub id_token_ttl_seconds: i64,
    /// Authorization code lifetime.
    pub authorization_code_ttl_seconds: i64,
    /// Absolute lifetime of a refresh-token family.
    pub refresh_token_ttl_seconds: i64,
    /// Algorithm of JWT access tokens.
    pub access_token_signing_alg: String,
    /// Default `id_token_signed_response_alg` of new clients.
    pub id_token_signing_alg: String,
}

impl Default for TokensConfig {
    fn default() -> Self {
        Self {
            access_token_ttl_seconds: 600,
            id_token_ttl_seconds: 600,
            authorization_code_ttl_seconds: 60,
            refresh_token_ttl_seconds: 30 * 24 * 3600,
            access_token_signing_alg: "ES256".into(),
            id_token_signing_alg: "RS256".into(),
        }
    }
}

/// `[sessions]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionsConfig {
    /// Lifetime of a session without "remember me" (the cookie also ends with the browser).
    pub lifetime_seconds: i64,
    /// Lifetime of a "remember me" session.
    pub remember_me_seconds: i64,
    /// How long an authorization request may wait for the user.
    pub flow_ttl_seconds: i64,
}

impl Default for SessionsConfig {
    fn default() -> Self {
        Self {
            lifetime_seconds: 12 * 3600,
            remember_me_seconds: 30 * 24 * 3600,
            flow_ttl_seconds: 30 * 60,
        }
    }
}

/// `[passwords]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordsConfig {
    /// argon2id memory in KiB (OWASP: 19456).
    pub argon2_memory_kib: u32,
    /// argon2id passes (OWASP: 2).
    pub argon2_iterations: u32,
    /// argon2id lanes (OWASP: 1).
    pub argon2_parallelism: u32,
    /// Hashes computed at once; 0 means one per CPU. Bounds memory and keeps the runtime free.
    pub max_concurrent_hashes: usize,
    /// Shortest acceptable password.
    pub min_length: usize,
    /// Longest acceptable password.
    pub max_length: usize,
    /// At least one lower-case letter.
    pub require_lowercase: bool,
    /// At least one upper-case letter.
    pub require_uppercase: bool,
    /// At least one digit.
    pub require_digit: bool,
    /// At least one symbol.
    pub require_symbol: bool,
    /// Refuse passwords containing the e-mail or name.
    pub forbid_personal_data: bool,
    /// Previous passwords that may not be reused (0: none).
    pub history: usize,
    /// Days after which a password must be changed at sign-in (0: never).
    pub max_age_days: u32,
    /// Refuse passwords on the shipped list of common passwords.
    pub reject_common: bool,
}

impl Default for PasswordsConfig {
    fn default() -> Self {
        Self {
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            max_concurrent_hashes: 0,
            min_length: 8,
            max_length: 128,
            require_lowercase: false,
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            forbid_personal_data: true,
            history: 0,
            max_age_days: 0,
            reject_common: true,
        }
    }
}

impl PasswordsConfig {
    /// The instance policy new passwords must meet (studios may add rules).
    #[must_use]
    pub fn policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.min_length,
            max_length: self.max_length,
            require_lowercase: self.require_lowercase,
            require_uppercase: self.require_uppercase,
            require_digit: self.require_digit,
            require_symbol: self.require_symbol,
            forbid_personal_data: self.forbid_personal_data,
            history: self.history,
            max_age_days: (self.max_age_days > 0).then_some(self.max_age_days),
            reject_common: self.reject_common,
        }
    }
}

/// `[login]`: back-off after failed credential checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoginConfig {
    /// Failures per account (or client) from one address before delays start.
    pub account_free_failures: u32,
    /// Failures per account from all addresses together before delays start for browsers
    /// that hold no device cookie of the account.
    pub account_free_failures_any_address: u32,
    /// Failures per client address before delays start.
    pub address_free_failures: u32,
    /// First delay in seconds; it doubles with each further failure.
    pub base_delay_seconds: i64,
    /// Longest delay.
    pub max_delay_seconds: i64,
    /// Quiet time after which failures are forgotten.
    pub forget_after_seconds: i64,
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            account_free_failures: 5,
            account_free_failures_any_address: 20,
            address_free_failures: 20,
            base_delay_seconds: 1,
            max_delay_seconds: 900,
            forget_after_seconds: 900,
        }
    }
}

/// `[ui]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Name shown in page titles and headers.
    pub product_name: String,
    /// Language when nothing else decides.
    pub default_locale: String,
    /// A folder of templates that replace the built-in ones by file name (re-branding).
    pub templates_dir: Option<PathBuf>,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            product_name: "Gatehouse".into(),
            default_locale: "en".into(),
            templates_dir: None,
        }
    }
}

/// `[devices]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DevicesConfig {
    /// Devices per account for studios without their own limit, and for accounts in no
    /// studio: a number, or `unlimited`.
    pub default_limit: String,
    /// Lifetime of the device cookie.
    pub cookie_lifetime_seconds: i64,
}

impl Default for DevicesConfig {
    fn default() -> Self {
        Self {
            default_limit: "unlimited".into(),
            cookie_lifetime_seconds: 5 * 365 * 24 * 3600,
        }
    }
}

impl DevicesConfig {
    /// The parsed default limit (validated at load).
    #[must_use]
    pub fn default_limit(&self) -> DeviceLimit {
        self.default_limit.parse().unwrap_or(DeviceLimit::Unlimited)
    }
}

/// `[outbox]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// How often a node looks for due messages.
    pub poll_interval_seconds: u64,
    /// Delay before the first retry; it doubles with each further failure.
    pub retry_base_seconds: i64,
    /// Longest delay between retries.
    pub retry_max_seconds: i64,
    /// Attempts before a message is given up.
    pub max_attempts: i32,
    /// Timeout of one delivery request.
    pub request_timeout_seconds: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            poll_interval_seconds: 2,
            retry_base_seconds: 10,
            retry_max_seconds: 3600,
            max_attempts: 12,
            request_timeout_seconds: 10,
        }
    }
}

/// `[dpop]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DpopConfig {
    /// How old a DPoP proof may be.
    pub proof_max_age_seconds: i64,
}

impl Default for DpopConfig {
    fn default() -> Self {
        Self {
            proof_max_age_seconds: 60,
        }
    }
}

/// `[smtp]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// Mail server; empty means e-mail is logged instead of sent (development only).
    pub host: String,
    /// Port (587 for STARTTLS, 465 for TLS, 25 or 1025 without TLS).
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub tls: String,
    /// Sender address, e.g. `Gatehouse <no-reply@example.com>`.
    pub from: String,
    /// User name for SMTP authentication.
    pub username: Option<String>,
    /// Password for SMTP authentication.
    pub password: Option<SecretString>,
    /// A file holding the SMTP password.
    pub password_file: Option<PathBuf>,
    /// Timeout of one SMTP conversation.
    pub timeout_seconds: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            tls: "starttls".into(),
            from: "Gatehouse <no-reply@localhost.localdomain>".into(),
            username: None,
            password: None,
            password_file: None,
            timeout_seconds: 20,
        }
    }
}

/// `[sms]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// `log` (write messages to the log: development) or `http` (a gateway).
    pub provider: String,
    /// The gateway URL that receives a POST per message.
    pub url: String,
    /// `json` or `form` body.
    pub format: String,
    /// Body fields: each value may use `{to}`, `{from}` and `{text}`. JSON object text.
    pub fields: String,
    /// Sender name or number passed as `{from}`.
    pub from: String,
    /// An `Authorization` header value for the gateway, e.g. `Basic ...` or `Bearer ...`.
    pub authorization: Option<SecretString>,
    /// Timeout of one request.
    pub timeout_seconds: u64,
    /// Text messages the instance sends per hour at most, all accounts together (SMS
    /// pumping costs real money); 0 means no limit.
    pub max_per_hour: i64,
}

impl Default for SmsConfig {
    fn default() -> Self {
        Self {
            provider: "log".into(),
            url: String::new(),
            format: "json".into(),
            fields: r#"{"to": "{to}", "from": "{from}", "text": "{text}"}"#.into(),
            from: "Gatehouse".into(),
            authorization: None,
            timeout_seconds: 10,
            max_per_hour: 100,
        }
    }
}

/// `[registration]`: self-registration for users who are not signing up to a studio.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationConfig {
    /// Whether `/register` accepts sign-ups without a studio.
    pub enabled: bool,
    /// `hidden`, `optional` or `required` for each form field.
    pub phone: String,
    /// See `phone`.
    pub country: String,
    /// See `phone`.
    pub company: String,
    /// See `phone`.
    pub job_title: String,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            phone: "optional".into(),
            country: "optional".into(),
            company: "optional".into(),
            job_title: "optional".into(),
        }
    }
}

/// `[accounts]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccountsConfig {
    /// Validity of registration-confirmation and activation links.
    pub link_ttl_seconds: i64,
    /// Validity of short codes (password reset, e-mail and phone changes).
    pub code_ttl_seconds: i64,
    /// Codes or links sent to one address or phone per hour.
    pub codes_per_hour: i64,
    /// Days a closed account can still be reopened by signing in.
    pub closure_grace_days: i64,
    /// How often the purge of accounts past their grace period runs.
    pub purge_interval_seconds: u64,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            link_ttl_seconds: 72 * 3600,
            code_ttl_seconds: 15 * 60,
            codes_per_hour: 5,
            closure_grace_days: 30,
            purge_interval_seconds: 3600,
        }
    }
}

/// `[mfa]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MfaConfig {
    /// Days a device may skip the second factor after one was presented on it, for studios
    /// without their own setting and users in no studio; 0 turns "remember this device" off.
    pub remember_device_days: u32,
    /// Time to finish enrolling an authenticator app (scan, then type the first code).
    pub enrolment_ttl_seconds: i64,
    /// Validity of an e-mailed or texted sign-in code.
    pub code_ttl_seconds: i64,
    /// Wrong second-factor codes in one sign-in before the password must be entered again.
    pub max_attempts: i32,
    /// Issuer shown in authenticator apps; empty uses `ui.product_name`.
    pub totp_issuer: String,
}

impl Default for MfaConfig {
    fn default() -> Self {
        Self {
            remember_device_days: 0,
            enrolment_ttl_seconds: 600,
            code_ttl_seconds: 300,
            max_attempts: 10,
            totp_issuer: String::new(),
        }
    }
}

/// `[security]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Changing the e-mail address or phone number, adding or removing a second factor,
    /// replacing recovery codes and closing the account need a proof (password or second
    /// factor) at most this old.
    pub reauthentication_seconds: i64,
    /// Codes sent from the account pages (e-mail and phone changes, e-mail and SMS factor
    /// enrolment) per browser session and day.
    pub codes_per_session_per_day: i64,
    /// ... per account and day.
    pub codes_per_account_per_day: i64,
    /// ... per client address and day.
    pub codes_per_address_per_day: i64,
    /// Rows that unauthenticated requests may create per client address and hour: pending
    /// authorization requests, passkey ceremonies and DPoP proof records.
    pub pending_rows_per_address_per_hour: u32,
    /// Second-factor resets a studio's admins may make per day, all members together.
    pub mfa_resets_per_studio_per_day: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            reauthentication_seconds: 300,
            codes_per_session_per_day: 5,
            codes_per_account_per_day: 10,
            codes_per_address_per_day: 20,
            pending_rows_per_address_per_hour: 10_000,
            mfa_resets_per_studio_per_day: 20,
        }
    }
}

/// `[webauthn]`
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct WebauthnConfig {
    /// Turns passkeys off entirely.
    pub disabled: bool,
    /// The relying-party id passkeys are bound to: the issuer's host name or a parent
    /// domain. Empty uses the issuer's host. Passkeys need a domain name (localhost works),
    /// never an IP address; changing it later orphans every registered passkey.
    pub rp_id: String,
    /// Name shown by the authenticator; empty uses `ui.product_name`.
    pub rp_name: String,
    /// Further origins allowed to use the passkeys, e.g. a native app's
    /// `android:apk-key-hash:...` origin.
    pub extra_origins: Vec<String>,
}

/// `[log]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `tracing` filter, for example `info` or `gatehouse_server=debug,info`.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: "text".into(),
        }
    }
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or parsed.
    #[error("cannot read configuration: {0}")]
    Source(String),
    /// A key is unknown or its value has the wrong type.
    #[error("configuration key `{key}`: {message}")]
    Key {
        /// The dotted key, e.g. `server.listen`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Key {
        key: key.to_owned(),
        message: message.into(),
    }
}

impl Config {
    /// Loads defaults, then `file` (when given), then the `GATEHOUSE_*` entries of `environment`,
    /// and validates the result.
    pub fn load(
        file: Option<&Path>,
        environment: HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Source(format!(
                    "{} does not exist",
                    file.display()
                )));
            }
            builder = builder.add_source(
                config::File::from(file)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let environment: HashMap<String, String> = environment
            .into_iter()
            .filter(|(name, _)| name.starts_with(&format!("{ENV_PREFIX}_")) && name.contains("__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("keys.algorithms")
                .with_list_parse_key("server.trusted_proxies")
                .with_list_parse_key("webauthn.extra_origins")
                .source(Some(environment)),
        );
        let merged: config::Value = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|error| ConfigError::Source(error.to_string()))?;
        let config: Config = serde_path_to_error::deserialize(merged).map_err(|error| {
            let key = error.path().to_string();
            let message = error.into_inner().to_string();
            if message.starts_with("unknown field") {
                return invalid(&key, "unknown key");
            }
            // The config crate repeats the key at the end of its messages; we name it already.
            let message = message
                .split(" for key `")
                .next()
                .unwrap_or_default()
                .to_owned();
            invalid(&key, message)
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen_address()?;
        let issuer = Url::parse(&self.server.issuer)
            .map_err(|error| invalid("server.issuer", error.to_string()))?;
        if !matches!(issuer.scheme(), "http" | "https") {
            return Err(invalid("server.issuer", "must be an http or https URL"));
        }
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err(invalid(
                "server.issuer",
                "must not have a query or fragment (OIDC Discovery §2)",
            ));
        }
        if !self.database.url.is_empty()
            && let Err(error) = gatehouse_store::Backend::from_url(&self.database.url)
        {
            return Err(invalid("database.url", error.to_string()));
        }
        if self.database.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }
        self.signing_algorithms()?;
        if !(2048..=8192).contains(&self.keys.rsa_bits) {
            return Err(invalid("keys.rsa_bits", "must be between 2048 and 8192"));
        }
        self.access_token_algorithm()?;
        self.id_token_algorithm()?;
        let positive = [
            (
                "keys.retired_retention_seconds",
                self.keys.retired_retention_seconds,
            ),
            (
                "tokens.access_token_ttl_seconds",
                self.tokens.access_token_ttl_seconds,
            ),
            (
                "tokens.id_token_ttl_seconds",
                self.tokens.id_token_ttl_seconds,
            ),
            (
                "tokens.authorization_code_ttl_seconds",
                self.tokens.authorization_code_ttl_seconds,
            ),
            (
                "tokens.refresh_token_ttl_seconds",
                self.tokens.refresh_token_ttl_seconds,
            ),
            ("sessions.lifetime_seconds", self.sessions.lifetime_seconds),
            (
                "sessions.remember_me_seconds",
                self.sessions.remember_me_seconds,
            ),
            ("sessions.flow_ttl_seconds", self.sessions.flow_ttl_seconds),
            (
                "security.reauthentication_seconds",
                self.security.reauthentication_seconds,
            ),
            (
                "security.codes_per_session_per_day",
                self.security.codes_per_session_per_day,
            ),
            (
                "security.codes_per_account_per_day",
                self.security.codes_per_account_per_day,
            ),
            (
                "security.codes_per_address_per_day",
                self.security.codes_per_address_per_day,
            ),
            (
                "security.mfa_resets_per_studio_per_day",
                self.security.mfa_resets_per_studio_per_day,
            ),
            ("login.max_delay_seconds", self.login.max_delay_seconds),
            (
                "login.forget_after_seconds",
                self.login.forget_after_seconds,
            ),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, value)| *value <= 0) {
            return Err(invalid(key, "must be a positive number of seconds"));
        }
        if self.tokens.authorization_code_ttl_seconds > 600 {
            return Err(invalid(
                "tokens.authorization_code_ttl_seconds",
                "must be at most 600 (RFC 6749 §4.1.2)",
            ));
        }
        if self.login.base_delay_seconds < 0 {
            return Err(invalid("login.base_delay_seconds", "must not be negative"));
        }
        if self.keys.reload_interval_seconds == 0 {
            return Err(invalid(
                "keys.reload_interval_seconds",
                "must be at least 1",
            ));
        }
        if self.passwords.argon2_memory_kib < 8 * self.passwords.argon2_parallelism.max(1) {
            return Err(invalid(
                "passwords.argon2_memory_kib",
                "must be at least 8 KiB per lane",
            ));
        }
        if self.passwords.argon2_iterations == 0 {
            return Err(invalid("passwords.argon2_iterations", "must be at least 1"));
        }
        if self.passwords.argon2_parallelism == 0 {
            return Err(invalid(
                "passwords.argon2_parallelism",
                "must be at least 1",
            ));
        }
        if self.passwords.min_length < 1 || self.passwords.max_length < self.passwords.min_length {
            return Err(invalid(
                "passwords.min_length",
                "must be at least 1 and not above passwords.max_length",
            ));
        }
        if self.passwords.history > 24 {
            return Err(invalid("passwords.history", "must be at most 24"));
        }
        if self.passwords.max_length > 1024 {
            return Err(invalid("passwords.max_length", "must be at most 1024"));
        }
        if !crate::i18n::is_supported(&self.ui.default_locale) {
            return Err(invalid(
                "ui.default_locale",
                format!(
                    "unsupported language; use one of {}",
                    crate::i18n::SUPPORTED.join(", ")
                ),
            ));
        }
        if let Some(folder) = &self.ui.templates_dir
            && !folder.is_dir()
        {
            return Err(invalid(
                "ui.templates_dir",
                format!("{} is not a folder", folder.display()),
            ));
        }
        if let Err(error) = self.devices.default_limit.parse::<DeviceLimit>() {
            return Err(invalid("devices.default_limit", error.to_string()));
        }
        if self.devices.cookie_lifetime_seconds <= 0 {
            return Err(invalid(
                "devices.cookie_lifetime_seconds",
                "must be a positive number of seconds",
            ));
        }
        if self.outbox.poll_interval_seconds == 0 || self.outbox.request_timeout_seconds == 0 {
            return Err(invalid(
                "outbox.poll_interval_seconds",
                "intervals must be at least 1 second",
            ));
        }
        if self.outbox.retry_base_seconds <= 0
            || self.outbox.retry_max_seconds < self.outbox.retry_base_seconds
        {
            return Err(invalid(
                "outbox.retry_base_seconds",
                "must be positive and not above outbox.retry_max_seconds",
            ));
        }
        if self.outbox.max_attempts < 1 {
            return Err(invalid("outbox.max_attempts", "must be at least 1"));
        }
        if !(5..=600).contains(&self.dpop.proof_max_age_seconds) {
            return Err(invalid(
                "dpop.proof_max_age_seconds",
                "must be between 5 and 600",
            ));
        }
        if !matches!(self.smtp.tls.as_str(), "none" | "starttls" | "tls") {
            return Err(invalid("smtp.tls", "must be none, starttls or tls"));
        }
        if self.smtp.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "smtp.from",
                "must be an address such as Gatehouse <no-reply@example.com>",
            ));
        }
        if let Some(file) = &self.smtp.password_file
            && !file.is_file()
        {
            return Err(invalid(
                "smtp.password_file",
                format!("{} is not a file", file.display()),
            ));
        }
        match self.sms.provider.as_str() {
            "log" => {}
            "http" => {
                if Url::parse(&self.sms.url).is_err() {
                    return Err(invalid("sms.url", "must be the gateway's URL"));
                }
            }
            _ => return Err(invalid("sms.provider", "must be log or http")),
        }
        if !matches!(self.sms.format.as_str(), "json" | "form") {
            return Err(invalid("sms.format", "must be json or form"));
        }
        if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.sms.fields)
            .is_err()
        {
            return Err(invalid(
                "sms.fields",
                "must be a JSON object of field names to templates",
            ));
        }
        for (key, value) in [
            ("registration.phone", &self.registration.phone),
            ("registration.country", &self.registration.country),
            ("registration.company", &self.registration.company),
            ("registration.job_title", &self.registration.job_title),
        ] {
            if value.parse::<FieldRule>().is_err() {
                return Err(invalid(key, "must be hidden, optional or required"));
            }
        }
        for (key, value) in [
            ("accounts.link_ttl_seconds", self.accounts.link_ttl_seconds),
            ("accounts.code_ttl_seconds", self.accounts.code_ttl_seconds),
            ("accounts.codes_per_hour", self.accounts.codes_per_hour),
            (
                "accounts.closure_grace_days",
                self.accounts.closure_grace_days,
            ),
        ] {
            if value <= 0 {
                return Err(invalid(key, "must be positive"));
            }
        }
        if self.accounts.purge_interval_seconds == 0 {
            return Err(invalid(
                "accounts.purge_interval_seconds",
                "must be at least 1",
            ));
        }
        if self.mfa.remember_device_days > 365 {
            return Err(invalid("mfa.remember_device_days", "must be from 0 to 365"));
        }
        for (key, value) in [
            ("mfa.enrolment_ttl_seconds", self.mfa.enrolment_ttl_seconds),
            ("mfa.code_ttl_seconds", self.mfa.code_ttl_seconds),
        ] {
            if !(30..=86_400).contains(&value) {
                return Err(invalid(key, "must be between 30 seconds and a day"));
            }
        }
        if !(1..=100).contains(&self.mfa.max_attempts) {
            return Err(invalid("mfa.max_attempts", "must be from 1 to 100"));
        }
        if !self.webauthn.rp_id.is_empty() {
            let matches_issuer = issuer.domain().is_some_and(|host| {
                host == self.webauthn.rp_id || host.ends_with(&format!(".{}", self.webauthn.rp_id))
            });
            if !matches_issuer {
                return Err(invalid(
                    "webauthn.rp_id",
                    "must be the issuer's host name or a parent domain of it",
                ));
            }
        }
        if let Some(origin) = self
            .webauthn
            .extra_origins
            .iter()
            .find(|origin| Url::parse(origin).is_err())
        {
            return Err(invalid(
                "webauthn.extra_origins",
                format!("{origin:?} is not an origin URL"),
            ));
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return Err(invalid("log.format", "must be text or json"));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(invalid(
                "log.level",
                "is not a valid filter such as info or gatehouse_server=debug",
            ));
        }
        Ok(())
    }

    /// The socket address to bind.
    pub fn listen_address(&self) -> Result<SocketAddr, ConfigError> {
        self.server.listen.parse().map_err(|_| {
            invalid(
                "server.listen",
                "must be an address and port such as 127.0.0.1:8080",
            )
        })
    }

    /// The issuer without a trailing slash, as it appears in `iss`.
    #[must_use]
    pub fn issuer(&self) -> String {
        self.server.issuer.trim_end_matches('/').to_owned()
    }

    /// Whether cookies must be `Secure` (and may use the `__Host-` prefix).
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.server.issuer.starts_with("https://")
    }

    /// The effective database URL.
    #[must_use]
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite://{}",
                self.server.data_dir.join("gatehouse.db").display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// The algorithms to keep keys for; RS256 always (OIDC Core §15.1).
    pub fn signing_algorithms(&self) -> Result<Vec<SigningAlgorithm>, ConfigError> {
        let mut algorithms = vec![SigningAlgorithm::RS256];
        for name in &self.keys.algorithms {
            let algorithm = name
                .trim()
                .parse::<SigningAlgorithm>()
                .map_err(|error| invalid("keys.algorithms", error.to_string()))?;
            if !algorithms.contains(&algorithm) {
                algorithms.push(algorithm);
            }
        }
        Ok(algorithms)
    }

    /// The algorithm of JWT access tokens.
    pub fn access_token_algorithm(&self) -> Result<SigningAlgorithm, ConfigError> {
        self.enabled_algorithm(
            "tokens.access_token_signing_alg",
            &self.tokens.access_token_signing_alg,
        )
    }

    /// The default ID token algorithm.
    pub fn id_token_algorithm(&self) -> Result<SigningAlgorithm, ConfigError> {
        self.enabled_algorithm(
            "tokens.id_token_signing_alg",
            &self.tokens.id_token_signing_alg,
        )
    }

    fn enabled_algorithm(&self, key: &str, name: &str) -> Result<SigningAlgorithm, ConfigError> {
        let algorithm = name
            .parse::<SigningAlgorithm>()
            .map_err(|error| invalid(key, error.to_string()))?;
        if !self.signing_algorithms()?.contains(&algorithm) {
            return Err(invalid(
                key,
                format!("{algorithm} is not listed in keys.algorithms"),
            ));
        }
        Ok(algorithm)
    }

    /// Store pool settings.
    #[must_use]
    pub fn pool_options(&self) -> gatehouse_store::PoolOptions {
        gatehouse_store::PoolOptions {
            max_connections: self.database.max_connections,
            acquire_timeout: std::time::Duration::from_secs(self.database.acquire_timeout_seconds),
            sqlite_busy_timeout: std::time::Duration::from_millis(
                self.database.sqlite_busy_timeout_ms,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(variables: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::load(
            None,
            variables
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn defaults_need_no_file() {
        let config = load(&[]).expect("defaults are valid");
        assert_eq!(config.server.listen, "127.0.0.1:8080");
        assert_eq!(config.database_url(), "sqlite://data/gatehouse.db");
    }

    #[test]
    fn shipped_file_is_valid_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/gatehouse.toml");
        let shipped =
            Config::load(Some(&path), HashMap::new()).expect("config/gatehouse.toml loads");
        let defaults = load(&[]).expect("defaults");
        assert_eq!(format!("{shipped:?}"), format!("{defaults:?}"));
        // Every key of every section appears in the file, commented or not.
        let text = std::fs::read_to_string(&path).expect("readable");
        let debug = format!("{defaults:?}");
        for key in debug
            .split(|character: char| !character.is_ascii_alphanumeric() && character != '_')
            .filter(|word| {
                word.contains('_')
                    && word
                        .chars()
                        .all(|character| character.is_ascii_lowercase() || character == '_')
            })
        {
            assert!(
                text.contains(key),
                "config/gatehouse.toml does not document {key}"
            );
        }
    }

    #[test]
    fn environment_overrides() {
        let config = load(&[
            ("GATEHOUSE_SERVER__LISTEN", "0.0.0.0:9000"),
            ("GATEHOUSE_SERVER__DATA_DIR", "/tmp/gh"),
            ("GATEHOUSE_TOKENS__ACCESS_TOKEN_TTL_SECONDS", "120"),
            ("GATEHOUSE_KEYS__ALGORITHMS", "RS256,ES256"),
            ("GATEHOUSE_DEVICES__DEFAULT_LIMIT", "1"),
            ("UNRELATED", "x"),
        ])
        .expect("valid");
        assert_eq!(config.server.listen, "0.0.0.0:9000");
        assert_eq!(config.tokens.access_token_ttl_seconds, 120);
        assert_eq!(config.database_url(), "sqlite:///tmp/gh/gatehouse.db");
        assert_eq!(config.keys.algorithms, vec!["RS256", "ES256"]);
        assert_eq!(config.devices.default_limit(), DeviceLimit::AtMost(1));
    }

    #[test]
    fn errors_name_the_key() {
        let message = |variables: &[(&str, &str)]| {
            load(variables)
                .err()
                .map(|error| error.to_string())
                .unwrap_or_default()
        };
        assert!(message(&[("GATEHOUSE_SERVER__LISTN", "x")]).contains("`server.listn`"));
        assert!(message(&[("GATEHOUSE_SERVER__LISTEN", "nowhere")]).contains("`server.listen`"));
        assert!(
            message(&[("GATEHOUSE_TOKENS__ACCESS_TOKEN_TTL_SECONDS", "soon")])
                .contains("tokens.access_token_ttl_seconds")
        );
        assert!(message(&[("GATEHOUSE_DATABASE__URL", "mysql://x")]).contains("`database.url`"));
        assert_eq!(
            message(&[("GATEHOUSE_NOSUCH__KEY", "1")]),
            "configuration key `nosuch`: unknown key"
        );
        assert_eq!(
            message(&[("GATEHOUSE_SERVER__LISTN", "x")]),
            "configuration key `server.listn`: unknown key"
        );
    }
}
