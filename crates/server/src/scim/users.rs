//! `/scim/v2/Users`: accounts.
//!
//! `userName` is the account's e-mail address, its sign-in name. Every change arrives as a
//! desired state (a PUT body, or the resource with a PATCH applied) and is made by the same
//! service calls as the management API's, so rules, audit events and webhooks are the same.

use super::{
    BASE, ListQuery, Listing, ScimCaller, ScimError, parse_body, patch_operations,
    resource_response, text, weak_etag,
};
use crate::service::accounts;
use crate::service::users::{
    self, ChangeRefusal, CreateRefusal, Credential, DetailsChange, NewAccount, ProfileChange,
};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::UserId;
use gatehouse_core::profile::Profile;
use gatehouse_core::scim::filter::{USER_SCHEMA, member};
use gatehouse_core::scim::patch;
use gatehouse_core::studio::Membership;
use gatehouse_core::user::{User, UserStatus};
use gatehouse_store::users::{After, Filter as StoreFilter, Order};
use secrecy::SecretString;
use serde_json::{Value, json};

/// The enterprise extension, for `organization` (the company).
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Accounts read per query while scanning for a filter no index answers.
const SCAN_BATCH: i64 = 500;

/// Whether SCIM calls the account active: not disabled and not closed. An account waiting
/// for its activation is active in SCIM's sense (nobody switched it off).
fn is_active(user: &User) -> bool {
    !matches!(user.status, UserStatus::Disabled | UserStatus::Closed)
}

/// The account as a SCIM User; `groups` when the memberships are at hand.
fn resource(state: &AppState, user: &User, memberships: Option<&[Membership]>) -> Value {
    let location = format!("{}{BASE}/Users/{}", state.issuer, user.id.as_str());
    let mut resource = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id.as_str(),
        "userName": user.email,
        "active": is_active(user),
        "emails": [{"value": user.email, "type": "work", "primary": true}],
        "meta": {
            "resourceType": "User",
            "created": users::rfc3339(user.created_at),
            "lastModified": users::rfc3339(user.updated_at),
            "location": location,
            "version": weak_etag(&users::version(user)),
        },
    });
    if let Some(name) = &user.name {
        // One full name is kept; clients that edit its parts (Entra ID sends only the part
        // that changed) see it split at the first space.
        let (given, family) = name.split_once(' ').unwrap_or((name, ""));
        resource["name"] = json!({"formatted": name, "givenName": given});
        if !family.trim().is_empty() {
            resource["name"]["familyName"] = json!(family.trim());
        }
        resource["displayName"] = json!(name);
    }
    if let Some(phone) = &user.phone_number {
        resource["phoneNumbers"] = json!([{"value": phone, "type": "mobile", "primary": true}]);
    }
    if let Some(locale) = &user.locale {
        resource["locale"] = json!(locale);
        resource["preferredLanguage"] = json!(locale);
    }
    if let Some(title) = &user.profile.job_title {
        resource["title"] = json!(title);
    }
    if user.profile.city.is_some() || user.profile.country.is_some() {
        let mut address = json!({"type": "work", "primary": true});
        if let Some(city) = &user.profile.city {
            address["locality"] = json!(city);
        }
        if let Some(country) = &user.profile.country {
            address["country"] = json!(country);
        }
        resource["addresses"] = json!([address]);
    }
    if let Some(company) = &user.profile.company {
        resource["schemas"] = json!([USER_SCHEMA, ENTERPRISE_SCHEMA]);
        resource[ENTERPRISE_SCHEMA] = json!({"organization": company});
    }
    if let Some(memberships) = memberships {
        resource["groups"] = memberships
            .iter()
            .map(|membership| {
                json!({
                    "value": membership.studio.id.as_str(),
                    "display": membership.studio.name,
                    "$ref": format!("{}{BASE}/Groups/{}", state.issuer, membership.studio.id.as_str()),
                    "type": "direct",
                })
            })
            .collect();
    }
    resource
}

/// What a SCIM User body asks the account to be.
#[derive(Debug, PartialEq)]
struct Desired {
    email: String,
    name: Option<String>,
    active: bool,
    phone: Option<String>,
    locale: Option<String>,
    job_title: Option<String>,
    company: Option<String>,
    city: Option<String>,
    country: Option<String>,
    password: Option<String>,
}

impl Desired {
    /// Reads `body`; `before` is the resource it replaces, if any, to tell which of the
    /// name's spellings the client changed.
    fn read(body: &Value, before: Option<&Value>) -> Result<Self, ScimError> {
        let email = text(body, &["userName"])
            .ok_or_else(|| {
                ScimError::bad_request("invalidValue", "userName (the e-mail address) is required")
            })?
            .to_owned();
        if !email.contains('@') {
            return Err(ScimError::bad_request(
                "invalidValue",
                "userName is the account's e-mail address, its sign-in name",
            ));
        }
        let active = match member(body, "active") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(active)) => *active,
            // Entra ID has sent booleans as strings.
            Some(Value::String(word)) if word.eq_ignore_ascii_case("true") => true,
            Some(Value::String(word)) if word.eq_ignore_ascii_case("false") => false,
            Some(other) => {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    format!("active is true or false, not {other}"),
                ));
            }
        };
        let address = chosen(body, "addresses", None);
        Ok(Self {
            email,
            name: name_of(body, before),
            active,
            phone: chosen(body, "phoneNumbers", Some("mobile"))
                .and_then(|phone| text(phone, &["value"]))
                .map(str::to_owned),
            locale: text(body, &["preferredLanguage"])
                .or_else(|| text(body, &["locale"]))
                .and_then(supported_language),
            job_title: text(body, &["title"]).map(str::to_owned),
            company: text(body, &[ENTERPRISE_SCHEMA, "organization"]).map(str::to_owned),
            city: address
                .and_then(|address| text(address, &["locality"]))
                .map(str::to_owned),
            country: address
                .and_then(|address| text(address, &["country"]))
                .map(str::to_owned),
            password: text(body, &["password"]).map(str::to_owned),
        })
    }
}

/// The full name. Clients spell it as `givenName` and `familyName` (Entra ID, Okta),
/// `name.formatted` or `displayName`, and the resource Gatehouse answers carries all
/// three: the spelling the client changed wins, parts first.
fn name_of(body: &Value, before: Option<&Value>) -> Option<String> {
    let spellings: [fn(&Value) -> Option<String>; 3] = [name_parts, formatted_name, display_name];
    for spelling in spellings {
        let wanted = spelling(body);
        let changed = match before {
            Some(before) => wanted != spelling(before),
            None => wanted.is_some(),
        };
        if changed && wanted.is_some() {
            return wanted;
        }
    }
    // Nothing new: every spelling the body has is the old name, or it has none (a
    // replacement without a name clears it).
    formatted_name(body)
        .or_else(|| display_name(body))
        .or_else(|| name_parts(body))
}

fn name_parts(resource: &Value) -> Option<String> {
    let joined = [
        text(resource, &["name", "givenName"]),
        text(resource, &["name", "familyName"]),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    (!joined.is_empty()).then_some(joined)
}

fn formatted_name(resource: &Value) -> Option<String> {
    text(resource, &["name", "formatted"]).map(str::to_owned)
}

fn display_name(resource: &Value) -> Option<String> {
    text(resource, &["displayName"]).map(str::to_owned)
}

/// The value of a multi-valued attribute to use: the primary one, else the one of
/// `preferred_type`, else the first.
fn chosen<'a>(body: &'a Value, attribute: &str, preferred_type: Option<&str>) -> Option<&'a Value> {
    let values = member(body, attribute)?.as_array()?;
    values
        .iter()
        .find(|value| member(value, "primary").and_then(Value::as_bool) == Some(true))
        .or_else(|| {
            preferred_type.and_then(|wanted| {
                values.iter().find(|value| {
                    text(value, &["type"]).is_some_and(|kind| kind.eq_ignore_ascii_case(wanted))
                })
            })
        })
        .or_else(|| values.first())
}

/// A language Gatehouse speaks for `tag`: the tag itself, or its primary language
/// (`en-US` → `en`); `None` when neither is one, and the instance's language applies.
fn supported_language(tag: &str) -> Option<String> {
    let lowered = tag.to_ascii_lowercase().replace('_', "-");
    if crate::i18n::is_supported(&lowered) {
        return Some(lowered);
    }
    let primary = lowered.split('-').next().unwrap_or_default();
    crate::i18n::is_supported(primary).then(|| primary.to_owned())
}

fn create_refusal(refusal: CreateRefusal) -> ScimError {
    match refusal {
        CreateRefusal::EmailTaken => {
            ScimError::taken("a user with this userName (e-mail address) already exists")
        }
        CreateRefusal::Invalid { field, message } => {
            ScimError::bad_request("invalidValue", format!("{}: {message}", scim_field(&field)))
        }
        other => ScimError::bad_request("invalidValue", other.to_string()),
    }
}

/// The SCIM attribute behind a field of the account.
fn scim_field(field: &str) -> &str {
    match field {
        "email" => "userName",
        "name" => "name",
        "phone" => "phoneNumbers",
        "locale" => "preferredLanguage",
        "job_title" | "profile/job_title" => "title",
        "company" | "profile/company" => "organization",
        "city" | "profile/city" => "addresses.locality",
        "country" | "profile/country" => "addresses.country",
        "password" => "password",
        other => other,
    }
}

async fn found(
    state: &AppState,
    caller: &ScimCaller,
    id: &str,
) -> Result<(User, Vec<Membership>), ScimError> {
    let not_found = || ScimError::not_found(format!("no User with id {id:?}"));
    let user_id = UserId::new(id.to_owned());
    let user = users::get(state, &user_id).await?.ok_or_else(not_found)?;
    let memberships = users::memberships(state, &user_id).await?;
    let visible = matches!(caller.0.reach, crate::api::caller::Reach::Everywhere)
        || memberships
            .iter()
            .any(|membership| caller.0.may_in(&membership.studio.id, None));
    if visible {
        Ok((user, memberships))
    } else {
        // A studio admin is not told that accounts outside their studios exist.
        Err(not_found())
    }
}

/// `GET /scim/v2/Users`
pub async fn list(
    State(state): State<AppState>,
    caller: ScimCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, ScimError> {
    caller.require("users:read")?;
    let listing = Listing::from_query(query)?;
    let with_groups = listing.projection.returns("groups")
        && (listing.projection.only.is_some()
            || listing
                .filter
                .as_ref()
                .is_some_and(|filter| filter.mentions("groups")));
    let needs_groups_to_match = listing
        .filter
        .as_ref()
        .is_some_and(|filter| filter.mentions("groups"));

    // An index answers `userName eq` and `id eq`; anything else is a scan of the accounts
    // the caller may see.
    let narrowed = match &listing.filter {
        Some(filter) => match (
            filter.required_equal("userName"),
            filter.required_equal("id"),
        ) {
            (Some(email), _) => Some(users::find_by_email(&state, email).await?),
            (None, Some(id)) => Some(users::get(&state, &UserId::new(id.to_owned())).await?),
            (None, None) => None,
        },
        None => None,
    };
    let candidates: Vec<User> = match narrowed {
        Some(user) => {
            let mut visible = Vec::new();
            if let Some(user) = user {
                let memberships = users::memberships(&state, &user.id).await?;
                if matches!(caller.0.reach, crate::api::caller::Reach::Everywhere)
                    || memberships
                        .iter()
                        .any(|membership| caller.0.may_in(&membership.studio.id, None))
                {
                    visible.push(user);
                }
            }
            visible
        }
        None => {
            let mut all = Vec::new();
            let mut after: Option<After> = None;
            loop {
                let filter = StoreFilter {
                    email_contains: None,
                    status: None,
                    studio_ids: caller.0.studio_ids(),
                };
                let batch =
                    users::list(&state, filter, Order::Created, after.take(), SCAN_BATCH).await?;
                let full = i64::try_from(batch.len()).unwrap_or(0) == SCAN_BATCH;
                after = batch.last().map(|user| After {
                    email: user.email.clone(),
                    id: user.id.as_str().to_owned(),
                });
                all.extend(batch);
                if !full {
                    break;
                }
            }
            all
        }
    };

    let mut matched = Vec::new();
    for user in candidates {
        let memberships = if needs_groups_to_match || with_groups {
            Some(users::memberships(&state, &user.id).await?)
        } else {
            None
        };
        let resource = resource(&state, &user, memberships.as_deref());
        if listing
            .filter
            .as_ref()
            .is_none_or(|filter| filter.matches(&resource))
        {
            matched.push(resource);
        }
    }
    let total = matched.len();
    let page: Vec<Value> = matched
        .into_iter()
        .skip(listing.skip)
        .take(listing.count)
        .map(|mut resource| {
            if !with_groups && let Some(object) = resource.as_object_mut() {
                object.remove("groups");
            }
            resource
        })
        .collect();
    Ok(listing.answer(page, total))
}

/// `GET /scim/v2/Users/{id}`
pub async fn get(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    caller.require("users:read")?;
    let (user, memberships) = found(&state, &caller, &id).await?;
    Ok(resource_response(
        StatusCode::OK,
        &resource(&state, &user, Some(&memberships)),
    ))
}

/// `POST /scim/v2/Users`: a new account. With a `password` it can sign in at once;
/// without one the user is e-mailed an activation link, as when an administrator creates
/// an account without a password.
pub async fn create(
    State(state): State<AppState>,
    caller: ScimCaller,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("users:write")?;
    let body = parse_body(&body)?;
    let desired = Desired::read(&body, None)?;
    let credential = match &desired.password {
        Some(password) => Credential::Password(SecretString::from(password.clone())),
        None => Credential::Activation {
            language: desired
                .locale
                .clone()
                .unwrap_or_else(|| state.config.ui.default_locale.clone()),
        },
    };
    let is_activation = matches!(credential, Credential::Activation { .. });
    let new = NewAccount {
        email: desired.email.clone(),
        email_verified: !is_activation,
        name: desired.name.clone(),
        phone: desired.phone.clone(),
        phone_verified: false,
        locale: desired.locale.clone(),
        profile: Profile {
            job_title: desired.job_title.clone(),
            company: desired.company.clone(),
            city: desired.city.clone(),
            country: desired.country.clone(),
            ..Profile::default()
        },
        memberships: Vec::new(),
        credential,
    };
    let user = users::create(&state, &caller.0.actor, new)
        .await?
        .map_err(create_refusal)?;
    // A user provisioned switched off: an account that can sign in is disabled; one still
    // waiting for its activation stays waiting.
    if !desired.active && user.status == UserStatus::Active {
        users::set_enabled(&state, &caller.0.actor, &user.id, false).await?;
    }
    let user = users::get(&state, &user.id)
        .await?
        .ok_or_else(|| ScimError::not_found("the user no longer exists"))?;
    Ok(resource_response(
        StatusCode::CREATED,
        &resource(&state, &user, Some(&[])),
    ))
}

/// Makes the account what `desired` says: details, password, then whether it is active.
/// Everything is checked before the first change is made.
async fn make(
    state: &AppState,
    caller: &ScimCaller,
    user: &User,
    desired: Desired,
) -> Result<Response, ScimError> {
    if !desired.email.eq_ignore_ascii_case(&user.email) {
        return Err(ScimError::bad_request(
            "mutability",
            "userName is the account's e-mail address; the user changes it themselves, with a confirmation sent to the new address",
        ));
    }
    if desired.active != is_active(user) {
        let allowed = match user.status {
            UserStatus::Active | UserStatus::Disabled => true,
            UserStatus::Closed => false,
            _ => desired.active,
        };
        if !allowed {
            return Err(ScimError::conflict(format!(
                "an account that is {} cannot be switched {}",
                user.status.as_str(),
                if desired.active { "on" } else { "off" }
            )));
        }
    }
    let keep_or_clear = |wanted: &Option<String>, have: &Option<String>| {
        (wanted != have).then(|| wanted.clone().unwrap_or_default())
    };
    let change = DetailsChange {
        name: keep_or_clear(&desired.name, &user.name),
        phone: keep_or_clear(&desired.phone, &user.phone_number),
        locale: desired
            .locale
            .clone()
            .filter(|locale| Some(locale) != user.locale.as_ref()),
        profile: ProfileChange {
            job_title: keep_or_clear(&desired.job_title, &user.profile.job_title),
            company: keep_or_clear(&desired.company, &user.profile.company),
            city: keep_or_clear(&desired.city, &user.profile.city),
            country: keep_or_clear(&desired.country, &user.profile.country),
            ..ProfileChange::default()
        },
    };
    let changes_details = change.name.is_some()
        || change.phone.is_some()
        || change.locale.is_some()
        || change.profile.job_title.is_some()
        || change.profile.company.is_some()
        || change.profile.city.is_some()
        || change.profile.country.is_some();
    if changes_details {
        match users::change_details(state, &caller.0.actor, &user.id, change, None).await? {
            Ok(_) => {}
            Err(ChangeRefusal::NotFound) => {
                return Err(ScimError::not_found("the user no longer exists"));
            }
            Err(ChangeRefusal::Stale) => {
                return Err(ScimError::conflict("the user changed meanwhile; try again"));
            }
            Err(ChangeRefusal::Invalid(invalid)) => {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    format!(
                        "{}: {}",
                        scim_field(invalid.field),
                        crate::i18n::translate(
                            "en",
                            invalid.problem,
                            &[("field", invalid.field.to_owned())],
                        )
                    ),
                ));
            }
        }
    }
    if let Some(password) = desired.password {
        match accounts::set_password(
            state,
            user,
            SecretString::from(password),
            None,
            &caller.0.actor,
        )
        .await
        {
            Ok(()) => {}
            Err(accounts::ChangePasswordError::WeakPassword(violations)) => {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    format!("password: {}", accounts::describe(&violations)),
                ));
            }
            Err(accounts::ChangePasswordError::Store(error)) => return Err(error.into()),
            Err(accounts::ChangePasswordError::Server(error)) => return Err(error.into()),
        }
    }
    if desired.active != is_active(user)
        && matches!(user.status, UserStatus::Active | UserStatus::Disabled)
    {
        users::set_enabled(state, &caller.0.actor, &user.id, desired.active).await?;
    }
    let user = users::get(state, &user.id)
        .await?
        .ok_or_else(|| ScimError::not_found("the user no longer exists"))?;
    let memberships = users::memberships(state, &user.id).await?;
    Ok(resource_response(
        StatusCode::OK,
        &resource(state, &user, Some(&memberships)),
    ))
}

/// `PUT /scim/v2/Users/{id}`: the account becomes what the body says; attributes left out
/// are cleared.
pub async fn replace(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("users:write")?;
    let body = parse_body(&body)?;
    let (user, memberships) = found(&state, &caller, &id).await?;
    let before = resource(&state, &user, Some(&memberships));
    let desired = Desired::read(&body, Some(&before))?;
    make(&state, &caller, &user, desired).await
}

/// `PATCH /scim/v2/Users/{id}`: the operations are applied to the account's resource, and
/// the result is made so.
pub async fn patch(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.require_change("users:write")?;
    let operations = patch_operations(&body)?;
    let (user, memberships) = found(&state, &caller, &id).await?;
    let before = resource(&state, &user, Some(&memberships));
    let mut after = before.clone();
    patch::apply(&mut after, &operations)?;
    let desired = Desired::read(&after, Some(&before))?;
    make(&state, &caller, &user, desired).await
}

/// `DELETE /scim/v2/Users/{id}`: the account is purged, as deprovisioning means. (A
/// provisioning client that only switches users off sends `active: false` instead.)
pub async fn delete(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    caller.require_change("users:write")?;
    if !users::purge(&state, &caller.0.actor, &UserId::new(id.clone())).await? {
        return Err(ScimError::not_found(format!("no User with id {id:?}")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_spelling_the_client_changed() {
        let before = json!({
            "name": {"formatted": "Giulia Rossi", "givenName": "Giulia", "familyName": "Rossi"},
            "displayName": "Giulia Rossi",
        });
        let with = |change: &dyn Fn(&mut Value)| {
            let mut after = before.clone();
            change(&mut after);
            name_of(&after, Some(&before))
        };
        assert_eq!(
            with(&|after| after["name"]["familyName"] = json!("Bianchi")).as_deref(),
            Some("Giulia Bianchi")
        );
        assert_eq!(
            with(&|after| after["displayName"] = json!("G. Rossi")).as_deref(),
            Some("G. Rossi")
        );
        assert_eq!(
            with(&|after| after["name"]["formatted"] = json!("Giulia R.")).as_deref(),
            Some("Giulia R.")
        );
        assert_eq!(with(&|_| {}).as_deref(), Some("Giulia Rossi"));
        assert_eq!(name_of(&json!({}), Some(&before)), None);
        let created =
            json!({"name": {"givenName": "Bea", "familyName": "Verdi"}, "displayName": "B"});
        assert_eq!(name_of(&created, None).as_deref(), Some("Bea Verdi"));
    }

    #[test]
    fn regional_languages_fall_back_to_their_language() {
        assert_eq!(supported_language("it-IT").as_deref(), Some("it"));
        assert_eq!(supported_language("EN_us").as_deref(), Some("en"));
        assert_eq!(supported_language("xx-YY"), None);
    }
}
