//! Choosing the language of a page: `ui_locales`, the user's saved choice, the switcher's
//! cookie, then `Accept-Language` (RFC 9110 §12.5.4), then the default.

/// Picks the first supported language from the sources, in order of precedence.
///
/// Each source is a list of language tags, most preferred first; tags match a supported
/// language by their primary subtag, so `vi-VN` selects `vi`.
#[must_use]
pub fn negotiate<'a>(sources: &[&[String]], supported: &[&'a str], default: &'a str) -> &'a str {
    sources
        .iter()
        .flat_map(|source| source.iter())
        .find_map(|tag| match_tag(tag, supported))
        .unwrap_or(default)
}

fn match_tag<'a>(tag: &str, supported: &[&'a str]) -> Option<&'a str> {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    supported
        .iter()
        .find(|candidate| {
            candidate.eq_ignore_ascii_case(tag) || candidate.eq_ignore_ascii_case(primary)
        })
        .copied()
}

/// Parses an `Accept-Language` header into tags ordered by quality, dropping `q=0`.
#[must_use]
pub fn parse_accept_language(header: &str) -> Vec<String> {
    let mut weighted: Vec<(u16, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            if tag.is_empty() || tag == "*" {
                return None;
            }
            let quality = parts
                .find_map(|parameter| parameter.trim().strip_prefix("q="))
                .and_then(|value| value.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Thousandths keep the sort total without floating-point comparisons.
            let thousandths = (quality.clamp(0.0, 1.0) * 1000.0).round() as u16;
            (thousandths > 0).then(|| (thousandths, position, tag.to_owned()))
        })
        .collect();
    weighted.sort_by(|left, right| right.0.cmp(&left.0).then(left.1.cmp(&right.1)));
    weighted.into_iter().map(|(_, _, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_matching() {
        let supported = ["en", "vi"];
        let ui_locales = vec!["fr".to_owned(), "vi-VN".to_owned()];
        let accept = parse_accept_language("en-GB,en;q=0.9");
        assert_eq!(negotiate(&[&ui_locales, &accept], &supported, "en"), "vi");
        assert_eq!(negotiate(&[&[], &accept], &supported, "vi"), "en");
        assert_eq!(negotiate(&[&[]], &supported, "en"), "en");
    }

    #[test]
    fn accept_language_quality_order() {
        assert_eq!(
            parse_accept_language("fi;q=0.5, vi, en;q=0.8, sv;q=0"),
            vec!["vi", "en", "fi"]
        );
        assert!(parse_accept_language("").is_empty());
    }
}
