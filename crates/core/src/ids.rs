//! Identifiers. Each is a distinct type so a user id can never be passed where a client id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier that was generated or loaded elsewhere.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The identifier as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The identifier as owned text.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A user account, also the `sub` claim (public subject identifiers).
    UserId
);
string_id!(
    /// A registered relying party (`client_id`).
    ClientId
);
string_id!(
    /// A browser session, also the `sid` claim. Not the cookie secret, which is never stored.
    SessionId
);
string_id!(
    /// An authorization grant: the family of refresh and access tokens born from one consent.
    GrantId
);
string_id!(
    /// A studio (organisation, licence, tenant).
    StudioId
);
string_id!(
    /// A registered device (browser or app installation) of a user.
    DeviceId
);
