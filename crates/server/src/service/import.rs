//! Bringing users over from another system: JSON lines, one account per line, with their
//! existing password hashes, so nobody has to reset a password. Each line is one
//! transaction: a bad line is reported by its number and nothing of it is stored; the good
//! lines are imported.

use crate::error::ServerError;
use crate::service::audit::Actor;
use crate::service::users::{self, CreateRefusal, Credential, NewAccount, NewMembership};
use crate::state::AppState;
use gatehouse_core::profile::Profile;
use serde::{Deserialize, Serialize};

/// Most lines one import takes.
pub const MAX_LINES: usize = 10_000;

/// One line of an import file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    email: String,
    #[serde(default)]
    email_verified: bool,
    name: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    phone_verified: bool,
    locale: Option<String>,
    #[serde(default)]
    profile: LineProfile,
    #[serde(default)]
    memberships: Vec<LineMembership>,
    /// The hash from the old system.
    password_hash: Option<String>,
    /// No hash: e-mail an activation link instead.
    #[serde(default)]
    send_activation: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineProfile {
    trade_name: Option<String>,
    country: Option<String>,
    city: Option<String>,
    date_of_birth: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineMembership {
    studio: String,
    #[serde(default = "member_role")]
    role: String,
    username: Option<String>,
}

fn member_role() -> String {
    "member".to_owned()
}

/// An imported account.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// The line number (from 1).
    pub line: usize,
    /// The new account's id.
    pub id: String,
    /// Its e-mail.
    pub email: String,
}

/// A line that was not imported.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineError {
    /// The line number (from 1).
    pub line: usize,
    /// The field at fault, as a JSON pointer into the line (`/password_hash`), or `/` for
    /// the line as a whole.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Accounts created.
    pub imported: Vec<Imported>,
    /// Lines refused; nothing of them was stored.
    pub errors: Vec<LineError>,
}

/// Why an import was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportRefusal {
    /// More lines than [`MAX_LINES`].
    #[error("an import takes at most {MAX_LINES} lines; split the file")]
    TooManyLines,
    /// Our fault.
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// Imports the accounts of `text` (JSON lines; blank lines are skipped).
pub async fn import(state: &AppState, actor: &Actor, text: &str) -> Result<Report, ImportRefusal> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.len() > MAX_LINES {
        return Err(ImportRefusal::TooManyLines);
    }
    let mut report = Report {
        imported: Vec::new(),
        errors: Vec::new(),
    };
    for (number, line) in lines {
        let refuse = |field: String, message: String| LineError {
            line: number,
            field,
            message,
        };
        let parsed: Line = match parse_line(line) {
            Ok(parsed) => parsed,
            Err((field, message)) => {
                report.errors.push(refuse(field, message));
                continue;
            }
        };
        let credential = match (parsed.password_hash, parsed.send_activation) {
            (Some(hash), false) => Credential::ImportedHash(hash),
            (None, true) => Credential::Activation {
                language: parsed
                    .locale
                    .clone()
                    .unwrap_or_else(|| state.config.ui.default_locale.clone()),
            },
            _ => {
                report.errors.push(refuse(
                    "/password_hash".to_owned(),
                    "give the password_hash from the old system, or send_activation: true"
                        .to_owned(),
                ));
                continue;
            }
        };
        let email = parsed.email.clone();
        let new = NewAccount {
            email: parsed.email,
            email_verified: parsed.email_verified,
            name: parsed.name,
            phone: parsed.phone,
            phone_verified: parsed.phone_verified,
            locale: parsed.locale,
            profile: Profile {
                trade_name: parsed.profile.trade_name,
                country: parsed.profile.country,
                city: parsed.profile.city,
                date_of_birth: parsed.profile.date_of_birth,
                company: parsed.profile.company,
                job_title: parsed.profile.job_title,
            },
            memberships: parsed
                .memberships
                .into_iter()
                .map(|membership| NewMembership {
                    studio: membership.studio,
                    role: membership.role,
                    username: membership.username,
                })
                .collect(),
            credential,
        };
        match users::create(state, actor, new).await? {
            Ok(user) => report.imported.push(Imported {
                line: number,
                id: user.id.as_str().to_owned(),
                email: user.email,
            }),
            Err(refusal) => {
                let (field, message) = match refusal {
                    CreateRefusal::Invalid { field, message } => {
                        let field = match field.as_str() {
                            "trade_name" | "country" | "city" | "date_of_birth" | "company"
                            | "job_title" => format!("/profile/{field}"),
                            "language" => "/locale".to_owned(),
                            _ => format!("/{field}"),
                        };
                        (field, message)
                    }
                    CreateRefusal::EmailTaken => (
                        "/email".to_owned(),
                        format!("a user with the e-mail {email:?} already exists"),
                    ),
                    CreateRefusal::UsernameTaken { field } => (
                        format!("/{field}"),
                        "this user name is taken in the studio".to_owned(),
                    ),
                    other @ CreateRefusal::IdentityTaken => ("/".to_owned(), other.to_string()),
                };
                report.errors.push(refuse(field, message));
            }
        }
    }
    Ok(report)
}

/// Parses one line, naming the field that does not fit (as a JSON pointer) and why.
pub fn parse_line(line: &str) -> Result<Line, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_str(line);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ("/".to_owned(), "this line is not valid JSON".to_owned());
        }
        let path = error.path().to_string();
        let pointer = if path == "." {
            "/".to_owned()
        } else {
            format!("/{}", path.replace(['.', '['], "/").replace(']', ""))
        };
        let message = inner.to_string();
        let message = message
            .find(" at line ")
            .map_or(message.clone(), |position| message[..position].to_owned());
        (pointer, message)
    })
}
