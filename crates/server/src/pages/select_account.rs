//! "Continue as ... / use another account", and the studio picker for users who belong to
//! several studios (`prompt=select_account`, or no remembered choice).

use super::FlowQuery;
use crate::error::PageError;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::authorization::{self, FlowPage, page_url};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::StudioId;
use gatehouse_core::authorize::FlowProgress;
use serde::Deserialize;

/// `GET /select-account`
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
    let (page, _, client) = super::flow_page(&state, page, &flow_id).await?;
    let Some(active) = session else {
        return Ok(Redirect::to(&page_url(FlowPage::Login, &flow_id)).into_response());
    };
    let candidates = authorization::studio_candidates(&state, &client, &active.user).await?;
    let studios: Vec<minijinja::Value> = if candidates.len() > 1 {
        candidates
            .iter()
            .map(|studio| {
                minijinja::context! {
                    id => studio.id.as_str(),
                    name => studio.name.clone(),
                    is_current => active.session.studio_id.as_ref() == Some(&studio.id),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    page.render(
        &state,
        "select_account.html",
        minijinja::context! {
            flow => flow_id,
            client_name => client.name,
            email => active.user.email,
            studios => studios,
        },
    )
}

/// The account (and studio) choice.
#[derive(Debug, Deserialize)]
pub struct SelectAccountForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    flow: String,
    #[serde(default)]
    choice: String,
    studio: Option<String>,
}

impl CsrfProtected for SelectAccountForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /select-account`
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<SelectAccountForm>,
) -> Result<Response, PageError> {
    let (flow, _) = authorization::load_flow(&state, &form.flow).await?;
    match (form.choice.as_str(), session) {
        ("current", Some(active)) => {
            let progress = FlowProgress {
                account_selected: true,
                picked_studio: form
                    .studio
                    .filter(|studio| !studio.is_empty())
                    .map(StudioId::new),
                ..flow.progress
            };
            authorization::save_progress(&state, &form.flow, progress.clone()).await?;
            Ok(super::follow(
                authorization::resume(&state, &form.flow, progress, Some(&active)).await?,
            ))
        }
        _ => Ok(Redirect::to(&page_url(FlowPage::Login, &form.flow)).into_response()),
    }
}
