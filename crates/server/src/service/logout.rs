//! RP-Initiated Logout 1.0: checking the request and ending the session.

use crate::error::ServerError;
use crate::service::tokens::ID_TOKEN_TYPE;
use crate::state::AppState;
use gatehouse_core::ClientId;
use gatehouse_core::claims::IdTokenClaims;
use gatehouse_store::clients;

/// The parameters of a logout request (RP-Initiated Logout §2).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct LogoutParameters {
    /// A previously issued ID token, proving the RP's involvement.
    pub id_token_hint: Option<String>,
    /// Where to send the browser afterwards; must be registered.
    pub post_logout_redirect_uri: Option<String>,
    /// Echoed to the post-logout redirect URI.
    pub state: Option<String>,
    /// The RP, when there is no hint.
    pub client_id: Option<String>,
    /// Page language.
    pub ui_locales: Option<String>,
}

/// Why a logout request is refused (it is shown on a page, never redirected).
#[derive(Debug)]
pub enum LogoutRefusal {
    /// The `id_token_hint` is not one of ours or does not fit the request.
    BadHint,
    /// The `post_logout_redirect_uri` is not registered for the client.
    UnregisteredRedirect,
    /// Our fault.
    Server(ServerError),
}

impl<E: Into<ServerError>> From<E> for LogoutRefusal {
    fn from(error: E) -> Self {
        Self::Server(error.into())
    }
}

/// A checked logout request.
#[derive(Debug, Clone)]
pub struct CheckedLogout {
    /// The validated redirect target with `state` appended, if any.
    pub redirect_to: Option<String>,
    /// The session the hint names, if it was valid.
    pub hinted_session: Option<String>,
    /// The subject the hint names.
    pub hinted_subject: Option<String>,
    /// The client, for the confirmation page's hidden fields.
    pub client_id: Option<String>,
}

/// Validates the hint and the redirect URI. The hint may have expired (OIDC says it may be
/// used after expiry), but it must be ours, signed by a key we publish.
pub async fn check(
    state: &AppState,
    parameters: &LogoutParameters,
) -> Result<CheckedLogout, LogoutRefusal> {
    let hint = match parameters
        .id_token_hint
        .as_deref()
        .filter(|hint| !hint.is_empty())
    {
        Some(token) => {
            let claims: IdTokenClaims = state
                .keys
                .verify(token, ID_TOKEN_TYPE)
                .map_err(|_| LogoutRefusal::BadHint)?;
            if claims.iss != state.issuer {
                return Err(LogoutRefusal::BadHint);
            }
            Some(claims)
        }
        None => None,
    };
    let client_id = match (
        hint.as_ref().map(|claims| claims.aud.clone()),
        parameters.client_id.clone().filter(|id| !id.is_empty()),
    ) {
        (Some(from_hint), Some(given)) if from_hint != given => {
            return Err(LogoutRefusal::BadHint);
        }
        (from_hint, given) => from_hint.or(given),
    };
    let redirect_to = match parameters
        .post_logout_redirect_uri
        .as_deref()
        .filter(|uri| !uri.is_empty())
    {
        Some(uri) => {
            let Some(client_id) = client_id.clone() else {
                return Err(LogoutRefusal::UnregisteredRedirect);
            };
            let client_id = ClientId::new(client_id);
            let client = state
                .store
                .read(move |connection| clients::find(connection, &client_id))
                .await?;
            if !client.is_some_and(|client| client.has_post_logout_redirect_uri(uri)) {
                return Err(LogoutRefusal::UnregisteredRedirect);
            }
            let mut url = url::Url::parse(uri).map_err(|_| LogoutRefusal::UnregisteredRedirect)?;
            if let Some(client_state) = parameters
                .state
                .as_deref()
                .filter(|value| !value.is_empty())
            {
                url.query_pairs_mut().append_pair("state", client_state);
            }
            Some(url.to_string())
        }
        None => None,
    };
    Ok(CheckedLogout {
        redirect_to,
        hinted_session: hint.as_ref().and_then(|claims| claims.sid.clone()),
        hinted_subject: hint.map(|claims| claims.sub),
        client_id,
    })
}
