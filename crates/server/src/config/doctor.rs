//! `gatehouse doctor`: settings that load and validate, but that an operator should not run
//! in production. Validation refuses what cannot work; the doctor points out what works and
//! is unsafe or surprising. Pure: it reads the configuration and nothing else.

use super::{Config, LogFormat, SmsProvider};
use serde::Serialize;
use std::net::IpAddr;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Unsafe for real users: `gatehouse doctor` exits 1.
    Unsafe,
    /// Worth knowing; fine in some deployments.
    Advice,
}

/// One thing the doctor found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The configuration key concerned.
    pub key: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

/// OWASP's argon2id minimums as (memory KiB, passes): any one row is enough.
const ARGON2_MINIMUMS: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];

/// Everything `config` should make an operator think twice about, most serious first.
#[must_use]
pub fn examine(config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut unsafe_setting = |key, message: String| {
        findings.push(Finding {
            severity: Severity::Unsafe,
            key,
            message,
        });
    };
    let issuer = url::Url::parse(&config.server.issuer).ok();
    let issuer_is_local = issuer.as_ref().is_some_and(is_loopback_url);
    let issuer_is_https = issuer.as_ref().is_some_and(|url| url.scheme() == "https");

    if !issuer_is_https && !issuer_is_local {
        unsafe_setting(
            "server.issuer",
            format!(
                "{} is plain http outside this machine: codes, tokens and passwords cross the \
                 network readable, and cookies cannot be Secure. Use the public https:// URL of \
                 the TLS proxy in front.",
                config.server.issuer
            ),
        );
    }
    let passwords = &config.passwords;
    let strong_enough = ARGON2_MINIMUMS.iter().any(|&(memory, passes)| {
        passwords.argon2_memory_kib >= memory && passwords.argon2_iterations >= passes
    });
    if !strong_enough {
        unsafe_setting(
            "passwords.argon2_memory_kib",
            format!(
                "argon2id with {} KiB and {} pass(es) is below OWASP's minimum (19456 KiB with 2 \
                 passes, or 12288 × 3, 9216 × 4, 7168 × 5): a stolen database would be cheap to \
                 crack.",
                passwords.argon2_memory_kib, passwords.argon2_iterations
            ),
        );
    }
    if config.smtp.host.trim().is_empty() {
        unsafe_setting(
            "smtp.host",
            "is empty: e-mail (activation links, reset codes, sign-in codes) is not sent, only \
             written to the debug log. Set a mail server."
                .to_owned(),
        );
    }
    if config.sms.provider == SmsProvider::Log {
        unsafe_setting(
            "sms.provider",
            "is log: text messages (sign-in codes) are not sent, only written to the debug log. \
             Configure an HTTP gateway, or keep phone codes out of use."
                .to_owned(),
        );
    }
    if issuer_is_https && config.server.trusted_proxies.is_empty() {
        unsafe_setting(
            "server.trusted_proxies",
            "is empty while the issuer is https, so a TLS proxy answers in front of Gatehouse: \
             every request seems to come from the proxy, so one person's failed sign-ins lock \
             out everyone and the audit log shows only the proxy. List the proxy's addresses."
                .to_owned(),
        );
    }
    if config
        .server
        .trusted_proxies
        .iter()
        .any(|range| range.contains_everything())
    {
        unsafe_setting(
            "server.trusted_proxies",
            "trusts every address: any caller can choose the address its failed sign-ins are \
             counted against by sending X-Forwarded-For. List only the proxies."
                .to_owned(),
        );
    }
    if config.metrics.enabled
        && config
            .metrics
            .allowed_networks
            .iter()
            .any(|range| range.contains_everything())
    {
        unsafe_setting(
            "metrics.allowed_networks",
            "lets anyone read /metrics (client ids, traffic and sign-in failure rates). List \
             the network your Prometheus scrapes from."
                .to_owned(),
        );
    }

    let mut advice = |key, message: String| {
        findings.push(Finding {
            severity: Severity::Advice,
            key,
            message,
        });
    };
    if config.keys.encryption_key.is_none() && config.keys.encryption_key_file.is_none() {
        advice(
            "keys.encryption_key",
            "is generated into server.data_dir, beside the SQLite database: a copy of that \
             folder holds both the encrypted keys and the key that opens them. Keep the \
             key-encryption key elsewhere (keys.encryption_key_file, a secret store)."
                .to_owned(),
        );
    }
    let level = config.log.level.to_ascii_lowercase();
    if level.contains("debug") || level.contains("trace") {
        advice(
            "log.level",
            format!(
                "is {:?}: debug logs are verbose, and in log mode they carry message texts \
                 (codes and links). Use info in production.",
                config.log.level
            ),
        );
    }
    if config.log.format == LogFormat::Text && !issuer_is_local {
        advice(
            "log.format",
            "is text: log collectors parse json (one object per line, the access log's fields \
             under `fields`)."
                .to_owned(),
        );
    }
    if config.database_url().starts_with("sqlite:") && !issuer_is_local {
        advice(
            "database.url",
            "is SQLite: one node only. Use PostgreSQL to run several nodes behind a load \
             balancer."
                .to_owned(),
        );
    }
    findings
}

/// Whether `url` points at this machine (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(address)) => IpAddr::V4(address).is_loopback(),
        Some(url::Host::Ipv6(address)) => IpAddr::V6(address).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(variables: &[(&str, &str)]) -> Config {
        Config::load(
            None,
            variables
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect::<HashMap<_, _>>(),
        )
        .expect("a valid configuration")
    }

    fn unsafe_keys(config: &Config) -> Vec<&'static str> {
        examine(config)
            .into_iter()
            .filter(|finding| finding.severity == Severity::Unsafe)
            .map(|finding| finding.key)
            .collect()
    }

    const PRODUCTION: [(&str, &str); 5] = [
        ("GATEHOUSE_SERVER__ISSUER", "https://login.example.com"),
        ("GATEHOUSE_SERVER__TRUSTED_PROXIES", "10.0.0.0/8"),
        ("GATEHOUSE_SMTP__HOST", "smtp.example.com"),
        ("GATEHOUSE_SMS__PROVIDER", "http"),
        ("GATEHOUSE_SMS__URL", "https://sms.example.com/send"),
    ];

    #[test]
    fn a_production_configuration_has_nothing_unsafe() {
        assert_eq!(unsafe_keys(&config(&PRODUCTION)), Vec::<&str>::new());
    }

    #[test]
    fn each_unsafe_setting_is_named() {
        let with = |key: &str, value: &str| {
            let mut variables = PRODUCTION.to_vec();
            variables.retain(|(name, _)| *name != key);
            if !value.is_empty() {
                variables.push((key, value));
            }
            unsafe_keys(&config(&variables))
        };
        assert_eq!(
            with("GATEHOUSE_SERVER__ISSUER", "http://login.example.com"),
            ["server.issuer"]
        );
        assert_eq!(
            with("GATEHOUSE_PASSWORDS__ARGON2_MEMORY_KIB", "8192"),
            ["passwords.argon2_memory_kib"]
        );
        assert_eq!(with("GATEHOUSE_SMTP__HOST", ""), ["smtp.host"]);
        assert_eq!(with("GATEHOUSE_SMS__PROVIDER", ""), ["sms.provider"]);
        assert_eq!(
            with("GATEHOUSE_SERVER__TRUSTED_PROXIES", ""),
            ["server.trusted_proxies"]
        );
        assert_eq!(
            with("GATEHOUSE_SERVER__TRUSTED_PROXIES", "0.0.0.0/0"),
            ["server.trusted_proxies"]
        );
        assert_eq!(
            with("GATEHOUSE_METRICS__ALLOWED_NETWORKS", "0.0.0.0/0"),
            ["metrics.allowed_networks"]
        );
    }

    #[test]
    fn cheaper_memory_is_fine_with_more_passes() {
        let mut variables = PRODUCTION.to_vec();
        variables.push(("GATEHOUSE_PASSWORDS__ARGON2_MEMORY_KIB", "12288"));
        variables.push(("GATEHOUSE_PASSWORDS__ARGON2_ITERATIONS", "3"));
        assert_eq!(unsafe_keys(&config(&variables)), Vec::<&str>::new());
    }

    #[test]
    fn plain_http_on_this_machine_is_development_not_a_finding() {
        let findings = examine(&config(&[]));
        assert!(
            findings
                .iter()
                .all(|finding| finding.key != "server.issuer")
        );
        assert!(findings.iter().any(|finding| finding.key == "smtp.host"));
    }
}
