//! `/scim/v2/Groups`: studios, with their members.
//!
//! A group's `displayName` is the studio's name; a new group becomes a studio whose slug is
//! made from that name. Members added over SCIM get the `member` role; a member who
//! already holds another role keeps it.

use super::{
    BASE, ListQuery, Listing, ScimCaller, ScimError, parse_body, patch_operations,
    resource_response, text, weak_etag,
};
use crate::service::studios::{self, Member, NewStudio, SettingsChange, StudioError};
use crate::service::users;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::scim::filter::{GROUP_SCHEMA, member};
use gatehouse_core::scim::patch;
use gatehouse_core::studio::{Studio, StudioSettings};
use gatehouse_core::{StudioId, UserId};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The role members added over SCIM get.
const MEMBER_ROLE: &str = "member";

/// The studio as a SCIM Group; `members` as `(user id, e-mail)` when at hand.
fn resource(state: &AppState, studio: &Studio, members: Option<&[(String, String)]>) -> Value {
    let mut resource = json!({
        "schemas": [GROUP_SCHEMA],
        "id": studio.id.as_str(),
        "displayName": studio.name,
        "meta": {
            "resourceType": "Group",
            "created": users::rfc3339(studio.created_at),
            "location": format!("{}{BASE}/Groups/{}", state.issuer, studio.id.as_str()),
            "version": weak_etag(&studios::version(studio)),
        },
    });
    if let Some(members) = members {
        resource["members"] = members
            .iter()
            .map(|(id, email)| {
                json!({
                    "value": id,
                    "display": email,
                    "type": "User",
                    "$ref": format!("{}{BASE}/Users/{id}", state.issuer),
                })
            })
            .collect();
    }
    resource
}

async fn members_of(state: &AppState, studio: &Studio) -> Result<Vec<(String, String)>, ScimError> {
    Ok(studios::members(state, studio)
        .await?
        .into_iter()
        .map(|(membership, user)| (membership.user_id.as_str().to_owned(), user.email))
        .collect())
}

fn studio_error(error: StudioError) -> ScimError {
    match error {
        StudioError::Taken(what) => ScimError::taken(format!("{what} already exists")),
        StudioError::UnknownUser(who) => {
            ScimError::bad_request("invalidValue", format!("members: no User with id {who:?}"))
        }
        StudioError::Store(error) => error.into(),
        other => ScimError::bad_request("invalidValue", other.to_string()),
    }
}

async fn found(state: &AppState, caller: &ScimCaller, id: &str) -> Result<Studio, ScimError> {
    let studio = studios::get(state, &StudioId::new(id.to_owned()))
        .await?
        .filter(|studio| caller.0.may_in(&studio.id, None));
    studio.ok_or_else(|| ScimError::not_found(format!("no Group with id {id:?}")))
}

/// `GET /scim/v2/Groups`
pub async fn list(
    State(state): State<AppState>,
    caller: ScimCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, ScimError> {
    caller.require("studios:read")?;
    let listing = Listing::from_query(query)?;
    let needs_members_to_match = listing
        .filter
        .as_ref()
        .is_some_and(|filter| filter.mentions("members"));
    let mut matched = Vec::new();
    for studio in studios::all(&state).await? {
        if !caller.0.may_in(&studio.id, None) {
            continue;
        }
        let members = if needs_members_to_match {
            Some(members_of(&state, &studio).await?)
        } else {
            None
        };
        let candidate = resource(&state, &studio, members.as_deref());
        if listing
            .filter
            .as_ref()
            .is_none_or(|filter| filter.matches(&candidate))
        {
            matched.push(studio);
        }
    }
    let total = matched.len();
    let mut page = Vec::new();
    for studio in matched.into_iter().skip(listing.skip).take(listing.count) {
        // Members are read only for the page, and only when they are returned.
        let members = if listing.projection.returns("members") {
            Some(members_of(&state, &studio).await?)
        } else {
            None
        };
        page.push(resource(&state, &studio, members.as_deref()));
    }
    Ok(listing.answer(page, total))
}

/// `GET /scim/v2/Groups/{id}`
pub async fn get(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, ScimError> {
    caller.require("studios:read")?;
    let studio = found(&state, &caller, &id).await?;
    let listing = Listing::from_query(query)?;
    let members = if listing.projection.returns("members") {
        Some(members_of(&state, &studio).await?)
    } else {
        None
    };
    let resource = listing
        .projection
        .apply(resource(&state, &studio, members.as_deref()));
    Ok(resource_response(StatusCode::OK, &resource))
}

/// The member ids a Group body lists.
fn member_ids(body: &Value) -> Result<BTreeSet<String>, ScimError> {
    let Some(members) = member(body, "members") else {
        return Ok(BTreeSet::new());
    };
    let members = match members {
        Value::Null => return Ok(BTreeSet::new()),
        Value::Array(members) => members,
        _ => {
            return Err(ScimError::bad_request(
                "invalidValue",
                "members is a list of {\"value\": user id}",
            ));
        }
    };
    members
        .iter()
        .map(|entry| {
            text(entry, &["value"]).map(str::to_owned).ok_or_else(|| {
                ScimError::bad_request("invalidValue", "each member has a value: the User's id")
            })
        })
        .collect()
}

/// A studio slug made from a group's name: `Studio Rossi & Figli` → `studio-rossi-figli`.
fn slug_for(name: &str) -> String {
    let mut slug = String::new();
    for character in name.to_lowercase().chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(63).collect();
    slug = slug.trim_end_matches('-').to_owned();
    if slug.len() < 2 {
        slug = format!("group-{slug}").trim_end_matches('-').to_owned();
    }
    slug
}

/// `POST /scim/v2/Groups`: a new studio, with its first members.
pub async fn create(
    State(state): State<AppState>,
    caller: ScimCaller,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("studios:write")?;
    let body = parse_body(&body)?;
    let name = text(&body, &["displayName"])
        .ok_or_else(|| ScimError::bad_request("invalidValue", "displayName is required"))?
        .to_owned();
    let members = member_ids(&body)?;
    for id in &members {
        if users::get(&state, &UserId::new(id.clone()))
            .await?
            .is_none()
        {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!("members: no User with id {id:?}"),
            ));
        }
    }
    let studio = studios::create(
        &state,
        &caller.0.actor,
        NewStudio {
            slug: slug_for(&name),
            name,
            licence_number: None,
            settings: StudioSettings::default(),
        },
    )
    .await
    .map_err(studio_error)?;
    for id in members {
        studios::add_member(
            &state,
            &caller.0.actor,
            &studio.slug,
            Member::Id(UserId::new(id)),
            MEMBER_ROLE,
            None,
        )
        .await
        .map_err(studio_error)?;
    }
    let members = members_of(&state, &studio).await?;
    Ok(resource_response(
        StatusCode::CREATED,
        &resource(&state, &studio, Some(&members)),
    ))
}

/// Makes the studio what `desired` (a Group body) says: its name and exactly its members.
/// Everything is checked before the first change is made.
async fn make(
    state: &AppState,
    caller: &ScimCaller,
    studio: Studio,
    current: &[(String, String)],
    desired: &Value,
) -> Result<Response, ScimError> {
    let name = text(desired, &["displayName"])
        .ok_or_else(|| ScimError::bad_request("invalidValue", "displayName is required"))?
        .to_owned();
    let wanted = member_ids(desired)?;
    let have: BTreeSet<String> = current.iter().map(|(id, _)| id.clone()).collect();
    let added: Vec<&String> = wanted.difference(&have).collect();
    let removed: Vec<&String> = have.difference(&wanted).collect();
    for id in &added {
        if users::get(state, &UserId::new((*id).clone()))
            .await?
            .is_none()
        {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!("members: no User with id {id:?}"),
            ));
        }
    }
    let mut studio = studio;
    if name != studio.name {
        studio = studios::update_settings(
            state,
            &caller.0.actor,
            &studio.slug,
            SettingsChange {
                name: Some(name),
                ..SettingsChange::default()
            },
            None,
        )
        .await
        .map_err(studio_error)?;
    }
    for id in added {
        studios::add_member(
            state,
            &caller.0.actor,
            &studio.slug,
            Member::Id(UserId::new(id.clone())),
            MEMBER_ROLE,
            None,
        )
        .await
        .map_err(studio_error)?;
    }
    for id in removed {
        studios::remove_member(state, &caller.0.actor, &studio, &UserId::new(id.clone())).await?;
    }
    let members = members_of(state, &studio).await?;
    Ok(resource_response(
        StatusCode::OK,
        &resource(state, &studio, Some(&members)),
    ))
}

/// `PUT /scim/v2/Groups/{id}`: name and members become what the body says.
pub async fn replace(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("studios:write")?;
    let body = parse_body(&body)?;
    let studio = found(&state, &caller, &id).await?;
    let current = members_of(&state, &studio).await?;
    make(&state, &caller, studio, &current, &body).await
}

/// `PATCH /scim/v2/Groups/{id}`: members added and removed one by one (Entra ID, Okta), or
/// the name replaced.
pub async fn patch(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("studios:write")?;
    let operations = patch_operations(&body)?;
    let studio = found(&state, &caller, &id).await?;
    let current = members_of(&state, &studio).await?;
    let mut desired = resource(&state, &studio, Some(&current));
    patch::apply(&mut desired, &operations)?;
    make(&state, &caller, studio, &current, &desired).await
}

/// `DELETE /scim/v2/Groups/{id}`: refused. A studio holds a licence, its settings and its
/// members' devices; it is not removed by a directory losing a group.
pub async fn delete(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    caller.require("studios:write")?;
    found(&state, &caller, &id).await?;
    Err(ScimError::forbidden(
        "a studio is not deleted over SCIM; remove its members, or ask an instance administrator",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_names() {
        assert_eq!(slug_for("Studio Rossi & Figli"), "studio-rossi-figli");
        assert_eq!(slug_for("  Ünïcode Äpfel "), "n-code-pfel");
        assert_eq!(slug_for("X"), "group-x");
        assert_eq!(slug_for("!!!"), "group");
        assert!(slug_for(&"a".repeat(100)).len() <= 63);
    }
}
