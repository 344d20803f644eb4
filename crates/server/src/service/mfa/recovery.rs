//! Recovery codes: ten single-use codes, shown once, stored as keyed digests.

use crate::error::ServerError;
use crate::state::AppState;
use gatehouse_core::mfa::{self, FactorKind, RECOVERY_CODE_COUNT};
use gatehouse_core::secret::constant_time_eq;
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::factors::{self, NewFactor};
use gatehouse_store::{DbConn, StoreResult};

/// A fresh set of codes: the codes to show, and the rows to store.
#[derive(Debug, Clone)]
pub struct FreshCodes {
    /// The codes, shown to the user once.
    pub codes: Vec<String>,
    rows: Vec<(String, String)>,
}

/// Generates a set of codes; store it with [`replace`] in the caller's transaction.
#[must_use]
pub fn generate(state: &AppState) -> FreshCodes {
    let mut codes = Vec::with_capacity(RECOVERY_CODE_COUNT);
    let mut rows = Vec::with_capacity(RECOVERY_CODE_COUNT);
    for _ in 0..RECOVERY_CODE_COUNT {
        let code = mfa::recovery_code(crate::random::bytes::<10>());
        let id = crate::random::row_id();
        rows.push((id.clone(), state.secrets.code_digest(&id, &code)));
        codes.push(code);
    }
    FreshCodes { codes, rows }
}

/// Replaces the user's recovery codes with `fresh`.
pub fn replace(
    connection: &mut DbConn,
    user_id: &UserId,
    fresh: &FreshCodes,
    now: UnixTime,
) -> StoreResult<()> {
    factors::delete_kind(connection, user_id, FactorKind::RecoveryCode)?;
    for (id, digest) in &fresh.rows {
        factors::insert(
            connection,
            &NewFactor {
                id,
                user_id,
                kind: FactorKind::RecoveryCode,
                secret: digest,
                label: None,
                lookup: None,
                now,
                is_confirmed: true,
            },
        )?;
    }
    Ok(())
}

/// Spends a recovery code. Returns how many remain, or `None` when the code is not one of
/// the user's unspent codes.
pub async fn spend(
    state: &AppState,
    user_id: &UserId,
    typed: &str,
) -> Result<Option<usize>, ServerError> {
    let Some(code) = mfa::normalize_recovery_code(typed) else {
        return Ok(None);
    };
    let lookup = user_id.clone();
    let rows = state
        .store
        .read(move |connection| {
            factors::secrets_of_kind(connection, &lookup, FactorKind::RecoveryCode)
        })
        .await?;
    let unspent: Vec<_> = rows
        .into_iter()
        .filter(|row| row.factor.is_active())
        .collect();
    // Compare with every code, so the time taken does not tell which one matched.
    let mut matched = None;
    for row in &unspent {
        let digest = state.secrets.code_digest(&row.factor.id, &code);
        if constant_time_eq(digest.as_bytes(), row.secret.as_bytes()) {
            matched = Some(row.factor.id.clone());
        }
    }
    let Some(id) = matched else {
        return Ok(None);
    };
    let now = state.now();
    let spent = state
        .store
        .write(move |connection| factors::spend_recovery_code(connection, &id, now))
        .await?;
    Ok(spent.then(|| unspent.len() - 1))
}
