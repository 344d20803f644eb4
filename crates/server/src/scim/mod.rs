//! SCIM 2.0 provisioning under `/scim/v2` (RFC 7643 / 7644): `Users` are accounts and
//! `Groups` are studios, for HR systems and the directories that provision from them
//! (Microsoft Entra ID, Okta). See `docs/scim.md` for the mapping.
//!
//! Callers authenticate like management API callers, with a Gatehouse access token whose
//! scopes open the area (`users:*` for Users, `studios:*` for Groups). Reading follows the
//! caller's reach (a studio admin sees their studios); changes are for callers acting for
//! the whole instance, as provisioning connectors do.

mod groups;
mod schemas;
mod users;

use crate::api::caller::{Caller, Reach};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gatehouse_core::scim::Filter;
use serde::Deserialize;
use serde_json::{Value, json};

/// Where SCIM lives.
pub const BASE: &str = "/scim/v2";
/// The media type of SCIM bodies.
const MEDIA_TYPE: &str = "application/scim+json";
/// Largest SCIM request body: a group replaced with thousands of members fits.
const BODY_LIMIT_BYTES: usize = 1024 * 1024;
/// Most resources on one page.
pub const MAX_PAGE: usize = 200;
const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The SCIM routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(schemas::service_provider_config),
        )
        .route("/scim/v2/ResourceTypes", get(schemas::resource_types))
        .route("/scim/v2/ResourceTypes/{name}", get(schemas::resource_type))
        .route("/scim/v2/Schemas", get(schemas::schemas))
        .route("/scim/v2/Schemas/{urn}", get(schemas::schema))
        .route("/scim/v2/Users", get(users::list).post(users::create))
        .route(
            "/scim/v2/Users/{id}",
            get(users::get)
                .put(users::replace)
                .patch(users::patch)
                .delete(users::delete),
        )
        .route("/scim/v2/Groups", get(groups::list).post(groups::create))
        .route(
            "/scim/v2/Groups/{id}",
            get(groups::get)
                .put(groups::replace)
                .patch(groups::patch)
                .delete(groups::delete),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

/// A SCIM error (RFC 7644 §3.12), answered as SCIM's error message.
#[derive(Debug)]
pub struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
    challenge: Option<String>,
    retry_after: Option<i64>,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
            challenge: None,
            retry_after: None,
        }
    }

    /// `400` with a `scimType`.
    pub fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    /// `404`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    /// `409` `uniqueness`.
    pub fn taken(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
    }

    /// `409` for a change the resource's state does not allow.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, None, detail)
    }

    /// `403`.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, None, detail)
    }
}

impl From<gatehouse_core::scim::PatchError> for ScimError {
    fn from(error: gatehouse_core::scim::PatchError) -> Self {
        Self::bad_request(error.scim_type(), error.to_string())
    }
}

impl<E: Into<ApiError>> From<E> for ScimError {
    fn from(error: E) -> Self {
        let (status, detail, challenge, retry_after) = error.into().into_parts();
        Self {
            status,
            scim_type: None,
            detail,
            challenge,
            retry_after,
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        let mut response = scim_json(self.status, &body);
        let headers = response.headers_mut();
        if let Some(challenge) = self
            .challenge
            .and_then(|value| HeaderValue::from_str(&value).ok())
        {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A SCIM answer.
fn scim_json(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body.to_string(),
    )
        .into_response()
}

/// A resource as answered: with its `ETag` (and `Location`, when just created).
fn resource_response(status: StatusCode, resource: &Value) -> Response {
    let mut response = scim_json(status, resource);
    let headers = response.headers_mut();
    if let Some(version) = resource["meta"]["version"]
        .as_str()
        .and_then(|version| HeaderValue::from_str(version).ok())
    {
        headers.insert(header::ETAG, version);
    }
    if status == StatusCode::CREATED
        && let Some(location) = resource["meta"]["location"]
            .as_str()
            .and_then(|location| HeaderValue::from_str(location).ok())
    {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// A SCIM caller: a management API caller, refused in SCIM's words.
pub struct ScimCaller(pub Caller);

impl FromRequestParts<AppState> for ScimCaller {
    type Rejection = ScimError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(Caller::from_request_parts(parts, state).await?))
    }
}

impl ScimCaller {
    fn require(&self, scope: &'static str) -> Result<(), ScimError> {
        Ok(self.0.require(scope)?)
    }

    /// Changing needs `scope` and acting for the whole instance.
    fn require_change(&self, scope: &'static str) -> Result<(), ScimError> {
        self.require(scope)?;
        self.require_everywhere()
    }

    /// Changes are made by callers acting for the whole instance.
    fn require_everywhere(&self) -> Result<(), ScimError> {
        match self.0.reach {
            Reach::Everywhere => Ok(()),
            Reach::Studios(_) => Err(ScimError::forbidden(
                "SCIM changes are made by a provisioning application or an instance administrator; a studio admin reads their studios here and manages members through the management API",
            )),
        }
    }
}

/// The query of a list request (RFC 7644 §3.4.2).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// A list request, checked.
struct Listing {
    filter: Option<Filter>,
    /// 0-based.
    skip: usize,
    count: usize,
    projection: Projection,
}

impl Listing {
    fn from_query(query: ListQuery) -> Result<Self, ScimError> {
        let filter = query
            .filter
            .as_deref()
            .filter(|text| !text.trim().is_empty())
            .map(Filter::parse)
            .transpose()
            .map_err(|error| ScimError::bad_request("invalidFilter", error.to_string()))?;
        // RFC 7644 §3.4.2.4: a start index below 1 is 1, a negative count is 0.
        let skip = usize::try_from(query.start_index.unwrap_or(1).max(1) - 1).unwrap_or(0);
        let count = usize::try_from(query.count.unwrap_or(100).max(0))
            .unwrap_or(0)
            .min(MAX_PAGE);
        Ok(Self {
            filter,
            skip,
            count,
            projection: Projection::new(
                query.attributes.as_deref(),
                query.excluded_attributes.as_deref(),
            ),
        })
    }

    fn answer(&self, matched: Vec<Value>, total: usize) -> Response {
        let resources: Vec<Value> = matched
            .into_iter()
            .map(|resource| self.projection.apply(resource))
            .collect();
        scim_json(
            StatusCode::OK,
            &json!({
                "schemas": [LIST_RESPONSE],
                "totalResults": total,
                "startIndex": self.skip + 1,
                "itemsPerPage": resources.len(),
                "Resources": resources,
            }),
        )
    }
}

/// Which attributes to return (`attributes` / `excludedAttributes`), by top-level name.
#[derive(Debug, Default)]
struct Projection {
    only: Option<Vec<String>>,
    excluded: Vec<String>,
}

impl Projection {
    fn new(attributes: Option<&str>, excluded: Option<&str>) -> Self {
        let names = |list: &str| -> Vec<String> {
            list.split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(top_level_name)
                .collect()
        };
        Self {
            only: attributes.map(names),
            excluded: excluded.map(names).unwrap_or_default(),
        }
    }

    /// Whether `name` is returned.
    fn returns(&self, name: &str) -> bool {
        let listed = |names: &[String]| names.iter().any(|have| have.eq_ignore_ascii_case(name));
        self.only.as_deref().is_none_or(listed) && !listed(&self.excluded)
    }

    fn apply(&self, resource: Value) -> Value {
        let Value::Object(attributes) = resource else {
            return resource;
        };
        Value::Object(
            attributes
                .into_iter()
                .filter(|(name, _)| {
                    // Always returned (RFC 7643 §7).
                    ["id", "schemas", "meta"].contains(&name.as_str()) || self.returns(name)
                })
                .collect(),
        )
    }
}

/// The top-level key an attribute path lives under: `name.givenName` → `name`;
/// an extension's attribute → the extension's URN.
fn top_level_name(path: &str) -> String {
    match gatehouse_core::scim::AttrPath::parse(path) {
        Ok(parsed) => parsed.schema.unwrap_or(parsed.name),
        Err(_) => path.to_owned(),
    }
}

/// Reads a JSON request body.
fn parse_body(body: &[u8]) -> Result<Value, ScimError> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        ScimError::bad_request("invalidSyntax", format!("the body is not JSON: {error}"))
    })?;
    if !value.is_object() {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "the body is a JSON object",
        ));
    }
    Ok(value)
}

/// The operations of a PATCH request body.
fn patch_operations(body: &[u8]) -> Result<Vec<gatehouse_core::scim::Operation>, ScimError> {
    Ok(gatehouse_core::scim::patch::parse_request(&parse_body(
        body,
    )?)?)
}

/// A string attribute of a resource, trimmed, `None` when absent or empty.
fn text<'a>(resource: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = resource;
    for name in path {
        at = gatehouse_core::scim::filter::member(at, name)?;
    }
    at.as_str().map(str::trim).filter(|text| !text.is_empty())
}

/// The version of a resource, as `meta.version` and `ETag` give it.
fn weak_etag(version: &str) -> String {
    format!("W/\"{version}\"")
}
