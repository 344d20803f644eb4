//! Client authentication at the token, revocation and introspection endpoints:
//! `client_secret_basic`, `client_secret_post`, `private_key_jwt` (RFC 7523), and `none` for
//! public clients (RFC 6749 §2.3.1, OIDC Core §9).

use crate::error::OAuthError;
use crate::http::ClientAddress;
use crate::service::tokens::FormParameters;
use crate::state::AppState;
use crate::throttle::{Key, RetryAfter};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use gatehouse_core::ClientId;
use gatehouse_core::client::{AuthenticationMethod, Client};
use gatehouse_core::client_assertion::{ASSERTION_TYPE, AssertionRejection};

/// The throttle purpose of client authentication.
const CLIENT_AUTHENTICATION: &str = "client";

/// Largest form body accepted at these endpoints.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// A request from a client that proved who it is.
#[derive(Debug)]
pub struct AuthenticatedClient {
    /// The client.
    pub client: Client,
    /// The rest of the form.
    pub parameters: FormParameters,
    /// The caller's address.
    pub address: ClientAddress,
}

struct PresentedCredentials {
    client_id: String,
    secret: Option<String>,
}

fn basic_credentials(header_value: &str) -> Result<Option<PresentedCredentials>, OAuthError> {
    let Some(encoded) = header_value
        .strip_prefix("Basic ")
        .or_else(|| header_value.strip_prefix("basic "))
    else {
        return Ok(None);
    };
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(OAuthError::invalid_client)?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(OAuthError::invalid_client)?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    let decode = |text: &str| {
        url::form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    Ok(Some(PresentedCredentials {
        client_id: decode(id),
        secret: Some(decode(secret)),
    }))
}

/// Whether `secret` authenticates `client`: a confidential client's secret matches (compared
/// in constant time), or a public client sent none.
fn presents_valid_secret(state: &AppState, client: Option<&Client>, secret: Option<&str>) -> bool {
    match (
        client.and_then(|client| client.secret_digest.as_ref()),
        client,
        secret,
    ) {
        // A client_secret_jwt client proves its secret with a MAC, never by sending it.
        (Some(digest), Some(client), Some(secret))
            if client.authentication_method() == AuthenticationMethod::Secret =>
        {
            state.secrets.verify_client_secret(secret, digest)
        }
        (None, Some(client), None) => client.is_public(),
        _ => false,
    }
}

impl FromRequest<AppState> for AuthenticatedClient {
    type Rejection = OAuthError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Ok(address) = ClientAddress::from_request_parts(&mut parts, state).await;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(OAuthError::invalid_request(
                "the body must be application/x-www-form-urlencoded",
            ));
        }
        let basic = match parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
        {
            Some(value) => basic_credentials(value)?,
            None => None,
        };
        let endpoint_url = format!("{}{}", state.issuer, parts.uri.path());
        let request = Request::from_parts(parts, body);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| OAuthError::invalid_request("the request body could not be read"))?;
        if body.len() > MAX_BODY_BYTES {
            return Err(OAuthError::invalid_request("the request body is too large"));
        }
        let parameters = FormParameters::parse(&body).map_err(OAuthError::from)?;

        match (
            parameters.get("client_assertion_type"),
            parameters.get("client_assertion"),
        ) {
            (None, None) => {}
            (Some(ASSERTION_TYPE), Some(assertion)) => {
                if basic.is_some() || parameters.get("client_secret").is_some() {
                    return Err(OAuthError::invalid_request(
                        "use one client authentication method, not two",
                    ));
                }
                let assertion = assertion.to_owned();
                return authenticate_with_assertion(
                    state,
                    assertion,
                    parameters,
                    address,
                    &endpoint_url,
                )
                .await;
            }
            (Some(_), Some(_)) => {
                return Err(OAuthError::invalid_request(
                    "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ));
            }
            _ => {
                return Err(OAuthError::invalid_request(
                    "client_assertion and client_assertion_type are sent together",
                ));
            }
        }

        let credentials = match (
            basic,
            parameters.get("client_id"),
            parameters.get("client_secret"),
        ) {
            (Some(_), _, Some(_)) => {
                return Err(OAuthError::invalid_request(
                    "use one client authentication method, not two",
                ));
            }
            (Some(basic), Some(body_id), None) if body_id != basic.client_id => {
                return Err(OAuthError::invalid_request(
                    "client_id does not match the Authorization header",
                ));
            }
            (Some(basic), _, None) => basic,
            (None, Some(client_id), secret) => PresentedCredentials {
                client_id: client_id.to_owned(),
                secret: secret.map(str::to_owned),
            },
            (None, None, _) => return Err(OAuthError::invalid_client()),
        };

        let client_id = ClientId::new(credentials.client_id.clone());
        let (mut client, is_copy) = crate::service::clients::get_cached(state, &client_id).await?;
        // A copy that refuses may predate a change made elsewhere (a new secret from the
        // CLI or another node): only the stored row may refuse.
        if is_copy && !presents_valid_secret(state, client.as_ref(), credentials.secret.as_deref())
        {
            client = crate::service::clients::get_fresh(state, &client_id).await?;
        }
        // Client ids are public (every authorization URL carries one), so failures are
        // counted per client *and address*: a stranger's wrong secrets slow the stranger,
        // not the application. A public client sent a secret did nothing wrong at all; only
        // the sender's address is charged.
        let is_public_sent_a_secret = credentials.secret.is_some()
            && client
                .as_ref()
                .is_some_and(|client| client.secret_digest.is_none());
        let mut keys = vec![Key::address(CLIENT_AUTHENTICATION, address.0)];
        if !is_public_sent_a_secret {
            keys.push(Key::subject_from(
                CLIENT_AUTHENTICATION,
                &credentials.client_id,
                address.0,
            ));
        }
        let permit = state
            .client_throttle
            .begin(keys, state.now())
            .map_err(|RetryAfter(seconds)| OAuthError::too_many_attempts(seconds))?;
        let authenticated = client.filter(|client| {
            presents_valid_secret(state, Some(client), credentials.secret.as_deref())
        });
        match authenticated {
            Some(client) => {
                permit.succeeded();
                Ok(Self {
                    client,
                    parameters,
                    address,
                })
            }
            None => {
                tracing::info!(client_id = %credentials.client_id, address = %address.0, "client authentication failed");
                Err(OAuthError::invalid_client())
            }
        }
    }
}

/// `private_key_jwt`: the client named by the assertion's `iss`, when one of its keys
/// signed it, its claims hold for this endpoint, and it was not used before.
async fn authenticate_with_assertion(
    state: &AppState,
    assertion: String,
    parameters: FormParameters,
    address: ClientAddress,
    endpoint_url: &str,
) -> Result<AuthenticatedClient, OAuthError> {
    let read = crate::service::client_keys::UnverifiedAssertion::read(&assertion)
        .ok_or_else(OAuthError::invalid_client)?;
    let client_id = read
        .issuer()
        .ok_or_else(OAuthError::invalid_client)?
        .to_owned();
    if parameters
        .get("client_id")
        .is_some_and(|named| named != client_id)
    {
        return Err(OAuthError::invalid_request(
            "client_id does not match the client assertion",
        ));
    }
    let permit = state
        .client_throttle
        .begin(
            vec![
                Key::address(CLIENT_AUTHENTICATION, address.0),
                Key::subject_from(CLIENT_AUTHENTICATION, &client_id, address.0),
            ],
            state.now(),
        )
        .map_err(|RetryAfter(seconds)| OAuthError::too_many_attempts(seconds))?;
    let id = ClientId::new(client_id.clone());
    let (mut client, is_copy) = crate::service::clients::get_cached(state, &id).await?;
    let uses_keys = |client: &Client| {
        matches!(
            client.authentication_method(),
            AuthenticationMethod::PrivateKeyJwt | AuthenticationMethod::SecretJwt
        )
    };
    let mut is_copy = is_copy;
    if is_copy && !client.as_ref().is_some_and(uses_keys) {
        client = crate::service::clients::get_fresh(state, &id).await?;
        is_copy = false;
    }
    let Some(mut client) = client.filter(uses_keys) else {
        tracing::info!(%client_id, address = %address.0, "a client assertion names a client that does not authenticate with one");
        return Err(OAuthError::invalid_client());
    };
    let verify = crate::service::client_keys::verify;
    let mut outcome = verify(state, &client, &assertion, &read, endpoint_url).await;
    // A copy that refuses the signature may predate new keys or a new secret set elsewhere:
    // only the stored row may refuse (no jti was recorded for a refused signature).
    if is_copy
        && matches!(
            outcome,
            Err(AssertionRejection::BadSignature | AssertionRejection::UnsupportedAlgorithm)
        )
        && let Some(fresh) = crate::service::clients::get_fresh(state, &id)
            .await?
            .filter(uses_keys)
    {
        client = fresh;
        outcome = verify(state, &client, &assertion, &read, endpoint_url).await;
    }
    match outcome {
        Ok(_) => {
            permit.succeeded();
            Ok(AuthenticatedClient {
                client,
                parameters,
                address,
            })
        }
        Err(rejection) => {
            tracing::info!(%client_id, address = %address.0, %rejection, "client authentication failed");
            Err(OAuthError::invalid_client())
        }
    }
}
