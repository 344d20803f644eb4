//! Authenticator apps (RFC 6238 TOTP): enrolment with a QR code, and code checks that accept
//! one step of clock skew and never the same step twice.

use crate::error::ServerError;
use crate::state::AppState;
use base64::Engine as _;
use gatehouse_core::mfa::FactorKind;
use gatehouse_core::user::User;
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::StoreError;
use gatehouse_store::factors::{self, NewFactor};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// 160-bit keys, the size RFC 4226 §4 recommends and every authenticator app accepts.
const SECRET_BYTES: usize = 20;
/// Codes of six digits every 30 seconds, SHA-1: what Google Authenticator and its peers
/// assume when the QR code says nothing else.
const DIGITS: u8 = 6;
const STEP_SECONDS: u64 = 30;
/// One step either side: a phone whose clock is up to 30 seconds off still works.
const SKEW_STEPS: u16 = 1;

/// An enrolment waiting for its first code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The key as base32, for typing into the app by hand.
    pub secret_base32: String,
    /// The `otpauth://` URL the QR code carries (a link on phones).
    pub otpauth_url: String,
    /// The QR code as an SVG data URI.
    pub qr_code: String,
    /// When the enrolment lapses.
    pub expires_at: UnixTime,
}

fn issuer(state: &AppState) -> String {
    let configured = if state.config.mfa.totp_issuer.is_empty() {
        &state.config.ui.product_name
    } else {
        &state.config.mfa.totp_issuer
    };
    // The otpauth label uses ':' as its separator.
    configured.replace(':', " ")
}

fn build(secret: &[u8], account: &str, issuer: String) -> Result<Totp, ServerError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_step_duration(STEP_SECONDS)
        .with_skew(SKEW_STEPS)
        .with_secret(Secret::from(secret.to_vec()))
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(issuer))
        .build()
        .map_err(|error| ServerError::Factor(format!("TOTP: {error}")))
}

fn describe(
    state: &AppState,
    user: &User,
    secret: &[u8],
    created_at: UnixTime,
) -> Result<Enrolment, ServerError> {
    let totp = build(secret, &user.email, issuer(state))?;
    let otpauth_url = totp
        .to_url()
        .map_err(|error| ServerError::Factor(format!("TOTP: {error}")))?;
    let svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(|error| ServerError::Factor(format!("QR code: {error}")))?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(Enrolment {
        secret_base32: Secret::from(secret.to_vec()).to_base32(),
        otpauth_url,
        qr_code: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        ),
        expires_at: created_at.plus_seconds(state.config.mfa.enrolment_ttl_seconds),
    })
}

/// Starts enrolling an authenticator app: a new key, stored encrypted and unconfirmed. An
/// earlier unfinished enrolment is dropped.
pub async fn start(state: &AppState, user: &User) -> Result<Enrolment, ServerError> {
    let secret = crate::random::bytes::<SECRET_BYTES>();
    let sealed = state.kek.encrypt(&secret)?;
    let now = state.now();
    let user_id = user.id.clone();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            factors::delete_pending(connection, &user_id, FactorKind::Totp)?;
            factors::insert(
                connection,
                &NewFactor {
                    id: &crate::random::row_id(),
                    user_id: &user_id,
                    kind: FactorKind::Totp,
                    secret: &sealed,
                    label: None,
                    lookup: None,
                    now,
                    is_confirmed: false,
                },
            )
        })
        .await?;
    describe(state, user, &secret, now)
}

/// The user's unfinished enrolment, if it has not lapsed: its row id and key.
async fn pending_key(
    state: &AppState,
    user_id: &UserId,
) -> Result<Option<(String, Vec<u8>, UnixTime)>, ServerError> {
    let lookup = user_id.clone();
    let rows = state
        .store
        .read(move |connection| factors::secrets_of_kind(connection, &lookup, FactorKind::Totp))
        .await?;
    let now = state.now();
    let ttl = state.config.mfa.enrolment_ttl_seconds;
    let Some(row) = rows.into_iter().rev().find(|row| {
        row.factor.confirmed_at.is_none() && now < row.factor.created_at.plus_seconds(ttl)
    }) else {
        return Ok(None);
    };
    let secret = state.kek.decrypt(&row.secret)?;
    Ok(Some((row.factor.id, secret, row.factor.created_at)))
}

/// The unfinished enrolment again (to show the QR code after a wrong code).
pub async fn pending(state: &AppState, user: &User) -> Result<Option<Enrolment>, ServerError> {
    match pending_key(state, &user.id).await? {
        Some((_, secret, created_at)) => Ok(Some(describe(state, user, &secret, created_at)?)),
        None => Ok(None),
    }
}

/// How a confirmation went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// The app is enrolled; the factor's id.
    Confirmed(String),
    /// The code does not match.
    WrongCode,
    /// No enrolment is waiting (never started, or lapsed).
    Lapsed,
}

/// Finishes an enrolment with the first code from the app. The step is recorded, so the
/// same code cannot also sign in.
pub async fn confirm(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Confirmation, ServerError> {
    let Some((id, secret, _)) = pending_key(state, &user.id).await? else {
        return Ok(Confirmation::Lapsed);
    };
    let totp = build(&secret, &user.email, issuer(state))?;
    let now = state.now();
    let Some(step) = matching_step(&totp, code, now) else {
        return Ok(Confirmation::WrongCode);
    };
    let (user_id, factor_id) = (user.id.clone(), id.clone());
    let confirmed = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            Ok(
                factors::accept_totp_step(connection, &factor_id, step, now)?
                    && factors::confirm(connection, &user_id, &factor_id, now)?,
            )
        })
        .await?;
    Ok(if confirmed {
        Confirmation::Confirmed(id)
    } else {
        Confirmation::Lapsed
    })
}

fn matching_step(totp: &Totp, code: &str, now: UnixTime) -> Option<i64> {
    let code: String = code
        .chars()
        .filter(|character| !character.is_whitespace())
        .collect();
    if code.len() != usize::from(DIGITS)
        || !code.chars().all(|character| character.is_ascii_digit())
    {
        return None;
    }
    let time = u64::try_from(now.as_secs()).ok()?;
    totp.check(&code, time)
        .and_then(|step| i64::try_from(step).ok())
}

/// Checks a code against the user's enrolled apps. Returns the factor that accepted it; a
/// code whose step was accepted before is refused (RFC 6238 §5.2).
pub async fn verify(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Option<String>, ServerError> {
    let user_id = user.id.clone();
    let rows = state
        .store
        .read(move |connection| factors::secrets_of_kind(connection, &user_id, FactorKind::Totp))
        .await?;
    let now = state.now();
    for row in rows
        .into_iter()
        .filter(|row| row.factor.confirmed_at.is_some())
    {
        let secret = state.kek.decrypt(&row.secret)?;
        let totp = build(&secret, &user.email, issuer(state))?;
        let Some(step) = matching_step(&totp, code, now) else {
            continue;
        };
        let factor_id = row.factor.id.clone();
        let accepted = state
            .store
            .write(move |connection| factors::accept_totp_step(connection, &factor_id, step, now))
            .await?;
        if accepted {
            return Ok(Some(row.factor.id));
        }
        tracing::info!(user = %user.id, "TOTP code refused: its time step was used already");
    }
    Ok(None)
}
