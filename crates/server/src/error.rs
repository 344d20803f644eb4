//! The server's one error type, and the only place errors become responses.
//!
//! Three audiences, three shapes: OAuth2 JSON at the token, revocation and introspection
//! endpoints ([`OAuthError`], RFC 6749 §5.2), RFC 6750 bearer challenges at UserInfo
//! ([`BearerError`]), and an HTML page in the user's language on the hosted pages
//! ([`PageError`], rendered by [`render_error_pages`]). Redirect errors of the authorization
//! endpoint are built in `protocol::authorize`, after the redirect URI is validated.

use crate::crypto::encryption::EncryptionError;
use crate::crypto::keyring::KeyError;
use crate::crypto::password::PasswordHashError;
use crate::crypto::secrets::SecretsError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gatehouse_store::StoreError;
use serde::Serialize;

/// Failures inside the server: infrastructure, not the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing keys.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// Password hashing.
    #[error(transparent)]
    Password(#[from] PasswordHashError),
    /// Encryption at rest.
    #[error(transparent)]
    Encryption(#[from] EncryptionError),
    /// Instance secrets.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// Template rendering.
    #[error("template rendering failed: {0}")]
    Template(#[from] minijinja::Error),
    /// A second-factor library refused stored data or its configuration.
    #[error("second factor failed: {0}")]
    Factor(String),
    /// The configuration does not allow what was asked.
    #[error("configuration: {0}")]
    Configuration(String),
}

impl ServerError {
    /// The database cannot serve right now (down, unreachable, read-only, full): the answer
    /// is `503` with `Retry-After`, and the same request may succeed later.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Store(error) if error.is_unavailable())
    }
}

/// What `Retry-After` says while the database is unavailable.
const UNAVAILABLE_RETRY_SECONDS: i64 = 5;

fn log_internal(error: &ServerError) -> String {
    let reference = crate::random::identifier();
    if error.is_unavailable() {
        tracing::warn!(%reference, error = %error, "request refused: the database is unavailable");
    } else {
        tracing::error!(%reference, error = %error, "request failed");
    }
    reference
}

/// An OAuth2 error response (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662 §2.3).
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: Option<String>,
    retry_after: Option<i64>,
}

#[derive(Serialize)]
struct OAuthErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
}

impl OAuthError {
    fn new(status: StatusCode, code: &'static str, description: Option<String>) -> Self {
        Self {
            status,
            code,
            description,
            retry_after: None,
        }
    }

    /// An authorization error (`invalid_request`, `invalid_scope`, …) answered directly to
    /// the client, as the pushed authorization request endpoint does (RFC 9126 §2.3).
    pub fn authorization_error(code: &'static str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, Some(description.into()))
    }

    /// `invalid_request`: malformed or missing parameter.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some(description.into()),
        )
    }

    /// `invalid_client` (401, with a `WWW-Authenticate` challenge).
    #[must_use]
    pub fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            Some("client authentication failed".into()),
        )
    }

    /// `invalid_grant`: bad code, refresh token or verifier.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            Some(description.into()),
        )
    }

    /// `unauthorized_client`: the client may not use this grant.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            Some(description.into()),
        )
    }

    /// `unsupported_grant_type`.
    #[must_use]
    pub fn unsupported_grant_type() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            Some(
                "supported grant types: authorization_code, refresh_token, client_credentials"
                    .into(),
            ),
        )
    }

    /// `invalid_scope`.
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            Some(description.into()),
        )
    }

    /// A refused DPoP proof: `use_dpop_nonce` when it lacks the nonce (RFC 9449 §8),
    /// `invalid_dpop_proof` otherwise.
    pub fn dpop_refused(rejection: gatehouse_core::dpop::DpopRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            rejection.error_code(),
            Some(rejection.to_string()),
        )
    }

    /// `invalid_dpop_proof` (RFC 9449 §5).
    pub fn invalid_dpop_proof(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_dpop_proof",
            Some(description.into()),
        )
    }

    /// `unsupported_token_type` (RFC 7009 §2.2.1).
    #[must_use]
    pub fn unsupported_token_type() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_token_type", None)
    }

    /// Too many failed attempts: 429 with `Retry-After`.
    #[must_use]
    pub fn too_many_attempts(retry_after_seconds: i64) -> Self {
        Self {
            retry_after: Some(retry_after_seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "invalid_request",
                Some("too many failed attempts; retry later".into()),
            )
        }
    }

    /// The `error` code, for logs and tests.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<crate::service::tokens::TokenRefusal> for OAuthError {
    fn from(refusal: crate::service::tokens::TokenRefusal) -> Self {
        use crate::service::tokens::TokenRefusal;
        match refusal {
            TokenRefusal::InvalidRequest(description) => Self::invalid_request(description),
            TokenRefusal::InvalidClient => Self::invalid_client(),
            TokenRefusal::InvalidGrant(description) => Self::invalid_grant(description),
            TokenRefusal::UnauthorizedClient(description) => Self::unauthorized_client(description),
            TokenRefusal::InvalidScope(description) => Self::invalid_scope(description),
            TokenRefusal::UnsupportedTokenType => Self::unsupported_token_type(),
            TokenRefusal::InvalidDpopProof(description) => Self::invalid_dpop_proof(description),
            TokenRefusal::Server(error) => error.into(),
        }
    }
}

impl From<crate::service::tokens::AccessTokenRefusal> for BearerError {
    fn from(refusal: crate::service::tokens::AccessTokenRefusal) -> Self {
        use crate::service::tokens::AccessTokenRefusal;
        match refusal {
            AccessTokenRefusal::InvalidToken(reason) => Self::InvalidToken(reason),
            AccessTokenRefusal::Internal(error) => Self::Internal(error),
        }
    }
}

impl From<ServerError> for OAuthError {
    fn from(error: ServerError) -> Self {
        let reference = log_internal(&error);
        if error.is_unavailable() {
            return Self {
                retry_after: Some(UNAVAILABLE_RETRY_SECONDS),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    Some(format!(
                        "the service is briefly unavailable; retry later (reference {reference})"
                    )),
                )
            };
        }
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            Some(format!("internal error, reference {reference}")),
        )
    }
}

impl From<StoreError> for OAuthError {
    fn from(error: StoreError) -> Self {
        ServerError::from(error).into()
    }
}

impl From<KeyError> for OAuthError {
    fn from(error: KeyError) -> Self {
        ServerError::from(error).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.code,
            error_description: self.description.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6749 §5.2: a 401 must carry a challenge for the scheme the client may use.
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"gatehouse\", charset=\"UTF-8\""),
            );
        }
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The proof algorithms named in `DPoP` challenges (RFC 9449 §7.1).
const DPOP_ALGS: &str = "ES256 PS256 RS256 EdDSA";
const USE_DPOP_NONCE: &str = "sign a new DPoP proof with the nonce in the DPoP-Nonce header";

/// A bearer-token error at a protected resource (RFC 6750 §3).
#[derive(Debug)]
pub enum BearerError {
    /// No token presented: a bare challenge, no error code (RFC 6750 §3.1).
    Missing,
    /// Malformed request (two tokens, bad header).
    InvalidRequest(&'static str),
    /// Expired, revoked, malformed or foreign token.
    InvalidToken(&'static str),
    /// The token lacks the scope the resource needs.
    InsufficientScope(&'static str),
    /// A DPoP-bound token without a valid proof (RFC 9449 §7.1).
    InvalidDpopProof(&'static str),
    /// A proof without the server nonce that is required (RFC 9449 §9).
    UseDpopNonce,
    /// Our fault.
    Internal(ServerError),
}

impl From<ServerError> for BearerError {
    fn from(error: ServerError) -> Self {
        Self::Internal(error)
    }
}

impl From<StoreError> for BearerError {
    fn from(error: StoreError) -> Self {
        Self::Internal(error.into())
    }
}

impl IntoResponse for BearerError {
    fn into_response(self) -> Response {
        let (status, challenge, body) = match &self {
            Self::Missing => (
                StatusCode::UNAUTHORIZED,
                "Bearer realm=\"gatehouse\"".to_owned(),
                None,
            ),
            Self::InvalidRequest(description) => (
                StatusCode::BAD_REQUEST,
                format!(
                    "Bearer realm=\"gatehouse\", error=\"invalid_request\", error_description=\"{description}\""
                ),
                Some(("invalid_request", *description)),
            ),
            Self::InvalidToken(description) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"{description}\""
                ),
                Some(("invalid_token", *description)),
            ),
            Self::UseDpopNonce => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP algs=\"{DPOP_ALGS}\", error=\"use_dpop_nonce\", error_description=\"{USE_DPOP_NONCE}\""
                ),
                Some(("use_dpop_nonce", USE_DPOP_NONCE)),
            ),
            Self::InvalidDpopProof(description) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP algs=\"{DPOP_ALGS}\", error=\"invalid_dpop_proof\", error_description=\"{description}\""
                ),
                Some(("invalid_dpop_proof", *description)),
            ),
            Self::InsufficientScope(scope) => (
                StatusCode::FORBIDDEN,
                format!(
                    "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"{scope}\""
                ),
                Some((
                    "insufficient_scope",
                    "the access token lacks the required scope",
                )),
            ),
            Self::Internal(error) => {
                let reference = log_internal(error);
                if error.is_unavailable() {
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [
                            (header::RETRY_AFTER, UNAVAILABLE_RETRY_SECONDS.to_string()),
                            (header::CACHE_CONTROL, "no-store".to_owned()),
                        ],
                        Json(serde_json::json!({"error": "temporarily_unavailable", "error_description": format!("the service is briefly unavailable; retry later (reference {reference})")})),
                    )
                        .into_response();
                }
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(serde_json::json!({"error": "server_error", "error_description": format!("internal error, reference {reference}")})),
                )
                    .into_response();
            }
        };
        let mut response = match body {
            Some((error, description)) => (
                status,
                Json(OAuthErrorBody {
                    error,
                    error_description: Some(description),
                }),
            )
                .into_response(),
            None => status.into_response(),
        };
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// An error shown as a page. Carries only a message key; [`render_error_pages`] renders it
/// in the user's language once the response leaves the handler.
#[derive(Debug, Clone)]
pub struct PageError {
    status: StatusCode,
    message_key: &'static str,
    reference: Option<String>,
}

/// The marker [`render_error_pages`] looks for.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    /// The catalogue key of the message.
    pub message_key: &'static str,
    /// A log reference for internal errors.
    pub reference: Option<String>,
}

impl PageError {
    /// An error page with `status` and the message `message_key`.
    #[must_use]
    pub fn new(status: StatusCode, message_key: &'static str) -> Self {
        Self {
            status,
            message_key,
            reference: None,
        }
    }

    /// 400 with `message_key`.
    #[must_use]
    pub fn bad_request(message_key: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message_key)
    }

    /// The CSRF check failed (403).
    #[must_use]
    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "error-csrf")
    }

    /// The authorization flow is gone.
    #[must_use]
    pub fn flow_expired() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "error-flow-expired")
    }

    /// The status, for tests.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<crate::service::authorization::AuthorizationRefusal> for PageError {
    fn from(refusal: crate::service::authorization::AuthorizationRefusal) -> Self {
        use crate::service::authorization::AuthorizationRefusal;
        use gatehouse_core::authorize::{StudioRefusal, UntrustedRequestError};
        match refusal {
            AuthorizationRefusal::Untrusted(error) => Self::bad_request(match error {
                UntrustedRequestError::MissingClientId => "error-missing-client-id",
                UntrustedRequestError::UnknownClient => "error-unknown-client",
                UntrustedRequestError::MissingRedirectUri => "error-missing-redirect-uri",
                UntrustedRequestError::UnregisteredRedirectUri => "error-unregistered-redirect-uri",
                UntrustedRequestError::DuplicatedParameter => "error-duplicated-parameter",
                UntrustedRequestError::InvalidRequestObject => "error-invalid-request-object",
            }),
            AuthorizationRefusal::FlowExpired => Self::flow_expired(),
            AuthorizationRefusal::Studio(refusal) => Self::new(
                StatusCode::FORBIDDEN,
                match refusal {
                    StudioRefusal::UnknownStudio => "error-studio-unknown",
                    StudioRefusal::NotAMember => "error-studio-not-member",
                    StudioRefusal::NoAcceptableStudio => "error-studio-none",
                    StudioRefusal::RequiresFapi => "error-studio-fapi",
                },
            ),
            AuthorizationRefusal::TooManyPending => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "error-rate-limited")
            }
            AuthorizationRefusal::Server(error) => error.into(),
        }
    }
}

impl From<crate::service::logout::LogoutRefusal> for PageError {
    fn from(refusal: crate::service::logout::LogoutRefusal) -> Self {
        use crate::service::logout::LogoutRefusal;
        match refusal {
            LogoutRefusal::BadHint => Self::bad_request("error-logout-hint"),
            LogoutRefusal::UnregisteredRedirect => Self::bad_request("error-logout-redirect"),
            LogoutRefusal::Server(error) => error.into(),
        }
    }
}

impl From<ServerError> for PageError {
    fn from(error: ServerError) -> Self {
        if error.is_unavailable() {
            return Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message_key: "error-unavailable",
                reference: Some(log_internal(&error)),
            };
        }
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message_key: "error-internal",
            reference: Some(log_internal(&error)),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        ServerError::from(error).into()
    }
}

impl From<KeyError> for PageError {
    fn from(error: KeyError) -> Self {
        ServerError::from(error).into()
    }
}

impl From<minijinja::Error> for PageError {
    fn from(error: minijinja::Error) -> Self {
        ServerError::from(error).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(ErrorPage {
            message_key: self.message_key,
            reference: self.reference,
        });
        response
    }
}

/// Middleware: turns [`ErrorPage`] markers into HTML in the request's language.
pub async fn render_error_pages(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let language =
        crate::http::page::negotiate_language(&state, request.headers(), request.uri(), &[], None);
    // The switcher reloads the page in another language: only a `GET` can be reloaded.
    let languages = if request.method() == axum::http::Method::GET {
        crate::http::page::language_links(request.uri())
    } else {
        Vec::new()
    };
    let mut response = next.run(request).await;
    let Some(page) = response.extensions_mut().remove::<ErrorPage>() else {
        return response;
    };
    let status = response.status();
    let message = crate::i18n::translate(
        &language,
        page.message_key,
        &[("product", state.config.ui.product_name.clone())],
    );
    let context = minijinja::context! {
        lang => language,
        product_name => state.config.ui.product_name.clone(),
        message => message.clone(),
        reference => page.reference,
        languages => languages,
    };
    match state.templates.render("error.html", context) {
        Ok(html) => {
            let mut response = (status, axum::response::Html(html)).into_response();
            crate::http::page::add_page_headers(response.headers_mut());
            response
        }
        Err(error) => {
            tracing::error!(%error, "error page failed to render");
            (status, message).into_response()
        }
    }
}

/// A management API error as RFC 9457 problem details (`application/problem+json`): a
/// `type` naming the kind of problem, a `title`, the HTTP `status`, a `detail` for this
/// occurrence, and for invalid input the `errors` naming each field. Boxed: handlers
/// return it on every path, and the happy path should not carry its size.
#[derive(Debug)]
pub struct ApiError(Box<Problem>);

#[derive(Debug)]
struct Problem {
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    challenge: Option<String>,
    retry_after: Option<i64>,
}

/// One invalid field of a request body or query.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, as a JSON pointer into the request (`/email`, `/settings/device_limit`)
    /// or the query parameter's name.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    r#type: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    /// The status, detail, `WWW-Authenticate` challenge and `Retry-After` seconds: what an
    /// answer in another error format (SCIM's) needs to carry over.
    #[must_use]
    pub fn into_parts(self) -> (StatusCode, String, Option<String>, Option<i64>) {
        let problem = *self.0;
        (
            problem.status,
            problem.detail,
            problem.challenge,
            problem.retry_after,
        )
    }

    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self(Box::new(Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            challenge: None,
            retry_after: None,
        }))
    }

    fn with_challenge(mut self, challenge: String) -> Self {
        self.0.challenge = Some(challenge);
        self
    }

    /// `401`: no usable access token; the challenge says why (RFC 6750 §3).
    #[must_use]
    pub fn unauthenticated(refusal: BearerError) -> Self {
        let (status, challenge, detail) = match refusal {
            BearerError::Internal(error) => return Self::internal(error),
            BearerError::Missing => (
                StatusCode::UNAUTHORIZED,
                "Bearer realm=\"gatehouse\"".to_owned(),
                "send an access token: Authorization: Bearer <token>",
            ),
            BearerError::InvalidRequest(description) => (
                StatusCode::BAD_REQUEST,
                format!(
                    "Bearer realm=\"gatehouse\", error=\"invalid_request\", error_description=\"{description}\""
                ),
                description,
            ),
            BearerError::InvalidToken(description) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"{description}\""
                ),
                description,
            ),
            BearerError::UseDpopNonce => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP algs=\"{DPOP_ALGS}\", error=\"use_dpop_nonce\", error_description=\"{USE_DPOP_NONCE}\""
                ),
                USE_DPOP_NONCE,
            ),
            BearerError::InvalidDpopProof(description) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP algs=\"{DPOP_ALGS}\", error=\"invalid_dpop_proof\", error_description=\"{description}\""
                ),
                description,
            ),
            BearerError::InsufficientScope(scope) => return Self::insufficient_scope(scope),
        };
        Self::new(status, "unauthenticated", "Not authenticated", detail).with_challenge(challenge)
    }

    /// `403`: the token lacks the scope the operation needs.
    #[must_use]
    pub fn insufficient_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficient-scope",
            "Insufficient scope",
            format!(
                "this operation needs the scope {scope}, which the access token does not carry"
            ),
        )
        .with_challenge(format!(
            "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"{scope}\""
        ))
    }

    /// `403`: the caller may not do this here (another studio's user, an instance-wide
    /// action by a studio admin).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    /// `404`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// `409`: the request conflicts with what exists (a taken e-mail, slug or user name; an
    /// account not in the state the action needs).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    /// `412`: `If-Match` names a version that is no longer current.
    #[must_use]
    pub fn stale() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-version",
            "Version mismatch",
            "the resource changed since the version named in If-Match; read it again and reapply the change",
        )
    }

    /// `422`: one field of the request is invalid.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::invalid_fields(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// `422`: fields of the request are invalid.
    #[must_use]
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|error| format!("{}: {}", error.field, error.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request",
            "Invalid request",
            detail,
        );
        error.0.errors = errors;
        error
    }

    /// `400`: the request cannot be read at all (not JSON, wrong content type).
    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "Malformed request",
            detail,
        )
    }

    /// `413`.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request too large",
            detail,
        )
    }

    /// `409`: a request with the same `Idempotency-Key` is still being answered.
    #[must_use]
    pub fn idempotency_in_progress() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "idempotency-in-progress",
            "Request in progress",
            "a request with this Idempotency-Key is still being answered; retry shortly",
        )
    }

    /// `422`: the `Idempotency-Key` was used for a different request.
    #[must_use]
    pub fn idempotency_mismatch() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was used for a different request; use a new key for a new request",
        )
    }

    /// `429`, with `Retry-After`.
    #[must_use]
    pub fn rate_limited(retry_after: i64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            "this caller made too many management API requests; slow down",
        );
        error.0.retry_after = Some(retry_after);
        error
    }

    /// `500`; the cause is logged with a reference the body repeats.
    #[must_use]
    pub fn internal(error: ServerError) -> Self {
        let reference = log_internal(&error);
        if error.is_unavailable() {
            let mut unavailable = Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                format!("the service is briefly unavailable; retry later (reference {reference})"),
            );
            unavailable.0.retry_after = Some(UNAVAILABLE_RETRY_SECONDS);
            return unavailable;
        }
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            format!("internal error, reference {reference}"),
        )
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.0.status
    }
}

impl<E: Into<ServerError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self::internal(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = *self.0;
        let body = ProblemBody {
            r#type: format!("urn:gatehouse:problem:{}", problem.kind),
            title: problem.title,
            status: problem.status.as_u16(),
            detail: &problem.detail,
            errors: &problem.errors,
        };
        let mut response = (
            problem.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            )],
            serde_json::to_string(&body).unwrap_or_default(),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(challenge) = problem
            .challenge
            .and_then(|value| HeaderValue::from_str(&value).ok())
        {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(seconds) = problem.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
