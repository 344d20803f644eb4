//! SCIM's discovery endpoints (RFC 7644 §4): what this service provider supports, its
//! resource types, and the schemas of the attributes it keeps.

use super::users::ENTERPRISE_SCHEMA;
use super::{BASE, MAX_PAGE, ScimError, scim_json};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::scim::filter::{GROUP_SCHEMA, USER_SCHEMA};
use serde_json::{Value, json};

const SERVICE_PROVIDER_CONFIG: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// `GET /scim/v2/ServiceProviderConfig`
pub async fn service_provider_config(State(state): State<AppState>) -> Response {
    scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [SERVICE_PROVIDER_CONFIG],
            "documentationUri": format!("{}{BASE}/Schemas", state.issuer),
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_PAGE},
            "changePassword": {"supported": true},
            "sort": {"supported": false},
            "etag": {"supported": false},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "A Gatehouse access token (client credentials) with the users:* and studios:* scopes",
                "primary": true,
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{}{BASE}/ServiceProviderConfig", state.issuer)},
        }),
    )
}

fn resource_type_list(issuer: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A Gatehouse account; userName is its e-mail address",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{issuer}{BASE}/ResourceTypes/User")},
        }),
        json!({
            "schemas": [RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A studio (licence) and its members",
            "schema": GROUP_SCHEMA,
            "meta": {"resourceType": "ResourceType", "location": format!("{issuer}{BASE}/ResourceTypes/Group")},
        }),
    ]
}

fn list_of(resources: Vec<Value>) -> Response {
    scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [super::LIST_RESPONSE],
            "totalResults": resources.len(),
            "startIndex": 1,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    )
}

/// `GET /scim/v2/ResourceTypes`
pub async fn resource_types(State(state): State<AppState>) -> Response {
    list_of(resource_type_list(&state.issuer))
}

/// `GET /scim/v2/ResourceTypes/{name}`
pub async fn resource_type(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ScimError> {
    resource_type_list(&state.issuer)
        .into_iter()
        .find(|resource| resource["id"] == name.as_str())
        .map(|resource| scim_json(StatusCode::OK, &resource))
        .ok_or_else(|| ScimError::not_found(format!("no resource type {name:?}")))
}

/// An attribute's definition: `(name, type, multi-valued, mutability, sub-attributes)`.
fn attribute(name: &str, kind: &str, multi: bool, mutability: &str, subs: &[Value]) -> Value {
    let mut definition = json!({
        "name": name,
        "type": kind,
        "multiValued": multi,
        "required": name == "userName",
        "caseExact": matches!(name, "id" | "value" | "$ref"),
        "mutability": mutability,
        "returned": if name == "password" { "never" } else { "default" },
        "uniqueness": if name == "userName" { "server" } else { "none" },
    });
    if !subs.is_empty() {
        definition["subAttributes"] = Value::Array(subs.to_vec());
    }
    definition
}

fn string(name: &str) -> Value {
    attribute(name, "string", false, "readWrite", &[])
}

fn schema_list(issuer: &str) -> Vec<Value> {
    let multi = |name: &str, mutability: &str, subs: &[&str]| {
        let subs: Vec<Value> = subs
            .iter()
            .map(|sub| match *sub {
                "primary" => attribute(sub, "boolean", false, mutability, &[]),
                "$ref" => attribute(sub, "reference", false, mutability, &[]),
                _ => attribute(sub, "string", false, mutability, &[]),
            })
            .collect();
        attribute(name, "complex", true, mutability, &subs)
    };
    let described = |id: &str, name: &str, attributes: Vec<Value>| {
        json!({
            "schemas": [SCHEMA],
            "id": id,
            "name": name,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": format!("{issuer}{BASE}/Schemas/{id}")},
        })
    };
    vec![
        described(
            USER_SCHEMA,
            "User",
            vec![
                string("userName"),
                attribute(
                    "name",
                    "complex",
                    false,
                    "readWrite",
                    &[
                        string("formatted"),
                        string("givenName"),
                        string("familyName"),
                    ],
                ),
                string("displayName"),
                string("title"),
                string("preferredLanguage"),
                string("locale"),
                attribute("active", "boolean", false, "readWrite", &[]),
                attribute("password", "string", false, "writeOnly", &[]),
                multi("emails", "readWrite", &["value", "type", "primary"]),
                multi("phoneNumbers", "readWrite", &["value", "type", "primary"]),
                multi(
                    "addresses",
                    "readWrite",
                    &["locality", "country", "type", "primary"],
                ),
                multi("groups", "readOnly", &["value", "display", "$ref", "type"]),
            ],
        ),
        described(
            GROUP_SCHEMA,
            "Group",
            vec![
                string("displayName"),
                multi(
                    "members",
                    "readWrite",
                    &["value", "display", "$ref", "type"],
                ),
            ],
        ),
        described(
            ENTERPRISE_SCHEMA,
            "EnterpriseUser",
            vec![string("organization")],
        ),
    ]
}

/// `GET /scim/v2/Schemas`
pub async fn schemas(State(state): State<AppState>) -> Response {
    list_of(schema_list(&state.issuer))
}

/// `GET /scim/v2/Schemas/{urn}`
pub async fn schema(
    State(state): State<AppState>,
    Path(urn): Path<String>,
) -> Result<Response, ScimError> {
    schema_list(&state.issuer)
        .into_iter()
        .find(|schema| schema["id"] == urn.as_str())
        .map(|schema| scim_json(StatusCode::OK, &schema))
        .ok_or_else(|| ScimError::not_found(format!("no schema {urn:?}")))
}
