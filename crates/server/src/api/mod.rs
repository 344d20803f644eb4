//! The management API under `/api/v1`: JSON for administrators and the systems around them
//! (helpdesks, ERP licence managers, HR systems), described by an OpenAPI 3.1 document
//! generated from these handlers and served at `/api/v1/openapi.json`.
//!
//! Conventions (see `docs/api.md`): Gatehouse access tokens with scopes per area, RFC 9457
//! problem details for every error, cursor pagination, `ETag` / `If-Match`,
//! `Idempotency-Key` on creating requests, request size limits, a rate limit per caller.

pub mod audit;
pub mod branding;
pub mod caller;
pub mod clients;
pub mod conventions;
pub mod import;
pub mod keys;
pub mod providers;
pub mod studios;
pub mod users;
pub mod views;
pub mod webhooks;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, on};
use utoipa::OpenApi;
use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes, SecurityScheme};

/// Largest request body of an API request, except imports.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// Largest import body.
pub const IMPORT_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// The scopes that open the management API, per area. A `:write` scope includes the
/// `:read` scope of its area.
pub const SCOPES: [(&str, &str); 13] = [
    (
        "users:read",
        "Read accounts, their devices, sessions and second factors",
    ),
    (
        "users:write",
        "Create, change, disable, close and purge accounts; import users",
    ),
    (
        "studios:read",
        "Read studios, their members and pending registrations",
    ),
    (
        "studios:write",
        "Create and change studios; add, change and remove members; approve registrations",
    ),
    ("clients:read", "Read registered applications"),
    (
        "clients:write",
        "Register, change and delete applications; rotate their secrets",
    ),
    ("providers:read", "Read upstream identity providers"),
    (
        "providers:write",
        "Configure upstream identity providers and their client secrets",
    ),
    ("keys:read", "Read signing keys"),
    ("keys:write", "Rotate signing keys"),
    ("audit:read", "Query the audit log"),
    (
        "webhooks:read",
        "Read webhooks and their deliveries, dead letters included",
    ),
    (
        "webhooks:write",
        "Register, change and remove webhooks; retry dead letters",
    ),
];

/// The OpenAPI document's skeleton; paths come from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse management API",
        description = "Manage users, studios, applications, devices, second factors, signing keys and the audit log. Authenticate with a Gatehouse access token (client credentials for machines, a user's token for people) carrying the scopes each operation names. Errors are RFC 9457 problem details.",
        version = "1",
    ),
    paths(
        users::list, users::create, users::get, users::update, users::purge,
        users::disable, users::enable, users::close, users::reopen,
        users::set_password, users::send_password_reset, users::resend_activation,
        users::devices, users::remove_device, users::sessions, users::end_session,
        users::factors, users::reset_factors, import::import,
        studios::list, studios::create, studios::get, studios::update,
        studios::members, studios::set_member, studios::remove_member,
        studios::registrations, studios::approve, studios::reject,
        branding::get_studio, branding::update_studio, branding::put_studio_logo,
        branding::delete_studio_logo,
        clients::list, clients::create, clients::get, clients::update,
        clients::rotate_secret, clients::delete,
        branding::get_client, branding::update_client, branding::put_client_logo,
        branding::delete_client_logo,
        keys::list, keys::rotate,
        providers::list, providers::create, providers::get, providers::update, providers::delete,
        providers::identities, providers::unlink,
        audit::list,
        webhooks::list, webhooks::create, webhooks::get, webhooks::update, webhooks::delete,
        webhooks::deliveries, webhooks::retry,
    ),
    components(schemas(Problem, crate::error::FieldError)),
    modifiers(&Conventions),
    tags(
        (name = "users", description = "Accounts, their devices, sessions and second factors"),
        (name = "studios", description = "Studios (licences), members and registrations"),
        (name = "clients", description = "Registered applications"),
        (name = "providers", description = "Upstream identity providers"),
        (name = "keys", description = "Signing keys"),
        (name = "audit", description = "The audit log"),
        (name = "webhooks", description = "Signed deliveries of audit events to other systems"),
    )
)]
struct ApiDocument;

/// RFC 9457 problem details, as every error of the API is answered.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the JSON that error.rs writes")]
struct Problem {
    /// `urn:gatehouse:problem:<kind>`, e.g. `urn:gatehouse:problem:stale-version`.
    r#type: String,
    /// A short summary of the kind of problem.
    title: String,
    /// The HTTP status.
    status: u16,
    /// What went wrong with this request.
    detail: String,
    /// For invalid requests: each field at fault.
    errors: Option<Vec<crate::error::FieldError>>,
}

/// Adds what every operation shares: the OAuth2 security scheme with its scopes, and the
/// problem-details answer for errors.
struct Conventions;

impl utoipa::Modify for Conventions {
    fn modify(&self, document: &mut utoipa::openapi::OpenApi) {
        document
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "gatehouse",
                security_scheme(crate::protocol::discovery::paths::TOKEN),
            );
        let problem = utoipa::openapi::ResponseBuilder::new()
            .description("An error, as RFC 9457 problem details")
            .content(
                "application/problem+json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        for item in document.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .insert("4XX".to_owned(), problem.clone().into());
                operation
                    .responses
                    .responses
                    .insert("5XX".to_owned(), problem.clone().into());
            }
        }
    }
}

/// The OAuth2 scheme the API is protected by, with its token endpoint at `token_url`.
fn security_scheme(token_url: &str) -> SecurityScheme {
    let scopes = Scopes::from_iter(
        SCOPES
            .iter()
            .map(|(name, description)| ((*name).to_owned(), (*description).to_owned())),
    );
    SecurityScheme::OAuth2(OAuth2::with_description(
        [Flow::ClientCredentials(ClientCredentials::new(
            token_url, scopes,
        ))],
        "Gatehouse access tokens. Applications use the client-credentials grant with the scopes the operator granted them; people use their own token from the authorization-code flow, which also needs the scopes, and act as instance administrators or inside the studios they administer.",
    ))
}

/// The OpenAPI document of the API.
#[must_use]
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDocument::openapi()
}

/// `GET /api/v1/openapi.json`, with this server as its server.
async fn serve_document(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    let mut served = document();
    served.servers = Some(vec![utoipa::openapi::Server::new(state.issuer.clone())]);
    // Served, the token endpoint is named absolutely, as tools that fetch tokens expect.
    served
        .components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "gatehouse",
            security_scheme(&format!(
                "{}{}",
                state.issuer,
                crate::protocol::discovery::paths::TOKEN
            )),
        );
    axum::Json(served).into_response()
}

/// Every API route, built and listed from the same calls, so the test that checks the
/// OpenAPI document against the router cannot miss one.
#[derive(Default)]
pub struct ApiRoutes {
    router: Router<AppState>,
    listed: Vec<(Method, &'static str)>,
}

impl ApiRoutes {
    fn route<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.router = self.router.route(path, on(filter, handler));
        self.listed.push((method, path));
        self
    }

    /// The routes as `(method, path)`, path parameters as `{name}`.
    #[must_use]
    pub fn listed(&self) -> &[(Method, &'static str)] {
        &self.listed
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// The management API's routes (the OpenAPI document's own route included).
#[must_use]
pub fn routes() -> ApiRoutes {
    const USER: &str = "/api/v1/users/{id}";
    ApiRoutes::default()
        .route(Method::GET, "/api/v1/openapi.json", serve_document)
        .route(Method::GET, "/api/v1/users", users::list)
        .route(Method::POST, "/api/v1/users", users::create)
        .route(Method::GET, USER, users::get)
        .route(Method::PATCH, USER, users::update)
        .route(Method::DELETE, USER, users::purge)
        .route(Method::POST, "/api/v1/users/{id}/disable", users::disable)
        .route(Method::POST, "/api/v1/users/{id}/enable", users::enable)
        .route(Method::POST, "/api/v1/users/{id}/close", users::close)
        .route(Method::POST, "/api/v1/users/{id}/reopen", users::reopen)
        .route(
            Method::PUT,
            "/api/v1/users/{id}/password",
            users::set_password,
        )
        .route(
            Method::POST,
            "/api/v1/users/{id}/password-reset",
            users::send_password_reset,
        )
        .route(
            Method::POST,
            "/api/v1/users/{id}/activation",
            users::resend_activation,
        )
        .route(Method::GET, "/api/v1/users/{id}/devices", users::devices)
        .route(
            Method::DELETE,
            "/api/v1/users/{id}/devices/{device_id}",
            users::remove_device,
        )
        .route(Method::GET, "/api/v1/users/{id}/sessions", users::sessions)
        .route(
            Method::DELETE,
            "/api/v1/users/{id}/sessions/{session_id}",
            users::end_session,
        )
        .route(Method::GET, "/api/v1/users/{id}/factors", users::factors)
        .route(
            Method::POST,
            "/api/v1/users/{id}/factors/reset",
            users::reset_factors,
        )
        .route(
            Method::POST,
            "/api/v1/users:import",
            import::import.layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(Method::GET, "/api/v1/webhooks", webhooks::list)
        .route(Method::POST, "/api/v1/webhooks", webhooks::create)
        .route(Method::GET, "/api/v1/webhooks/{id}", webhooks::get)
        .route(Method::PATCH, "/api/v1/webhooks/{id}", webhooks::update)
        .route(Method::DELETE, "/api/v1/webhooks/{id}", webhooks::delete)
        .route(
            Method::GET,
            "/api/v1/webhooks/{id}/deliveries",
            webhooks::deliveries,
        )
        .route(
            Method::POST,
            "/api/v1/webhooks/{id}/deliveries/{delivery}/retry",
            webhooks::retry,
        )
        .route(Method::GET, "/api/v1/studios", studios::list)
        .route(Method::POST, "/api/v1/studios", studios::create)
        .route(Method::GET, "/api/v1/studios/{slug}", studios::get)
        .route(Method::PATCH, "/api/v1/studios/{slug}", studios::update)
        .route(
            Method::GET,
            "/api/v1/studios/{slug}/members",
            studios::members,
        )
        .route(
            Method::PUT,
            "/api/v1/studios/{slug}/members/{user_id}",
            studios::set_member,
        )
        .route(
            Method::DELETE,
            "/api/v1/studios/{slug}/members/{user_id}",
            studios::remove_member,
        )
        .route(
            Method::GET,
            "/api/v1/studios/{slug}/registrations",
            studios::registrations,
        )
        .route(
            Method::POST,
            "/api/v1/studios/{slug}/registrations/{user_id}/approve",
            studios::approve,
        )
        .route(
            Method::POST,
            "/api/v1/studios/{slug}/registrations/{user_id}/reject",
            studios::reject,
        )
        .route(
            Method::GET,
            "/api/v1/studios/{slug}/branding",
            branding::get_studio,
        )
        .route(
            Method::PATCH,
            "/api/v1/studios/{slug}/branding",
            branding::update_studio,
        )
        .route(
            Method::PUT,
            "/api/v1/studios/{slug}/branding/logo",
            branding::put_studio_logo,
        )
        .route(
            Method::DELETE,
            "/api/v1/studios/{slug}/branding/logo",
            branding::delete_studio_logo,
        )
        .route(
            Method::GET,
            "/api/v1/clients/{client_id}/branding",
            branding::get_client,
        )
        .route(
            Method::PATCH,
            "/api/v1/clients/{client_id}/branding",
            branding::update_client,
        )
        .route(
            Method::PUT,
            "/api/v1/clients/{client_id}/branding/logo",
            branding::put_client_logo,
        )
        .route(
            Method::DELETE,
            "/api/v1/clients/{client_id}/branding/logo",
            branding::delete_client_logo,
        )
        .route(Method::GET, "/api/v1/clients", clients::list)
        .route(Method::POST, "/api/v1/clients", clients::create)
        .route(Method::GET, "/api/v1/clients/{client_id}", clients::get)
        .route(
            Method::PATCH,
            "/api/v1/clients/{client_id}",
            clients::update,
        )
        .route(
            Method::DELETE,
            "/api/v1/clients/{client_id}",
            clients::delete,
        )
        .route(
            Method::POST,
            "/api/v1/clients/{client_id}/secret",
            clients::rotate_secret,
        )
        .route(Method::GET, "/api/v1/providers", providers::list)
        .route(Method::POST, "/api/v1/providers", providers::create)
        .route(Method::GET, "/api/v1/providers/{id}", providers::get)
        .route(Method::PATCH, "/api/v1/providers/{id}", providers::update)
        .route(Method::DELETE, "/api/v1/providers/{id}", providers::delete)
        .route(
            Method::GET,
            "/api/v1/users/{id}/identities",
            providers::identities,
        )
        .route(
            Method::DELETE,
            "/api/v1/users/{id}/identities/{provider}",
            providers::unlink,
        )
        .route(Method::GET, "/api/v1/keys", keys::list)
        .route(Method::POST, "/api/v1/keys/rotate", keys::rotate)
        .route(Method::GET, "/api/v1/audit-events", audit::list)
}

/// Anything under `/api/` that no route matches.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such API resource; see /api/v1/openapi.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document is kept in the repository (`docs/api/openapi.json`) so changes to the
    /// API show up in review; `GATEHOUSE_UPDATE_SNAPSHOTS=1` rewrites it.
    #[test]
    fn the_openapi_document_matches_its_snapshot() {
        let generated = document()
            .to_pretty_json()
            .expect("the document serialises");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json");
        if std::env::var_os("GATEHOUSE_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(path, format!("{generated}\n")).expect("snapshot written");
        }
        let kept = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            kept.trim_end() == generated.trim_end(),
            "the OpenAPI document changed; review it and run the tests with GATEHOUSE_UPDATE_SNAPSHOTS=1 to keep it"
        );
    }
}
