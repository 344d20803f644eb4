//! Messages to people: e-mail over SMTP and SMS through an HTTP gateway.
//!
//! A message is rendered in the recipient's language when the change that causes it happens,
//! encrypted under the key-encryption key (it may carry a reset link or code), and written to
//! the outbox in the same transaction as that change. The outbox worker decrypts and delivers
//! it with retries; see `outbox.rs`.

use crate::config::{SmsConfig, SmsFormat, SmsProvider, SmtpConfig, SmtpTls};
use crate::crypto::encryption::KeyEncryptionKey;
use crate::state::AppState;
use gatehouse_core::UnixTime;
use gatehouse_core::studio::Studio;
use gatehouse_store::{DbConn, StoreError, StoreResult, outbox};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The outbox kind of e-mail.
pub const EMAIL: &str = "email";
/// The outbox kind of SMS.
pub const SMS: &str = "sms";

/// A rendered e-mail, as queued (encrypted) in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Sender display name, when a studio sets its own.
    pub sender_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Plain text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// A rendered SMS, as queued (encrypted) in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sms {
    /// E.164 number.
    pub to: String,
    /// Text.
    pub text: String,
}

/// A message to render: its name (see `gatehouse_core::studio::MESSAGE_NAMES`), language,
/// the studio whose wording and sender apply, and its variables.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Message name, e.g. `activation`.
    pub name: &'static str,
    /// Language of the recipient.
    pub language: &'a str,
    /// The studio the message is about, if any.
    pub studio: Option<&'a Studio>,
    /// Variables: `name`, `link`, `code`, `username`, ...
    pub variables: BTreeMap<&'static str, String>,
}

fn fluent_arguments<'a>(
    state: &AppState,
    variables: &'a BTreeMap<&'static str, String>,
) -> Vec<(&'a str, String)> {
    let mut arguments: Vec<(&str, String)> = variables
        .iter()
        .map(|(name, value)| (*name, value.clone()))
        .collect();
    arguments.push(("product", state.config.ui.product_name.clone()));
    arguments
}

/// What a studio's message override is rendered into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The subject or a plain-text body: no markup; a subject loses line breaks.
    Text,
    /// The HTML body: every variable is HTML-escaped (a user's name is the user's words).
    Html,
}

fn render_override(
    template: &str,
    state: &AppState,
    variables: &BTreeMap<&'static str, String>,
    part: Part,
) -> Option<String> {
    let mut context: BTreeMap<&str, String> = variables.clone().into_iter().collect();
    context.insert("product", state.config.ui.product_name.clone());
    let mut environment = minijinja::Environment::new();
    environment.set_auto_escape_callback(move |_| match part {
        Part::Html => minijinja::AutoEscape::Html,
        Part::Text => minijinja::AutoEscape::None,
    });
    environment
        .render_str(template, context)
        .map_err(|error| tracing::warn!(%error, "a studio's message override failed to render; using the default"))
        .ok()
}

/// A header value without control characters: CR and LF would start a header of their own.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect()
}

/// Renders an e-mail to `to`.
pub fn render_email(
    state: &AppState,
    message: &Outgoing<'_>,
    to: &str,
) -> Result<Email, minijinja::Error> {
    let arguments = fluent_arguments(state, &message.variables);
    let translate = |key: String| crate::i18n::translate(message.language, &key, &arguments);
    let overrides = message
        .studio
        .and_then(|studio| studio.settings.message_overrides.get(message.name));
    let subject = overrides
        .and_then(|custom| custom.subject.as_deref())
        .and_then(|template| render_override(template, state, &message.variables, Part::Text))
        .unwrap_or_else(|| translate(format!("mail-{}-subject", message.name)));
    let subject = single_line(&subject);
    let body = translate(format!("mail-{}-body", message.name));
    let action = crate::i18n::try_translate(
        message.language,
        &format!("mail-{}-action", message.name),
        &arguments,
    );
    let context = minijinja::context! {
        lang => message.language,
        product_name => state.config.ui.product_name.clone(),
        subject => subject.clone(),
        greeting => match message.variables.get("name") {
            Some(name) if !name.is_empty() => translate("mail-greeting-name".into()),
            _ => translate("mail-greeting".into()),
        },
        paragraphs => body
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .map(str::to_owned)
            .collect::<Vec<String>>(),
        link => message.variables.get("link"),
        action => action,
        code => message.variables.get("code"),
        footer => translate("mail-footer".into()),
        studio_name => message.studio.map(|studio| studio.name.clone()),
    };
    let text = match overrides.and_then(|custom| custom.text.as_deref()) {
        Some(template) => render_override(template, state, &message.variables, Part::Text),
        None => None,
    }
    .map_or_else(|| state.templates.render("mail.txt", context.clone()), Ok)?;
    let html = match overrides.and_then(|custom| custom.html.as_deref()) {
        Some(template) => render_override(template, state, &message.variables, Part::Html),
        None => None,
    }
    .map_or_else(|| state.templates.render("mail.html", context), Ok)?;
    Ok(Email {
        to: to.to_owned(),
        sender_name: message
            .studio
            .and_then(|studio| studio.settings.email_sender_name.as_deref())
            .map(single_line),
        subject,
        text,
        html,
    })
}

/// Renders an SMS to `to`.
#[must_use]
pub fn render_sms(state: &AppState, message: &Outgoing<'_>, to: &str) -> Sms {
    let arguments = fluent_arguments(state, &message.variables);
    let text = message
        .studio
        .and_then(|studio| studio.settings.message_overrides.get(message.name))
        .and_then(|custom| custom.text.as_deref())
        .and_then(|template| render_override(template, state, &message.variables, Part::Text))
        .unwrap_or_else(|| {
            crate::i18n::translate(
                message.language,
                &format!("sms-{}", message.name),
                &arguments,
            )
        });
    Sms {
        to: to.to_owned(),
        text,
    }
}

/// A message sealed for the outbox: rendered, serialised and encrypted outside the
/// transaction, so the transaction itself only inserts a row.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// [`EMAIL`] or [`SMS`].
    pub kind: &'static str,
    ciphertext: String,
}

/// Seals an e-mail.
pub fn seal_email(
    kek: &KeyEncryptionKey,
    email: &Email,
) -> Result<Sealed, crate::error::ServerError> {
    let plaintext =
        serde_json::to_vec(email).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok(Sealed {
        kind: EMAIL,
        ciphertext: kek.encrypt(&plaintext)?,
    })
}

/// Seals an SMS.
pub fn seal_sms(kek: &KeyEncryptionKey, sms: &Sms) -> Result<Sealed, crate::error::ServerError> {
    let plaintext =
        serde_json::to_vec(sms).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok(Sealed {
        kind: SMS,
        ciphertext: kek.encrypt(&plaintext)?,
    })
}

/// Queues sealed messages inside the caller's transaction.
pub fn enqueue(connection: &mut DbConn, messages: &[Sealed], now: UnixTime) -> StoreResult<()> {
    for message in messages {
        outbox::enqueue(
            connection,
            &crate::random::row_id(),
            message.kind,
            &message.ciphertext,
            now,
        )?;
    }
    Ok(())
}

/// Stores `message` as a stand-in that is never sent (see [`outbox::insert_discarded`]).
pub fn enqueue_discarded(
    connection: &mut DbConn,
    message: &Sealed,
    now: UnixTime,
) -> StoreResult<()> {
    outbox::insert_discarded(
        connection,
        &crate::random::row_id(),
        message.kind,
        &message.ciphertext,
        now,
    )
}

/// Sends e-mail: over SMTP, or to the log when no server is configured (development).
#[derive(Clone)]
pub enum Mailer {
    /// A real SMTP server.
    Smtp {
        /// The pooled transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The configured sender.
        from: Mailbox,
    },
    /// No SMTP server: messages are logged.
    Log,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { from, .. } => write!(formatter, "Mailer::Smtp({from})"),
            Self::Log => formatter.write_str("Mailer::Log"),
        }
    }
}

impl Mailer {
    /// Builds the mailer from `[smtp]`.
    pub fn from_config(config: &SmtpConfig) -> anyhow::Result<Self> {
        if config.host.is_empty() {
            tracing::warn!(
                "smtp.host is empty: e-mail is not sent; its text (codes and links included) \
                 is written to the log at debug level only, for development"
            );
            return Ok(Self::Log);
        }
        let builder = match config.tls {
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)?,
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?
            }
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(config.timeout_seconds)));
        let password = match (&config.password, &config.password_file) {
            (Some(password), _) => Some(password.expose_secret().to_owned()),
            (None, Some(file)) => Some(std::fs::read_to_string(file)?.trim().to_owned()),
            (None, None) => None,
        };
        if let (Some(username), Some(password)) = (&config.username, password) {
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self::Smtp {
            transport: builder.build(),
            from: config.from.parse()?,
        })
    }

    /// Sends one e-mail.
    pub async fn send(&self, email: &Email) -> Result<(), String> {
        match self {
            Self::Log => {
                // The body carries codes and links: never at the levels production logs keep.
                tracing::info!(subject = %email.subject, "e-mail not sent: smtp.host is empty");
                tracing::debug!(to = %email.to, subject = %email.subject, body = %email.text, "e-mail (not sent)");
                Ok(())
            }
            Self::Smtp { transport, from } => {
                let from = match &email.sender_name {
                    Some(name) => Mailbox::new(Some(name.clone()), from.email.clone()),
                    None => from.clone(),
                };
                let to: Mailbox = email
                    .to
                    .parse()
                    .map_err(|error| format!("bad recipient: {error}"))?;
                let message = lettre::Message::builder()
                    .from(from)
                    .to(to)
                    .subject(email.subject.clone())
                    .multipart(MultiPart::alternative_plain_html(
                        email.text.clone(),
                        email.html.clone(),
                    ))
                    .map_err(|error| error.to_string())?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|error| error.to_string())
            }
        }
    }
}

/// Sends an SMS through the configured gateway, or logs it.
pub async fn send_sms(config: &SmsConfig, http: &reqwest::Client, sms: &Sms) -> Result<(), String> {
    if config.provider != SmsProvider::Http {
        tracing::info!("SMS not sent: sms.provider is log");
        tracing::debug!(to = %sms.to, text = %sms.text, "SMS (not sent)");
        return Ok(());
    }
    let templates: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&config.fields).map_err(|error| error.to_string())?;
    let fields: BTreeMap<String, String> = templates
        .into_iter()
        .map(|(name, template)| {
            let value = template
                .as_str()
                .unwrap_or_default()
                .replace("{to}", &sms.to)
                .replace("{from}", &config.from)
                .replace("{text}", &sms.text);
            (name, value)
        })
        .collect();
    let mut request = http
        .post(&config.url)
        .timeout(Duration::from_secs(config.timeout_seconds));
    request = if config.format == SmsFormat::Form {
        request.form(&fields)
    } else {
        request.json(&fields)
    };
    if let Some(authorization) = &config.authorization {
        request = request.header(
            reqwest::header::AUTHORIZATION,
            authorization.expose_secret(),
        );
    }
    let response = request.send().await.map_err(|error| error.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the SMS gateway answered {}", response.status()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Everything logged while `work` runs with `filter`, as text.
    pub(crate) fn logged(filter: &str, work: impl FnOnce()) -> String {
        let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(move || Writer(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, work);
        let bytes = buffer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    struct Writer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn send_in_log_mode() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let email = Email {
            to: "anna@example.com".into(),
            sender_name: None,
            subject: "Reset your password".into(),
            text: "Your code is 493817: https://id.example/reset-password?token=SECRET".into(),
            html: String::new(),
        };
        let sms = Sms {
            to: "+393331234567".into(),
            text: "Your code is 493817".into(),
        };
        runtime.block_on(async {
            Mailer::Log.send(&email).await.expect("logged");
            send_sms(&SmsConfig::default(), &reqwest::Client::new(), &sms)
                .await
                .expect("logged");
        });
    }

    #[test]
    fn log_mode_keeps_codes_and_links_out_of_info_logs() {
        let info = logged("info", send_in_log_mode);
        assert!(
            info.contains("e-mail not sent") && info.contains("SMS not sent"),
            "{info}"
        );
        assert!(
            !info.contains("493817") && !info.contains("SECRET"),
            "{info}"
        );
        let debug = logged("debug", send_in_log_mode);
        assert!(
            debug.contains("493817") && debug.contains("SECRET"),
            "{debug}"
        );
    }
}
