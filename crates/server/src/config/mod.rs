//! Configuration: defaults, then a TOML file, then `GATEHOUSE_SECTION__KEY` variables.
//!
//! Loaded and validated once at start-up; an unknown key or a bad value stops start-up with a
//! message naming the key. The result is passed around as `Arc<Config>`, never read globally.
//! `sections` holds the section types and their defaults, `validation` the checks.

pub mod doctor;
mod sections;
mod validation;

pub use sections::*;

use gatehouse_core::keys::SigningAlgorithm;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

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
    /// The management API.
    pub api: ApiConfig,
    /// The audit log.
    pub audit: AuditConfig,
    /// Logging.
    pub log: LogConfig,
    /// Prometheus metrics at `/metrics`.
    pub metrics: MetricsConfig,
    /// OpenTelemetry trace export.
    pub traces: TracesConfig,
    /// Clients registering themselves.
    pub dynamic_registration: DynamicRegistrationConfig,
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
    /// The longest one delivery of a queued message may take: the largest of the timeouts
    /// of its channels.
    #[must_use]
    pub fn longest_delivery_seconds(&self) -> u64 {
        self.outbox
            .request_timeout_seconds
            .max(self.smtp.timeout_seconds)
            .max(self.sms.timeout_seconds)
    }

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
        Self::build(builder, environment)
    }

    /// Loads defaults, then the TOML `text` (a configuration file's content), and validates
    /// the result; no environment. Outside input reaches it unfiltered: a fuzz target.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let builder = config::Config::builder()
            .add_source(config::File::from_str(text, config::FileFormat::Toml));
        Self::build(builder, HashMap::new())
    }

    fn build(
        mut builder: config::ConfigBuilder<config::builder::DefaultState>,
        environment: HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
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
                .with_list_parse_key("metrics.allowed_networks")
                .with_list_parse_key("webauthn.extra_origins")
                .source(Some(environment)),
        );
        let merged: config::Value = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|error| ConfigError::Source(error.to_string()))?;
        let config: Config = serde_path_to_error::deserialize(merged).map_err(|error| {
            // `keys.algorithms[1]` is `keys.algorithms` to whoever wrote the list.
            let key = error
                .path()
                .to_string()
                .split('[')
                .next()
                .unwrap_or_default()
                .to_owned();
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
        for algorithm in &self.keys.algorithms {
            if !algorithms.contains(algorithm) {
                algorithms.push(*algorithm);
            }
        }
        Ok(algorithms)
    }

    /// The algorithm of JWT access tokens.
    pub fn access_token_algorithm(&self) -> Result<SigningAlgorithm, ConfigError> {
        self.enabled_algorithm(
            "tokens.access_token_signing_alg",
            self.tokens.access_token_signing_alg,
        )
    }

    /// The default ID token algorithm.
    pub fn id_token_algorithm(&self) -> Result<SigningAlgorithm, ConfigError> {
        self.enabled_algorithm(
            "tokens.id_token_signing_alg",
            self.tokens.id_token_signing_alg,
        )
    }

    /// The ID token algorithm of a client registered without one: the default, or for a
    /// FAPI 2.0 client (which may not use RS256) the first of ES256, PS256 and EdDSA that
    /// `keys.algorithms` enables, unless the default already is one of them.
    pub fn default_id_token_algorithm(
        &self,
        is_fapi: bool,
    ) -> Result<SigningAlgorithm, ConfigError> {
        let default = self.id_token_algorithm()?;
        if !is_fapi || default.is_fapi_approved() {
            return Ok(default);
        }
        let enabled = self.signing_algorithms()?;
        [
            SigningAlgorithm::ES256,
            SigningAlgorithm::PS256,
            SigningAlgorithm::EdDSA,
        ]
        .into_iter()
        .find(|algorithm| enabled.contains(algorithm))
        .ok_or_else(|| {
            invalid(
                "keys.algorithms",
                "a FAPI 2.0 client needs ES256, PS256 or EdDSA enabled".to_owned(),
            )
        })
    }

    fn enabled_algorithm(
        &self,
        key: &str,
        algorithm: SigningAlgorithm,
    ) -> Result<SigningAlgorithm, ConfigError> {
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
        assert_eq!(
            config.keys.algorithms,
            vec![SigningAlgorithm::RS256, SigningAlgorithm::ES256]
        );
        assert_eq!(
            config.devices.default_limit(),
            gatehouse_core::studio::DeviceLimit::AtMost(1)
        );
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
        // Choices are parsed once, at load, and a wrong one names the key and the choices.
        let choice = message(&[("GATEHOUSE_SMTP__TLS", "ssl")]);
        assert!(
            choice.contains("`smtp.tls`") && choice.contains("starttls"),
            "{choice}"
        );
        let algorithm = message(&[("GATEHOUSE_KEYS__ALGORITHMS", "RS256,HS256")]);
        assert!(algorithm.contains("`keys.algorithms"), "{algorithm}");
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
