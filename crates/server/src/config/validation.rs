//! Checks on the loaded configuration that its types cannot express: ranges, URLs, files,
//! and values that must agree with each other. Each failure names its key.

use super::{Config, ConfigError, SmsProvider, invalid};
use url::Url;

impl Config {
    /// Checks every value; the first problem stops start-up, naming its key.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
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
        let counts = [
            ("api.requests_per_minute", self.api.requests_per_minute),
            ("api.idempotency_hours", self.api.idempotency_hours),
            ("audit.retention_days", self.audit.retention_days),
        ];
        if let Some((key, _)) = counts.iter().find(|(_, value)| *value <= 0) {
            return Err(invalid(key, "must be a positive number"));
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
        if self.keys.rotate_every_days < 0 {
            return Err(invalid("keys.rotate_every_days", "must not be negative"));
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
        if u64::try_from(self.outbox.claim_seconds)
            .map_or(true, |claim| claim <= self.longest_delivery_seconds())
        {
            return Err(invalid(
                "outbox.claim_seconds",
                "must be longer than one delivery may take (the largest of \
                 outbox.request_timeout_seconds, smtp.timeout_seconds and sms.timeout_seconds)",
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
        if self.sms.provider == SmsProvider::Http && Url::parse(&self.sms.url).is_err() {
            return Err(invalid("sms.url", "must be the gateway's URL"));
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
        if !self.traces.otlp_endpoint.is_empty()
            && Url::parse(&self.traces.otlp_endpoint)
                .map_or(true, |url| !matches!(url.scheme(), "http" | "https"))
        {
            return Err(invalid(
                "traces.otlp_endpoint",
                "is not an http(s) URL such as http://otel-collector:4318",
            ));
        }
        if !(1..=24 * 365).contains(&self.dynamic_registration.initial_token_hours) {
            return Err(invalid(
                "dynamic_registration.initial_token_hours",
                "is between 1 and 8760",
            ));
        }
        if !(0.0..=1.0).contains(&self.traces.sample_ratio) {
            return Err(invalid("traces.sample_ratio", "is between 0 and 1"));
        }
        if self.traces.service_name.trim().is_empty() {
            return Err(invalid("traces.service_name", "must not be empty"));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(invalid(
                "log.level",
                "is not a valid filter such as info or gatehouse_server=debug",
            ));
        }
        Ok(())
    }
}
