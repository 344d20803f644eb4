//! `/api/v1/studios/{slug}/branding` and `/api/v1/clients/{client_id}/branding`: the display
//! name, accent colour and logo of a studio's or client's sign-in pages.

use crate::api::caller::Caller;
use crate::api::conventions::{ApiJson, present};
use crate::error::ApiError;
use crate::service::branding::{self, Brandable, BrandingChange, BrandingRefusal};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use gatehouse_core::ClientId;
use gatehouse_core::branding::{Branding, BrandingError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A studio's or client's branding.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandingView {
    /// Shown in the sign-in pages' masthead (and, for a client, as the application's name).
    display_name: Option<String>,
    /// `#rrggbb`: primary buttons and the brand mark.
    accent_color: Option<String>,
    /// Where the logo is served (its address changes with its content).
    logo_url: Option<String>,
}

impl BrandingView {
    fn of(state: &AppState, branding: &Branding) -> Self {
        Self {
            display_name: branding.display_name.clone(),
            accent_color: branding
                .accent_color
                .as_ref()
                .map(|color| color.as_str().to_owned()),
            logo_url: branding
                .logo
                .as_ref()
                .map(|digest| format!("{}/assets/branding/logos/{digest}", state.issuer)),
        }
    }
}

/// `PATCH .../branding`: parts left out stay, `null` removes one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBranding {
    /// 1 to 80 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    display_name: Option<Option<String>>,
    /// `#rrggbb`, with a contrast of at least 4.5:1 against white.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    accent_color: Option<Option<String>>,
}

fn refusal(error: BrandingRefusal, what: &str) -> ApiError {
    match error {
        BrandingRefusal::Invalid(invalid) => {
            let field = match invalid {
                BrandingError::MalformedColor | BrandingError::LowContrast { .. } => {
                    "/accent_color"
                }
                BrandingError::InvalidDisplayName => "/display_name",
                BrandingError::LogoTooLarge { .. } | BrandingError::UnsupportedLogo => "/logo",
            };
            ApiError::invalid_field(field, invalid.to_string())
        }
        BrandingRefusal::NotFound => ApiError::not_found(format!("no {what}")),
        BrandingRefusal::Store(error) => error.into(),
    }
}

async fn studio_target(
    state: &AppState,
    caller: &Caller,
    slug: String,
    write: bool,
) -> Result<Brandable, ApiError> {
    if write {
        caller.require("studios:write")?;
        caller.require_everywhere("change a studio's branding")?;
    } else {
        caller.require("studios:read")?;
    }
    crate::api::studios::reachable(state, caller, &slug, None).await?;
    Ok(Brandable::Studio(slug))
}

fn client_target(caller: &Caller, id: String, write: bool) -> Result<Brandable, ApiError> {
    caller.require(if write {
        "clients:write"
    } else {
        "clients:read"
    })?;
    if write {
        caller.require_everywhere("change registered applications")?;
    }
    Ok(Brandable::Client(ClientId::new(id)))
}

async fn apply(
    state: &AppState,
    caller: &Caller,
    target: Brandable,
    change: BrandingChange,
) -> Result<Response, ApiError> {
    let what = what(&target);
    let branding = branding::change(state, &caller.actor, target, change)
        .await
        .map_err(|error| refusal(error, &what))?;
    Ok(Json(BrandingView::of(state, &branding)).into_response())
}

fn what(target: &Brandable) -> String {
    match target {
        Brandable::Studio(slug) => format!("studio {slug:?}"),
        Brandable::Client(id) => format!("client {:?}", id.as_str()),
    }
}

async fn read(state: &AppState, target: Brandable) -> Result<Response, ApiError> {
    let what = what(&target);
    let branding = branding::get(state, target)
        .await
        .map_err(|error| refusal(error, &what))?;
    Ok(Json(BrandingView::of(state, &branding)).into_response())
}

fn text_change(request: UpdateBranding) -> BrandingChange {
    BrandingChange {
        display_name: request.display_name,
        accent_color: request.accent_color,
        logo: None,
    }
}

fn logo_change(headers: &HeaderMap, body: Bytes) -> BrandingChange {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    BrandingChange {
        logo: Some(Some((body.to_vec(), declared))),
        ..BrandingChange::default()
    }
}

/// Read a studio's branding.
#[utoipa::path(
    get, path = "/api/v1/studios/{slug}/branding", tag = "studios",
    operation_id = "studios_branding_get",
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The studio's branding", body = BrandingView)),
    security(("gatehouse" = ["studios:read"]))
)]
pub async fn get_studio(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let target = studio_target(&state, &caller, slug, false).await?;
    read(&state, target).await
}

/// Change a studio's display name or accent colour.
#[utoipa::path(
    patch, path = "/api/v1/studios/{slug}/branding", tag = "studios",
    operation_id = "studios_branding_update",
    request_body = UpdateBranding,
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The studio's branding", body = BrandingView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn update_studio(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(request): ApiJson<UpdateBranding>,
) -> Result<Response, ApiError> {
    let target = studio_target(&state, &caller, slug, true).await?;
    apply(&state, &caller, target, text_change(request)).await
}

/// Upload a studio's logo: a PNG, JPEG or WebP image of at most 256 KiB, sent as the body
/// with its `Content-Type`.
#[utoipa::path(
    put, path = "/api/v1/studios/{slug}/branding/logo", tag = "studios",
    operation_id = "studios_branding_logo_put",
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (image/png, image/jpeg or image/webp)"),
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The studio's branding", body = BrandingView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn put_studio_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let target = studio_target(&state, &caller, slug, true).await?;
    apply(&state, &caller, target, logo_change(&headers, body)).await
}

/// Remove a studio's logo.
#[utoipa::path(
    delete, path = "/api/v1/studios/{slug}/branding/logo", tag = "studios",
    operation_id = "studios_branding_logo_delete",
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The studio's branding", body = BrandingView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn delete_studio_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let target = studio_target(&state, &caller, slug, true).await?;
    let change = BrandingChange {
        logo: Some(None),
        ..BrandingChange::default()
    };
    apply(&state, &caller, target, change).await
}

/// Read a client's branding.
#[utoipa::path(
    get, path = "/api/v1/clients/{client_id}/branding", tag = "clients",
    operation_id = "clients_branding_get",
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client's branding", body = BrandingView)),
    security(("gatehouse" = ["clients:read"]))
)]
pub async fn get_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let target = client_target(&caller, id, false)?;
    read(&state, target).await
}

/// Change a client's display name or accent colour.
#[utoipa::path(
    patch, path = "/api/v1/clients/{client_id}/branding", tag = "clients",
    operation_id = "clients_branding_update",
    request_body = UpdateBranding,
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client's branding", body = BrandingView)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn update_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<UpdateBranding>,
) -> Result<Response, ApiError> {
    let target = client_target(&caller, id, true)?;
    apply(&state, &caller, target, text_change(request)).await
}

/// Upload a client's logo: a PNG, JPEG or WebP image of at most 256 KiB, sent as the body
/// with its `Content-Type`.
#[utoipa::path(
    put, path = "/api/v1/clients/{client_id}/branding/logo", tag = "clients",
    operation_id = "clients_branding_logo_put",
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (image/png, image/jpeg or image/webp)"),
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client's branding", body = BrandingView)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn put_client_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let target = client_target(&caller, id, true)?;
    apply(&state, &caller, target, logo_change(&headers, body)).await
}

/// Remove a client's logo.
#[utoipa::path(
    delete, path = "/api/v1/clients/{client_id}/branding/logo", tag = "clients",
    operation_id = "clients_branding_logo_delete",
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client's branding", body = BrandingView)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn delete_client_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let target = client_target(&caller, id, true)?;
    let change = BrandingChange {
        logo: Some(None),
        ..BrandingChange::default()
    };
    apply(&state, &caller, target, change).await
}
