//! Upstream identity providers: configuring them (client secrets sealed under the
//! key-encryption key, like signing keys), the buttons a sign-in page shows, and the
//! identities linked to accounts. The sign-in itself is in [`signin`].

pub mod http;
pub mod protocol;
pub mod signin;

use crate::error::ServerError;
use crate::service::Aborted;
use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_core::UserId;
use gatehouse_core::studio::Studio;
use gatehouse_core::upstream::{
    ClaimMapping, Endpoints, ProviderKind, UpstreamProvider, check_provider_id,
};
use gatehouse_store::upstream::{self as store, FederatedIdentity, StoredProvider};
use gatehouse_store::{StoreError, factors, users};
use secrecy::{ExposeSecret, SecretString};

/// Why a provider change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderRefusal {
    /// A field is not acceptable.
    Invalid {
        /// The field (`issuer`, `endpoints/token`, ...).
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The id is taken.
    Taken,
    /// No such provider.
    NotFound,
}

impl std::fmt::Display for ProviderRefusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid { field, message } => write!(formatter, "{field}: {message}"),
            Self::Taken => formatter.write_str("a provider with this id exists"),
            Self::NotFound => formatter.write_str("no such provider"),
        }
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> ProviderRefusal {
    ProviderRefusal::Invalid {
        field,
        message: message.into(),
    }
}

/// A provider's settings as an administrator gives them; `None` keeps (or, at creation,
/// defaults) a setting.
#[derive(Debug, Clone, Default)]
pub struct ProviderSettings {
    /// Kind (required at creation).
    pub kind: Option<ProviderKind>,
    /// The button's label.
    pub display_name: Option<String>,
    /// Our client id there.
    pub client_id: Option<String>,
    /// Our client secret there (sealed before it is stored).
    pub client_secret: Option<SecretString>,
    /// Issuer (OpenID Connect; Microsoft: `https://login.microsoftonline.com/<tenant>/v2.0`).
    pub issuer: Option<String>,
    /// Endpoint overrides.
    pub endpoints: Option<Endpoints>,
    /// Scopes.
    pub scopes: Option<Vec<String>>,
    /// Claim mapping.
    pub claims: Option<ClaimMapping>,
    /// Whether its addresses count as verified when it does not say.
    pub email_trusted: Option<bool>,
    /// Button position.
    pub button_order: Option<i32>,
    /// Offered at all.
    pub enabled: Option<bool>,
}

fn checked_url(field: &'static str, url: &str) -> Result<(), ProviderRefusal> {
    let parsed = url::Url::parse(url).map_err(|_| invalid(field, "not an absolute URL"))?;
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback) {
        Ok(())
    } else {
        Err(invalid(field, "use https (plain http only on loopback)"))
    }
}

/// Applies `settings` to `provider` and checks the result.
fn apply(
    provider: &mut UpstreamProvider,
    settings: &ProviderSettings,
) -> Result<(), ProviderRefusal> {
    if let Some(name) = &settings.display_name {
        provider.display_name = name.trim().to_owned();
    }
    if let Some(client_id) = &settings.client_id {
        provider.client_id = client_id.trim().to_owned();
    }
    if let Some(issuer) = &settings.issuer {
        provider.issuer = Some(issuer.trim().to_owned()).filter(|issuer| !issuer.is_empty());
    }
    if let Some(endpoints) = &settings.endpoints {
        provider.endpoints = endpoints.clone();
    }
    if let Some(scopes) = &settings.scopes {
        provider.scopes = scopes.clone();
    }
    if let Some(claims) = &settings.claims {
        provider.claims = claims.clone();
    }
    if let Some(trusted) = settings.email_trusted {
        provider.email_trusted = trusted;
    }
    if let Some(order) = settings.button_order {
        provider.button_order = order;
    }
    if let Some(enabled) = settings.enabled {
        provider.enabled = enabled;
    }
    let name_length = provider.display_name.chars().count();
    if name_length == 0 || name_length > 60 {
        return Err(invalid("display_name", "use 1 to 60 characters"));
    }
    if provider.client_id.is_empty() || provider.client_id.len() > 500 {
        return Err(invalid(
            "client_id",
            "give the client id the provider issued",
        ));
    }
    if let Some(issuer) = &provider.issuer {
        checked_url("issuer", issuer)?;
    }
    if provider.kind == ProviderKind::Oidc && provider.issuer.is_none() {
        return Err(invalid(
            "issuer",
            "an OpenID Connect provider needs its issuer (discovery is read from it)",
        ));
    }
    let endpoints = &provider.endpoints;
    for (field, url) in [
        ("endpoints/authorization", &endpoints.authorization),
        ("endpoints/token", &endpoints.token),
        ("endpoints/userinfo", &endpoints.userinfo),
        ("endpoints/jwks", &endpoints.jwks),
    ] {
        if let Some(url) = url {
            checked_url(field, url)?;
        }
    }
    if provider.kind == ProviderKind::Oauth2
        && (endpoints.authorization.is_none()
            || endpoints.token.is_none()
            || endpoints.userinfo.is_none())
    {
        return Err(invalid(
            "endpoints",
            "an OAuth2 provider needs its authorization, token and userinfo endpoints",
        ));
    }
    if provider.scopes.iter().any(|scope| {
        scope.is_empty()
            || scope
                .bytes()
                .any(|byte| byte <= b' ' || byte == b'"' || byte == b'\\')
    }) {
        return Err(invalid(
            "scopes",
            "a scope is empty or has characters scopes cannot have",
        ));
    }
    if provider.claims.subject.is_empty() {
        return Err(invalid(
            "claims/subject",
            "name the claim that holds the user's id",
        ));
    }
    Ok(())
}

/// Configures a new provider.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    id: &str,
    settings: ProviderSettings,
) -> Result<Result<UpstreamProvider, ProviderRefusal>, ServerError> {
    let id = match check_provider_id(id) {
        Ok(id) => id,
        Err(error) => return Ok(Err(invalid("id", error.to_string()))),
    };
    let Some(kind) = settings.kind else {
        return Ok(Err(invalid(
            "kind",
            "use oidc, google, microsoft, facebook, x or oauth2",
        )));
    };
    let mut provider = UpstreamProvider {
        id,
        kind,
        display_name: kind.default_display_name().to_owned(),
        client_id: String::new(),
        issuer: None,
        endpoints: Endpoints::default(),
        scopes: Vec::new(),
        claims: ClaimMapping::for_kind(kind),
        // Facebook answers confirmed addresses only, X's `confirmed_email` says it.
        email_trusted: matches!(kind, ProviderKind::Facebook | ProviderKind::X),
        button_order: 0,
        enabled: true,
    };
    if let Err(refusal) = apply(&mut provider, &settings) {
        return Ok(Err(refusal));
    }
    let sealed = seal(state, settings.client_secret.as_ref())?;
    let stored = StoredProvider {
        provider: provider.clone(),
        sealed_client_secret: sealed,
        created_at: state.now(),
    };
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let outcome = state
        .store
        .write(move |connection| -> Result<(), Aborted<ProviderRefusal>> {
            store::insert(connection, &stored, now).map_err(|error| match error {
                StoreError::Conflict(_) => Aborted::Refused(ProviderRefusal::Taken),
                other => Aborted::Store(other),
            })?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    detail: serde_json::json!({ "provider": stored.provider.id, "kind": stored.provider.kind }),
                    ..Event::new("provider.created")
                },
                now,
            )?;
            Ok(())
        })
        .await;
    Ok(Aborted::settle(outcome)?.map(|()| provider))
}

fn seal(state: &AppState, secret: Option<&SecretString>) -> Result<Option<String>, ServerError> {
    secret
        .map(|secret| state.kek.encrypt(secret.expose_secret().as_bytes()))
        .transpose()
        .map_err(ServerError::from)
}

/// Changes a provider's settings (a new secret replaces the old one).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: &str,
    settings: ProviderSettings,
) -> Result<Result<UpstreamProvider, ProviderRefusal>, ServerError> {
    let lookup = id.to_owned();
    let Some(mut stored) = state
        .store
        .read(move |connection| store::find(connection, &lookup))
        .await?
    else {
        return Ok(Err(ProviderRefusal::NotFound));
    };
    if settings
        .kind
        .is_some_and(|kind| kind != stored.provider.kind)
    {
        return Ok(Err(invalid(
            "kind",
            "a provider's kind cannot change; configure a new provider",
        )));
    }
    if let Err(refusal) = apply(&mut stored.provider, &settings) {
        return Ok(Err(refusal));
    }
    if let Some(sealed) = seal(state, settings.client_secret.as_ref())? {
        stored.sealed_client_secret = Some(sealed);
    }
    let provider = stored.provider.clone();
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let updated = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !store::update(connection, &stored, now)? {
                return Ok(false);
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    detail: serde_json::json!({ "provider": stored.provider.id }),
                    ..Event::new("provider.updated")
                },
                now,
            )?;
            Ok(true)
        })
        .await?;
    Ok(if updated {
        Ok(provider)
    } else {
        Err(ProviderRefusal::NotFound)
    })
}

/// Removes a provider; the identities linked through it go with it. `false` when there
/// was none.
pub async fn delete(state: &AppState, actor: &Actor, id: &str) -> Result<bool, ServerError> {
    let (id, actor, secrets, now) = (
        id.to_owned(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    Ok(state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !store::delete(connection, &id)? {
                return Ok(false);
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    detail: serde_json::json!({ "provider": id }),
                    ..Event::new("provider.deleted")
                },
                now,
            )?;
            Ok(true)
        })
        .await?)
}

/// Every configured provider, in button order.
pub async fn list(state: &AppState) -> Result<Vec<UpstreamProvider>, ServerError> {
    Ok(list_configured(state)
        .await?
        .into_iter()
        .map(|(provider, _)| provider)
        .collect())
}

/// Every configured provider, in button order, with whether it has a client secret (the
/// secret itself stays sealed).
pub async fn list_configured(
    state: &AppState,
) -> Result<Vec<(UpstreamProvider, bool)>, ServerError> {
    Ok(state
        .store
        .read(store::list)
        .await?
        .into_iter()
        .map(|stored| (stored.provider, stored.sealed_client_secret.is_some()))
        .collect())
}

/// The button label of provider `id` (its id when it is gone), without unsealing its secret.
pub async fn display_name(state: &AppState, id: &str) -> Result<String, ServerError> {
    let lookup = id.to_owned();
    Ok(state
        .store
        .read(move |connection| store::find(connection, &lookup))
        .await?
        .map_or_else(|| id.to_owned(), |stored| stored.provider.display_name))
}

/// The provider `id` and its client secret.
pub async fn find(
    state: &AppState,
    id: &str,
) -> Result<Option<(UpstreamProvider, Option<String>)>, ServerError> {
    let lookup = id.to_owned();
    let Some(stored) = state
        .store
        .read(move |connection| store::find(connection, &lookup))
        .await?
    else {
        return Ok(None);
    };
    let secret = match &stored.sealed_client_secret {
        Some(sealed) => Some(
            String::from_utf8(state.kek.decrypt(sealed)?)
                .map_err(|_| ServerError::Configuration("a provider secret is not text".into()))?,
        ),
        None => None,
    };
    Ok(Some((stored.provider, secret)))
}

/// A sign-in button.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Button {
    /// The provider's id (the button's form action names it).
    pub id: String,
    /// Its label.
    pub name: String,
    /// Its kind, for the mark.
    pub kind: &'static str,
}

/// The buttons of a sign-in page: the enabled providers, and within a studio only those the
/// studio allows, in button order.
pub async fn buttons(
    state: &AppState,
    studio: Option<&Studio>,
) -> Result<Vec<Button>, ServerError> {
    Ok(list(state)
        .await?
        .into_iter()
        .filter(|provider| provider.enabled)
        .filter(|provider| {
            studio.is_none_or(|studio| studio.settings.allowed_providers.contains(&provider.id))
        })
        .map(|provider| Button {
            id: provider.id,
            name: provider.display_name,
            kind: provider.kind.as_str(),
        })
        .collect())
}

/// The identities linked to an account.
pub async fn identities_of(
    state: &AppState,
    user_id: &UserId,
) -> Result<Vec<FederatedIdentity>, ServerError> {
    let user_id = user_id.clone();
    Ok(state
        .store
        .read(move |connection| store::identities_of(connection, &user_id))
        .await?)
}

/// What unlinking came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlinking {
    /// Done.
    Unlinked,
    /// The account has no identity at that provider.
    NotLinked,
    /// It is the account's only way to sign in (no password, no passkey, no other linked
    /// identity): it stays.
    LastWayIn,
}

/// Unlinks the account's identity at `provider_id`, as long as the account keeps a way
/// to sign in; decided in one transaction holding the account's row.
pub async fn unlink(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    provider_id: &str,
    by_administrator: bool,
) -> Result<Unlinking, ServerError> {
    let (user_id, provider_id) = (user_id.clone(), provider_id.to_owned());
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    Ok(state
        .store
        .write(move |connection| -> Result<Unlinking, StoreError> {
            users::lock(connection, &user_id)?;
            let linked = store::identities_of(connection, &user_id)?;
            if !linked
                .iter()
                .any(|identity| identity.provider_id == provider_id)
            {
                return Ok(Unlinking::NotLinked);
            }
            let has_password = users::find_with_password(connection, &user_id)?
                .is_some_and(|(_, hash)| hash.is_some());
            let has_passkey = factors::list_for_user(connection, &user_id)?
                .iter()
                .any(|factor| {
                    factor.kind == gatehouse_core::mfa::FactorKind::Passkey && factor.is_active()
                });
            // An administrator may take the last way in away (the account then needs a
            // password reset); the user may not lock themselves out.
            if !by_administrator && !has_password && !has_passkey && linked.len() == 1 {
                return Ok(Unlinking::LastWayIn);
            }
            store::unlink(connection, &user_id, &provider_id)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    detail: serde_json::json!({ "provider": provider_id }),
                    ..Event::new("upstream.unlinked")
                },
                now,
            )?;
            Ok(Unlinking::Unlinked)
        })
        .await?)
}
