//! The consent page for clients that are not first-party.

use super::FlowQuery;
use crate::error::PageError;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::authorization::{self, FlowPage, page_url};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::scope::{STANDARD_SCOPES, Scope};
use serde::Deserialize;

/// One line per scope, the standard ones first in their usual order.
pub(crate) fn describe_scopes(language: &str, scope: &Scope) -> Vec<String> {
    let standard = STANDARD_SCOPES
        .iter()
        .copied()
        .filter(|token| scope.contains(token));
    let custom = scope
        .iter()
        .filter(|token| !STANDARD_SCOPES.contains(token));
    standard
        .chain(custom)
        .map(|token| {
            if STANDARD_SCOPES.contains(&token) {
                // Catalogue keys cannot hold `:` (`gatehouse:profile`).
                crate::i18n::translate(language, &format!("scope-{}", token.replace(':', "-")), &[])
            } else {
                crate::i18n::translate(language, "scope-other", &[("scope", token.to_owned())])
            }
        })
        .collect()
}

/// `GET /consent`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    Query(query): Query<FlowQuery>,
) -> Result<Response, PageError> {
    let flow_id = query
        .flow
        .filter(|flow| !flow.is_empty())
        .ok_or_else(PageError::flow_expired)?;
    let (page, flow, client) = super::flow_page(&state, page, &flow_id).await?;
    let Some(active) = session else {
        return Ok(Redirect::to(&page_url(FlowPage::Login, &flow_id)).into_response());
    };
    let scopes = describe_scopes(&page.language, &flow.request.scope);
    page.render(
        &state,
        "consent.html",
        minijinja::context! {
            flow => flow_id,
            client_name => client.name,
            email => active.user.email,
            scopes => scopes,
        },
    )
}

/// The consent decision.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    flow: String,
    #[serde(default)]
    decision: String,
}

impl CsrfProtected for ConsentForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /consent`
pub async fn submit(
    State(state): State<AppState>,
    origin: crate::http::Origin,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<ConsentForm>,
) -> Result<Response, PageError> {
    let Some(active) = session else {
        return Ok(Redirect::to(&page_url(FlowPage::Login, &form.flow)).into_response());
    };
    if form.decision != "allow" {
        return Ok(super::follow(
            authorization::deny(&state, &form.flow).await?,
        ));
    }
    let actor = origin.actor(active.user.id.as_str());
    let progress = authorization::record_consent(&state, &form.flow, &active, &actor).await?;
    Ok(super::follow(
        authorization::resume(&state, &form.flow, progress, Some(&active)).await?,
    ))
}
