//! Issuing, refreshing, revoking and inspecting tokens (RFC 6749 §4–6, RFC 7009, RFC 7662,
//! RFC 9068, RFC 9449, OIDC Core §3.1.3).

use crate::error::ServerError;
use crate::state::AppState;
use gatehouse_core::claims::{self, AccessTokenClaims, Confirmation, IdTokenClaims, studio_claims};
use gatehouse_core::client::{Client, GrantType};
use gatehouse_core::dpop::DpopProof;
use gatehouse_core::grant::{
    self, CodeRejection, Grant, RefreshDecision, RefreshRejection, RefreshToken,
};
use gatehouse_core::scope::{self, Scope};
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::session::Authentication;
use gatehouse_core::studio::Membership;
use gatehouse_core::user::User;
use gatehouse_core::{GrantId, SessionId, StudioId, UnixTime};
use gatehouse_store::{DbConn, StoreError, codes, grants, sessions, studios, users};
use serde::Serialize;
use std::collections::BTreeMap;

/// The `typ` header of JWT access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// The `typ` header of ID tokens.
pub const ID_TOKEN_TYPE: &str = "JWT";

/// Why the token, revocation or introspection endpoint refuses a request: the OAuth2
/// error codes (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 9449 §5) as domain values, turned into
/// responses in `error.rs` only.
#[derive(Debug)]
pub enum TokenRefusal {
    /// `invalid_request`: a parameter is missing, repeated or malformed.
    InvalidRequest(String),
    /// `invalid_client`: the client could not be authenticated, or may not do this.
    InvalidClient,
    /// `invalid_grant`: the code, refresh token or verifier is not good.
    InvalidGrant(String),
    /// `unauthorized_client`: the client may not use this grant.
    UnauthorizedClient(String),
    /// `invalid_scope`.
    InvalidScope(String),
    /// `unsupported_token_type` (revocation).
    UnsupportedTokenType,
    /// `invalid_dpop_proof`.
    InvalidDpopProof(String),
    /// Our fault.
    Server(ServerError),
}

impl TokenRefusal {
    /// `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::InvalidRequest(description.into())
    }

    /// `invalid_client`.
    #[must_use]
    pub fn invalid_client() -> Self {
        Self::InvalidClient
    }

    /// `invalid_grant`.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::InvalidGrant(description.into())
    }

    /// `unauthorized_client`.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::UnauthorizedClient(description.into())
    }

    /// `invalid_scope`.
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::InvalidScope(description.into())
    }

    /// `unsupported_token_type`.
    #[must_use]
    pub fn unsupported_token_type() -> Self {
        Self::UnsupportedTokenType
    }

    /// `invalid_dpop_proof`.
    pub fn invalid_dpop_proof(description: impl Into<String>) -> Self {
        Self::InvalidDpopProof(description.into())
    }
}

impl<E: Into<ServerError>> From<E> for TokenRefusal {
    fn from(error: E) -> Self {
        Self::Server(error.into())
    }
}

/// Why an access token is refused at a resource (UserInfo, the management API).
#[derive(Debug)]
pub enum AccessTokenRefusal {
    /// Expired, revoked, malformed or foreign.
    InvalidToken(&'static str),
    /// Our fault.
    Internal(ServerError),
}

impl<E: Into<ServerError>> From<E> for AccessTokenRefusal {
    fn from(error: E) -> Self {
        Self::Internal(error.into())
    }
}

/// The form parameters of a request, each present at most once (RFC 6749 §3.2).
#[derive(Debug, Clone, Default)]
pub struct FormParameters(BTreeMap<String, String>);

impl FormParameters {
    /// Parses a form body; a repeated parameter is an `invalid_request`.
    pub fn parse(body: &[u8]) -> Result<Self, TokenRefusal> {
        let mut parameters = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(body).into_owned() {
            if parameters.insert(name.clone(), value).is_some() {
                return Err(TokenRefusal::invalid_request(format!(
                    "parameter {name} appears more than once"
                )));
            }
        }
        Ok(Self(parameters))
    }

    /// Every parameter, by name.
    #[must_use]
    pub fn all(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// A parameter; empty values count as absent.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// A required parameter.
    pub fn require(&self, name: &str) -> Result<&str, TokenRefusal> {
        self.get(name)
            .ok_or_else(|| TokenRefusal::invalid_request(format!("{name} is required")))
    }
}

/// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    /// The JWT access token.
    pub access_token: String,
    /// `Bearer`, or `DPoP` for sender-constrained tokens (RFC 9449 §5).
    pub token_type: &'static str,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// The successor refresh token, when the client may refresh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The ID token, for `openid` requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The granted scope.
    pub scope: String,
}

/// Who and what a user-bound token is about.
struct UserTokenContext<'a> {
    client: &'a Client,
    user: &'a User,
    grant: &'a Grant,
    membership: Option<&'a Membership>,
    scope: &'a Scope,
    nonce: Option<&'a str>,
    refresh_token: Option<String>,
}

/// What an access token says beyond the standard claims.
struct AccessTokenDetails<'a> {
    grant: Option<&'a Grant>,
    membership: Option<&'a Membership>,
    dpop_jkt: Option<&'a str>,
}

/// Signs an access token.
fn mint_access_token(
    state: &AppState,
    client: &Client,
    subject: &str,
    scope: &Scope,
    details: AccessTokenDetails<'_>,
    now: UnixTime,
) -> Result<String, ServerError> {
    let grant = details.grant;
    let claims = AccessTokenClaims {
        iss: state.issuer.clone(),
        exp: now
            .plus_seconds(state.config.tokens.access_token_ttl_seconds)
            .as_secs(),
        aud: client.access_token_audience(),
        sub: subject.to_owned(),
        client_id: client.id.as_str().to_owned(),
        iat: now.as_secs(),
        jti: claims::access_token_jti(
            grant.map(|grant| grant.id.as_str()),
            &crate::random::identifier(),
        ),
        scope: scope.to_string(),
        auth_time: grant.map(|grant| grant.authentication.auth_time.as_secs()),
        acr: grant.map(|grant| grant.authentication.acr.clone()),
        amr: grant.map(|grant| grant.authentication.amr.clone()),
        sid: grant
            .and_then(|grant| grant.session_id.as_ref())
            .map(|sid| sid.as_str().to_owned()),
        cnf: details.dpop_jkt.map(|jkt| Confirmation {
            jkt: jkt.to_owned(),
        }),
        studio: details.membership.map(studio_claims).unwrap_or_default(),
    };
    Ok(state
        .keys
        .sign(state.access_token_algorithm, ACCESS_TOKEN_TYPE, &claims)?)
}

fn token_type(dpop_jkt: Option<&str>) -> &'static str {
    if dpop_jkt.is_some() { "DPoP" } else { "Bearer" }
}

/// Signs the access token and, for `openid`, the ID token of a user grant.
fn issue_user_tokens(
    state: &AppState,
    context: UserTokenContext<'_>,
    now: UnixTime,
) -> Result<TokenResponse, ServerError> {
    let dpop_jkt = context.grant.dpop_jkt.as_deref();
    let access_token = mint_access_token(
        state,
        context.client,
        context.user.id.as_str(),
        context.scope,
        AccessTokenDetails {
            grant: Some(context.grant),
            membership: context.membership,
            dpop_jkt,
        },
        now,
    )?;
    let id_token = if context.scope.is_openid() {
        let algorithm = context.client.id_token_signing_algorithm;
        let mut user_claims = claims::user_claims(context.user, context.scope);
        if let Some(membership) = context.membership {
            user_claims.extend(studio_claims(membership));
            claims::apply_studio_username(&mut user_claims, context.scope, membership);
        }
        let claims = IdTokenClaims {
            iss: state.issuer.clone(),
            sub: context.user.id.as_str().to_owned(),
            aud: context.client.id.as_str().to_owned(),
            exp: now
                .plus_seconds(state.config.tokens.id_token_ttl_seconds)
                .as_secs(),
            iat: now.as_secs(),
            auth_time: context.grant.authentication.auth_time.as_secs(),
            nonce: context.nonce.map(str::to_owned),
            sid: context
                .grant
                .session_id
                .as_ref()
                .map(|sid| sid.as_str().to_owned()),
            at_hash: Some(claims::access_token_hash(&access_token, algorithm)),
            amr: context.grant.authentication.amr.clone(),
            acr: context.grant.authentication.acr.clone(),
            azp: context.client.id.as_str().to_owned(),
            user_claims,
        };
        Some(state.keys.sign(algorithm, ID_TOKEN_TYPE, &claims)?)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        token_type: token_type(dpop_jkt),
        expires_in: state.config.tokens.access_token_ttl_seconds,
        refresh_token: context.refresh_token,
        id_token,
        scope: context.scope.to_string(),
    })
}

/// The outcome of a token-endpoint transaction. A refusal still commits, so that the
/// revocations it triggered (replayed code, reused refresh token) stick.
enum Exchange<T> {
    Issued(T),
    Refused(TokenRefusal),
}

/// The membership behind a studio-bound grant; `Err` refuses the grant when the user has
/// left the studio since.
fn grant_membership(
    connection: &mut DbConn,
    studio_id: Option<&StudioId>,
    user: &User,
) -> Result<Result<Option<Membership>, TokenRefusal>, StoreError> {
    let Some(studio_id) = studio_id else {
        return Ok(Ok(None));
    };
    Ok(
        match studios::find_membership(connection, studio_id, &user.id)? {
            Some(membership) => Ok(Some(membership)),
            None => Err(TokenRefusal::invalid_grant(
                "the user is no longer a member of the studio",
            )),
        },
    )
}

/// What a refresh produces.
struct Refreshed {
    grant: Grant,
    user: User,
    membership: Option<Membership>,
    scope: Scope,
}

/// What a code exchange produces.
struct Exchanged {
    grant: Grant,
    user: User,
    membership: Option<Membership>,
    nonce: Option<String>,
}

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5). With a DPoP proof
/// the grant, and so every token of it, is bound to the proof's key.
pub async fn exchange_code(
    state: &AppState,
    client: Client,
    parameters: &FormParameters,
    proof: Option<DpopProof>,
) -> Result<TokenResponse, TokenRefusal> {
    if !client.allows_grant(GrantType::AuthorizationCode) {
        return Err(TokenRefusal::unauthorized_client(
            "this client may not use the authorization_code grant",
        ));
    }
    let code_digest = sha256_base64url(parameters.require("code")?.as_bytes());
    let redirect_uri = parameters.get("redirect_uri").map(str::to_owned);
    let code_verifier = parameters.get("code_verifier").map(str::to_owned);
    let now = state.now();
    let refresh_secret = client
        .allows_grant(GrantType::RefreshToken)
        .then(crate::random::token);
    let refresh_ttl = state.config.tokens.refresh_token_ttl_seconds;
    let access_ttl = state.config.tokens.access_token_ttl_seconds;
    let client_id = client.id.clone();
    let refresh_for_store = refresh_secret.clone();

    let outcome = state
        .store
        .write(move |connection| -> Result<Exchange<Exchanged>, StoreError> {
            let Some(code) = codes::find(connection, &code_digest)? else {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant("the authorization code is invalid")));
            };
            if let Err(rejection) = grant::check_code_exchange(
                &code,
                &client_id,
                redirect_uri.as_deref(),
                code_verifier.as_deref(),
                proof.as_ref().map(|proof| proof.jkt.as_str()),
                now,
            ) {
                // OAuth 2.0 Security BCP §4.2.4: a replayed code revokes what it produced.
                if rejection == CodeRejection::AlreadyUsed
                    && let Some(grant_id) = &code.grant_id
                {
                    grants::revoke(connection, grant_id, now)?;
                    tracing::warn!(client_id = %client_id, grant_id = %grant_id, "authorization code replayed; grant revoked");
                }
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant(rejection.to_string())));
            }
            let Some(user) = users::find(connection, &code.user_id)?.filter(User::is_active) else {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant("the account is not active")));
            };
            let membership = match grant_membership(connection, code.studio_id.as_ref(), &user)? {
                Ok(membership) => membership,
                Err(error) => return Ok(Exchange::Refused(error)),
            };
            // The session may have ended (logout, device removed) since the code was issued.
            let Some(session) = sessions::find(connection, &code.session_id)?.filter(|session| session.is_active(now))
            else {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant("the sign-in session has ended")));
            };
            let grant = Grant {
                id: GrantId::new(crate::random::row_id()),
                client_id: client_id.clone(),
                user_id: user.id.clone(),
                session_id: Some(code.session_id.clone()),
                scope: code.scope.clone(),
                authentication: code.authentication.clone(),
                is_offline: code.scope.contains(scope::OFFLINE_ACCESS),
                studio_id: code.studio_id.clone(),
                device_id: session.device_id.clone(),
                dpop_jkt: proof.map(|proof| proof.jkt),
                created_at: now,
                expires_at: now.plus_seconds(if refresh_for_store.is_some() {
                    refresh_ttl
                } else {
                    access_ttl
                }),
                revoked_at: None,
            };
            grants::insert(connection, &grant)?;
            if !codes::consume(connection, &code_digest, &grant.id, now)? {
                // A concurrent exchange won; roll back our grant and refuse.
                return Err(StoreError::Conflict("a grant for this authorization code"));
            }
            if let Some(secret) = &refresh_for_store {
                let token = RefreshToken {
                    id: crate::random::row_id(),
                    grant_id: grant.id.clone(),
                    created_at: now,
                    expires_at: grant.expires_at,
                    used_at: None,
                };
                grants::insert_refresh_token(connection, &token, &sha256_base64url(secret.as_bytes()))?;
            }
            Ok(Exchange::Issued(Exchanged {
                grant,
                user,
                membership,
                nonce: code.nonce,
            }))
        })
        .await
        .map_err(|error| match error {
            StoreError::Conflict(_) => TokenRefusal::invalid_grant(CodeRejection::AlreadyUsed.to_string()),
            other => other.into(),
        })?;
    let exchanged = match outcome {
        Exchange::Issued(issued) => issued,
        Exchange::Refused(error) => return Err(error),
    };
    let context = UserTokenContext {
        client: &client,
        user: &exchanged.user,
        grant: &exchanged.grant,
        membership: exchanged.membership.as_ref(),
        scope: &exchanged.grant.scope,
        nonce: exchanged.nonce.as_deref(),
        refresh_token: refresh_secret,
    };
    Ok(issue_user_tokens(state, context, now)?)
}

/// `grant_type=refresh_token` with rotation and reuse detection (RFC 6749 §6,
/// OAuth 2.0 Security BCP §4.13.2), or without rotation for a FAPI client
/// ([`Client::rotates_refresh_tokens`]). A DPoP-bound family needs a proof with its key.
pub async fn refresh(
    state: &AppState,
    client: Client,
    parameters: &FormParameters,
    proof: Option<DpopProof>,
) -> Result<TokenResponse, TokenRefusal> {
    if !client.allows_grant(GrantType::RefreshToken) {
        return Err(TokenRefusal::unauthorized_client(
            "this client may not use the refresh_token grant",
        ));
    }
    let presented = parameters.require("refresh_token")?;
    let token_digest = sha256_base64url(presented.as_bytes());
    let requested_scope = parameters
        .get("scope")
        .map(Scope::parse)
        .transpose()
        .map_err(|error| TokenRefusal::invalid_scope(error.to_string()))?;
    let now = state.now();
    let successor = client.rotates_refresh_tokens().then(crate::random::token);
    let successor_digest = successor
        .as_deref()
        .map(|successor| sha256_base64url(successor.as_bytes()));
    let client_id = client.id.clone();
    let client_is_fapi = client.is_fapi;

    let outcome = state
        .store
        .write(move |connection| -> Result<Exchange<Refreshed>, StoreError> {
            let Some((token, grant)) = grants::find_refresh_token(connection, &token_digest)? else {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant("the refresh token is invalid")));
            };
            // RFC 9449 §5: a bound refresh token is useless without the key. Checked before
            // anything else, so a thief's attempt neither rotates nor revokes the family.
            if let Some(bound) = &grant.dpop_jkt
                && proof.as_ref().is_none_or(|proof| &proof.jkt != bound)
            {
                return Ok(Exchange::Refused(TokenRefusal::invalid_dpop_proof(
                    "this refresh token is bound to a DPoP key; send a proof signed with it",
                )));
            }
            // A FAPI client gets sender-constrained tokens only. A grant it was given before
            // it was held to FAPI is bound to no key, so it is not carried over (and would
            // not be rotated either).
            if client_is_fapi && grant.dpop_jkt.is_none() {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant(
                    "this grant predates the client's FAPI 2.0 profile and is bound to no key; sign the user in again",
                )));
            }
            let user = users::find(connection, &grant.user_id)?;
            let is_user_active = user.as_ref().is_some_and(User::is_active);
            let is_birth_session_active = match (&grant.session_id, grant.is_offline) {
                (Some(session_id), false) => sessions::find(connection, session_id)?
                    .is_some_and(|session| session.is_active(now)),
                _ => true,
            };
            let decision = grant::decide_refresh(
                &token,
                &grant,
                &client_id,
                requested_scope.as_ref(),
                is_user_active,
                is_birth_session_active,
                now,
            );
            let scope = match decision {
                RefreshDecision::Issue(scope) => scope,
                RefreshDecision::Reject(RefreshRejection::ScopeExceedsGrant) => {
                    return Ok(Exchange::Refused(TokenRefusal::invalid_scope(
                        RefreshRejection::ScopeExceedsGrant.to_string(),
                    )));
                }
                RefreshDecision::Reject(rejection @ RefreshRejection::SessionEnded) => {
                    // Its access tokens stop working too (introspection, UserInfo).
                    grants::revoke(connection, &grant.id, now)?;
                    return Ok(Exchange::Refused(TokenRefusal::invalid_grant(rejection.to_string())));
                }
                RefreshDecision::Reject(rejection) => {
                    return Ok(Exchange::Refused(TokenRefusal::invalid_grant(rejection.to_string())));
                }
                RefreshDecision::RevokeFamily => {
                    grants::revoke(connection, &grant.id, now)?;
                    tracing::warn!(client_id = %client_id, grant_id = %grant.id, "refresh token reused; token family revoked");
                    return Ok(Exchange::Refused(TokenRefusal::invalid_grant(RefreshRejection::Reused.to_string())));
                }
            };
            let Some(user) = user else {
                return Ok(Exchange::Refused(TokenRefusal::invalid_grant(RefreshRejection::InactiveUser.to_string())));
            };
            let membership = match grant_membership(connection, grant.studio_id.as_ref(), &user)? {
                Ok(membership) => membership,
                Err(error) => return Ok(Exchange::Refused(error)),
            };
            if let Some(successor_digest) = &successor_digest {
                if !grants::mark_refresh_token_used(connection, &token.id, now)? {
                    // Lost a race with another refresh of the same token: that is reuse too.
                    grants::revoke(connection, &grant.id, now)?;
                    return Ok(Exchange::Refused(TokenRefusal::invalid_grant(RefreshRejection::Reused.to_string())));
                }
                let next = RefreshToken {
                    id: crate::random::row_id(),
                    grant_id: grant.id.clone(),
                    created_at: now,
                    expires_at: grant.expires_at,
                    used_at: None,
                };
                grants::insert_refresh_token(connection, &next, successor_digest)?;
            }
            Ok(Exchange::Issued(Refreshed {
                grant,
                user,
                membership,
                scope,
            }))
        })
        .await?;
    let Refreshed {
        grant,
        user,
        membership,
        scope,
    } = match outcome {
        Exchange::Issued(issued) => issued,
        Exchange::Refused(error) => return Err(error),
    };
    let context = UserTokenContext {
        client: &client,
        user: &user,
        grant: &grant,
        membership: membership.as_ref(),
        scope: &scope,
        nonce: None,
        // A kept token is sent back as it was, for clients that store whatever comes.
        refresh_token: Some(successor.unwrap_or_else(|| presented.to_owned())),
    };
    Ok(issue_user_tokens(state, context, now)?)
}

/// `grant_type=client_credentials` (RFC 6749 §4.4): a token for the client itself. No
/// database write: the token is a signed JWT whose `jti` can still be revoked.
pub fn client_credentials(
    state: &AppState,
    client: &Client,
    parameters: &FormParameters,
    proof: Option<&DpopProof>,
) -> Result<TokenResponse, TokenRefusal> {
    if client.is_public() || !client.allows_grant(GrantType::ClientCredentials) {
        return Err(TokenRefusal::unauthorized_client(
            "this client may not use the client_credentials grant",
        ));
    }
    let user_scopes = Scope::from_tokens(scope::STANDARD_SCOPES);
    let scope = match parameters.get("scope") {
        Some(text) => {
            let requested = Scope::parse(text)
                .map_err(|error| TokenRefusal::invalid_scope(error.to_string()))?;
            let user_only = requested.intersection(&user_scopes);
            if !user_only.is_empty() {
                return Err(TokenRefusal::invalid_scope(format!(
                    "{user_only} cannot be granted without a user"
                )));
            }
            let not_allowed = requested.difference(&client.scopes);
            if !not_allowed.is_empty() {
                return Err(TokenRefusal::invalid_scope(format!(
                    "scope not allowed for this client: {not_allowed}"
                )));
            }
            requested
        }
        None => client.scopes.difference(&user_scopes),
    };
    let now = state.now();
    let dpop_jkt = proof.map(|proof| proof.jkt.as_str());
    let access_token = mint_access_token(
        state,
        client,
        client.id.as_str(),
        &scope,
        AccessTokenDetails {
            grant: None,
            membership: None,
            dpop_jkt,
        },
        now,
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: token_type(dpop_jkt),
        expires_in: state.config.tokens.access_token_ttl_seconds,
        refresh_token: None,
        id_token: None,
        scope: scope.to_string(),
    })
}

pub async fn validate_access_token(
    state: &AppState,
    token: &str,
) -> Result<AccessTokenClaims, AccessTokenRefusal> {
    let (claims, ()) = validate_access_token_reading(state, token, |_, _| Ok(())).await?;
    Ok(claims)
}

/// [`validate_access_token`], and `read` in the same database visit as the revocation
/// check (UserInfo reads the account, introspection its name): one connection and one
/// hand-off to the blocking pool per request instead of two. `read` runs only for a token
/// that is not revoked.
pub async fn validate_access_token_reading<T, F>(
    state: &AppState,
    token: &str,
    read: F,
) -> Result<(AccessTokenClaims, T), AccessTokenRefusal>
where
    F: FnOnce(&mut DbConn, &AccessTokenClaims) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let claims: AccessTokenClaims = state
        .keys
        .verify(token, ACCESS_TOKEN_TYPE)
        .map_err(|_| AccessTokenRefusal::InvalidToken("the access token is invalid"))?;
    if claims.iss != state.issuer {
        return Err(AccessTokenRefusal::InvalidToken(
            "the access token was issued elsewhere",
        ));
    }
    if state.now().as_secs() >= claims.exp {
        return Err(AccessTokenRefusal::InvalidToken(
            "the access token has expired",
        ));
    }
    let (claims, extra) = state
        .store
        .read_by_key(move |connection| {
            if grants::is_access_token_revoked(connection, &claims.jti, claims.grant_id())? {
                return Ok((claims, None));
            }
            let extra = read(connection, &claims)?;
            Ok((claims, Some(extra)))
        })
        .await?;
    match extra {
        Some(extra) => Ok((claims, extra)),
        None => Err(AccessTokenRefusal::InvalidToken(
            "the access token has been revoked",
        )),
    }
}

/// Token revocation (RFC 7009 §2.1). Unknown tokens and tokens of other clients are
/// answered with success and left alone (§2.2).
pub async fn revoke(
    state: &AppState,
    client: &Client,
    parameters: &FormParameters,
) -> Result<(), TokenRefusal> {
    let token = parameters.require("token")?.to_owned();
    let hint = parameters.get("token_type_hint");
    if let Some(hint) = hint
        && !matches!(hint, "access_token" | "refresh_token")
    {
        return Err(TokenRefusal::unsupported_token_type());
    }
    let now = state.now();
    // Access tokens are JWTs with three parts; refresh tokens are opaque. The hint only
    // orders the lookups (§2.1), so both are tried.
    if let Ok(claims) = state
        .keys
        .verify::<AccessTokenClaims>(&token, ACCESS_TOKEN_TYPE)
    {
        if claims.client_id == client.id.as_str() && claims.iss == state.issuer {
            let expires_at = UnixTime(claims.exp);
            let secrets = state.secrets.clone();
            state
                .store
                .write(move |connection| -> Result<(), StoreError> {
                    grants::revoke_access_token(connection, &claims.jti, expires_at)?;
                    let user_id = (claims.sub != claims.client_id)
                        .then(|| gatehouse_core::UserId::new(claims.sub.clone()));
                    crate::service::audit::record(
                        connection,
                        &secrets,
                        &crate::service::audit::Actor::named(&format!(
                            "client:{}",
                            claims.client_id
                        )),
                        &crate::service::audit::Event {
                            user_id: user_id.as_ref(),
                            client_id: Some(&claims.client_id),
                            detail: serde_json::json!({ "token": "access_token" }),
                            ..crate::service::audit::Event::new("token.revoked")
                        },
                        now,
                    )
                })
                .await?;
        }
        return Ok(());
    }
    let digest = sha256_base64url(token.as_bytes());
    let (client_id, secrets) = (client.id.clone(), state.secrets.clone());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if let Some((_, grant)) = grants::find_refresh_token(connection, &digest)?
                && grant.client_id == client_id
            {
                // §2.1: revoking a refresh token revokes the grant and its access tokens.
                grants::revoke(connection, &grant.id, now)?;
                crate::service::audit::record(
                    connection,
                    &secrets,
                    &crate::service::audit::Actor::named(&format!("client:{client_id}")),
                    &crate::service::audit::Event {
                        user_id: Some(&grant.user_id),
                        client_id: Some(client_id.as_str()),
                        detail: serde_json::json!({ "token": "refresh_token" }),
                        ..crate::service::audit::Event::new("token.revoked")
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// Token introspection (RFC 7662 §2.2).
pub async fn introspect(
    state: &AppState,
    client: &Client,
    parameters: &FormParameters,
) -> Result<serde_json::Value, TokenRefusal> {
    if client.is_public() {
        return Err(TokenRefusal::invalid_client());
    }
    let token = parameters.require("token")?.to_owned();
    let inactive = serde_json::json!({ "active": false });
    if token.matches('.').count() == 2 {
        let client_id = client.id.clone();
        let checked = validate_access_token_reading(state, &token, move |connection, claims| {
            // The account's name, for a user's token disclosed to this client.
            if claims.sub == claims.client_id || !claims.is_disclosed_to(client_id.as_str()) {
                return Ok(None);
            }
            let user_id = gatehouse_core::UserId::new(claims.sub.clone());
            users::email_of(connection, &user_id)
        })
        .await;
        return Ok(match checked {
            Ok((claims, _)) if !claims.is_disclosed_to(client.id.as_str()) => inactive,
            Ok((claims, username)) => {
                let mut response = serde_json::json!({
                    "active": true,
                    "token_type": if claims.cnf.is_some() { "DPoP" } else { "Bearer" },
                    "scope": claims.scope,
                    "client_id": claims.client_id,
                    "sub": claims.sub,
                    "aud": claims.aud,
                    "iss": claims.iss,
                    "exp": claims.exp,
                    "iat": claims.iat,
                    "jti": claims.jti,
                });
                if let Some(username) = username {
                    response["username"] = username.into();
                }
                if let Some(sid) = claims.sid {
                    response["sid"] = sid.into();
                }
                if let Some(cnf) = claims.cnf {
                    response["cnf"] = serde_json::json!({ "jkt": cnf.jkt });
                }
                if let Some(object) = response.as_object_mut() {
                    object.extend(claims.studio);
                }
                if let Some(auth_time) = claims.auth_time {
                    response["auth_time"] = auth_time.into();
                }
                response
            }
            Err(AccessTokenRefusal::Internal(error)) => return Err(error.into()),
            Err(_) => inactive,
        });
    }
    let digest = sha256_base64url(token.as_bytes());
    let found = state
        .store
        .read(move |connection| grants::find_refresh_token(connection, &digest))
        .await?;
    let now = state.now();
    Ok(match found {
        // Refresh tokens are disclosed only to the client they were issued to.
        Some((refresh, grant))
            if grant.client_id == client.id
                && refresh.used_at.is_none()
                && now < refresh.expires_at
                && grant.is_active(now) =>
        {
            serde_json::json!({
                "active": true,
                "token_type": "refresh_token",
                "scope": grant.scope.to_string(),
                "client_id": grant.client_id.as_str(),
                "sub": grant.user_id.as_str(),
                "exp": refresh.expires_at.as_secs(),
                "iat": refresh.created_at.as_secs(),
                "iss": state.issuer,
            })
        }
        _ => inactive,
    })
}

/// What the authorization endpoint hands to [`issue_authorization_code`].
#[derive(Debug)]
pub struct CodeRequest<'a> {
    /// The validated request.
    pub request: &'a gatehouse_core::authorize::AuthorizationRequest,
    /// The signed-in user.
    pub user_id: &'a gatehouse_core::UserId,
    /// Their session.
    pub session_id: &'a SessionId,
    /// How they signed in.
    pub authentication: &'a Authentication,
    /// The studio chosen for the sign-in.
    pub studio_id: Option<StudioId>,
    /// The client is held to FAPI 2.0 (codes of at most a minute).
    pub is_fapi: bool,
}

/// Stores a new authorization code and returns it.
pub async fn issue_authorization_code(
    state: &AppState,
    code_request: CodeRequest<'_>,
) -> Result<String, ServerError> {
    let now = state.now();
    let code = crate::random::token();
    let record = grant::AuthorizationCode {
        client_id: code_request.request.client_id.clone(),
        user_id: code_request.user_id.clone(),
        session_id: code_request.session_id.clone(),
        redirect_uri: code_request.request.redirect_uri.clone(),
        scope: code_request.request.scope.clone(),
        nonce: code_request.request.nonce.clone(),
        code_challenge: code_request.request.code_challenge.clone(),
        authentication: code_request.authentication.clone(),
        studio_id: code_request.studio_id.clone(),
        created_at: now,
        // FAPI 2.0 §5.3.2.1: codes live at most a minute.
        expires_at: now.plus_seconds(if code_request.is_fapi {
            state.config.tokens.authorization_code_ttl_seconds.min(60)
        } else {
            state.config.tokens.authorization_code_ttl_seconds
        }),
        consumed_at: None,
        grant_id: None,
        dpop_jkt: code_request.request.dpop_jkt.clone(),
    };
    let digest = sha256_base64url(code.as_bytes());
    let session_id = code_request.session_id.clone();
    let user_id = code_request.user_id.clone();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            codes::insert(connection, &digest, &record)?;
            // The session now works in this studio, and the user's choice is remembered.
            if let Some(studio_id) = &record.studio_id {
                sessions::set_studio(connection, &session_id, studio_id)?;
                users::set_last_studio(connection, &user_id, studio_id)?;
            }
            Ok(())
        })
        .await?;
    Ok(code)
}
