//! The sections of the configuration, each with its defaults. Values that are choices are
//! enums, parsed once when the configuration is loaded.

use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::network::AddressRange;
use gatehouse_core::password::PasswordPolicy;
use gatehouse_core::studio::{DeviceLimit, FieldRule};
use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;

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
    pub algorithms: Vec<SigningAlgorithm>,
    /// RSA modulus size.
    pub rsa_bits: u32,
    /// How long a retired key stays in the JWKS.
    pub retired_retention_seconds: i64,
    /// How often a node re-reads keys (to pick up `gatehouse keys rotate`).
    pub reload_interval_seconds: u64,
    /// Rotate the signing keys when the next key has been published this many days; 0
    /// leaves rotation to `gatehouse keys rotate`.
    pub rotate_every_days: i64,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            encryption_key: None,
            encryption_key_file: None,
            algorithms: SigningAlgorithm::DEFAULT.to_vec(),
            rsa_bits: 2048,
            retired_retention_seconds: 7 * 24 * 3600,
            reload_interval_seconds: 60,
            rotate_every_days: 90,
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
    pub access_token_signing_alg: SigningAlgorithm,
    /// Default `id_token_signed_response_alg` of new clients.
    pub id_token_signing_alg: SigningAlgorithm,
}

impl Default for TokensConfig {
    fn default() -> Self {
        Self {
            access_token_ttl_seconds: 600,
            id_token_ttl_seconds: 600,
            authorization_code_ttl_seconds: 60,
            refresh_token_ttl_seconds: 30 * 24 * 3600,
            access_token_signing_alg: SigningAlgorithm::ES256,
            id_token_signing_alg: SigningAlgorithm::RS256,
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
    /// The colour of primary buttons on every page (`#rrggbb`, dark enough for white text);
    /// studios and clients may set their own.
    pub accent_color: Option<gatehouse_core::branding::AccentColor>,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            product_name: "Gatehouse".into(),
            default_locale: "en".into(),
            templates_dir: None,
            accent_color: None,
        }
    }
}

/// `[devices]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DevicesConfig {
    /// Devices per account for studios without their own limit, and for accounts in no
    /// studio: a number, or `unlimited`.
    pub default_limit: DeviceLimit,
    /// Lifetime of the device cookie.
    pub cookie_lifetime_seconds: i64,
    /// A user refused at the device limit may replace their least recently used device after
    /// a code to their verified e-mail or phone (studios may decide for their members).
    pub self_service_swap: bool,
    /// Self-service swaps per account per calendar month (UTC).
    pub swaps_per_month: i64,
}

impl Default for DevicesConfig {
    fn default() -> Self {
        Self {
            default_limit: DeviceLimit::Unlimited,
            cookie_lifetime_seconds: 5 * 365 * 24 * 3600,
            self_service_swap: false,
            swaps_per_month: 2,
        }
    }
}

impl DevicesConfig {
    /// The default limit.
    #[must_use]
    pub fn default_limit(&self) -> DeviceLimit {
        self.default_limit
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
    /// How long a node's claim on the messages it took lasts: if the node dies, another
    /// one delivers them this long after the claim. Longer than one delivery may take.
    pub claim_seconds: i64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            poll_interval_seconds: 2,
            retry_base_seconds: 10,
            retry_max_seconds: 3600,
            max_attempts: 12,
            request_timeout_seconds: 10,
            claim_seconds: 60,
        }
    }
}

/// `[dpop]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DpopConfig {
    /// How old a DPoP proof may be.
    pub proof_max_age_seconds: i64,
    /// Every DPoP proof must carry a nonce this server handed out (RFC 9449 §8).
    pub require_nonce: bool,
}

impl Default for DpopConfig {
    fn default() -> Self {
        Self {
            proof_max_age_seconds: 60,
            require_nonce: false,
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
    pub tls: SmtpTls,
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
            tls: SmtpTls::Starttls,
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
    pub provider: SmsProvider,
    /// The gateway URL that receives a POST per message.
    pub url: String,
    /// `json` or `form` body.
    pub format: SmsFormat,
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
            provider: SmsProvider::Log,
            url: String::new(),
            format: SmsFormat::Json,
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
    pub phone: FieldRule,
    /// See `phone`.
    pub country: FieldRule,
    /// See `phone`.
    pub company: FieldRule,
    /// See `phone`.
    pub job_title: FieldRule,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            phone: FieldRule::Optional,
            country: FieldRule::Optional,
            company: FieldRule::Optional,
            job_title: FieldRule::Optional,
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

/// `[api]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Management API requests one caller (one application, or one person's token) may
    /// make per minute, all nodes together.
    pub requests_per_minute: i64,
    /// How long the answer to a creating request sent with an `Idempotency-Key` is kept for
    /// replays.
    pub idempotency_hours: i64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            requests_per_minute: 600,
            idempotency_hours: 24,
        }
    }
}

/// `[audit]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Audit events older than this many days are deleted by the maintenance task.
    pub retention_days: i64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            retention_days: 400,
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
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Text,
        }
    }
}

/// `[metrics]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `/metrics` and record metrics at all.
    pub enabled: bool,
    /// Callers (after `server.trusted_proxies`) who may read `/metrics`; everyone else gets
    /// `404`. Loopback only by default.
    pub allowed_networks: Vec<AddressRange>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            allowed_networks: ["127.0.0.0/8", "::1/128"]
                .iter()
                .filter_map(|range| range.parse().ok())
                .collect(),
        }
    }
}

/// `[dynamic_registration]`: clients registering themselves (RFC 7591).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DynamicRegistrationConfig {
    /// Whether `/connect/register` accepts registrations (each with an initial access token
    /// an administrator issued).
    pub enabled: bool,
    /// How long an initial access token is good for, in hours.
    pub initial_token_hours: i64,
}

impl Default for DynamicRegistrationConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            initial_token_hours: 24,
        }
    }
}

/// `[traces]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TracesConfig {
    /// Base URL of an OpenTelemetry collector's OTLP/HTTP receiver (for example
    /// `http://otel-collector:4318`); spans go to `<url>/v1/traces`. Empty: no export.
    pub otlp_endpoint: String,
    /// The `service.name` the spans carry.
    pub service_name: String,
    /// Share of traces started here that are recorded, 0 to 1; a request whose caller
    /// sampled its trace (`traceparent`) follows the caller's decision.
    pub sample_ratio: f64,
}

impl Default for TracesConfig {
    fn default() -> Self {
        Self {
            otlp_endpoint: String::new(),
            service_name: "gatehouse".to_owned(),
            sample_ratio: 1.0,
        }
    }
}

/// Declares a configuration choice: an enum read from one of a few lower-case names, whose
/// error names every choice.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                match text.trim() {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        "{other:?} is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

choice! {
    /// How the SMTP connection is protected.
    SmtpTls {
        /// No TLS (a local relay or a test sink).
        None => "none",
        /// Plain connection upgraded with STARTTLS (port 587).
        Starttls => "starttls",
        /// TLS from the first byte (port 465).
        Tls => "tls",
    }
}

choice! {
    /// Where text messages go.
    SmsProvider {
        /// Nowhere: the text is logged at debug level (development).
        Log => "log",
        /// An HTTP gateway.
        Http => "http",
    }
}

choice! {
    /// The body of a request to the SMS gateway.
    SmsFormat {
        /// A JSON object.
        Json => "json",
        /// `application/x-www-form-urlencoded`.
        Form => "form",
    }
}

choice! {
    /// How log lines are written.
    LogFormat {
        /// Human-readable lines.
        Text => "text",
        /// One JSON object per line.
        Json => "json",
    }
}
