//! Who calls the management API, and where they may act.
//!
//! The API accepts Gatehouse's own access tokens. A client-credentials token is an
//! application acting for itself: it may do what its scopes name, everywhere. A user's token
//! needs the scope as well, and the person must be an administrator: an instance
//! administrator acts everywhere, a studio admin only inside the studios where a role gives
//! them permissions.

use crate::error::{ApiError, BearerError};
use crate::http::{Origin, bearer};
use crate::service::audit::Actor;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gatehouse_core::scope::Scope;
use gatehouse_core::studio::Studio;
use gatehouse_core::{ClientId, StudioId, UnixTime, UserId};
use gatehouse_store::{clients, rate_limits, studios, users};

/// A studio a studio admin administers, with the permissions held there.
#[derive(Debug, Clone)]
pub struct AdministeredStudio {
    /// The studio.
    pub studio: Studio,
    /// `members.manage`, `devices.manage`, `mfa.reset`.
    pub permissions: Vec<String>,
}

/// Where a caller may act.
#[derive(Debug, Clone)]
pub enum Reach {
    /// Everywhere: an application with a client-credentials token, or an instance
    /// administrator.
    Everywhere,
    /// Only inside these studios.
    Studios(Vec<AdministeredStudio>),
}

/// An authenticated management API caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who acts, for the audit log.
    pub actor: Actor,
    /// Where they may act.
    pub reach: Reach,
    /// The user, for a user's token.
    pub user_id: Option<UserId>,
    scopes: Scope,
}

impl Caller {
    /// Refuses unless the token carries `scope`. A `:write` scope includes the `:read` scope
    /// of the same area.
    pub fn require(&self, scope: &'static str) -> Result<(), ApiError> {
        let implied = scope
            .strip_suffix(":read")
            .map(|area| format!("{area}:write"));
        if self.scopes.contains(scope) || implied.is_some_and(|write| self.scopes.contains(&write))
        {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(scope))
        }
    }

    /// Refuses unless the caller acts everywhere (instance-wide resources: clients, keys,
    /// studios' creation, purges).
    pub fn require_everywhere(&self, what: &str) -> Result<(), ApiError> {
        match self.reach {
            Reach::Everywhere => Ok(()),
            Reach::Studios(_) => Err(ApiError::forbidden(format!(
                "only an instance administrator or an application may {what}; a studio admin acts inside their studios"
            ))),
        }
    }

    /// The studios the caller is limited to; `None` when they act everywhere.
    #[must_use]
    pub fn studio_ids(&self) -> Option<Vec<StudioId>> {
        match &self.reach {
            Reach::Everywhere => None,
            Reach::Studios(studios) => Some(
                studios
                    .iter()
                    .map(|administered| administered.studio.id.clone())
                    .collect(),
            ),
        }
    }

    /// Whether the caller holds `permission` in `studio_id` (always, acting everywhere).
    #[must_use]
    pub fn may_in(&self, studio_id: &StudioId, permission: Option<&str>) -> bool {
        match &self.reach {
            Reach::Everywhere => true,
            Reach::Studios(studios) => studios.iter().any(|administered| {
                &administered.studio.id == studio_id
                    && permission.is_none_or(|permission| {
                        administered
                            .permissions
                            .iter()
                            .any(|held| held == permission)
                    })
            }),
        }
    }

    /// The key the caller's requests are counted and remembered under.
    #[must_use]
    pub fn principal(&self) -> &str {
        &self.actor.id
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let origin = Origin::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let presented =
            bearer::presented_token(&parts.headers, None).map_err(ApiError::unauthenticated)?;
        let url = format!("{}{}", state.issuer, parts.uri.path());
        let target = bearer::Target {
            method: parts.method.as_str(),
            url: &url,
            address: origin.address,
        };
        let claims = bearer::authenticate(state, &parts.headers, target, presented)
            .await
            .map_err(ApiError::unauthenticated)?;
        let scopes = Scope::parse(&claims.scope).unwrap_or_default();
        let is_application = claims.grant_id().is_none() && claims.sub == claims.client_id;
        let caller = if is_application {
            let client_id = ClientId::new(claims.client_id.clone());
            let exists = state
                .store
                .read(move |connection| clients::find(connection, &client_id))
                .await?
                .is_some();
            if !exists {
                return Err(ApiError::unauthenticated(BearerError::InvalidToken(
                    "the application this token was issued to no longer exists",
                )));
            }
            Self {
                actor: origin.actor(format!("client:{}", claims.client_id)),
                reach: Reach::Everywhere,
                user_id: None,
                scopes,
            }
        } else {
            let user_id = UserId::new(claims.sub.clone());
            let lookup = user_id.clone();
            let found = state
                .store
                .read(move |connection| {
                    let Some(user) = users::find(connection, &lookup)? else {
                        return Ok(None);
                    };
                    if !user.is_active() {
                        return Ok(None);
                    }
                    if users::is_instance_admin(connection, &lookup)? {
                        return Ok(Some(Reach::Everywhere));
                    }
                    let mut administered = Vec::new();
                    for membership in studios::memberships_of(connection, &lookup)? {
                        let permissions =
                            studios::permissions_of(connection, &membership.studio.id, &lookup)?;
                        if !permissions.is_empty() {
                            administered.push(AdministeredStudio {
                                studio: membership.studio,
                                permissions,
                            });
                        }
                    }
                    Ok(Some(Reach::Studios(administered)))
                })
                .await?;
            let Some(reach) = found else {
                return Err(ApiError::unauthenticated(BearerError::InvalidToken(
                    "the account is no longer active",
                )));
            };
            if matches!(&reach, Reach::Studios(studios) if studios.is_empty()) {
                return Err(ApiError::forbidden(
                    "this account administers nothing: it is neither an instance administrator nor a studio admin",
                ));
            }
            Self {
                actor: origin.actor(user_id.as_str()),
                reach,
                user_id: Some(user_id),
                scopes,
            }
        };
        count_request(state, &caller).await?;
        Ok(caller)
    }
}

/// Counts one request against the caller's allowance per minute (all nodes together).
async fn count_request(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let now = state.now();
    let window = UnixTime(now.as_secs() - now.as_secs().rem_euclid(60));
    let key = format!("api:{}", caller.principal());
    let max = state.config.api.requests_per_minute;
    let allowed = state
        .store
        .write(move |connection| rate_limits::take(connection, &key, window, max))
        .await?;
    if allowed {
        Ok(())
    } else {
        Err(ApiError::rate_limited(60 - now.as_secs().rem_euclid(60)))
    }
}
