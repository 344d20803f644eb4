//! Helpers shared by the row conversions: JSON lists in text columns, scopes, authentication.

use crate::error::{StoreResult, corrupt};
use gatehouse_core::UnixTime;
use gatehouse_core::scope::Scope;
use gatehouse_core::session::Authentication;

pub(crate) fn to_json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn from_json_list(text: &str, column: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|error| corrupt(format!("{column}: {error}")))
}

pub(crate) fn parse_scope(text: &str, column: &str) -> StoreResult<Scope> {
    Scope::parse(text).map_err(|error| corrupt(format!("{column}: {error}")))
}

pub(crate) fn authentication(
    auth_time: i64,
    amr: &str,
    acr: String,
) -> StoreResult<Authentication> {
    Ok(Authentication {
        auth_time: UnixTime(auth_time),
        amr: from_json_list(amr, "amr")?,
        acr,
    })
}
