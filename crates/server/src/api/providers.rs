//! `/api/v1/providers`: upstream identity providers (Google, Microsoft, Facebook, X, any
//! OpenID Connect or OAuth2 provider), and the identities users linked through them.
//! Providers are instance-wide: instance administrators and applications only. Which
//! providers a studio offers is its `allowed_providers` setting.

use crate::api::caller::Caller;
use crate::api::conventions::{ApiJson, no_content};
use crate::api::users::{Need, reachable};
use crate::error::ApiError;
use crate::service::upstream::{self, ProviderRefusal, ProviderSettings, Unlinking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::upstream::{ClaimMapping, Endpoints, ProviderKind, UpstreamProvider};
use gatehouse_store::upstream::FederatedIdentity;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An upstream provider as the API shows it (never its client secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderView {
    /// Id, used in URLs and in studios' `allowed_providers`.
    id: String,
    /// `oidc`, `google`, `microsoft`, `facebook`, `x` or `oauth2`.
    kind: String,
    /// The button's label.
    display_name: String,
    /// Our client id at the provider.
    client_id: String,
    /// Whether a client secret is stored (encrypted).
    has_client_secret: bool,
    /// The issuer (OpenID Connect kinds).
    issuer: Option<String>,
    /// Endpoint overrides.
    #[schema(value_type = Object)]
    endpoints: Endpoints,
    /// Scopes asked for (empty: the kind's defaults).
    scopes: Vec<String>,
    /// Where the provider's answer keeps each fact about the user.
    #[schema(value_type = Object)]
    claims: ClaimMapping,
    /// Whether its addresses count as verified when it does not say.
    email_trusted: bool,
    /// Button position (lower first).
    button_order: i32,
    /// Offered on sign-in pages.
    enabled: bool,
    /// The redirect URI to register at the provider.
    redirect_uri: String,
}

impl ProviderView {
    fn of(state: &AppState, provider: UpstreamProvider, has_client_secret: bool) -> Self {
        Self {
            redirect_uri: upstream::signin::redirect_uri(state, &provider.id),
            id: provider.id,
            kind: provider.kind.as_str().to_owned(),
            display_name: provider.display_name,
            client_id: provider.client_id,
            has_client_secret,
            issuer: provider.issuer,
            endpoints: provider.endpoints,
            scopes: provider.scopes,
            claims: provider.claims,
            email_trusted: provider.email_trusted,
            button_order: provider.button_order,
            enabled: provider.enabled,
        }
    }
}

fn refusal(refusal: ProviderRefusal) -> ApiError {
    match refusal {
        ProviderRefusal::Invalid { field, message } => {
            ApiError::invalid_field(format!("/{field}"), message)
        }
        ProviderRefusal::Taken => ApiError::conflict("a provider with this id exists"),
        ProviderRefusal::NotFound => ApiError::not_found("no such provider"),
    }
}

async fn view_of(state: &AppState, id: &str) -> Result<ProviderView, ApiError> {
    let (provider, secret) = upstream::find(state, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no provider {id:?}")))?;
    Ok(ProviderView::of(state, provider, secret.is_some()))
}

/// List upstream providers in button order.
#[utoipa::path(
    get, path = "/api/v1/providers", tag = "providers",
    operation_id = "providers_list",
    responses((status = 200, description = "The providers", body = Vec<ProviderView>)),
    security(("gatehouse" = ["providers:read"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("providers:read")?;
    caller.require_everywhere("see upstream providers")?;
    let views: Vec<ProviderView> = upstream::list_configured(&state)
        .await?
        .into_iter()
        .map(|(provider, has_secret)| ProviderView::of(&state, provider, has_secret))
        .collect();
    Ok(Json(views).into_response())
}

/// A provider's settings; on creation `id`, `kind` and `client_id` are required, on change
/// fields left out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderBody {
    /// Id (creation only): lower-case letters, digits and hyphens.
    id: Option<String>,
    /// `oidc`, `google`, `microsoft`, `facebook`, `x` or `oauth2` (creation only).
    kind: Option<String>,
    display_name: Option<String>,
    client_id: Option<String>,
    /// Stored encrypted; never shown again.
    client_secret: Option<String>,
    /// The issuer: required for `oidc`; for `microsoft` the tenant's
    /// (`https://login.microsoftonline.com/<tenant>/v2.0`, `common`, `organizations`).
    issuer: Option<String>,
    /// Endpoint overrides (`authorization`, `token`, `userinfo`, `jwks`).
    #[schema(value_type = Option<Object>)]
    endpoints: Option<Endpoints>,
    scopes: Option<Vec<String>>,
    /// Claim mapping (`subject`, `email`, `email_verified`, `name`, `given_name`,
    /// `family_name`, `locale`); dotted names reach into objects.
    #[schema(value_type = Option<Object>)]
    claims: Option<ClaimMapping>,
    email_trusted: Option<bool>,
    button_order: Option<i32>,
    enabled: Option<bool>,
}

impl ProviderBody {
    fn settings(self) -> Result<ProviderSettings, ApiError> {
        let kind = self
            .kind
            .as_deref()
            .map(|kind| {
                kind.parse::<ProviderKind>().map_err(|_| {
                    ApiError::invalid_field(
                        "/kind",
                        "use oidc, google, microsoft, facebook, x or oauth2",
                    )
                })
            })
            .transpose()?;
        Ok(ProviderSettings {
            kind,
            display_name: self.display_name,
            client_id: self.client_id,
            client_secret: self.client_secret.map(SecretString::from),
            issuer: self.issuer,
            endpoints: self.endpoints,
            scopes: self.scopes,
            claims: self.claims,
            email_trusted: self.email_trusted,
            button_order: self.button_order,
            enabled: self.enabled,
        })
    }
}

/// Configure an upstream provider.
#[utoipa::path(
    post, path = "/api/v1/providers", tag = "providers",
    operation_id = "providers_create",
    request_body = ProviderBody,
    responses((status = 201, description = "Configured", body = ProviderView)),
    security(("gatehouse" = ["providers:write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(mut body): ApiJson<ProviderBody>,
) -> Result<Response, ApiError> {
    caller.require("providers:write")?;
    caller.require_everywhere("configure upstream providers")?;
    let id = body
        .id
        .take()
        .ok_or_else(|| ApiError::invalid_field("/id", "name the provider"))?;
    let provider = upstream::create(&state, &caller.actor, &id, body.settings()?)
        .await?
        .map_err(refusal)?;
    Ok((
        StatusCode::CREATED,
        Json(view_of(&state, &provider.id).await?),
    )
        .into_response())
}

/// Read an upstream provider.
#[utoipa::path(
    get, path = "/api/v1/providers/{id}", tag = "providers",
    operation_id = "providers_get",
    params(("id" = String, Path, description = "The provider id")),
    responses((status = 200, description = "The provider", body = ProviderView)),
    security(("gatehouse" = ["providers:read"]))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("providers:read")?;
    caller.require_everywhere("see upstream providers")?;
    Ok(Json(view_of(&state, &id).await?).into_response())
}

/// Change an upstream provider (a new `client_secret` replaces the stored one).
#[utoipa::path(
    patch, path = "/api/v1/providers/{id}", tag = "providers",
    operation_id = "providers_update",
    request_body = ProviderBody,
    params(("id" = String, Path, description = "The provider id")),
    responses((status = 200, description = "The changed provider", body = ProviderView)),
    security(("gatehouse" = ["providers:write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProviderBody>,
) -> Result<Response, ApiError> {
    caller.require("providers:write")?;
    caller.require_everywhere("configure upstream providers")?;
    if body.id.as_ref().is_some_and(|new_id| *new_id != id) {
        return Err(ApiError::invalid_field(
            "/id",
            "a provider's id cannot change",
        ));
    }
    let provider = upstream::update(&state, &caller.actor, &id, body.settings()?)
        .await?
        .map_err(refusal)?;
    Ok(Json(view_of(&state, &provider.id).await?).into_response())
}

/// Remove an upstream provider; the identities linked through it are unlinked.
#[utoipa::path(
    delete, path = "/api/v1/providers/{id}", tag = "providers",
    operation_id = "providers_delete",
    params(("id" = String, Path, description = "The provider id")),
    responses((status = 204, description = "Removed")),
    security(("gatehouse" = ["providers:write"]))
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("providers:write")?;
    caller.require_everywhere("configure upstream providers")?;
    if !upstream::delete(&state, &caller.actor, &id).await? {
        return Err(ApiError::not_found(format!("no provider {id:?}")));
    }
    Ok(no_content())
}

/// An identity at an upstream provider linked to an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    /// The provider's id.
    provider: String,
    /// The provider's id for the user.
    subject: String,
    /// The address the provider gave when it was linked.
    email: Option<String>,
    linked_at: String,
    last_used_at: String,
}

impl IdentityView {
    fn of(identity: FederatedIdentity) -> Self {
        Self {
            provider: identity.provider_id,
            subject: identity.subject,
            email: identity.email,
            linked_at: crate::service::users::rfc3339(identity.created_at),
            last_used_at: crate::service::users::rfc3339(identity.last_used_at),
        }
    }
}

/// List the upstream identities linked to an account.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/identities", tag = "users",
    operation_id = "users_identities",
    params(("id" = String, Path, description = "The user id")),
    responses((status = 200, description = "The linked identities", body = Vec<IdentityView>)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn identities(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let (user, _) = reachable(&state, &caller, &id, Need::Read).await?;
    let linked = upstream::identities_of(&state, &user.id).await?;
    Ok(Json(linked.into_iter().map(IdentityView::of).collect::<Vec<_>>()).into_response())
}

/// Unlink an account's identity at a provider. An administrator may remove the last way
/// in; the account then needs a password reset or a new link.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}/identities/{provider}", tag = "users",
    operation_id = "users_unlink_identity",
    params(
        ("id" = String, Path, description = "The user id"),
        ("provider" = String, Path, description = "The provider id"),
    ),
    responses((status = 204, description = "Unlinked")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, provider)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    match upstream::unlink(&state, &caller.actor, &user.id, &provider, true).await? {
        Unlinking::Unlinked | Unlinking::LastWayIn => Ok(no_content()),
        Unlinking::NotLinked => Err(ApiError::not_found(format!(
            "the account has no identity at {provider:?}"
        ))),
    }
}
