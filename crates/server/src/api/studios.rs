//! `/api/v1/studios`: studios (licences), their members and pending registrations.

use crate::api::caller::{Caller, Reach};
use crate::api::conventions::{
    ApiJson, ApiQuery, IdempotencyKey, IfMatch, Page, decode_cursor, fingerprint, no_content, once,
    page_size, paginate, parse_json, present, with_etag,
};
use crate::api::views::{MemberView, StudioView};
use crate::error::ApiError;
use crate::service::studios::{self, Member, NewStudio, SettingsChange, StudioError};
use crate::service::{registration, users};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::UserId;
use gatehouse_core::studio::{
    DeviceLimit, MfaResetScope, PERMISSION_MANAGE_MEMBERS, Studio, StudioSettings,
};
use gatehouse_core::user::UserStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A studio refusal as problem details.
fn studio_refusal(error: StudioError) -> ApiError {
    match error {
        StudioError::InvalidName(invalid) => ApiError::invalid_field("/slug", invalid.to_string()),
        StudioError::InvalidSetting(invalid) => {
            ApiError::invalid_field(format!("/{}", invalid.setting), invalid.message)
        }
        StudioError::InvalidDisplayName => {
            ApiError::invalid_field("/name", "use 1 to 200 characters")
        }
        StudioError::UnknownStudio(slug) => ApiError::not_found(format!("no studio {slug:?}")),
        StudioError::UnknownUser(user) => ApiError::not_found(format!("no user {user:?}")),
        StudioError::InvalidEmail(_) => ApiError::invalid_field("/email", "not a valid e-mail"),
        StudioError::UnknownRole { role, defined } => ApiError::invalid_field(
            "/role",
            format!("the studio has no role {role:?}; its roles are {defined}"),
        ),
        StudioError::Taken(what) => ApiError::conflict(format!("{what} already exists")),
        StudioError::Stale => ApiError::stale(),
        StudioError::Store(error) => error.into(),
    }
}

/// The studio `slug`, when the caller may act in it (with `permission`, if one is named).
pub(crate) async fn reachable(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    permission: Option<&'static str>,
) -> Result<Studio, ApiError> {
    let studio = studios::get_by_slug(&state.store, slug)
        .await
        .map_err(|_| ApiError::not_found(format!("no studio {slug:?}")))?;
    if caller.may_in(&studio.id, permission) {
        Ok(studio)
    } else if caller.may_in(&studio.id, None) {
        Err(ApiError::forbidden(format!(
            "this needs the {} permission in the studio",
            permission.unwrap_or_default()
        )))
    } else {
        Err(ApiError::forbidden("you do not administer this studio"))
    }
}

/// The query of `GET /api/v1/studios`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudioListQuery {
    /// Items per page, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// List studios by slug. A studio admin sees the studios they administer.
#[utoipa::path(
    get, path = "/api/v1/studios", tag = "studios",
    operation_id = "studios_list",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses((status = 200, description = "A page of studios", body = Page<StudioView>)),
    security(("gatehouse" = ["studios:read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<StudioListQuery>,
) -> Result<Response, ApiError> {
    caller.require("studios:read")?;
    let limit = page_size(query.limit)?;
    let after: Option<String> = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let found: Vec<Studio> = match &caller.reach {
        Reach::Everywhere => studios::list(&state, after, limit + 1).await?,
        Reach::Studios(administered) => {
            let mut mine: Vec<Studio> = administered
                .iter()
                .map(|administered| administered.studio.clone())
                .filter(|studio| after.as_ref().is_none_or(|after| &studio.slug > after))
                .collect();
            mine.sort_by(|left, right| left.slug.cmp(&right.slug));
            mine.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
            mine
        }
    };
    let (found, next_cursor) = paginate(found, limit, |studio| studio.slug.clone());
    Ok(Json(Page {
        items: found.iter().map(StudioView::of).collect::<Vec<_>>(),
        next_cursor,
    })
    .into_response())
}

/// `POST /api/v1/studios`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStudio {
    /// Unique short name: lower-case letters, digits and hyphens.
    slug: String,
    /// Display name.
    name: String,
    /// Licence number, for `user@licence` sign-in names.
    licence: Option<String>,
    /// Initial settings (see the studio resource); absent values follow the instance's.
    #[schema(value_type = Option<Object>)]
    settings: Option<StudioSettings>,
}

/// Create a studio. Instance administrators and applications only.
#[utoipa::path(
    post, path = "/api/v1/studios", tag = "studios",
    operation_id = "studios_create",
    request_body = CreateStudio,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create once")),
    responses((status = 201, description = "Created", body = StudioView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require("studios:write")?;
    caller.require_everywhere("create a studio")?;
    let request: CreateStudio = parse_json(&body)?;
    let request_bytes = fingerprint("POST", "/api/v1/studios", &body);
    once(&state, &caller, key, &request_bytes, || async {
        let studio = studios::create(
            &state,
            &caller.actor,
            NewStudio {
                slug: request.slug,
                name: request.name,
                licence_number: request.licence,
                settings: request.settings.unwrap_or_default(),
            },
        )
        .await
        .map_err(studio_refusal)?;
        Ok((
            StatusCode::CREATED,
            serde_json::to_value(StudioView::of(&studio)).unwrap_or_default(),
        ))
    })
    .await
}

/// Read a studio.
#[utoipa::path(
    get, path = "/api/v1/studios/{slug}", tag = "studios",
    operation_id = "studios_get",
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The studio; `ETag` carries its version", body = StudioView)),
    security(("gatehouse" = ["studios:read"]))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("studios:read")?;
    let studio = reachable(&state, &caller, &slug, None).await?;
    Ok(with_etag(
        &studios::version(&studio),
        StudioView::of(&studio),
    ))
}

/// `PATCH /api/v1/studios/{slug}`: settings left out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStudio {
    /// Display name.
    name: Option<String>,
    /// Devices per account: a number, `"unlimited"`, or `null` for the instance default.
    #[schema(value_type = Option<String>)]
    #[serde(default, deserialize_with = "present")]
    device_limit: Option<Option<serde_json::Value>>,
    /// Members must use a second factor.
    mfa_required: Option<bool>,
    /// Days a device may skip the second factor (0: never); `null` follows the instance.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    mfa_remember_device_days: Option<Option<u32>>,
    /// Fewest characters of members' passwords.
    password_min_length: Option<usize>,
    /// Most characters of members' passwords.
    password_max_length: Option<usize>,
    /// Require lower- and upper-case letters, digits and symbols.
    password_classes: Option<bool>,
    /// Days after which members must change their password (0: never).
    password_max_age_days: Option<u32>,
    /// How many earlier passwords may not be reused.
    password_history: Option<usize>,
    /// Self-registration: `closed`, `open` or `approval`.
    registration: Option<String>,
    /// Browser session lifetime in seconds; `null` follows the instance.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    session_lifetime_seconds: Option<Option<i64>>,
    /// Whose second factors the studio's admins may reset: `all_members` or
    /// `exclusive_members`.
    #[schema(value_type = Option<String>)]
    mfa_reset_scope: Option<MfaResetScope>,
    /// Sender name of the studio's e-mail; `null` uses the instance's.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    email_sender_name: Option<Option<String>>,
    /// Upstream providers (ids) offered on the studio's sign-in pages.
    allowed_providers: Option<Vec<String>>,
    /// Accounts created at a first upstream sign-in: `{"enabled": true, "email_domains":
    /// ["example.com"]}` (no domains: any).
    #[schema(value_type = Option<Object>)]
    upstream_provisioning: Option<gatehouse_core::upstream::Provisioning>,
    /// An upstream sign-in whose `amr` shows a second factor counts as two factors here.
    trust_upstream_mfa: Option<bool>,
    /// A member refused at the device limit may replace their least recently used device
    /// after a code to their verified e-mail or phone; `null` follows the instance.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    device_self_service_swap: Option<Option<bool>>,
    /// Members sign in only to applications held to the FAPI 2.0 Security Profile.
    fapi_required: Option<bool>,
}

fn settings_change(request: UpdateStudio, current: &Studio) -> Result<SettingsChange, ApiError> {
    let device_limit = match request.device_limit {
        None => None,
        Some(None) => Some(None),
        Some(Some(value)) => {
            let text = match &value {
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::String(text) => text.clone(),
                _ => String::new(),
            };
            Some(Some(text.parse::<DeviceLimit>().map_err(|error| {
                ApiError::invalid_field("/device_limit", error.to_string())
            })?))
        }
    };
    let registration = match request.registration.as_deref() {
        None => None,
        Some("closed") => Some((false, false)),
        Some("open") => Some((true, false)),
        Some("approval") => Some((true, true)),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "/registration",
                "use closed, open or approval",
            ));
        }
    };
    let policy = current.settings.password_policy;
    let password_length = match (request.password_min_length, request.password_max_length) {
        (None, None) => None,
        (min, max) => Some((
            min.unwrap_or(policy.min_length),
            max.unwrap_or(policy.max_length),
        )),
    };
    Ok(SettingsChange {
        name: request.name,
        device_limit,
        mfa_required: request.mfa_required,
        mfa_remember_device_days: request.mfa_remember_device_days,
        password_length,
        allowed_providers: request.allowed_providers,
        session_lifetime_seconds: request.session_lifetime_seconds,
        password_classes: request.password_classes,
        password_max_age_days: request.password_max_age_days,
        password_history: request.password_history,
        registration,
        mfa_reset_scope: request.mfa_reset_scope,
        email_sender_name: request.email_sender_name,
        message_overrides: None,
        upstream_provisioning: request.upstream_provisioning,
        trust_upstream_mfa: request.trust_upstream_mfa,
        device_self_service_swap: request.device_self_service_swap,
        fapi_required: request.fapi_required,
    })
}

/// Update a studio's name and settings. Instance administrators and applications only.
///
/// Send the `ETag` you read as `If-Match`: when the studio changed meanwhile, the answer is
/// `412` and nothing changes.
#[utoipa::path(
    patch, path = "/api/v1/studios/{slug}", tag = "studios",
    operation_id = "studios_update",
    request_body = UpdateStudio,
    params(
        ("slug" = String, Path, description = "The studio's slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    responses((status = 200, description = "The updated studio", body = StudioView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(request): ApiJson<UpdateStudio>,
) -> Result<Response, ApiError> {
    caller.require("studios:write")?;
    caller.require_everywhere("change a studio's settings")?;
    let current = reachable(&state, &caller, &slug, None).await?;
    let change = settings_change(request, &current)?;
    let studio = studios::update_settings(&state, &caller.actor, &slug, change, expected)
        .await
        .map_err(studio_refusal)?;
    Ok(with_etag(
        &studios::version(&studio),
        StudioView::of(&studio),
    ))
}

/// List a studio's members, by e-mail.
#[utoipa::path(
    get, path = "/api/v1/studios/{slug}/members", tag = "studios",
    operation_id = "studios_members",
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "The members", body = Vec<MemberView>)),
    security(("gatehouse" = ["studios:read"]))
)]
pub async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("studios:read")?;
    let studio = reachable(&state, &caller, &slug, None).await?;
    let listed = studios::members(&state, &studio).await?;
    Ok(Json(
        listed
            .iter()
            .map(|(membership, user)| MemberView::of(membership, user))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// `PUT /api/v1/studios/{slug}/members/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMember {
    /// The role (default `member`).
    #[serde(default = "member_role")]
    role: String,
    /// The studio user name, for `user@licence` sign-in.
    username: Option<String>,
}

fn member_role() -> String {
    "member".to_owned()
}

/// Add a user to a studio, or change their role and studio user name there.
///
/// A studio admin (with `members.manage`) may add only accounts that belong to no other
/// studio, and may not make anyone an admin of the studio.
#[utoipa::path(
    put, path = "/api/v1/studios/{slug}/members/{user_id}", tag = "studios",
    operation_id = "studios_set_member",
    request_body = SetMember,
    params(
        ("slug" = String, Path, description = "The studio's slug"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    responses((status = 200, description = "The membership", body = MemberView)),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn set_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, user_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<SetMember>,
) -> Result<Response, ApiError> {
    caller.require("studios:write")?;
    let studio = reachable(&state, &caller, &slug, Some(PERMISSION_MANAGE_MEMBERS)).await?;
    let user_id = UserId::new(user_id);
    let memberships = users::memberships(&state, &user_id).await?;
    if let Reach::Studios(_) = caller.reach {
        if memberships
            .iter()
            .any(|membership| membership.studio.id != studio.id)
        {
            return Err(ApiError::forbidden(
                "the account belongs to another studio; an instance administrator can add it",
            ));
        }
        let roles = studios::roles(&state, &studio).await?;
        let grants_permissions = roles
            .iter()
            .any(|role| role.name == request.role && !role.permissions.is_empty());
        if grants_permissions {
            return Err(ApiError::forbidden(
                "only an instance administrator can give a role with permissions",
            ));
        }
    }
    let (_, user_id) = studios::add_member(
        &state,
        &caller.actor,
        &slug,
        Member::Id(user_id),
        &request.role,
        request.username.as_deref(),
    )
    .await
    .map_err(|error| match error {
        StudioError::InvalidName(invalid) => {
            ApiError::invalid_field("/username", invalid.to_string())
        }
        StudioError::Taken(_) => {
            ApiError::invalid_field("/username", "this user name is taken in the studio")
        }
        other => studio_refusal(other),
    })?;
    let listed = studios::members(&state, &studio).await?;
    let (membership, user) = listed
        .iter()
        .find(|(_, user)| user.id == user_id)
        .ok_or_else(|| ApiError::not_found("the membership is gone"))?;
    Ok(Json(MemberView::of(membership, user)).into_response())
}

/// Remove a user from a studio (the account stays).
#[utoipa::path(
    delete, path = "/api/v1/studios/{slug}/members/{user_id}", tag = "studios",
    operation_id = "studios_remove_member",
    params(
        ("slug" = String, Path, description = "The studio's slug"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    responses((status = 204, description = "Removed")),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require("studios:write")?;
    let studio = reachable(&state, &caller, &slug, Some(PERMISSION_MANAGE_MEMBERS)).await?;
    if !studios::remove_member(&state, &caller.actor, &studio, &UserId::new(user_id)).await? {
        return Err(ApiError::not_found(
            "the user is not a member of this studio",
        ));
    }
    Ok(no_content())
}

/// A registration waiting for approval.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    user_id: String,
    email: String,
    name: Option<String>,
    /// When the account was registered.
    registered_at: String,
}

/// List the registrations waiting for a studio admin's approval.
#[utoipa::path(
    get, path = "/api/v1/studios/{slug}/registrations", tag = "studios",
    operation_id = "studios_registrations",
    params(("slug" = String, Path, description = "The studio's slug")),
    responses((status = 200, description = "Pending registrations", body = Vec<RegistrationView>)),
    security(("gatehouse" = ["studios:read"]))
)]
pub async fn registrations(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("studios:read")?;
    let studio = reachable(&state, &caller, &slug, None).await?;
    let listed = studios::members(&state, &studio).await?;
    Ok(Json(
        listed
            .iter()
            .filter(|(_, user)| user.status == UserStatus::PendingApproval)
            .map(|(_, user)| RegistrationView {
                user_id: user.id.as_str().to_owned(),
                email: user.email.clone(),
                name: user.name.clone(),
                registered_at: crate::api::views::rfc3339(user.created_at),
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// Approve a pending registration: the account becomes active and the user is told.
#[utoipa::path(
    post, path = "/api/v1/studios/{slug}/registrations/{user_id}/approve", tag = "studios",
    operation_id = "studios_approve",
    params(
        ("slug" = String, Path, description = "The studio's slug"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    responses((status = 204, description = "Approved")),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    decide(&state, &caller, &slug, user_id, Decision::Approve).await
}

/// Reject a pending registration: the account, which never signed in, is deleted and the
/// user is told.
#[utoipa::path(
    post, path = "/api/v1/studios/{slug}/registrations/{user_id}/reject", tag = "studios",
    operation_id = "studios_reject",
    params(
        ("slug" = String, Path, description = "The studio's slug"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    responses((status = 204, description = "Rejected")),
    security(("gatehouse" = ["studios:write"]))
)]
pub async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    decide(&state, &caller, &slug, user_id, Decision::Reject).await
}

#[derive(Debug, Clone, Copy)]
enum Decision {
    Approve,
    Reject,
}

async fn decide(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    user_id: String,
    decision: Decision,
) -> Result<Response, ApiError> {
    caller.require("studios:write")?;
    let studio = reachable(state, caller, slug, Some(PERMISSION_MANAGE_MEMBERS)).await?;
    let user_id = UserId::new(user_id);
    let decided = match decision {
        Decision::Approve => registration::approve(state, &caller.actor, &studio, &user_id).await?,
        Decision::Reject => registration::reject(state, &caller.actor, &studio, &user_id).await?,
    };
    if !decided {
        return Err(ApiError::not_found(
            "no registration of this user waits for approval in this studio",
        ));
    }
    Ok(no_content())
}
