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
pub const SUPPORTED: [&str; 2] = ["en", "vi"];

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

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUES: [(&str, &str); 2] = [
        ("en", include_str!("../locales/en/gatehouse.ftl")),
        ("vi", include_str!("../locales/vi/gatehouse.ftl")),
    ];

    fn keys(catalogue: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = catalogue
            .lines()
            .filter(|line| !line.starts_with('#') && line.contains(" = "))
            .filter_map(|line| line.split(" = ").next())
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
    fn lookups_fill_arguments() {
        assert_eq!(translate("vi", "login-title", &[]), "Đăng nhập");
        assert_eq!(
            translate("en", "login-error-throttled", &[("seconds", "30".into())]),
            "Too many attempts. Please wait 30 seconds and try again."
        );
        assert_eq!(translate("xx", "login-title", &[]), "Sign in");
        assert_eq!(translate("en", "no-such-key", &[]), "no-such-key");
    }
}
