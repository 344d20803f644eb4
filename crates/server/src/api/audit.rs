//! `/api/v1/audit-events`: the audit log, newest first.

use crate::api::caller::{Caller, Reach};
use crate::api::conventions::{ApiQuery, Page, decode_cursor, page_size, paginate};
use crate::api::views::AuditEventView;
use crate::error::ApiError;
use crate::service::{audit, studios};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use gatehouse_core::{UnixTime, UserId};
use serde::Deserialize;

/// The query of `GET /api/v1/audit-events`; every parameter narrows the result.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An event kind (`user.disabled`), or a family ending in a dot (`login.`).
    kind: Option<String>,
    /// The account concerned.
    user_id: Option<String>,
    /// Who acted: a user id, `client:<client id>`, `cli` or `system`.
    actor: Option<String>,
    /// The studio concerned (slug). A studio admin sees only their studios' events, and
    /// names the studio when they administer several.
    studio: Option<String>,
    /// The application concerned (client id).
    client_id: Option<String>,
    /// Not before this time (RFC 3339).
    since: Option<String>,
    /// Before this time (RFC 3339).
    until: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn time(field: &str, text: &str) -> Result<UnixTime, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|moment| UnixTime(moment.timestamp()))
        .map_err(|_| {
            ApiError::invalid_field(field, "use an RFC 3339 time, e.g. 2026-12-01T00:00:00Z")
        })
}

/// Query the audit log: sign-ins, factor and password changes, resets, device and session
/// changes, consents, administrative actions, revocations, closures and purges.
#[utoipa::path(
    get, path = "/api/v1/audit-events", tag = "audit",
    operation_id = "audit_list",
    params(
        ("kind" = Option<String>, Query, description = "An event kind (`user.disabled`), or a family ending in a dot (`login.`)"),
        ("user_id" = Option<String>, Query, description = "The account concerned"),
        ("actor" = Option<String>, Query, description = "Who acted: a user id, `client:<client id>`, `cli` or `system`"),
        ("studio" = Option<String>, Query, description = "The studio concerned (slug); a studio admin of several studios must name one"),
        ("client_id" = Option<String>, Query, description = "The application concerned"),
        ("since" = Option<String>, Query, description = "Not before this time (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Before this time (RFC 3339)"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses((status = 200, description = "A page of events, newest first", body = Page<AuditEventView>)),
    security(("gatehouse" = ["audit:read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    caller.require("audit:read")?;
    let limit = page_size(query.limit)?;
    let studio_id = match (&query.studio, &caller.reach) {
        (Some(slug), _) => {
            let studio = studios::get_by_slug(&state.store, slug)
                .await
                .map_err(|_| ApiError::invalid_field("studio", "no such studio"))?;
            if !caller.may_in(&studio.id, None) {
                return Err(ApiError::forbidden("you do not administer this studio"));
            }
            Some(studio.id.as_str().to_owned())
        }
        (None, Reach::Everywhere) => None,
        (None, Reach::Studios(administered)) => match administered.as_slice() {
            [only] => Some(only.studio.id.as_str().to_owned()),
            _ => {
                return Err(ApiError::invalid_field(
                    "studio",
                    "you administer several studios: name one",
                ));
            }
        },
    };
    let filter = gatehouse_store::audit::Filter {
        kind: query.kind,
        user_id: query.user_id.map(UserId::new),
        actor: query.actor,
        studio_id,
        client_id: query.client_id,
        since: query
            .since
            .as_deref()
            .map(|text| time("since", text))
            .transpose()?,
        until: query
            .until
            .as_deref()
            .map(|text| time("until", text))
            .transpose()?,
        before_id: query.cursor.as_deref().map(decode_cursor).transpose()?,
    };
    let found = audit::query(&state, filter, limit + 1).await?;
    let (found, next_cursor) = paginate(found, limit, |event| event.id.clone());
    Ok(Json(Page {
        items: found.iter().map(AuditEventView::of).collect::<Vec<_>>(),
        next_cursor,
    })
    .into_response())
}
