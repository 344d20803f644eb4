//! Branding of studios and clients, and the logos it shows.

use crate::DbConn;
use crate::error::{StoreResult, corrupt};
use crate::schema::{brandings, logos};
use diesel::prelude::*;
use gatehouse_core::branding::Branding;
use gatehouse_core::{ClientId, StudioId, UnixTime};

/// Whose branding.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// A studio's sign-in pages.
    Studio(&'a StudioId),
    /// A client's sign-in pages.
    Client(&'a ClientId),
}

impl Owner<'_> {
    fn key(self) -> String {
        match self {
            Self::Studio(id) => format!("studio:{}", id.as_str()),
            Self::Client(id) => format!("client:{}", id.as_str()),
        }
    }
}

/// A stored logo.
#[derive(Debug, Clone)]
pub struct Logo {
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub media_type: String,
    /// The image.
    pub content: Vec<u8>,
}

type Row = (String, Option<String>, Option<String>, Option<String>);

fn branding_of(row: Row) -> StoreResult<Branding> {
    let (_, display_name, accent_color, logo) = row;
    Ok(Branding {
        display_name,
        logo,
        accent_color: accent_color
            .map(|color| color.parse())
            .transpose()
            .map_err(corrupt)?,
    })
}

/// The branding of `owner` (empty when it has none).
pub fn find(connection: &mut DbConn, owner: Owner<'_>) -> StoreResult<Branding> {
    Ok(pair(connection, Some(owner), None)?.0)
}

/// The brandings of a page's studio and client, read together.
pub fn pair(
    connection: &mut DbConn,
    first: Option<Owner<'_>>,
    second: Option<Owner<'_>>,
) -> StoreResult<(Branding, Branding)> {
    let keys: Vec<String> = [first, second]
        .into_iter()
        .flatten()
        .map(Owner::key)
        .collect();
    if keys.is_empty() {
        return Ok((Branding::default(), Branding::default()));
    }
    let rows: Vec<Row> = brandings::table
        .filter(brandings::owner.eq_any(&keys))
        .select((
            brandings::owner,
            brandings::display_name,
            brandings::accent_color,
            brandings::logo_digest,
        ))
        .load(connection)?;
    let mut found = (Branding::default(), Branding::default());
    for row in rows {
        if first.is_some_and(|owner| owner.key() == row.0) {
            found.0 = branding_of(row)?;
        } else {
            found.1 = branding_of(row)?;
        }
    }
    Ok(found)
}

fn upsert(
    connection: &mut DbConn,
    owner: Owner<'_>,
    branding: &Branding,
    now: UnixTime,
) -> StoreResult<()> {
    let key = owner.key();
    let accent = branding
        .accent_color
        .as_ref()
        .map(|color| color.as_str().to_owned());
    let updated = diesel::update(brandings::table.find(&key))
        .set((
            brandings::display_name.eq(&branding.display_name),
            brandings::accent_color.eq(&accent),
            brandings::logo_digest.eq(&branding.logo),
            brandings::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    if updated == 0 {
        let (studio_id, client_id) = match owner {
            Owner::Studio(id) => (Some(id.as_str().to_owned()), None),
            Owner::Client(id) => (None, Some(id.as_str().to_owned())),
        };
        diesel::insert_into(brandings::table)
            .values((
                brandings::owner.eq(&key),
                brandings::studio_id.eq(studio_id),
                brandings::client_id.eq(client_id),
                brandings::display_name.eq(&branding.display_name),
                brandings::accent_color.eq(&accent),
                brandings::logo_digest.eq(&branding.logo),
                brandings::updated_at.eq(now.as_secs()),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Replaces the branding of `owner`, storing `new_logo` (digest, media type, bytes) first
/// when given; logos no branding shows any more are deleted.
pub fn save(
    connection: &mut DbConn,
    owner: Owner<'_>,
    branding: &Branding,
    new_logo: Option<(&str, &str, &[u8])>,
    now: UnixTime,
) -> StoreResult<()> {
    if let Some((digest, media_type, content)) = new_logo {
        let known = logos::table
            .find(digest)
            .select(logos::digest)
            .first::<String>(connection)
            .optional()?
            .is_some();
        if !known {
            diesel::insert_into(logos::table)
                .values((
                    logos::digest.eq(digest),
                    logos::media_type.eq(media_type),
                    logos::content.eq(content),
                    logos::created_at.eq(now.as_secs()),
                ))
                .execute(connection)?;
        }
    }
    upsert(connection, owner, branding, now)?;
    let shown = brandings::table
        .filter(brandings::logo_digest.is_not_null())
        .select(brandings::logo_digest.assume_not_null());
    diesel::delete(logos::table.filter(logos::digest.ne_all(shown))).execute(connection)?;
    Ok(())
}

/// The logo stored under `digest`.
pub fn logo(connection: &mut DbConn, digest: &str) -> StoreResult<Option<Logo>> {
    Ok(logos::table
        .find(digest)
        .select((logos::media_type, logos::content))
        .first::<(String, Vec<u8>)>(connection)
        .optional()?
        .map(|(media_type, content)| Logo {
            media_type,
            content,
        }))
}
