//! The authorization endpoint's rules (RFC 6749 §4.1, OIDC Core §3.1.2, RFC 7636, RFC 9207).
//!
//! Validation happens in two stages because they fail differently: until the client and its
//! redirect URI are known to be genuine, an error is shown to the user and never redirected
//! (RFC 6749 §4.1.2.1); afterwards errors travel back to the client's redirect URI.

use crate::client::{Client, GrantType};
use crate::pkce;
use crate::scope::Scope;
use crate::studio::StudioChoice;
use crate::{ClientId, SessionId, StudioId, UnixTime, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Longest value we accept for any single authorization parameter.
const MAX_PARAMETER_LENGTH: usize = 4096;

/// The raw query of an authorization request, duplicates detected.
#[derive(Debug, Clone, Default)]
pub struct RawAuthorizationRequest {
    parameters: BTreeMap<String, String>,
    duplicated: Vec<String>,
}

impl RawAuthorizationRequest {
    /// The parameters, by name (a repeated one once).
    #[must_use]
    pub fn parameters(&self) -> &BTreeMap<String, String> {
        &self.parameters
    }

    /// Collects parameters; a repeated name is remembered as an error (RFC 6749 §3.1).
    pub fn from_pairs<I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut request = Self::default();
        for (name, value) in pairs {
            match request.parameters.entry(name) {
                std::collections::btree_map::Entry::Occupied(entry) => {
                    request.duplicated.push(entry.key().clone());
                }
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(value);
                }
            }
        }
        request
    }

    /// One parameter, treating an empty value as absent (RFC 6749 §3.1).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parameters
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    fn is_duplicated(&self, name: &str) -> bool {
        self.duplicated.iter().any(|duplicated| duplicated == name)
    }
}

/// An error shown to the user, never redirected: the client or redirect URI is not trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UntrustedRequestError {
    /// No `client_id`.
    #[error("the request does not say which application is asking (client_id is missing)")]
    MissingClientId,
    /// `client_id` is not registered.
    #[error("the application is not registered here")]
    UnknownClient,
    /// No `redirect_uri`; OpenID Connect requires it.
    #[error("the request does not say where to return (redirect_uri is missing)")]
    MissingRedirectUri,
    /// `redirect_uri` is not one the client registered.
    #[error("the return address is not registered for this application")]
    UnregisteredRedirectUri,
    /// `client_id` or `redirect_uri` appears twice.
    #[error("the request repeats a parameter")]
    DuplicatedParameter,
    /// The signed request object does not verify or breaks a rule; nothing in it can be
    /// trusted, its redirect URI included.
    #[error("the signed request is not valid")]
    InvalidRequestObject,
}

/// Authorization error codes (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationErrorCode {
    /// Malformed request.
    InvalidRequest,
    /// The client may not use this flow.
    UnauthorizedClient,
    /// The user or server refused.
    AccessDenied,
    /// Only `code` is supported.
    UnsupportedResponseType,
    /// Unknown or not allowed scope.
    InvalidScope,
    /// Unexpected server failure.
    ServerError,
    /// `prompt=none` and no usable session.
    LoginRequired,
    /// `prompt=none` and consent is missing.
    ConsentRequired,
    /// `prompt=none` and some other interaction is needed.
    InteractionRequired,
    /// `prompt=none` and the user must pick an account.
    AccountSelectionRequired,
    /// A signed request object does not verify or breaks a rule (RFC 9101 §6.3).
    InvalidRequestObject,
    /// `request` is not supported.
    RequestNotSupported,
    /// `request_uri` is not supported.
    RequestUriNotSupported,
    /// `registration` is not supported.
    RegistrationNotSupported,
}

impl AuthorizationErrorCode {
    /// The `error` parameter value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::AccountSelectionRequired => "account_selection_required",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::RegistrationNotSupported => "registration_not_supported",
        }
    }
}

impl fmt::Display for AuthorizationErrorCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// An error to be sent to the (validated) redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationError {
    /// The `error` code.
    pub code: AuthorizationErrorCode,
    /// A short, developer-facing `error_description`.
    pub description: String,
}

impl AuthorizationError {
    fn new(code: AuthorizationErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }
}

/// The `prompt` values (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// Show no page; fail if interaction is needed.
    pub none: bool,
    /// Ask for credentials even with a session.
    pub login: bool,
    /// Ask for consent even if it was given before.
    pub consent: bool,
    /// Let the user choose the account.
    pub select_account: bool,
}

/// The response mode we answer with. Only the query string is supported for `code`.
pub const RESPONSE_MODE_QUERY: &str = "query";

/// A request the authorization endpoint has accepted, ready to be stored while the user
/// signs in and consents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    /// The requesting client.
    pub client_id: ClientId,
    /// The redirect URI exactly as the client sent it (it must come back identical).
    pub redirect_uri: String,
    /// Requested scopes, all allowed for the client.
    pub scope: Scope,
    /// Opaque client value echoed back.
    pub state: Option<String>,
    /// Replay protection echoed in the ID token.
    pub nonce: Option<String>,
    /// The S256 PKCE challenge.
    pub code_challenge: Option<String>,
    /// `prompt` values.
    pub prompt: Prompt,
    /// Maximum authentication age in seconds.
    pub max_age: Option<i64>,
    /// Pre-fills the sign-in form.
    pub login_hint: Option<String>,
    /// Preferred languages, most preferred first.
    pub ui_locales: Vec<String>,
    /// Requested authentication context classes, most preferred first.
    pub acr_values: Vec<String>,
    /// The studio the client pins the sign-in to (`organization=<slug>` or `studio=<slug>`).
    #[serde(default)]
    pub organization: Option<String>,
    /// The thumbprint of the DPoP key the code is bound to (RFC 9449 §10): the `dpop_jkt`
    /// parameter, or the key of the proof sent with a pushed request.
    #[serde(default)]
    pub dpop_jkt: Option<String>,
}

/// Stage one: find the client and check the redirect URI. The caller has looked up the
/// client named by `client_id()` and passes the result in.
pub fn check_client_and_redirect(
    raw: &RawAuthorizationRequest,
    client: Option<&Client>,
) -> Result<String, UntrustedRequestError> {
    if raw.is_duplicated("client_id") || raw.is_duplicated("redirect_uri") {
        return Err(UntrustedRequestError::DuplicatedParameter);
    }
    if raw.get("client_id").is_none() {
        return Err(UntrustedRequestError::MissingClientId);
    }
    let client = client.ok_or(UntrustedRequestError::UnknownClient)?;
    let redirect_uri = raw
        .get("redirect_uri")
        .ok_or(UntrustedRequestError::MissingRedirectUri)?;
    client
        .match_redirect_uri(redirect_uri)
        .ok_or(UntrustedRequestError::UnregisteredRedirectUri)?;
    Ok(redirect_uri.to_owned())
}

/// The `client_id` parameter, for the caller's lookup.
#[must_use]
pub fn client_id(raw: &RawAuthorizationRequest) -> Option<ClientId> {
    raw.get("client_id").map(ClientId::new)
}

/// The `state` parameter, echoed even in error responses.
#[must_use]
pub fn state(raw: &RawAuthorizationRequest) -> Option<String> {
    raw.get("state").map(str::to_owned)
}

/// Stage two: validate everything else. Errors go to `redirect_uri`.
pub fn validate(
    raw: &RawAuthorizationRequest,
    client: &Client,
    redirect_uri: String,
) -> Result<AuthorizationRequest, AuthorizationError> {
    use AuthorizationErrorCode as Code;

    if let Some(name) = raw.duplicated.first() {
        return Err(AuthorizationError::new(
            Code::InvalidRequest,
            format!("parameter {name} appears more than once"),
        ));
    }
    if let Some((name, _)) = raw
        .parameters
        .iter()
        .find(|(_, value)| value.len() > MAX_PARAMETER_LENGTH)
    {
        return Err(AuthorizationError::new(
            Code::InvalidRequest,
            format!("parameter {name} is too long"),
        ));
    }
    if raw.get("request").is_some() {
        return Err(AuthorizationError::new(
            Code::RequestNotSupported,
            "request objects are not supported",
        ));
    }
    if raw.get("request_uri").is_some() {
        return Err(AuthorizationError::new(
            Code::RequestUriNotSupported,
            "request_uri is not supported",
        ));
    }
    if raw.get("registration").is_some() {
        return Err(AuthorizationError::new(
            Code::RegistrationNotSupported,
            "the registration parameter is not supported",
        ));
    }
    match raw.get("response_type") {
        None => {
            return Err(AuthorizationError::new(
                Code::InvalidRequest,
                "response_type is required",
            ));
        }
        Some("code") => {}
        Some(_) => {
            return Err(AuthorizationError::new(
                Code::UnsupportedResponseType,
                "only response_type=code is supported",
            ));
        }
    }
    if let Some(mode) = raw.get("response_mode")
        && mode != RESPONSE_MODE_QUERY
    {
        return Err(AuthorizationError::new(
            Code::InvalidRequest,
            "only response_mode=query is supported",
        ));
    }
    if !client.allows_grant(GrantType::AuthorizationCode) {
        return Err(AuthorizationError::new(
            Code::UnauthorizedClient,
            "this client is not registered for the authorization_code grant",
        ));
    }

    let scope = Scope::parse(raw.get("scope").unwrap_or_default())
        .map_err(|error| AuthorizationError::new(Code::InvalidScope, error.to_string()))?;
    if scope.is_empty() {
        return Err(AuthorizationError::new(
            Code::InvalidScope,
            "scope is required",
        ));
    }
    let not_allowed = scope.difference(&client.scopes);
    if !not_allowed.is_empty() {
        return Err(AuthorizationError::new(
            Code::InvalidScope,
            format!("scope not allowed for this client: {not_allowed}"),
        ));
    }
    // The claims parameter asks for claims by name; they come with their scopes, those the
    // client may ask for (see `claims_request`).
    let claims_request = match raw.get("claims") {
        Some(text) => crate::claims_request::parse(text)
            .map_err(|message| AuthorizationError::new(Code::InvalidRequest, message))?,
        None => crate::claims_request::ClaimsRequest::default(),
    };
    let scope = scope.union(
        &client
            .scopes
            .intersection(&Scope::from_tokens(claims_request.scopes.iter().copied())),
    );

    // RFC 7636 §4.3: a missing method means "plain", which we refuse (OAuth 2.0 Security BCP §2.1.1).
    let code_challenge = match (raw.get("code_challenge"), raw.get("code_challenge_method")) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(AuthorizationError::new(
                Code::InvalidRequest,
                "code_challenge_method without code_challenge",
            ));
        }
        (Some(challenge), Some("S256")) => {
            if !pkce::is_well_formed(challenge) {
                return Err(AuthorizationError::new(
                    Code::InvalidRequest,
                    "code_challenge is malformed",
                ));
            }
            Some(challenge.to_owned())
        }
        (Some(_), _) => {
            return Err(AuthorizationError::new(
                Code::InvalidRequest,
                "code_challenge_method must be S256; plain is not allowed",
            ));
        }
    };
    if client.is_public() && code_challenge.is_none() {
        return Err(AuthorizationError::new(
            Code::InvalidRequest,
            "PKCE (code_challenge with S256) is required for public clients",
        ));
    }

    let prompt = parse_prompt(raw.get("prompt"))?;
    let max_age = match raw.get("max_age") {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => {
                return Err(AuthorizationError::new(
                    Code::InvalidRequest,
                    "max_age must be a non-negative integer",
                ));
            }
        },
    };
    let split = |name: &str| -> Vec<String> {
        raw.get(name)
            .map(|value| {
                value
                    .split(' ')
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };

    // `studio` is the same parameter under the product's own name.
    let organization = match raw.get("organization").or_else(|| raw.get("studio")) {
        Some(slug) => Some(crate::studio::normalize_slug(slug).map_err(|error| {
            AuthorizationError::new(Code::InvalidRequest, format!("organization: {error}"))
        })?),
        None => None,
    };

    let dpop_jkt = match raw.get("dpop_jkt") {
        Some(jkt) if crate::dpop::is_thumbprint(jkt) => Some(jkt.to_owned()),
        Some(_) => {
            return Err(AuthorizationError::new(
                Code::InvalidRequest,
                "dpop_jkt must be the base64url SHA-256 thumbprint of the DPoP key",
            ));
        }
        None => None,
    };

    Ok(AuthorizationRequest {
        client_id: client.id.clone(),
        redirect_uri,
        scope,
        state: raw.get("state").map(str::to_owned),
        nonce: raw.get("nonce").map(str::to_owned),
        code_challenge,
        prompt,
        max_age,
        login_hint: raw.get("login_hint").map(str::to_owned),
        ui_locales: split("ui_locales"),
        acr_values: match split("acr_values") {
            values if values.is_empty() => claims_request.acr_values,
            values => values,
        },
        organization,
        dpop_jkt,
    })
}

fn parse_prompt(value: Option<&str>) -> Result<Prompt, AuthorizationError> {
    let mut prompt = Prompt::default();
    for item in value
        .unwrap_or_default()
        .split(' ')
        .filter(|item| !item.is_empty())
    {
        match item {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "consent" => prompt.consent = true,
            "select_account" => prompt.select_account = true,
            other => {
                return Err(AuthorizationError::new(
                    AuthorizationErrorCode::InvalidRequest,
                    format!("unsupported prompt value {other:?}"),
                ));
            }
        }
    }
    // OIDC Core §3.1.2.1: "none" must not be combined with any other value.
    if prompt.none && (prompt.login || prompt.consent || prompt.select_account) {
        return Err(AuthorizationError::new(
            AuthorizationErrorCode::InvalidRequest,
            "prompt=none cannot be combined with other values",
        ));
    }
    Ok(prompt)
}

/// What the browser session looks like when a request is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSnapshot {
    /// The signed-in user.
    pub user_id: UserId,
    /// The session (`sid`).
    pub session_id: SessionId,
    /// When the user last authenticated (`auth_time`).
    pub auth_time: UnixTime,
    /// The authentication context class the session reached.
    pub acr: String,
    /// The user's studios require a second factor.
    pub mfa_required: bool,
}

/// What has already happened in this authorization flow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowProgress {
    /// The user authenticated during this flow.
    pub login_completed: bool,
    /// The user confirmed which account to continue with.
    pub account_selected: bool,
    /// The user approved the requested scopes during this flow.
    pub consent_given: bool,
    /// The studio the sign-in name selected (`user@licence`).
    pub requested_studio: Option<StudioId>,
    /// The studio picked on the picker page.
    pub picked_studio: Option<StudioId>,
}

/// Why the sign-in cannot continue into a studio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudioRefusal {
    /// The request names a studio that does not exist.
    UnknownStudio,
    /// The user is not a member of the requested studio.
    NotAMember,
    /// The user belongs to no studio the client accepts.
    NoAcceptableStudio,
    /// The requested studio admits only FAPI 2.0 clients.
    RequiresFapi,
}

/// The next thing an authorization request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Show the sign-in page.
    Login,
    /// Ask whether to continue as the signed-in user, and in which studio.
    SelectAccount,
    /// The sign-in cannot go on into any studio: show why, issue nothing.
    StudioRefused(StudioRefusal),
    /// The session is not strong enough (a studio requires MFA, or the client asked for a
    /// higher `acr`): ask for a second factor, enrolling one first if the user has none.
    SecondFactor,
    /// Ask the user to approve these scopes.
    Consent(Scope),
    /// Everything is in place: issue the code.
    IssueCode,
    /// `prompt=none` and interaction would be needed: return this error to the client.
    Fail(AuthorizationErrorCode),
}

/// Decides what an accepted request needs next.
///
/// `granted` is the scope the user approved for this client earlier, if any; `studio` is
/// the outcome of [`crate::studio::choose_studio`] for the signed-in user (`None` when the
/// request names a studio that does not exist).
#[must_use]
pub fn next_step(
    request: &AuthorizationRequest,
    session: Option<&SessionSnapshot>,
    client: &Client,
    granted: Option<&Scope>,
    studio: Option<&StudioChoice>,
    progress: &FlowProgress,
    now: UnixTime,
) -> NextStep {
    let interactive = |step: NextStep, error: AuthorizationErrorCode| {
        if request.prompt.none {
            NextStep::Fail(error)
        } else {
            step
        }
    };
    let Some(session) = session else {
        return interactive(NextStep::Login, AuthorizationErrorCode::LoginRequired);
    };
    if request.prompt.login && !progress.login_completed {
        return NextStep::Login;
    }
    // OIDC Core §3.1.2.1: past max_age the user must authenticate again.
    if let Some(max_age) = request.max_age
        && now.seconds_since(session.auth_time) > max_age
    {
        return interactive(NextStep::Login, AuthorizationErrorCode::LoginRequired);
    }
    if request.prompt.select_account && !progress.account_selected && !progress.login_completed {
        return NextStep::SelectAccount;
    }
    match studio {
        None => {
            return interactive(
                NextStep::StudioRefused(StudioRefusal::UnknownStudio),
                AuthorizationErrorCode::AccessDenied,
            );
        }
        Some(StudioChoice::NotAMember) => {
            return interactive(
                NextStep::StudioRefused(StudioRefusal::NotAMember),
                AuthorizationErrorCode::AccessDenied,
            );
        }
        Some(StudioChoice::NoAcceptableStudio) => {
            return interactive(
                NextStep::StudioRefused(StudioRefusal::NoAcceptableStudio),
                AuthorizationErrorCode::AccessDenied,
            );
        }
        Some(StudioChoice::RequiresFapi) => {
            return interactive(
                NextStep::StudioRefused(StudioRefusal::RequiresFapi),
                AuthorizationErrorCode::AccessDenied,
            );
        }
        Some(StudioChoice::Pick(_)) => {
            return interactive(
                NextStep::SelectAccount,
                AuthorizationErrorCode::AccountSelectionRequired,
            );
        }
        Some(StudioChoice::Chosen(_) | StudioChoice::NoStudio) => {}
    }
    if !crate::mfa::is_strong_enough(&session.acr, session.mfa_required, &request.acr_values) {
        return interactive(
            NextStep::SecondFactor,
            AuthorizationErrorCode::InteractionRequired,
        );
    }
    if progress.consent_given {
        return NextStep::IssueCode;
    }
    if request.prompt.consent {
        return NextStep::Consent(request.scope.clone());
    }
    if client.is_first_party {
        return NextStep::IssueCode;
    }
    let missing = match granted {
        Some(granted) => request.scope.difference(granted),
        None => request.scope.clone(),
    };
    if missing.is_empty() {
        NextStep::IssueCode
    } else {
        interactive(
            NextStep::Consent(request.scope.clone()),
            AuthorizationErrorCode::ConsentRequired,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningAlgorithm;

    fn client(is_public: bool) -> Client {
        Client {
            id: ClientId::new("portal"),
            name: "Portal".into(),
            secret_digest: (!is_public).then(|| "digest".to_owned()),
            encrypted_secret: None,
            redirect_uris: vec!["https://rp.example/cb".into()],
            post_logout_redirect_uris: vec![],
            grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
            scopes: Scope::parse("openid profile email offline_access").unwrap_or_default(),
            is_first_party: false,
            access_token_audiences: vec![],
            id_token_signing_algorithm: SigningAlgorithm::RS256,
            allowed_studios: vec![],
            require_studio: false,
            backchannel_logout_uri: None,
            allows_registration: false,
            keys: None,
            requires_pushed_requests: false,
            is_fapi: false,
            userinfo_signing_algorithm: None,
            created_at: UnixTime(0),
        }
    }

    fn raw(query: &str) -> RawAuthorizationRequest {
        RawAuthorizationRequest::from_pairs(
            url::form_urlencoded::parse(query.as_bytes()).into_owned(),
        )
    }

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn check(query: &str, is_public: bool, expected: Result<(), AuthorizationErrorCode>) {
        let client = client(is_public);
        let raw = raw(query);
        let outcome = check_client_and_redirect(&raw, Some(&client))
            .map_err(|_| AuthorizationErrorCode::ServerError)
            .and_then(|redirect_uri| {
                validate(&raw, &client, redirect_uri).map_err(|error| error.code)
            })
            .map(|_| ());
        assert_eq!(outcome, expected, "{query}");
    }

    #[test]
    fn validation_table() {
        use AuthorizationErrorCode as Code;
        let base = "client_id=portal&redirect_uri=https%3A%2F%2Frp.example%2Fcb";
        check(
            &format!("{base}&response_type=code&scope=openid"),
            false,
            Ok(()),
        );
        check(
            &format!("{base}&response_type=token&scope=openid"),
            false,
            Err(Code::UnsupportedResponseType),
        );
        check(
            &format!("{base}&scope=openid"),
            false,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid%20admin"),
            false,
            Err(Code::InvalidScope),
        );
        check(
            &format!("{base}&response_type=code"),
            false,
            Err(Code::InvalidScope),
        );
        check(
            &format!("{base}&response_type=code&scope=openid"),
            true,
            Err(Code::InvalidRequest),
        );
        check(
            &format!(
                "{base}&response_type=code&scope=openid&code_challenge={CHALLENGE}&code_challenge_method=S256"
            ),
            true,
            Ok(()),
        );
        check(
            &format!(
                "{base}&response_type=code&scope=openid&code_challenge={CHALLENGE}&code_challenge_method=plain"
            ),
            true,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&code_challenge={CHALLENGE}"),
            false,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&prompt=none%20login"),
            false,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&max_age=-1"),
            false,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&state=a&state=b"),
            false,
            Err(Code::InvalidRequest),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&request=x"),
            false,
            Err(Code::RequestNotSupported),
        );
        check(
            &format!("{base}&response_type=code&scope=openid&response_mode=fragment"),
            false,
            Err(Code::InvalidRequest),
        );
    }

    #[test]
    fn untrusted_requests_are_not_redirected() {
        let client = client(false);
        let check_untrusted = |query: &str, client: Option<&Client>, expected| {
            assert_eq!(
                check_client_and_redirect(&raw(query), client),
                Err(expected),
                "{query}"
            );
        };
        check_untrusted(
            "redirect_uri=https%3A%2F%2Frp.example%2Fcb",
            Some(&client),
            UntrustedRequestError::MissingClientId,
        );
        check_untrusted(
            "client_id=other",
            None,
            UntrustedRequestError::UnknownClient,
        );
        check_untrusted(
            "client_id=portal",
            Some(&client),
            UntrustedRequestError::MissingRedirectUri,
        );
        check_untrusted(
            "client_id=portal&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
            Some(&client),
            UntrustedRequestError::UnregisteredRedirectUri,
        );
        check_untrusted(
            "client_id=portal&client_id=x&redirect_uri=https%3A%2F%2Frp.example%2Fcb",
            Some(&client),
            UntrustedRequestError::DuplicatedParameter,
        );
    }

    #[test]
    fn next_step_table() {
        let client = client(false);
        let request = |query: &str| {
            let raw = raw(&format!(
                "client_id=portal&redirect_uri=https%3A%2F%2Frp.example%2Fcb&response_type=code&{query}"
            ));
            validate(&raw, &client, "https://rp.example/cb".into()).expect("valid request")
        };
        let session = SessionSnapshot {
            user_id: UserId::new("u"),
            session_id: SessionId::new("s"),
            auth_time: UnixTime(1000),
            acr: crate::session::ACR_SINGLE_FACTOR.to_owned(),
            mfa_required: false,
        };
        let strong = SessionSnapshot {
            acr: crate::session::ACR_MULTI_FACTOR.to_owned(),
            ..session.clone()
        };
        let required = SessionSnapshot {
            mfa_required: true,
            ..session.clone()
        };
        let granted = Scope::parse("openid profile").unwrap_or_default();
        let now = UnixTime(1100);
        let fresh = FlowProgress::default();
        let no_studio = StudioChoice::NoStudio;
        let step = |query: &str,
                    session: Option<&SessionSnapshot>,
                    granted: Option<&Scope>,
                    progress: FlowProgress| {
            next_step(
                &request(query),
                session,
                &client,
                granted,
                Some(&no_studio),
                &progress,
                now,
            )
        };

        assert_eq!(
            step("scope=openid", None, None, fresh.clone()),
            NextStep::Login
        );
        assert_eq!(
            step("scope=openid&prompt=none", None, None, fresh.clone()),
            NextStep::Fail(AuthorizationErrorCode::LoginRequired)
        );
        assert_eq!(
            step(
                "scope=openid",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::IssueCode
        );
        assert_eq!(
            step(
                "scope=openid&prompt=login",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Login
        );
        let logged_in = FlowProgress {
            login_completed: true,
            ..fresh.clone()
        };
        assert_eq!(
            step(
                "scope=openid&prompt=login",
                Some(&session),
                Some(&granted),
                logged_in
            ),
            NextStep::IssueCode
        );
        assert_eq!(
            step(
                "scope=openid&max_age=50",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Login
        );
        assert_eq!(
            step(
                "scope=openid&max_age=50&prompt=none",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Fail(AuthorizationErrorCode::LoginRequired)
        );
        assert_eq!(
            step(
                "scope=openid&max_age=500",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::IssueCode
        );
        assert!(matches!(
            step(
                "scope=openid%20email",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Consent(_)
        ));
        assert_eq!(
            step(
                "scope=openid%20email&prompt=none",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Fail(AuthorizationErrorCode::ConsentRequired)
        );
        assert!(matches!(
            step(
                "scope=openid&prompt=consent",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Consent(_)
        ));
        assert_eq!(
            step(
                "scope=openid&prompt=select_account",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::SelectAccount
        );
        // Step-up: a studio's MFA rule, or the client's acr_values.
        let two_factor = "acr_values=urn%3Agatehouse%3Aacr%3A2fa";
        assert_eq!(
            step(
                "scope=openid",
                Some(&required),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::SecondFactor
        );
        assert_eq!(
            step(
                &format!("scope=openid&{two_factor}"),
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::SecondFactor
        );
        assert_eq!(
            step(
                &format!("scope=openid&prompt=none&{two_factor}"),
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::Fail(AuthorizationErrorCode::InteractionRequired)
        );
        assert_eq!(
            step(
                &format!("scope=openid&{two_factor}"),
                Some(&strong),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::IssueCode
        );
        assert_eq!(
            step(
                "scope=openid&acr_values=urn%3Agatehouse%3Aacr%3A1fa",
                Some(&session),
                Some(&granted),
                fresh.clone()
            ),
            NextStep::IssueCode
        );
        let with_studio = |query: &str, studio: Option<&StudioChoice>| {
            next_step(
                &request(query),
                Some(&session),
                &client,
                Some(&granted),
                studio,
                &fresh,
                now,
            )
        };
        let two = StudioChoice::Pick(vec![StudioId::new("a"), StudioId::new("b")]);
        assert_eq!(
            with_studio("scope=openid", Some(&two)),
            NextStep::SelectAccount
        );
        assert_eq!(
            with_studio("scope=openid&prompt=none", Some(&two)),
            NextStep::Fail(AuthorizationErrorCode::AccountSelectionRequired)
        );
        assert_eq!(
            with_studio("scope=openid", Some(&StudioChoice::NotAMember)),
            NextStep::StudioRefused(StudioRefusal::NotAMember)
        );
        assert_eq!(
            with_studio("scope=openid", None),
            NextStep::StudioRefused(StudioRefusal::UnknownStudio)
        );
        assert_eq!(
            with_studio(
                "scope=openid",
                Some(&StudioChoice::Chosen(StudioId::new("a")))
            ),
            NextStep::IssueCode
        );
    }
}
