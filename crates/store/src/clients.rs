//! Registered clients.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::rows::{from_json_list, parse_scope, to_json_list};
use crate::schema::clients;
use diesel::prelude::*;
use gatehouse_core::client::{Client, ClientKeys, GrantType};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::{ClientId, StudioId, UnixTime};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
struct ClientRow {
    id: String,
    name: String,
    secret_digest: Option<String>,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    grant_types: String,
    scopes: String,
    is_first_party: bool,
    access_token_audiences: String,
    id_token_signing_alg: String,
    created_at: i64,
    updated_at: i64,
    allowed_studios: String,
    require_studio: bool,
    backchannel_logout_uri: Option<String>,
    allows_registration: bool,
    jwks: Option<String>,
    jwks_uri: Option<String>,
    require_pushed_requests: bool,
    fapi: bool,
    userinfo_signing_alg: Option<String>,
    secret_encrypted: Option<String>,
}

impl TryFrom<ClientRow> for Client {
    type Error = StoreError;

    fn try_from(row: ClientRow) -> StoreResult<Self> {
        let grant_types = from_json_list(&row.grant_types, "clients.grant_types")?
            .iter()
            .map(|grant| grant.parse::<GrantType>().map_err(corrupt))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Client {
            id: ClientId::new(row.id),
            name: row.name,
            secret_digest: row.secret_digest,
            encrypted_secret: row.secret_encrypted,
            redirect_uris: from_json_list(&row.redirect_uris, "clients.redirect_uris")?,
            post_logout_redirect_uris: from_json_list(
                &row.post_logout_redirect_uris,
                "clients.post_logout_redirect_uris",
            )?,
            grant_types,
            scopes: parse_scope(&row.scopes, "clients.scopes")?,
            is_first_party: row.is_first_party,
            access_token_audiences: from_json_list(
                &row.access_token_audiences,
                "clients.access_token_audiences",
            )?,
            id_token_signing_algorithm: row.id_token_signing_alg.parse().map_err(corrupt)?,
            allowed_studios: from_json_list(&row.allowed_studios, "clients.allowed_studios")?
                .into_iter()
                .map(StudioId::new)
                .collect(),
            require_studio: row.require_studio,
            backchannel_logout_uri: row.backchannel_logout_uri,
            allows_registration: row.allows_registration,
            keys: match (row.jwks, row.jwks_uri) {
                (Some(jwks), _) => Some(ClientKeys::Jwks(jwks)),
                (None, Some(uri)) => Some(ClientKeys::JwksUri(uri)),
                (None, None) => None,
            },
            requires_pushed_requests: row.require_pushed_requests,
            is_fapi: row.fapi,
            userinfo_signing_algorithm: row
                .userinfo_signing_alg
                .map(|name| name.parse().map_err(corrupt))
                .transpose()?,
            created_at: UnixTime(row.created_at),
        })
    }
}

/// Registers a client.
pub fn insert(connection: &mut DbConn, client: &Client) -> StoreResult<()> {
    let grant_types: Vec<String> = client
        .grant_types
        .iter()
        .map(|grant| grant.as_str().to_owned())
        .collect();
    let row = ClientRow {
        id: client.id.as_str().to_owned(),
        name: client.name.clone(),
        secret_digest: client.secret_digest.clone(),
        redirect_uris: to_json_list(&client.redirect_uris),
        post_logout_redirect_uris: to_json_list(&client.post_logout_redirect_uris),
        grant_types: to_json_list(&grant_types),
        scopes: client.scopes.to_string(),
        is_first_party: client.is_first_party,
        access_token_audiences: to_json_list(&client.access_token_audiences),
        id_token_signing_alg: client.id_token_signing_algorithm.as_str().to_owned(),
        created_at: client.created_at.as_secs(),
        updated_at: client.created_at.as_secs(),
        allowed_studios: to_json_list(
            &client
                .allowed_studios
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect::<Vec<_>>(),
        ),
        require_studio: client.require_studio,
        backchannel_logout_uri: client.backchannel_logout_uri.clone(),
        allows_registration: client.allows_registration,
        jwks: jwks(client).map(str::to_owned),
        jwks_uri: jwks_uri(client).map(str::to_owned),
        require_pushed_requests: client.requires_pushed_requests,
        fapi: client.is_fapi,
        userinfo_signing_alg: client
            .userinfo_signing_algorithm
            .map(|algorithm| algorithm.as_str().to_owned()),
        secret_encrypted: client.encrypted_secret.clone(),
    };
    diesel::insert_into(clients::table)
        .values(row)
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a client with this id"))?;
    Ok(())
}

fn jwks(client: &Client) -> Option<&str> {
    match &client.keys {
        Some(ClientKeys::Jwks(jwks)) => Some(jwks),
        _ => None,
    }
}

fn jwks_uri(client: &Client) -> Option<&str> {
    match &client.keys {
        Some(ClientKeys::JwksUri(uri)) => Some(uri),
        _ => None,
    }
}

/// The client with `id`.
pub fn find(connection: &mut DbConn, id: &ClientId) -> StoreResult<Option<Client>> {
    clients::table
        .find(id.as_str())
        .select(ClientRow::as_select())
        .first(connection)
        .optional()?
        .map(Client::try_from)
        .transpose()
}

/// Every client, oldest first.
pub fn list(connection: &mut DbConn) -> StoreResult<Vec<Client>> {
    clients::table
        .order(clients::created_at.asc())
        .select(ClientRow::as_select())
        .load(connection)?
        .into_iter()
        .map(Client::try_from)
        .collect()
}

/// Replaces a client's settings (everything but its id, secret and creation time; its keys
/// included).
pub fn update(connection: &mut DbConn, client: &Client, now: UnixTime) -> StoreResult<bool> {
    let grant_types: Vec<String> = client
        .grant_types
        .iter()
        .map(|grant| grant.as_str().to_owned())
        .collect();
    let studio_ids: Vec<String> = client
        .allowed_studios
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect();
    Ok(diesel::update(clients::table.find(client.id.as_str()))
        .set((
            clients::name.eq(&client.name),
            clients::redirect_uris.eq(to_json_list(&client.redirect_uris)),
            clients::post_logout_redirect_uris.eq(to_json_list(&client.post_logout_redirect_uris)),
            clients::grant_types.eq(to_json_list(&grant_types)),
            clients::scopes.eq(client.scopes.to_string()),
            clients::is_first_party.eq(client.is_first_party),
            clients::access_token_audiences.eq(to_json_list(&client.access_token_audiences)),
            clients::id_token_signing_alg.eq(client.id_token_signing_algorithm.as_str()),
            clients::allowed_studios.eq(to_json_list(&studio_ids)),
            clients::require_studio.eq(client.require_studio),
            clients::backchannel_logout_uri.eq(&client.backchannel_logout_uri),
            clients::allows_registration.eq(client.allows_registration),
            clients::jwks.eq(jwks(client)),
            clients::jwks_uri.eq(jwks_uri(client)),
            clients::require_pushed_requests.eq(client.requires_pushed_requests),
            clients::fapi.eq(client.is_fapi),
            clients::userinfo_signing_alg.eq(client
                .userinfo_signing_algorithm
                .map(SigningAlgorithm::as_str)),
            clients::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?
        == 1)
}

/// Replaces a confidential client's secret digest (and, for `client_secret_jwt`, the
/// encrypted secret); `false` when there is no such client.
pub fn set_secret_digest(
    connection: &mut DbConn,
    id: &ClientId,
    digest: &str,
    encrypted: Option<&str>,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(clients::table.find(id.as_str()))
        .set((
            clients::secret_digest.eq(digest),
            clients::secret_encrypted.eq(encrypted),
            clients::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?
        == 1)
}

/// Deletes a client; its codes, grants and consents go with it. `false` when there was
/// none.
pub fn delete(connection: &mut DbConn, id: &ClientId) -> StoreResult<bool> {
    Ok(diesel::delete(clients::table.find(id.as_str())).execute(connection)? == 1)
}

/// Holds the client's row until the transaction ends (PostgreSQL).
pub fn lock(connection: &mut DbConn, id: &ClientId) -> StoreResult<()> {
    if let DbConn::Postgres(_) = connection {
        diesel::sql_query("SELECT id FROM clients WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id.as_str())
            .execute(connection)?;
    }
    Ok(())
}
