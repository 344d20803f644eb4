//! What people type in the sign-in field: an e-mail address, or `username@licence-number`
//! (also `username@studio-slug`), which selects the studio up front.

use crate::studio::{InvalidName, normalize_username};
use crate::user::normalize_email;

/// A parsed sign-in name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInName {
    /// A normalised e-mail address.
    Email(String),
    /// A studio-scoped user name and the licence number or slug after the `@`.
    StudioUser {
        /// The normalised user name.
        username: String,
        /// The licence number or studio slug, lower-cased.
        studio: String,
    },
}

/// A sign-in name that is neither an e-mail nor `user@licence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("enter your e-mail address, or your user name and licence as user@licence")]
pub struct InvalidSignInName;

impl From<InvalidName> for InvalidSignInName {
    fn from(_: InvalidName) -> Self {
        Self
    }
}

/// Parses a sign-in name. The part after the last `@` decides: a domain (it has a dot) makes
/// an e-mail address; anything else is a licence number or studio slug.
pub fn parse_sign_in_name(input: &str) -> Result<SignInName, InvalidSignInName> {
    let input = input.trim();
    let (local, after) = input.rsplit_once('@').ok_or(InvalidSignInName)?;
    if local.is_empty() || after.is_empty() {
        return Err(InvalidSignInName);
    }
    if after.contains('.') {
        return normalize_email(input)
            .map(SignInName::Email)
            .map_err(|_| InvalidSignInName);
    }
    let is_studio_reference = after
        .chars()
        .all(|character| character.is_ascii_alphanumeric() || character == '-');
    if !is_studio_reference || local.contains('@') {
        return Err(InvalidSignInName);
    }
    Ok(SignInName::StudioUser {
        username: normalize_username(local)?,
        studio: after.to_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<SignInName, InvalidSignInName>) {
        assert_eq!(parse_sign_in_name(input), expected, "{input:?}");
    }

    #[test]
    fn sign_in_names() {
        check(
            "Anna@Studio.it",
            Ok(SignInName::Email("anna@studio.it".into())),
        );
        check(
            "kayttaja@123",
            Ok(SignInName::StudioUser {
                username: "kayttaja".into(),
                studio: "123".into(),
            }),
        );
        check(
            " Mario@Studio-Rossi ",
            Ok(SignInName::StudioUser {
                username: "mario".into(),
                studio: "studio-rossi".into(),
            }),
        );
        for bad in [
            "",
            "kayttaja",
            "@123",
            "kayttaja@",
            "a@b@c",
            "a b@123",
            "x@12 3",
            "a@.com",
        ] {
            check(bad, Err(InvalidSignInName));
        }
    }
}
