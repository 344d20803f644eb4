//! Upstream providers, the identities linked to accounts, and sign-ins waiting for an
//! upstream's answer.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::schema::{federated_identities, upstream_attempts, upstream_providers};
use diesel::prelude::*;
use gatehouse_core::upstream::{ClaimMapping, Endpoints, ProviderKind, UpstreamProvider};
use gatehouse_core::{UnixTime, UserId};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = upstream_providers)]
struct ProviderRow {
    id: String,
    kind: String,
    display_name: String,
    client_id: String,
    sealed_client_secret: Option<String>,
    issuer: Option<String>,
    endpoints: String,
    scopes: String,
    claims: String,
    email_trusted: bool,
    button_order: i32,
    enabled: bool,
    created_at: i64,
    updated_at: i64,
}

/// A provider with its sealed client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProvider {
    /// The provider.
    pub provider: UpstreamProvider,
    /// The client secret, sealed under the key-encryption key.
    pub sealed_client_secret: Option<String>,
    /// Creation time.
    pub created_at: UnixTime,
}

impl TryFrom<ProviderRow> for StoredProvider {
    type Error = StoreError;

    fn try_from(row: ProviderRow) -> StoreResult<Self> {
        Ok(Self {
            provider: UpstreamProvider {
                id: row.id,
                kind: row.kind.parse::<ProviderKind>().map_err(corrupt)?,
                display_name: row.display_name,
                client_id: row.client_id,
                issuer: row.issuer,
                endpoints: serde_json::from_str::<Endpoints>(&row.endpoints).map_err(corrupt)?,
                scopes: row.scopes.split_whitespace().map(str::to_owned).collect(),
                claims: serde_json::from_str::<ClaimMapping>(&row.claims).map_err(corrupt)?,
                email_trusted: row.email_trusted,
                button_order: row.button_order,
                enabled: row.enabled,
            },
            sealed_client_secret: row.sealed_client_secret,
            created_at: UnixTime(row.created_at),
        })
    }
}

fn row(stored: &StoredProvider, now: UnixTime) -> StoreResult<ProviderRow> {
    let provider = &stored.provider;
    Ok(ProviderRow {
        id: provider.id.clone(),
        kind: provider.kind.as_str().to_owned(),
        display_name: provider.display_name.clone(),
        client_id: provider.client_id.clone(),
        sealed_client_secret: stored.sealed_client_secret.clone(),
        issuer: provider.issuer.clone(),
        endpoints: serde_json::to_string(&provider.endpoints).map_err(corrupt)?,
        scopes: provider.scopes.join(" "),
        claims: serde_json::to_string(&provider.claims).map_err(corrupt)?,
        email_trusted: provider.email_trusted,
        button_order: provider.button_order,
        enabled: provider.enabled,
        created_at: stored.created_at.as_secs(),
        updated_at: now.as_secs(),
    })
}

/// Adds a provider; [`StoreError::Conflict`] when the id is taken.
pub fn insert(connection: &mut DbConn, stored: &StoredProvider, now: UnixTime) -> StoreResult<()> {
    diesel::insert_into(upstream_providers::table)
        .values(row(stored, now)?)
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a provider with this id"))?;
    Ok(())
}

/// Replaces a provider's settings; `false` when there is none.
pub fn update(
    connection: &mut DbConn,
    stored: &StoredProvider,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(
        diesel::update(upstream_providers::table.find(&stored.provider.id))
            .set(row(stored, now)?)
            .execute(connection)?
            == 1,
    )
}

/// Deletes a provider and the identities linked through it; `false` when there was none.
pub fn delete(connection: &mut DbConn, id: &str) -> StoreResult<bool> {
    Ok(diesel::delete(upstream_providers::table.find(id)).execute(connection)? == 1)
}

/// The provider `id`.
pub fn find(connection: &mut DbConn, id: &str) -> StoreResult<Option<StoredProvider>> {
    upstream_providers::table
        .find(id)
        .select(ProviderRow::as_select())
        .first(connection)
        .optional()?
        .map(StoredProvider::try_from)
        .transpose()
}

/// Every provider, in button order.
pub fn list(connection: &mut DbConn) -> StoreResult<Vec<StoredProvider>> {
    upstream_providers::table
        .order((
            upstream_providers::button_order.asc(),
            upstream_providers::id.asc(),
        ))
        .select(ProviderRow::as_select())
        .load(connection)?
        .into_iter()
        .map(StoredProvider::try_from)
        .collect()
}

/// An account's identity at an upstream provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedIdentity {
    /// The provider.
    pub provider_id: String,
    /// The provider's id for the user.
    pub subject: String,
    /// The account.
    pub user_id: UserId,
    /// The address the provider gave when it was linked.
    pub email: Option<String>,
    /// When it was linked.
    pub created_at: UnixTime,
    /// When it last signed the user in.
    pub last_used_at: UnixTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = federated_identities)]
struct IdentityRow {
    provider_id: String,
    subject: String,
    user_id: String,
    email: Option<String>,
    created_at: i64,
    last_used_at: i64,
}

impl From<IdentityRow> for FederatedIdentity {
    fn from(row: IdentityRow) -> Self {
        Self {
            provider_id: row.provider_id,
            subject: row.subject,
            user_id: UserId::new(row.user_id),
            email: row.email,
            created_at: UnixTime(row.created_at),
            last_used_at: UnixTime(row.last_used_at),
        }
    }
}

/// The identity `subject` at `provider_id`.
pub fn find_identity(
    connection: &mut DbConn,
    provider_id: &str,
    subject: &str,
) -> StoreResult<Option<FederatedIdentity>> {
    Ok(federated_identities::table
        .find((provider_id, subject))
        .select(IdentityRow::as_select())
        .first(connection)
        .optional()?
        .map(FederatedIdentity::from))
}

/// Links an identity to an account. [`StoreError::Conflict`] when the identity is linked
/// already, or the account has one at this provider.
pub fn link(connection: &mut DbConn, identity: &FederatedIdentity) -> StoreResult<()> {
    diesel::insert_into(federated_identities::table)
        .values(IdentityRow {
            provider_id: identity.provider_id.clone(),
            subject: identity.subject.clone(),
            user_id: identity.user_id.as_str().to_owned(),
            email: identity.email.clone(),
            created_at: identity.created_at.as_secs(),
            last_used_at: identity.last_used_at.as_secs(),
        })
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a linked identity"))?;
    Ok(())
}

/// Notes a sign-in through an identity.
pub fn touch_identity(
    connection: &mut DbConn,
    provider_id: &str,
    subject: &str,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(federated_identities::table.find((provider_id, subject)))
        .set(federated_identities::last_used_at.eq(now.as_secs()))
        .execute(connection)?;
    Ok(())
}

/// The identities linked to an account, by provider.
pub fn identities_of(
    connection: &mut DbConn,
    user_id: &UserId,
) -> StoreResult<Vec<FederatedIdentity>> {
    Ok(federated_identities::table
        .filter(federated_identities::user_id.eq(user_id.as_str()))
        .order(federated_identities::provider_id.asc())
        .select(IdentityRow::as_select())
        .load(connection)?
        .into_iter()
        .map(FederatedIdentity::from)
        .collect())
}

/// Unlinks an account's identity at `provider_id`; `false` when it had none.
pub fn unlink(connection: &mut DbConn, user_id: &UserId, provider_id: &str) -> StoreResult<bool> {
    Ok(diesel::delete(
        federated_identities::table
            .filter(federated_identities::user_id.eq(user_id.as_str()))
            .filter(federated_identities::provider_id.eq(provider_id)),
    )
    .execute(connection)?
        > 0)
}

/// Keeps a sign-in sent upstream until its answer comes back.
pub fn insert_attempt(
    connection: &mut DbConn,
    state_digest: &str,
    provider_id: &str,
    sealed: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> StoreResult<()> {
    diesel::insert_into(upstream_attempts::table)
        .values((
            upstream_attempts::state_digest.eq(state_digest),
            upstream_attempts::provider_id.eq(provider_id),
            upstream_attempts::sealed.eq(sealed),
            upstream_attempts::created_at.eq(now.as_secs()),
            upstream_attempts::expires_at.eq(expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Takes the waiting sign-in with `state_digest` at `provider_id`, once: the delete decides,
/// so two answers with the same `state` cannot both go on. Expired ones are not returned.
pub fn take_attempt(
    connection: &mut DbConn,
    state_digest: &str,
    provider_id: &str,
    now: UnixTime,
) -> StoreResult<Option<String>> {
    let found = upstream_attempts::table
        .find(state_digest)
        .filter(upstream_attempts::provider_id.eq(provider_id))
        .filter(upstream_attempts::expires_at.gt(now.as_secs()))
        .select(upstream_attempts::sealed)
        .first::<String>(connection)
        .optional()?;
    let Some(sealed) = found else {
        return Ok(None);
    };
    let deleted =
        diesel::delete(upstream_attempts::table.find(state_digest)).execute(connection)?;
    Ok((deleted == 1).then_some(sealed))
}

/// Deletes waiting sign-ins that expired before `cutoff`.
pub fn purge_attempts(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        upstream_attempts::table.filter(upstream_attempts::expires_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}
