//! The conventions every management API route follows: JSON bodies whose errors name the
//! field, query strings likewise, `ETag` / `If-Match`, `Idempotency-Key`, cursor pages.

use crate::api::caller::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_store::idempotency::{self, Claim};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// Largest page a list returns.
pub const MAX_PAGE_SIZE: i64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// A JSON request body. Not JSON: `400`; a field of the wrong type, missing or unknown:
/// `422` naming it as a JSON pointer.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                let essence = value.split(';').next().unwrap_or_default().trim();
                essence.eq_ignore_ascii_case("application/json")
                    || essence.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::malformed(
                "send the request body as JSON, with Content-Type: application/json",
            ));
        }
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large(format!(
                        "the request body is larger than {} bytes",
                        crate::api::BODY_LIMIT_BYTES
                    ))
                } else {
                    ApiError::malformed("the request body could not be read")
                }
            })?;
        parse_json(&body).map(Self)
    }
}

/// Parses a JSON document, naming the field that does not fit.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::malformed(format!("the request body is not valid JSON: {inner}"));
        }
        let pointer = json_pointer(&error.path().to_string());
        let message = plain(inner);
        ApiError::invalid_field(pointer, message)
    })
}

/// `settings.device_limit` / `memberships[0].studio` as a JSON pointer.
fn json_pointer(path: &str) -> String {
    if path == "." {
        return "/".to_owned();
    }
    let mut pointer = String::new();
    for segment in path.split('.') {
        let mut rest = segment;
        if let Some(bracket) = rest.find('[') {
            let (name, indices) = rest.split_at(bracket);
            if !name.is_empty() {
                pointer.push('/');
                pointer.push_str(name);
            }
            rest = indices;
            for index in rest.split('[').filter(|part| !part.is_empty()) {
                pointer.push('/');
                pointer.push_str(index.trim_end_matches(']'));
            }
        } else {
            pointer.push('/');
            pointer.push_str(rest);
        }
    }
    pointer
}

/// serde's message without its "at line 1 column 20" tail.
fn plain(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(position) => text[..position].to_owned(),
        None => text,
    }
}

/// For `#[serde(deserialize_with = "present")]` on an `Option<Option<T>>`: tells a field
/// sent as `null` (`Some(None)`: remove it) from one left out (`None`: keep it).
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A query string. A parameter that does not fit: `422` naming it.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|error| {
                let field = error.path().to_string();
                let field = if field == "." {
                    "query".to_owned()
                } else {
                    field
                };
                ApiError::invalid_field(field, error.inner().to_string())
            })
    }
}

/// The `If-Match` header: the version the caller last read. `None` when absent or `*`.
#[derive(Debug)]
pub struct IfMatch(pub Option<String>);

impl FromRequestParts<AppState> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(Self(None));
        };
        let text = value
            .to_str()
            .map_err(|_| ApiError::invalid_field("If-Match", "not a valid entity tag"))?
            .trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let tag = text.strip_prefix("W/").unwrap_or(text);
        let tag = tag
            .strip_prefix('"')
            .and_then(|tag| tag.strip_suffix('"'))
            .ok_or_else(|| {
                ApiError::invalid_field("If-Match", "use the ETag as the server sent it, quoted")
            })?;
        Ok(Self(Some(tag.to_owned())))
    }
}

/// A JSON answer with its version as `ETag`.
pub fn with_etag(version: &str, body: impl Serialize) -> Response {
    let mut response = axum::Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The `Idempotency-Key` header of a creating request.
#[derive(Debug)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequestParts<AppState> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|key| !key.is_empty() && key.len() <= 255)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "Idempotency-Key",
                    "use 1 to 255 visible ASCII characters, for example a UUID",
                )
            })?;
        Ok(Self(Some(key.to_owned())))
    }
}

/// What a creating request answered: its status and JSON body.
pub type Created = (StatusCode, serde_json::Value);

/// Runs a creating request once per `Idempotency-Key`: a replay of the same request gets
/// the first answer again (with `Idempotent-Replayed: true`), a different request with the
/// same key `422`, and one sent while the first is still running `409`. The kept answer is
/// encrypted at rest (a new client's secret is in it). A request that fails lets go of its
/// key, so it can be retried.
pub async fn once<F, Fut>(
    state: &AppState,
    caller: &Caller,
    IdempotencyKey(key): IdempotencyKey,
    request: &[u8],
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Created, ApiError>>,
{
    let Some(key) = key else {
        let (status, body) = work().await?;
        return Ok((status, axum::Json(body)).into_response());
    };
    let principal = caller.principal().to_owned();
    let digest = sha256_base64url(request);
    let (claim_principal, claim_key, now) = (principal.clone(), key.clone(), state.now());
    let claim = state
        .store
        .write(move |connection| {
            idempotency::claim(connection, &claim_principal, &claim_key, &digest, now)
        })
        .await?;
    match claim {
        Claim::Mismatch => Err(ApiError::idempotency_mismatch()),
        Claim::InProgress => Err(ApiError::idempotency_in_progress()),
        Claim::Answered { status, body } => {
            let plain = state
                .kek
                .decrypt(&body)
                .map_err(crate::error::ServerError::from)?;
            let body: serde_json::Value =
                serde_json::from_slice(&plain).unwrap_or(serde_json::Value::Null);
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, axum::Json(body)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(response)
        }
        Claim::New => match work().await {
            Ok((status, body)) => {
                let sealed = state
                    .kek
                    .encrypt(body.to_string().as_bytes())
                    .map_err(crate::error::ServerError::from)?;
                state
                    .store
                    .write(move |connection| {
                        idempotency::finish(connection, &principal, &key, status.as_u16(), &sealed)
                    })
                    .await?;
                Ok((status, axum::Json(body)).into_response())
            }
            Err(error) => {
                state
                    .store
                    .write(move |connection| idempotency::release(connection, &principal, &key))
                    .await?;
                Err(error)
            }
        },
    }
}

/// A page of a list, and where the next one starts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The page size asked for, within bounds.
pub fn page_size(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(limit) if (1..=MAX_PAGE_SIZE).contains(&limit) => Ok(limit),
        Some(_) => Err(ApiError::invalid_field(
            "limit",
            format!("use 1 to {MAX_PAGE_SIZE}"),
        )),
    }
}

/// An opaque cursor holding where the next page starts.
pub fn encode_cursor(position: &impl Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

/// Reads a cursor made by [`encode_cursor`].
pub fn decode_cursor<T: DeserializeOwned>(cursor: &str) -> Result<T, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ApiError::invalid_field(
                "cursor",
                "not a cursor this list gave out; start again without it",
            )
        })
}

/// Cuts one extra item fetched to learn whether another page follows, and makes the cursor
/// from the last item kept.
pub fn paginate<T, P: Serialize>(
    mut items: Vec<T>,
    limit: i64,
    position: impl Fn(&T) -> P,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|last| encode_cursor(&position(last)));
        (items, next)
    } else {
        (items, None)
    }
}

/// A request's bytes for the idempotency fingerprint: method, path and body.
#[must_use]
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(method.len() + path.len() + body.len() + 2);
    bytes.extend_from_slice(method.as_bytes());
    bytes.push(b' ');
    bytes.extend_from_slice(path.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    bytes
}

/// `204 No Content`.
#[must_use]
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_paths_become_json_pointers() {
        assert_eq!(json_pointer("email"), "/email");
        assert_eq!(
            json_pointer("settings.device_limit"),
            "/settings/device_limit"
        );
        assert_eq!(
            json_pointer("memberships[0].studio"),
            "/memberships/0/studio"
        );
        assert_eq!(json_pointer("."), "/");
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_named() {
        let cursor = encode_cursor(&("a@example.com", "0193"));
        let back: (String, String) = decode_cursor(&cursor).expect("decodes");
        assert_eq!(back, ("a@example.com".to_owned(), "0193".to_owned()));
        assert!(decode_cursor::<(String, String)>("not-a-cursor").is_err());
    }
}
