//! Server-rendered pages with minijinja. Built-in templates are compiled into the binary; an
//! operator can replace any of them by file name from `ui.templates_dir` to re-brand without a
//! rebuild. HTML auto-escaping is on for `.html` templates.

use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value};
use std::path::Path;
use std::sync::Arc;

/// The built-in templates, by name.
const BUILT_IN: [(&str, &str); 31] = [
    ("base.html", include_str!("../templates/base.html")),
    ("login.html", include_str!("../templates/login.html")),
    (
        "select_account.html",
        include_str!("../templates/select_account.html"),
    ),
    ("consent.html", include_str!("../templates/consent.html")),
    (
        "device_swap.html",
        include_str!("../templates/device_swap.html"),
    ),
    ("logout.html", include_str!("../templates/logout.html")),
    (
        "logged_out.html",
        include_str!("../templates/logged_out.html"),
    ),
    ("home.html", include_str!("../templates/home.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("account.html", include_str!("../templates/account.html")),
    (
        "studio_members.html",
        include_str!("../templates/studio_members.html"),
    ),
    ("message.html", include_str!("../templates/message.html")),
    (
        "confirm_link.html",
        include_str!("../templates/confirm_link.html"),
    ),
    (
        "reauthenticate.html",
        include_str!("../templates/reauthenticate.html"),
    ),
    ("code.html", include_str!("../templates/code.html")),
    (
        "upstream_link.html",
        include_str!("../templates/upstream_link.html"),
    ),
    (
        "provider_mark.html",
        include_str!("../templates/provider_mark.html"),
    ),
    (
        "password_form.html",
        include_str!("../templates/password_form.html"),
    ),
    ("register.html", include_str!("../templates/register.html")),
    (
        "forgot_password.html",
        include_str!("../templates/forgot_password.html"),
    ),
    (
        "forgot_username.html",
        include_str!("../templates/forgot_username.html"),
    ),
    (
        "reactivate.html",
        include_str!("../templates/reactivate.html"),
    ),
    ("mfa.html", include_str!("../templates/mfa.html")),
    (
        "mfa_setup.html",
        include_str!("../templates/mfa_setup.html"),
    ),
    ("mfa_help.html", include_str!("../templates/mfa_help.html")),
    ("security.html", include_str!("../templates/security.html")),
    (
        "totp_setup.html",
        include_str!("../templates/totp_setup.html"),
    ),
    (
        "code_setup.html",
        include_str!("../templates/code_setup.html"),
    ),
    (
        "recovery_codes.html",
        include_str!("../templates/recovery_codes.html"),
    ),
    ("mail.txt", include_str!("../templates/mail.txt")),
    ("mail.html", include_str!("../templates/mail.html")),
];

/// A template could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {message}")]
pub struct TemplateLoadError {
    name: String,
    message: String,
}

/// The compiled templates.
#[derive(Clone)]
pub struct Templates {
    environment: Arc<Environment<'static>>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Templates(..)")
    }
}

impl Templates {
    /// Compiles the built-in templates, each replaced by a same-named file in `override_dir`.
    pub fn load(override_dir: Option<&Path>) -> Result<Self, TemplateLoadError> {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Chainable);
        environment.add_function("t", translate);
        for (name, built_in) in BUILT_IN {
            let source = match override_dir
                .map(|folder| folder.join(name))
                .filter(|path| path.is_file())
            {
                Some(path) => {
                    std::fs::read_to_string(&path).map_err(|error| TemplateLoadError {
                        name: path.display().to_string(),
                        message: error.to_string(),
                    })?
                }
                None => built_in.to_owned(),
            };
            environment
                .add_template_owned(name, source)
                .map_err(|error| TemplateLoadError {
                    name: name.to_owned(),
                    message: error.to_string(),
                })?;
        }
        Ok(Self {
            environment: Arc::new(environment),
        })
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, Error> {
        self.environment.get_template(name)?.render(context)
    }
}

/// `t("key", name=value, ...)`: the message in the page's language (`lang` in the context).
fn translate(state: &State, key: String, arguments: Kwargs) -> Result<String, Error> {
    let language = state
        .lookup("lang")
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "en".to_owned());
    let mut values = Vec::new();
    for name in arguments.args() {
        let value: Value = arguments.get(name)?;
        values.push((name, value.to_string()));
    }
    arguments
        .assert_all_used()
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))?;
    Ok(crate::i18n::translate(&language, &key, &values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_translated_and_escaped() {
        let templates = Templates::load(None).expect("built-in templates compile");
        let html = templates
            .render(
                "login.html",
                minijinja::context! {
                    lang => "vi",
                    product_name => "Gatehouse",
                    client_name => "<script>",
                    csrf_token => "t",
                    email => "",
                    languages => Vec::<Value>::new(),
                },
            )
            .expect("renders");
        assert!(html.contains("Đăng nhập"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
