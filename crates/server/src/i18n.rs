//! Languages of the hosted pages. Every string lives in `locales/<lang>/gatehouse.ftl`
//! (Fluent), so adding a language is adding one file and one entry in [`SUPPORTED`].

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Plain text and HTML attributes must not receive Unicode isolation marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages we ship, in switcher order.
pub const SUPPORTED: [&str; 6] = ["en", "vi", "fi", "sv", "it", "tr"];

static IDENTIFIERS: LazyLock<HashMap<&'static str, LanguageIdentifier>> = LazyLock::new(|| {
    SUPPORTED
        .iter()
        .filter_map(|tag| tag.parse().ok().map(|identifier| (*tag, identifier)))
        .collect()
});

/// Whether `tag` is a language we ship.
#[must_use]
pub fn is_supported(tag: &str) -> bool {
    SUPPORTED.contains(&tag)
}

/// The message `key` in `language`, falling back to English, then to the key itself.
#[must_use]
pub fn translate(language: &str, key: &str, arguments: &[(&str, String)]) -> String {
    let Some(identifier) = IDENTIFIERS.get(language).or_else(|| IDENTIFIERS.get("en")) else {
        return key.to_owned();
    };
    let arguments: HashMap<Cow<'static, str>, FluentValue<'_>> = arguments
        .iter()
        .map(|(name, value)| {
            (
                Cow::Owned((*name).to_owned()),
                FluentValue::from(value.clone()),
            )
        })
        .collect();
    LOCALES
        .try_lookup_complete(
            identifier,
            key,
            (!arguments.is_empty()).then_some(&arguments),
        )
        .unwrap_or_else(|| key.to_owned())
}

/// The message `key` in `language` (or English), or `None` when no catalogue has it.
#[must_use]
pub fn try_translate(language: &str, key: &str, arguments: &[(&str, String)]) -> Option<String> {
    let text = translate(language, key, arguments);
    (text != key).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUES: [(&str, &str); 6] = [
        ("en", include_str!("../locales/en/gatehouse.ftl")),
        ("vi", include_str!("../locales/vi/gatehouse.ftl")),
        ("fi", include_str!("../locales/fi/gatehouse.ftl")),
        ("sv", include_str!("../locales/sv/gatehouse.ftl")),
        ("it", include_str!("../locales/it/gatehouse.ftl")),
        ("tr", include_str!("../locales/tr/gatehouse.ftl")),
    ];

    fn keys(catalogue: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = catalogue
            .lines()
            .filter(|line| !line.starts_with(['#', ' ']) && line.contains(" ="))
            .filter_map(|line| line.split(" =").next())
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn every_language_has_every_key() {
        assert_eq!(CATALOGUES.len(), SUPPORTED.len());
        let reference = keys(CATALOGUES[0].1);
        assert!(reference.len() > 40);
        for (language, catalogue) in CATALOGUES {
            assert!(is_supported(language));
            assert_eq!(keys(catalogue), reference, "{language} has different keys");
        }
    }

    #[test]
    fn every_translation_keeps_its_placeholders() {
        let placeholders = |text: &str| {
            let mut found: Vec<String> = text
                .split("{ $")
                .skip(1)
                .filter_map(|rest| rest.split(' ').next().map(str::to_owned))
                .collect();
            found.sort();
            found
        };
        let messages = |catalogue: &'static str| {
            let mut messages = std::collections::BTreeMap::new();
            let mut current = String::new();
            for line in catalogue.lines() {
                if line.starts_with(' ') {
                    if let Some(text) = messages.get_mut(&current) {
                        *text = format!("{text}\n{line}");
                    }
                } else if let Some((key, text)) = line.split_once(" =") {
                    current = key.to_owned();
                    messages.insert(current.clone(), text.to_owned());
                }
            }
            messages
        };
        let reference = messages(CATALOGUES[0].1);
        for (language, catalogue) in CATALOGUES {
            for (key, text) in messages(catalogue) {
                assert_eq!(
                    placeholders(&text),
                    placeholders(&reference[&key]),
                    "{language} {key}"
                );
            }
            // Every message formats without falling back to its key.
            for (key, text) in &reference {
                let names = placeholders(text);
                let arguments: Vec<(&str, String)> = names
                    .iter()
                    .map(|name| (name.as_str(), "x".to_owned()))
                    .collect();
                assert!(
                    try_translate(language, key, &arguments).is_some(),
                    "{language} cannot format {key}"
                );
            }
        }
    }

    #[test]
    fn lookups_fill_arguments() {
        assert_eq!(translate("vi", "login-title", &[]), "Đăng nhập");
        assert_eq!(translate("fi", "language-name", &[]), "Suomi");
        assert_eq!(
            translate("en", "login-error-throttled", &[("seconds", "30".into())]),
            "Too many attempts. Please wait 30 seconds and try again."
        );
        assert_eq!(translate("xx", "login-title", &[]), "Sign in");
        assert_eq!(translate("en", "no-such-key", &[]), "no-such-key");
    }
}
