//! axe-core, Deque's accessibility rules engine, from npm (the lock file in
//! `tests/accessibility`), run inside a page of a [`Chromium`] session.

use crate::webdriver::Chromium;
use serde_json::{Value, json};
use std::fmt;

/// The source of `axe.min.js`, installed once per build directory.
async fn source() -> &'static str {
    static SOURCE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    SOURCE
        .get_or_init(|| async {
            let folder =
                crate::npm::install("accessibility", &[], "node_modules/axe-core/axe.min.js").await;
            std::fs::read_to_string(folder.join("node_modules/axe-core/axe.min.js"))
                .expect("axe.min.js")
        })
        .await
}

/// Runs axe's rules in a page where the library is defined; `arguments[0]` is axe's options.
const RUN: &str = "
const done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then(
  (results) => done({ violations: results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  })) }),
  (error) => done({ error: String(error) }),
);";

/// A rule the page breaks.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The rule, such as `color-contrast`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// CSS selectors of the elements that break it.
    pub targets: Vec<String>,
}

impl Violation {
    /// Whether axe rates it `serious` or `critical`: a barrier for some users, not a nicety.
    #[must_use]
    pub fn is_barrier(&self) -> bool {
        matches!(self.impact.as_str(), "serious" | "critical")
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} ({}): {} at {}",
            self.id,
            self.impact,
            self.help,
            self.targets.join(", ")
        )
    }
}

/// Runs axe on the page Chromium shows and returns every violation. `options` are axe's
/// run options (`{}` for its default rules).
///
/// The library is defined in the page by a WebDriver script (once per page), however strict
/// the page's Content-Security-Policy is: WebDriver's scripts are not subject to it.
pub async fn check(chromium: &Chromium, options: Value) -> Vec<Violation> {
    let defined = chromium
        .script("return typeof axe !== 'undefined';", json!([]))
        .await;
    if defined != json!(true) {
        let script = format!("{}\nreturn typeof axe !== 'undefined';", source().await);
        let defined = chromium.script(&script, json!([])).await;
        assert_eq!(defined, json!(true), "axe.min.js did not define axe");
    }
    let answer = chromium.script_async(RUN, json!([options])).await;
    if let Some(error) = answer.get("error") {
        panic!("axe failed on {}: {error}", chromium.url().await);
    }
    answer["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("no violations list from axe: {answer}"))
        .iter()
        .map(|violation| Violation {
            id: text(&violation["id"]),
            impact: text(&violation["impact"]),
            help: text(&violation["help"]),
            targets: violation["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
        })
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
