//! The applications a user has let in: listed on the account page, and disconnected there —
//! the consent withdrawn and every grant (with its refresh and access tokens) revoked in one
//! transaction, so the application must ask again.

use crate::error::ServerError;
use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_core::{ClientId, UnixTime, UserId};
use gatehouse_store::{StoreError, clients, consents, grants};

/// An application with live access to the account.
#[derive(Debug, Clone)]
pub struct ConnectedApp {
    /// Its client id.
    pub client_id: ClientId,
    /// Its name.
    pub name: String,
    /// What it may do, space-separated scopes.
    pub scopes: String,
    /// Since when.
    pub since: UnixTime,
    /// When it last got or refreshed a token.
    pub last_used_at: UnixTime,
}

/// The applications with live grants of `user_id`, most recently used first.
pub async fn list(state: &AppState, user_id: &UserId) -> Result<Vec<ConnectedApp>, ServerError> {
    let (user_id, now) = (user_id.clone(), state.now());
    Ok(state
        .store
        .read(move |connection| {
            let mut apps = Vec::new();
            for connected in grants::connected_clients(connection, &user_id, now)? {
                // A deleted client's grants went with it; skip what is left mid-deletion.
                let Some(client) = clients::find(connection, &connected.client_id)? else {
                    continue;
                };
                apps.push(ConnectedApp {
                    client_id: connected.client_id,
                    name: client.name,
                    scopes: connected.scopes,
                    since: connected.since,
                    last_used_at: connected.last_used_at,
                });
            }
            Ok::<_, StoreError>(apps)
        })
        .await?)
}

/// Disconnects `client_id` from the account: consent withdrawn, grants revoked. `false`
/// when it had neither.
pub async fn disconnect(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    client_id: &ClientId,
) -> Result<bool, ServerError> {
    let (user_id, client_id) = (user_id.clone(), client_id.clone());
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let (disconnected, told) = state
        .store
        .write(move |connection| -> Result<(bool, usize), StoreError> {
            let withdrawn = consents::withdraw(connection, &user_id, &client_id)?;
            let targets = grants::logout_targets(
                connection,
                &user_id,
                grants::GrantSelection::OfClient(&client_id),
            )?;
            let revoked = grants::revoke_for_client(connection, &user_id, &client_id, now)?;
            if !withdrawn && revoked == 0 {
                return Ok((false, 0));
            }
            let told = crate::service::sessions::tell_of_revoked_grants(
                connection, &user_id, targets, now,
            )?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    client_id: Some(client_id.as_str()),
                    detail: serde_json::json!({ "grants_revoked": revoked }),
                    ..Event::new("consent.withdrawn")
                },
                now,
            )?;
            Ok((true, told))
        })
        .await?;
    if told > 0 {
        state.outbox_wakeup.notify_one();
    }
    Ok(disconnected)
}
