//! The landing page: who is signed in, and a way out.

use crate::error::PageError;
use crate::http::page::PageContext;
use crate::http::session::CurrentSession;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;

/// `GET /`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
) -> Result<Response, PageError> {
    page.render(
        &state,
        "home.html",
        minijinja::context! { email => session.map(|active| active.user.email) },
    )
}
