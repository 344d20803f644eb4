//! The hosted pages: sign-in, account choice, consent, the landing page and static assets.

pub mod account;
pub mod activate;
pub mod assets;
pub mod consent;
pub mod home;
pub mod interrupts;
pub mod login;
pub mod mfa;
pub mod reauth;
pub mod recovery;
pub mod register;
pub mod security;
pub mod select_account;
pub mod studio_admin;

use crate::error::PageError;
use crate::http::page::PageContext;
use crate::service::authorization::{self, Outcome};
use crate::state::AppState;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::client::Client;
use gatehouse_store::flows::StoredFlow;

/// Loads the flow a page belongs to; remembers a language picked on the page for the rest
/// of the flow; and applies the flow's `ui_locales` to the page.
pub(crate) async fn flow_page(
    state: &AppState,
    page: PageContext,
    flow_id: &str,
) -> Result<(PageContext, StoredFlow, Client), PageError> {
    if let Some(language) = page.chosen_language() {
        authorization::save_language(state, flow_id, language).await?;
    }
    let (flow, client) = authorization::load_flow(state, flow_id).await?;
    let page = page.with_ui_locales(state, &flow.request.ui_locales);
    Ok((page, flow, client))
}

/// Where a page may send the browser back to: only our own account pages, never a path
/// another site could be hiding in (`//host`, backslashes, control characters).
pub(crate) fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(path)
            if path.starts_with("/account")
                && !path.contains("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

/// `?token=` of a page that an e-mailed link opens.
#[derive(Debug, serde::Deserialize)]
pub struct TokenQuery {
    /// The link's token.
    #[serde(default)]
    pub token: String,
}

/// The button of a page that an e-mailed link opens: its token, posted back.
#[derive(Debug, serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    /// The link's token.
    #[serde(default)]
    pub token: String,
}

impl crate::http::page::CsrfProtected for TokenForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// "This link is invalid or has expired" (`400`), with a way on where there is one.
pub(crate) fn invalid_link(
    state: &AppState,
    page: &PageContext,
    way_on: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let mut response = page.render_message(
        state,
        "link-invalid-title",
        vec![page.translate("link-invalid-body", &[])],
        way_on,
    )?;
    *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    Ok(response)
}

/// A redirect for an authorization outcome.
pub(crate) fn follow(outcome: Outcome) -> Response {
    match outcome {
        Outcome::ToClient(url) | Outcome::ToPage(url) => Redirect::to(&url).into_response(),
    }
}

/// The JSON answer to a passkey options request: the ceremony id and the options for
/// `navigator.credentials`.
pub(crate) fn ceremony_response(ceremony: &crate::service::mfa::passkeys::Ceremony) -> Response {
    let mut body = ceremony.options.clone();
    body["ceremony"] = ceremony.id.clone().into();
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
