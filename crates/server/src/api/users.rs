//! `/api/v1/users`: accounts, their devices, sessions and second factors.

use crate::api::caller::{Caller, Reach};
use crate::api::conventions::{
    ApiJson, ApiQuery, IdempotencyKey, IfMatch, Page, decode_cursor, fingerprint, no_content, once,
    page_size, paginate, with_etag,
};
use crate::api::views::{DeviceView, FactorView, SessionView, UserView, user_status};
use crate::error::ApiError;
use crate::service::users::{
    self, ChangeRefusal, CreateRefusal, Credential, DetailsChange, NewAccount, NewMembership,
    ProfileChange,
};
use crate::service::{accounts, mfa, recovery, studios};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::profile::Profile;
use gatehouse_core::studio::{
    Membership, PERMISSION_MANAGE_DEVICES, PERMISSION_MANAGE_MEMBERS, PERMISSION_RESET_MFA,
};
use gatehouse_core::user::{User, UserStatus};
use gatehouse_core::{DeviceId, SessionId, UserId};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the caller needs to be allowed over an account.
#[derive(Debug, Clone, Copy)]
pub(super) enum Need {
    /// See it: it is a member of a studio they administer.
    Read,
    /// Act on it with this studio permission, in one of its studios.
    Permission(&'static str),
    /// Change the account itself, which every one of its studios shares: they must manage
    /// the members of all of them.
    AccountWide,
}

/// The account `id`, when the caller may act on it as `need` says.
pub(super) async fn reachable(
    state: &AppState,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<(User, Vec<Membership>), ApiError> {
    let user_id = UserId::new(id.to_owned());
    let user = users::get(state, &user_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user with id {id:?}")))?;
    let memberships = users::memberships(state, &user_id).await?;
    if matches!(caller.reach, Reach::Everywhere) {
        return Ok((user, memberships));
    }
    let allowed = match need {
        Need::Read => memberships
            .iter()
            .any(|membership| caller.may_in(&membership.studio.id, None)),
        Need::Permission(permission) => memberships
            .iter()
            .any(|membership| caller.may_in(&membership.studio.id, Some(permission))),
        Need::AccountWide => {
            !memberships.is_empty()
                && memberships.iter().all(|membership| {
                    caller.may_in(&membership.studio.id, Some(PERMISSION_MANAGE_MEMBERS))
                })
        }
    };
    if allowed {
        return Ok((user, memberships));
    }
    Err(ApiError::forbidden(match need {
        Need::Read => "this user is not a member of a studio you administer".to_owned(),
        Need::Permission(permission) => {
            format!("this needs the {permission} permission in one of the user's studios")
        }
        Need::AccountWide => format!(
            "this changes the whole account, which belongs to studios you do not administer; it needs {PERMISSION_MANAGE_MEMBERS} in every studio of the user"
        ),
    }))
}

fn full_view(user: &User, memberships: &[Membership]) -> Response {
    with_etag(&users::version(user), UserView::of(user, Some(memberships)))
}

/// The query of `GET /api/v1/users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserListQuery {
    /// Part of the e-mail address (case-insensitive).
    email: Option<String>,
    /// Only accounts in this state.
    status: Option<String>,
    /// Only members of this studio (slug).
    studio: Option<String>,
    /// `created` (default), `-created`, `email` or `-email`.
    sort: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct UserCursor {
    sort: String,
    email: String,
    id: String,
}

/// List and search accounts.
///
/// A studio admin sees the members of the studios they administer.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    operation_id = "users_list",
    params(
        ("email" = Option<String>, Query, description = "Part of the e-mail address (case-insensitive)"),
        ("status" = Option<String>, Query, description = "Only accounts in this state: active, disabled, pending_verification, pending_approval, pending_activation, closed"),
        ("studio" = Option<String>, Query, description = "Only members of this studio (slug)"),
        ("sort" = Option<String>, Query, description = "`created` (default), `-created`, `email` or `-email`"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses((status = 200, description = "A page of accounts", body = Page<UserView>)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UserListQuery>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let limit = page_size(query.limit)?;
    let sort = query.sort.clone().unwrap_or_else(|| "created".to_owned());
    let order = match sort.as_str() {
        "created" => gatehouse_store::users::Order::Created,
        "-created" => gatehouse_store::users::Order::CreatedDescending,
        "email" => gatehouse_store::users::Order::Email,
        "-email" => gatehouse_store::users::Order::EmailDescending,
        _ => {
            return Err(ApiError::invalid_field(
                "sort",
                "use created, -created, email or -email",
            ));
        }
    };
    let status = match &query.status {
        None => None,
        Some(text) => Some(user_status(text).ok_or_else(|| {
            ApiError::invalid_field(
                "status",
                "use active, disabled, pending_verification, pending_approval, pending_activation or closed",
            )
        })?),
    };
    let mut studio_ids = caller.studio_ids();
    if let Some(slug) = &query.studio {
        let studio = studios::get_by_slug(&state.store, slug)
            .await
            .map_err(|_| ApiError::invalid_field("studio", "no such studio"))?;
        if !caller.may_in(&studio.id, None) {
            return Err(ApiError::forbidden("you do not administer this studio"));
        }
        studio_ids = Some(vec![studio.id]);
    }
    let after = match &query.cursor {
        Some(cursor) => {
            let position: UserCursor = decode_cursor(cursor)?;
            if position.sort != sort {
                return Err(ApiError::invalid_field(
                    "cursor",
                    "the cursor belongs to another sort order",
                ));
            }
            Some(gatehouse_store::users::After {
                email: position.email,
                id: position.id,
            })
        }
        None => None,
    };
    let filter = gatehouse_store::users::Filter {
        email_contains: query.email.clone(),
        status,
        studio_ids,
    };
    let found = users::list(&state, filter, order, after, limit + 1).await?;
    let (found, next_cursor) = paginate(found, limit, |user| UserCursor {
        sort: sort.clone(),
        email: user.email.clone(),
        id: user.id.as_str().to_owned(),
    });
    Ok(Json(Page {
        items: found
            .iter()
            .map(|user| UserView::of(user, None))
            .collect::<Vec<_>>(),
        next_cursor,
    })
    .into_response())
}

/// Profile fields of a request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileFields {
    /// Trade name.
    trade_name: Option<String>,
    /// Country.
    country: Option<String>,
    /// City.
    city: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    date_of_birth: Option<String>,
    /// Company.
    company: Option<String>,
    /// Job title.
    job_title: Option<String>,
}

/// A membership of a new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRequest {
    /// The studio's slug.
    studio: String,
    /// The role (default `member`).
    #[serde(default = "member_role")]
    role: String,
    /// The studio user name, for `user@licence` sign-in.
    username: Option<String>,
}

fn member_role() -> String {
    "member".to_owned()
}

/// `POST /api/v1/users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// E-mail address, the sign-in name.
    email: String,
    /// Full name.
    name: Option<String>,
    /// The first password (checked against the password policy). Give this or
    /// `send_activation`.
    password: Option<String>,
    /// Create the account without a password and e-mail the user an activation link.
    #[serde(default)]
    send_activation: bool,
    /// Language of the activation message (default: the instance's).
    language: Option<String>,
    /// Whether the address is known to be the user's (default: true with a password,
    /// false with an activation, which proves it).
    email_verified: Option<bool>,
    /// Phone number in international form.
    phone: Option<String>,
    /// Whether the phone number is known to be the user's.
    #[serde(default)]
    phone_verified: bool,
    /// Language of the account.
    locale: Option<String>,
    /// Profile fields.
    profile: Option<ProfileFields>,
    /// Studio memberships. A studio admin must name studios they manage the members of.
    #[serde(default)]
    memberships: Vec<MembershipRequest>,
}

impl ProfileFields {
    fn into_profile(self) -> Profile {
        Profile {
            trade_name: self.trade_name,
            country: self.country,
            city: self.city,
            date_of_birth: self.date_of_birth,
            company: self.company,
            job_title: self.job_title,
        }
    }
}

fn create_refusal(refusal: CreateRefusal) -> ApiError {
    match refusal {
        CreateRefusal::Invalid { field, message } => {
            ApiError::invalid_field(format!("/{field}"), message)
        }
        CreateRefusal::EmailTaken => ApiError::conflict("a user with this e-mail already exists"),
        CreateRefusal::UsernameTaken { field } => {
            ApiError::invalid_field(format!("/{field}"), "this user name is taken in the studio")
        }
        other @ CreateRefusal::IdentityTaken => ApiError::conflict(other.to_string()),
    }
}

/// Create an account, with a password or an activation e-mail.
///
/// Send an `Idempotency-Key` to make retries safe: a replay returns the first answer.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users",
    operation_id = "users_create",
    request_body = CreateUser,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create once")),
    responses((status = 201, description = "Created", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let request: CreateUser = crate::api::conventions::parse_json(&body)?;
    if let Reach::Studios(_) = &caller.reach {
        if request.memberships.is_empty() {
            return Err(ApiError::invalid_field(
                "/memberships",
                "a studio admin creates accounts in a studio they administer: name it",
            ));
        }
        for (index, membership) in request.memberships.iter().enumerate() {
            let studio = studios::get_by_slug(&state.store, &membership.studio)
                .await
                .map_err(|_| {
                    ApiError::invalid_field(
                        format!("/memberships/{index}/studio"),
                        "no such studio",
                    )
                })?;
            if !caller.may_in(&studio.id, Some(PERMISSION_MANAGE_MEMBERS)) {
                return Err(ApiError::forbidden(format!(
                    "you do not manage the members of studio {:?}",
                    studio.slug
                )));
            }
        }
    }
    let credential = match (request.password, request.send_activation) {
        (Some(password), false) => Credential::Password(SecretString::from(password)),
        (None, true) => Credential::Activation {
            language: request
                .language
                .unwrap_or_else(|| state.config.ui.default_locale.clone()),
        },
        _ => {
            return Err(ApiError::invalid_field(
                "/password",
                "give either a password or send_activation: true",
            ));
        }
    };
    let is_activation = matches!(credential, Credential::Activation { .. });
    let new = NewAccount {
        email: request.email,
        email_verified: request.email_verified.unwrap_or(!is_activation),
        name: request.name,
        phone: request.phone,
        phone_verified: request.phone_verified,
        locale: request.locale,
        profile: request.profile.unwrap_or_default().into_profile(),
        memberships: request
            .memberships
            .into_iter()
            .map(|membership| NewMembership {
                studio: membership.studio,
                role: membership.role,
                username: membership.username,
            })
            .collect(),
        credential,
    };
    let request_bytes = fingerprint("POST", "/api/v1/users", &body);
    once(&state, &caller, key, &request_bytes, || async {
        let user = users::create(&state, &caller.actor, new)
            .await?
            .map_err(create_refusal)?;
        let memberships = users::memberships(&state, &user.id).await?;
        Ok((
            StatusCode::CREATED,
            serde_json::to_value(UserView::of(&user, Some(&memberships))).unwrap_or_default(),
        ))
    })
    .await
}

/// Read an account.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", tag = "users",
    operation_id = "users_get",
    params(("id" = String, Path, description = "The user's id (the `sub` claim)")),
    responses((status = 200, description = "The account; `ETag` carries its version", body = UserView)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let (user, memberships) = reachable(&state, &caller, &id, Need::Read).await?;
    Ok(full_view(&user, &memberships))
}

/// `PATCH /api/v1/users/{id}`: fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// Full name (empty removes it).
    name: Option<String>,
    /// Phone number in international form (empty removes it); not verified.
    phone: Option<String>,
    /// Language of the account.
    locale: Option<String>,
    /// Profile fields to change.
    profile: Option<ProfileFields>,
}

/// Update an account's profile.
///
/// Send the `ETag` you read as `If-Match`: when the account changed meanwhile, the answer is
/// `412` and nothing changes.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", tag = "users",
    operation_id = "users_update",
    request_body = UpdateUser,
    params(
        ("id" = String, Path, description = "The user's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    responses((status = 200, description = "The updated account", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(request): ApiJson<UpdateUser>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    let profile = request.profile.unwrap_or_default();
    let change = DetailsChange {
        name: request.name,
        phone: request.phone,
        locale: request.locale,
        profile: ProfileChange {
            trade_name: profile.trade_name,
            country: profile.country,
            city: profile.city,
            date_of_birth: profile.date_of_birth,
            company: profile.company,
            job_title: profile.job_title,
        },
    };
    match users::change_details(&state, &caller.actor, &user.id, change, expected).await? {
        Ok(updated) => {
            let memberships = users::memberships(&state, &updated.id).await?;
            Ok(full_view(&updated, &memberships))
        }
        Err(ChangeRefusal::NotFound) => Err(ApiError::not_found(format!("no user with id {id:?}"))),
        Err(ChangeRefusal::Stale) => Err(ApiError::stale()),
        Err(ChangeRefusal::Invalid(invalid)) => {
            let field = match invalid.field {
                "name" | "phone" | "locale" => format!("/{}", invalid.field),
                other => format!("/profile/{other}"),
            };
            Err(ApiError::invalid_field(
                field,
                crate::i18n::translate(
                    "en",
                    invalid.problem,
                    &[("field", invalid.field.to_owned())],
                ),
            ))
        }
    }
}

async fn answer_with_account(state: &AppState, id: &UserId) -> Result<Response, ApiError> {
    let user = users::get(state, id)
        .await?
        .ok_or_else(|| ApiError::not_found("the user no longer exists"))?;
    let memberships = users::memberships(state, id).await?;
    Ok(full_view(&user, &memberships))
}

/// Disable an account: it can no longer sign in, its sessions end and its tokens are
/// revoked.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/disable", tag = "users",
    operation_id = "users_disable",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The disabled account", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    if user.status == UserStatus::Disabled {
        return answer_with_account(&state, &user.id).await;
    }
    if !users::set_enabled(&state, &caller.actor, &user.id, false).await? {
        return Err(ApiError::conflict(format!(
            "only an active account can be disabled; this one is {}",
            user.status.as_str()
        )));
    }
    answer_with_account(&state, &user.id).await
}

/// Enable a disabled account again.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/enable", tag = "users",
    operation_id = "users_enable",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The enabled account", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    if user.status == UserStatus::Active {
        return answer_with_account(&state, &user.id).await;
    }
    if !users::set_enabled(&state, &caller.actor, &user.id, true).await? {
        return Err(ApiError::conflict(format!(
            "only a disabled account can be enabled; this one is {}",
            user.status.as_str()
        )));
    }
    answer_with_account(&state, &user.id).await
}

/// Close an account: as if the user closed it. Signing in within the grace period
/// (`accounts.closure_grace_days`) reopens it; afterwards it is purged.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/close", tag = "users",
    operation_id = "users_close",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The closed account", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    match user.status {
        UserStatus::Closed => {}
        UserStatus::Active | UserStatus::Disabled => {
            accounts::close(&state, &user, &caller.actor).await?;
        }
        other => {
            return Err(ApiError::conflict(format!(
                "an account that is {} cannot be closed; purge it instead",
                other.as_str()
            )));
        }
    }
    answer_with_account(&state, &user.id).await
}

/// Reopen a closed account within its grace period.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/reopen", tag = "users",
    operation_id = "users_reopen",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The reopened account", body = UserView)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    if !accounts::is_within_grace(&state, &user, state.now()) {
        return Err(ApiError::conflict(
            "only a closed account within its grace period can be reopened",
        ));
    }
    accounts::reopen(&state, &user, &caller.actor).await?;
    answer_with_account(&state, &user.id).await
}

/// Purge an account now: its personal data is deleted for good. Instance administrators
/// and applications only.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}", tag = "users",
    operation_id = "users_purge",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "Purged")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn purge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    caller.require_everywhere("purge an account")?;
    if !users::purge(&state, &caller.actor, &UserId::new(id.clone())).await? {
        return Err(ApiError::not_found(format!("no user with id {id:?}")));
    }
    Ok(no_content())
}

/// `PUT /api/v1/users/{id}/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The new password, checked against the account's password policy and history.
    password: String,
}

/// Set an account's password. Its sessions end and its refresh tokens are revoked; the
/// user is told by e-mail.
#[utoipa::path(
    put, path = "/api/v1/users/{id}/password", tag = "users",
    operation_id = "users_set_password",
    request_body = SetPassword,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "Password set")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn set_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<SetPassword>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    match accounts::set_password(
        &state,
        &user,
        SecretString::from(request.password),
        None,
        &caller.actor,
    )
    .await
    {
        Ok(()) => Ok(no_content()),
        Err(accounts::ChangePasswordError::WeakPassword(violations)) => Err(
            ApiError::invalid_field("/password", accounts::describe(&violations)),
        ),
        Err(accounts::ChangePasswordError::Store(error)) => Err(error.into()),
        Err(accounts::ChangePasswordError::Server(error)) => Err(error.into()),
    }
}

/// Send the user a password-reset e-mail (a link and a code).
#[utoipa::path(
    post, path = "/api/v1/users/{id}/password-reset", tag = "users",
    operation_id = "users_send_password_reset",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 202, description = "The message is queued")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn send_password_reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    if !user.email_verified || !matches!(user.status, UserStatus::Active | UserStatus::Closed) {
        return Err(ApiError::conflict(
            "a reset can only be sent to the verified address of an active or closed account; set a password instead",
        ));
    }
    let language = user
        .locale
        .clone()
        .unwrap_or_else(|| state.config.ui.default_locale.clone());
    recovery::request_password_reset(
        &state,
        &user.email,
        recovery::Channel::Email,
        &language,
        None,
    )
    .await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// Send a new activation e-mail to an account still waiting for its first password; the
/// earlier link stops working.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/activation", tag = "users",
    operation_id = "users_resend_activation",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 202, description = "The message is queued")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn resend_activation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(&state, &caller, &id, Need::AccountWide).await?;
    if !users::resend_activation(&state, &caller.actor, &user).await? {
        return Err(ApiError::conflict(format!(
            "only an account waiting for activation gets an activation message; this one is {}",
            user.status.as_str()
        )));
    }
    Ok(StatusCode::ACCEPTED.into_response())
}

/// List an account's registered devices.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/devices", tag = "users",
    operation_id = "users_devices",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The devices", body = Vec<DeviceView>)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn devices(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let (user, _) = reachable(&state, &caller, &id, Need::Read).await?;
    let listed = users::devices_of(&state, &user.id).await?;
    Ok(Json(listed.iter().map(DeviceView::of).collect::<Vec<_>>()).into_response())
}

/// Remove a device: its sessions end and what was issued on it is revoked; the next
/// sign-in registers a device again.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}/devices/{device_id}", tag = "users",
    operation_id = "users_remove_device",
    params(
        ("id" = String, Path, description = "The user's id"),
        ("device_id" = String, Path, description = "The device's id"),
    ),
    responses((status = 204, description = "Removed")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn remove_device(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, device_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(
        &state,
        &caller,
        &id,
        Need::Permission(PERMISSION_MANAGE_DEVICES),
    )
    .await?;
    let removed = users::remove_device(
        &state,
        &caller.actor,
        Some(&user.id),
        &DeviceId::new(device_id),
    )
    .await?;
    if removed.is_none() {
        return Err(ApiError::not_found("the user has no such device"));
    }
    Ok(no_content())
}

/// List an account's active sessions.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/sessions", tag = "users",
    operation_id = "users_sessions",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The sessions, newest first", body = Vec<SessionView>)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn sessions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let (user, _) = reachable(&state, &caller, &id, Need::Read).await?;
    let listed = users::sessions_of(&state, &user.id).await?;
    Ok(Json(listed.iter().map(SessionView::of).collect::<Vec<_>>()).into_response())
}

/// End one of an account's sessions; what was issued in it is revoked.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}/sessions/{session_id}", tag = "users",
    operation_id = "users_end_session",
    params(
        ("id" = String, Path, description = "The user's id"),
        ("session_id" = String, Path, description = "The session's id (the `sid` claim)"),
    ),
    responses((status = 204, description = "Ended")),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn end_session(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, session_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let (user, _) = reachable(
        &state,
        &caller,
        &id,
        Need::Permission(PERMISSION_MANAGE_MEMBERS),
    )
    .await?;
    if !users::end_session(&state, &caller.actor, &user.id, &SessionId::new(session_id)).await? {
        return Err(ApiError::not_found("the user has no such active session"));
    }
    Ok(no_content())
}

/// List an account's second factors (never their secrets).
#[utoipa::path(
    get, path = "/api/v1/users/{id}/factors", tag = "users",
    operation_id = "users_factors",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The factors", body = Vec<FactorView>)),
    security(("gatehouse" = ["users:read"]))
)]
pub async fn factors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("users:read")?;
    let (user, _) = reachable(&state, &caller, &id, Need::Read).await?;
    let enrolled = mfa::factors_of(&state, &user.id).await?;
    Ok(Json(FactorView::list(&enrolled)).into_response())
}

/// `POST /api/v1/users/{id}/factors/reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetFactors {
    /// Why (kept in the audit log and told to the user).
    reason: String,
}

/// What a reset removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetOutcome {
    /// How many factors were removed.
    removed: usize,
}

/// Remove all of an account's second factors (a lost phone). The user is told; the next
/// sign-in asks for the password only, or for a new enrolment where a studio requires one.
/// A studio admin needs `mfa.reset` in the user's studio, and the studio's reset rules and
/// daily cap apply.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/factors/reset", tag = "users",
    operation_id = "users_reset_factors",
    request_body = ResetFactors,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "Reset", body = ResetOutcome)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn reset_factors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ResetFactors>,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    let reason = request.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::invalid_field(
            "/reason",
            "say why the second factors are removed (at most 500 characters)",
        ));
    }
    let (user, memberships) =
        reachable(&state, &caller, &id, Need::Permission(PERMISSION_RESET_MFA)).await?;
    let removed = match (&caller.reach, &caller.user_id) {
        (Reach::Studios(_), Some(admin)) => {
            let studio = memberships
                .iter()
                .map(|membership| &membership.studio)
                .find(|studio| caller.may_in(&studio.id, Some(PERMISSION_RESET_MFA)))
                .ok_or_else(|| ApiError::forbidden("you may not reset this user's factors"))?;
            let address = caller
                .actor
                .address
                .as_deref()
                .and_then(|address| address.parse().ok());
            match studios::reset_member_mfa(&state, admin, studio, &user.id, &reason, address)
                .await?
            {
                studios::AdminReset::Reset(removed) => removed,
                studios::AdminReset::NotFound => {
                    return Err(ApiError::not_found("the user no longer exists"));
                }
                studios::AdminReset::NotPermitted => {
                    return Err(ApiError::forbidden("you may not reset this user's factors"));
                }
                studios::AdminReset::SharedMember => {
                    return Err(ApiError::forbidden(
                        "the user belongs to another studio that keeps second-factor resets to its own admins",
                    ));
                }
                studios::AdminReset::TooManyToday => {
                    return Err(ApiError::rate_limited(3600));
                }
            }
        }
        _ => mfa::reset(
            &state,
            &user,
            mfa::ResetBy {
                actor: &caller.actor.id,
                reason: &reason,
                address: caller
                    .actor
                    .address
                    .as_deref()
                    .and_then(|address| address.parse().ok()),
                ..Default::default()
            },
        )
        .await?
        .unwrap_or_default(),
    };
    Ok(Json(ResetOutcome { removed }).into_response())
}
