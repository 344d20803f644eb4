//! Passkeys (WebAuthn, through webauthn-rs): registration, and authentication as a second
//! factor or on its own (discoverable credentials). Ceremony state stays in the database,
//! bound to the browser that started it; the browser only ever sees the public options.

use crate::config::Config;
use crate::error::ServerError;
use crate::service::verification;
use crate::state::AppState;
use gatehouse_core::UserId;
use gatehouse_core::mfa::FactorKind;
use gatehouse_core::secret::{base64url, constant_time_eq};
use gatehouse_core::user::User;
use gatehouse_core::verification::Purpose;
use gatehouse_store::factors::{self, NewFactor};
use gatehouse_store::{StoreError, verifications};
use std::sync::Arc;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// How long a browser has to answer a ceremony.
const CEREMONY_TTL_SECONDS: i64 = 300;

/// Builds the WebAuthn relying party from `[webauthn]` and the issuer. `None` when passkeys
/// are turned off or cannot work here (an issuer on an IP address has no RP id).
pub fn relying_party(config: &Config) -> anyhow::Result<Option<Arc<Webauthn>>> {
    if config.webauthn.disabled {
        return Ok(None);
    }
    let issuer = Url::parse(&config.issuer())?;
    let rp_id = if config.webauthn.rp_id.is_empty() {
        match issuer.domain() {
            Some(host) => host.to_owned(),
            None => {
                tracing::warn!(
                    issuer = %issuer,
                    "passkeys are off: WebAuthn needs a host name, not an IP address, in server.issuer (localhost works)"
                );
                return Ok(None);
            }
        }
    } else {
        config.webauthn.rp_id.clone()
    };
    let origin = Url::parse(&issuer.origin().ascii_serialization())?;
    let rp_name = if config.webauthn.rp_name.is_empty() {
        config.ui.product_name.clone()
    } else {
        config.webauthn.rp_name.clone()
    };
    let mut builder = WebauthnBuilder::new(&rp_id, &origin)
        .map_err(|error| anyhow::anyhow!("webauthn.rp_id: {error}"))?
        .rp_name(&rp_name);
    for extra in &config.webauthn.extra_origins {
        builder = builder.append_allowed_origin(&Url::parse(extra)?);
    }
    let webauthn = builder
        .build()
        .map_err(|error| anyhow::anyhow!("webauthn: {error}"))?;
    Ok(Some(Arc::new(webauthn)))
}

/// A ceremony the browser must answer: its id and the options for `navigator.credentials`.
#[derive(Debug, Clone)]
pub struct Ceremony {
    /// Sent back with the browser's answer.
    pub id: String,
    /// `{"publicKey": {...}}`, binary fields as base64url.
    pub options: serde_json::Value,
}

/// A registered passkey as the account page lists it.
fn parse(secret: &str) -> Result<Passkey, ServerError> {
    serde_json::from_str(secret)
        .map_err(|error| ServerError::Factor(format!("stored passkey: {error}")))
}

/// webauthn-rs values as JSON (options for the browser, ceremony state and credentials to
/// store). They always serialise; an error here is a bug, reported as a server error.
fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ServerError> {
    serde_json::to_value(value).map_err(|error| ServerError::Factor(error.to_string()))
}

fn webauthn(state: &AppState) -> Option<&Webauthn> {
    state.webauthn.as_deref()
}

async fn save_ceremony(
    state: &AppState,
    purpose: Purpose,
    user_id: Option<&UserId>,
    ceremony_state: serde_json::Value,
    binding: &str,
    options: serde_json::Value,
) -> Result<Ceremony, ServerError> {
    let id = verification::store_web_request(
        state,
        purpose,
        user_id,
        serde_json::json!({ "state": ceremony_state, "binding": binding }),
        CEREMONY_TTL_SECONDS,
    )
    .await?;
    Ok(Ceremony { id, options })
}

/// Takes a ceremony (single use) with the browser's answer: the stored state and the answer,
/// parsed, when the ceremony exists, is live, belongs to `user_id` (or to nobody yet, for a
/// passwordless sign-in) and to this browser, and the answer is well-formed.
async fn take_ceremony<Stored, Answer>(
    state: &AppState,
    purpose: Purpose,
    ceremony_id: &str,
    user_id: Option<&UserId>,
    binding: &str,
    answer: &str,
) -> Result<Option<(Stored, Answer)>, ServerError>
where
    Stored: serde::de::DeserializeOwned,
    Answer: serde::de::DeserializeOwned,
{
    let Some(found) = verification::find_request(state, purpose, ceremony_id).await? else {
        return Ok(None);
    };
    if found.user_id.as_ref() != user_id
        || !constant_time_eq(
            found.data["binding"]
                .as_str()
                .unwrap_or_default()
                .as_bytes(),
            binding.as_bytes(),
        )
    {
        return Ok(None);
    }
    let (row_id, now) = (found.id.clone(), state.now());
    let taken = state
        .store
        .write(move |connection| verifications::consume(connection, &row_id, now))
        .await?;
    if !taken {
        return Ok(None);
    }
    Ok(
        match (
            serde_json::from_value::<Stored>(found.data["state"].clone()),
            serde_json::from_str::<Answer>(answer),
        ) {
            (Ok(stored), Ok(answer)) => Some((stored, answer)),
            _ => None,
        },
    )
}

async fn passkeys_of(
    state: &AppState,
    user_id: &UserId,
) -> Result<Vec<(String, Passkey)>, ServerError> {
    let lookup = user_id.clone();
    let rows = state
        .store
        .read(move |connection| factors::secrets_of_kind(connection, &lookup, FactorKind::Passkey))
        .await?;
    rows.into_iter()
        .filter(|row| row.factor.confirmed_at.is_some())
        .map(|row| Ok((row.factor.id, parse(&row.secret)?)))
        .collect()
}

/// Starts registering a passkey for `user`. `None` when passkeys are off.
pub async fn start_registration(
    state: &AppState,
    user: &User,
    binding: &str,
) -> Result<Option<Ceremony>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let (user_id, candidate) = (user.id.clone(), Uuid::new_v4().to_string());
    let handle = state
        .store
        .write(move |connection| factors::ensure_passkey_handle(connection, &user_id, &candidate))
        .await?;
    let handle = Uuid::parse_str(&handle)
        .map_err(|error| ServerError::Factor(format!("passkey handle: {error}")))?;
    let existing = passkeys_of(state, &user.id).await?;
    let exclude = existing
        .iter()
        .map(|(_, passkey)| passkey.cred_id().clone())
        .collect();
    let display_name = user.name.clone().unwrap_or_else(|| user.email.clone());
    let (options, registration) = webauthn
        .start_passkey_registration(handle, &user.email, &display_name, Some(exclude))
        .map_err(|error| ServerError::Factor(format!("passkey registration: {error}")))?;
    let mut options = to_json(&options)?;
    // A discoverable credential can sign in without a name or password (webauthn-rs asks
    // for none by default).
    options["publicKey"]["authenticatorSelection"]["residentKey"] = "required".into();
    options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = true.into();
    let stored = to_json(&registration)?;
    save_ceremony(
        state,
        Purpose::PasskeyRegistration,
        Some(&user.id),
        stored,
        binding,
        options,
    )
    .await
    .map(Some)
}

/// Finishes a registration with the browser's answer; returns the new factor's id, or
/// `None` when the answer is refused (wrong ceremony, bad signature, already registered).
pub async fn finish_registration(
    state: &AppState,
    user: &User,
    ceremony_id: &str,
    credential: &str,
    label: &str,
    binding: &str,
) -> Result<Option<String>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let Some((registration, answer)) =
        take_ceremony::<PasskeyRegistration, RegisterPublicKeyCredential>(
            state,
            Purpose::PasskeyRegistration,
            ceremony_id,
            Some(&user.id),
            binding,
            credential,
        )
        .await?
    else {
        return Ok(None);
    };
    let passkey = match webauthn.finish_passkey_registration(&answer, &registration) {
        Ok(passkey) => passkey,
        Err(error) => {
            tracing::info!(user = %user.id, %error, "passkey registration refused");
            return Ok(None);
        }
    };
    let secret = to_json(&passkey)?.to_string();
    let lookup = base64url(passkey.cred_id());
    let label = label.trim().chars().take(60).collect::<String>();
    let (user_id, now, id) = (user.id.clone(), state.now(), crate::random::row_id());
    let stored_id = id.clone();
    let inserted = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if factors::passkey_exists(connection, &lookup)? {
                return Ok(false);
            }
            factors::insert(
                connection,
                &NewFactor {
                    id: &stored_id,
                    user_id: &user_id,
                    kind: FactorKind::Passkey,
                    secret: &secret,
                    label: (!label.is_empty()).then_some(label.as_str()),
                    lookup: Some(&lookup),
                    now,
                    is_confirmed: true,
                },
            )?;
            Ok(true)
        })
        .await?;
    Ok(inserted.then_some(id))
}

/// Starts a passkey check for a user who signed in with a password. `None` when passkeys are
/// off or the user has none.
pub async fn start_authentication(
    state: &AppState,
    user_id: &UserId,
    binding: &str,
) -> Result<Option<Ceremony>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let passkeys: Vec<Passkey> = passkeys_of(state, user_id)
        .await?
        .into_iter()
        .map(|(_, passkey)| passkey)
        .collect();
    if passkeys.is_empty() {
        return Ok(None);
    }
    let (options, authentication) = webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(|error| ServerError::Factor(format!("passkey authentication: {error}")))?;
    let options = to_json(&options)?;
    let stored = to_json(&authentication)?;
    save_ceremony(
        state,
        Purpose::PasskeyChallenge,
        Some(user_id),
        stored,
        binding,
        options,
    )
    .await
    .map(Some)
}

async fn record_use(
    state: &AppState,
    factor_id: String,
    mut passkey: Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<(), ServerError> {
    let changed = passkey.update_credential(result).unwrap_or(false);
    let secret = if changed {
        Some(to_json(&passkey)?.to_string())
    } else {
        None
    };
    let now = state.now();
    state
        .store
        .write(move |connection| {
            factors::record_use(connection, &factor_id, secret.as_deref(), now)
        })
        .await?;
    Ok(())
}

/// Finishes a second-factor passkey check; returns the factor that answered.
pub async fn finish_authentication(
    state: &AppState,
    user_id: &UserId,
    ceremony_id: &str,
    credential: &str,
    binding: &str,
) -> Result<Option<String>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let Some((authentication, answer)) =
        take_ceremony::<PasskeyAuthentication, PublicKeyCredential>(
            state,
            Purpose::PasskeyChallenge,
            ceremony_id,
            Some(user_id),
            binding,
            credential,
        )
        .await?
    else {
        return Ok(None);
    };
    let result = match webauthn.finish_passkey_authentication(&answer, &authentication) {
        Ok(result) => result,
        Err(error) => {
            tracing::info!(user = %user_id, %error, "passkey check refused");
            return Ok(None);
        }
    };
    let Some((factor_id, passkey)) = passkeys_of(state, user_id)
        .await?
        .into_iter()
        .find(|(_, passkey)| passkey.cred_id() == result.cred_id())
    else {
        return Ok(None);
    };
    record_use(state, factor_id.clone(), passkey, &result).await?;
    Ok(Some(factor_id))
}

/// Starts a passwordless sign-in: the browser offers whichever passkey it holds for us.
pub async fn start_discoverable(
    state: &AppState,
    binding: &str,
) -> Result<Option<Ceremony>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let (options, authentication) = webauthn
        .start_discoverable_authentication()
        .map_err(|error| ServerError::Factor(format!("passkey sign-in: {error}")))?;
    let mut options = to_json(&options)?;
    // The page decides between the autofill prompt and a button.
    if let Some(object) = options.as_object_mut() {
        object.remove("mediation");
    }
    let stored = to_json(&authentication)?;
    save_ceremony(
        state,
        Purpose::PasskeyChallenge,
        None,
        stored,
        binding,
        options,
    )
    .await
    .map(Some)
}

/// Finishes a passwordless sign-in; returns the user the passkey belongs to.
pub async fn finish_discoverable(
    state: &AppState,
    ceremony_id: &str,
    credential: &str,
    binding: &str,
) -> Result<Option<UserId>, ServerError> {
    let Some(webauthn) = webauthn(state) else {
        return Ok(None);
    };
    let Some((authentication, answer)) =
        take_ceremony::<DiscoverableAuthentication, PublicKeyCredential>(
            state,
            Purpose::PasskeyChallenge,
            ceremony_id,
            None,
            binding,
            credential,
        )
        .await?
    else {
        return Ok(None);
    };
    let Ok((handle, credential_id)) = webauthn.identify_discoverable_authentication(&answer) else {
        return Ok(None);
    };
    let (handle, lookup) = (handle.to_string(), base64url(credential_id));
    let found = state
        .store
        .read(move |connection| -> Result<_, StoreError> {
            let Some(user_id) = factors::user_by_passkey_handle(connection, &handle)? else {
                return Ok(None);
            };
            Ok(factors::find_passkey(connection, &lookup)?
                .filter(|row| row.factor.user_id == user_id && row.factor.confirmed_at.is_some())
                .map(|row| (user_id, row)))
        })
        .await?;
    let Some((user_id, row)) = found else {
        return Ok(None);
    };
    let passkey = parse(&row.secret)?;
    let result =
        match webauthn.finish_discoverable_authentication_v2(&answer, authentication, &passkey) {
            Ok(result) => result,
            Err(error) => {
                tracing::info!(user = %user_id, %error, "passwordless passkey sign-in refused");
                return Ok(None);
            }
        };
    record_use(state, row.factor.id, passkey, &result).await?;
    Ok(Some(user_id))
}
