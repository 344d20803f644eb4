//! Signing keys as administrators see them: listed without private parts, rotated on
//! demand.

use crate::crypto::keyring::{self, Rotation};
use crate::error::ServerError;
use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_store::keys::StoredKey;

/// Every stored signing key.
pub async fn list(state: &AppState) -> Result<Vec<StoredKey>, ServerError> {
    Ok(state.store.read(gatehouse_store::keys::list).await?)
}

/// Promotes each algorithm's next key, retires the current one and publishes a new next
/// key. This node signs with the new keys at once; the others within
/// `keys.reload_interval_seconds`.
pub async fn rotate(state: &AppState, actor: &Actor) -> Result<Vec<Rotation>, ServerError> {
    let now = state.now();
    let algorithms = state
        .config
        .signing_algorithms()
        .map_err(|error| ServerError::Configuration(error.to_string()))?;
    let rotations = keyring::rotate(
        &state.store,
        &state.kek,
        &algorithms,
        state.config.keys.rsa_bits,
        now,
    )
    .await?;
    let (actor, secrets, detail) = (
        actor.clone(),
        state.secrets.clone(),
        serde_json::to_value(&rotations).unwrap_or_default(),
    );
    state
        .store
        .write(move |connection| {
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    detail,
                    ..Event::new("keys.rotated")
                },
                now,
            )
        })
        .await?;
    state
        .keys
        .reload(
            &state.store,
            &state.kek,
            now,
            state.config.keys.retired_retention_seconds,
        )
        .await?;
    Ok(rotations)
}
