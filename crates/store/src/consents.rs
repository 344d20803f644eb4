//! Scopes a user approved for a client, remembered so the consent page is shown once.

use crate::DbConn;
use crate::error::StoreResult;
use crate::rows::parse_scope;
use crate::schema::consents;
use diesel::prelude::*;
use gatehouse_core::scope::Scope;
use gatehouse_core::{ClientId, UnixTime, UserId};

/// The scope `user_id` approved for `client_id`, if any.
pub fn find(
    connection: &mut DbConn,
    user_id: &UserId,
    client_id: &ClientId,
) -> StoreResult<Option<Scope>> {
    consents::table
        .find((user_id.as_str(), client_id.as_str()))
        .select(consents::scopes)
        .first::<String>(connection)
        .optional()?
        .map(|scopes| parse_scope(&scopes, "consents.scopes"))
        .transpose()
}

/// Adds `scope` to what the user approved for the client.
pub fn grant(
    connection: &mut DbConn,
    user_id: &UserId,
    client_id: &ClientId,
    scope: &Scope,
    now: UnixTime,
) -> StoreResult<()> {
    match find(connection, user_id, client_id)? {
        Some(existing) => {
            diesel::update(consents::table.find((user_id.as_str(), client_id.as_str())))
                .set((
                    consents::scopes.eq(existing.union(scope).to_string()),
                    consents::updated_at.eq(now.as_secs()),
                ))
                .execute(connection)?;
        }
        None => {
            diesel::insert_into(consents::table)
                .values((
                    consents::user_id.eq(user_id.as_str()),
                    consents::client_id.eq(client_id.as_str()),
                    consents::scopes.eq(scope.to_string()),
                    consents::created_at.eq(now.as_secs()),
                    consents::updated_at.eq(now.as_secs()),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}

/// Withdraws every consent the user gave (the account was closed).
pub fn withdraw_all(connection: &mut DbConn, user_id: &UserId) -> StoreResult<usize> {
    Ok(
        diesel::delete(consents::table.filter(consents::user_id.eq(user_id.as_str())))
            .execute(connection)?,
    )
}

/// Withdraws what the user approved for one client; whether there was anything.
pub fn withdraw(
    connection: &mut DbConn,
    user_id: &UserId,
    client_id: &ClientId,
) -> StoreResult<bool> {
    Ok(
        diesel::delete(consents::table.find((user_id.as_str(), client_id.as_str())))
            .execute(connection)?
            > 0,
    )
}
