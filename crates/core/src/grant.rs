//! Authorization codes, grants and refresh tokens: the rules of the token endpoint
//! (RFC 6749 §4.1.3, §6, RFC 7636 §4.6, OAuth 2.0 Security BCP §4.13).

use crate::pkce;
use crate::scope::Scope;
use crate::session::Authentication;
use crate::{ClientId, DeviceId, GrantId, SessionId, StudioId, UnixTime, UserId};

/// An issued authorization code, as stored (the code itself is kept only as a digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The user who approved it.
    pub user_id: UserId,
    /// The browser session it came from.
    pub session_id: SessionId,
    /// The redirect URI of the authorization request.
    pub redirect_uri: String,
    /// The approved scope.
    pub scope: Scope,
    /// Echoed into the ID token.
    pub nonce: Option<String>,
    /// PKCE S256 challenge.
    pub code_challenge: Option<String>,
    /// How the user signed in.
    pub authentication: Authentication,
    /// The studio chosen for this sign-in.
    pub studio_id: Option<StudioId>,
    /// Issue time.
    pub created_at: UnixTime,
    /// End of validity.
    pub expires_at: UnixTime,
    /// When it was exchanged, if it was.
    pub consumed_at: Option<UnixTime>,
    /// The grant its exchange created, so a replay can revoke it.
    pub grant_id: Option<GrantId>,
    /// The DPoP key (thumbprint) the exchange must prove (RFC 9449 §10).
    pub dpop_jkt: Option<String>,
}

/// Why a code exchange is refused; all map to `invalid_grant` (RFC 6749 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeRejection {
    /// Past its lifetime.
    #[error("the authorization code has expired")]
    Expired,
    /// Issued to another client.
    #[error("the authorization code was issued to another client")]
    WrongClient,
    /// `redirect_uri` differs from the authorization request's.
    #[error("redirect_uri does not match the authorization request")]
    RedirectUriMismatch,
    /// The request had a challenge and the exchange has no verifier.
    #[error("code_verifier is required")]
    MissingVerifier,
    /// The verifier does not hash to the challenge.
    #[error("code_verifier does not match the code_challenge")]
    VerifierMismatch,
    /// A verifier without a challenge: a PKCE downgrade attempt.
    #[error("code_verifier was sent but the authorization request had no code_challenge")]
    UnexpectedVerifier,
    /// Already exchanged.
    #[error("the authorization code has already been used")]
    AlreadyUsed,
    /// The code is bound to a DPoP key and the exchange proves no key, or another one.
    #[error(
        "the authorization code is bound to a DPoP key (dpop_jkt); send a DPoP proof signed with that key"
    )]
    DpopKeyMismatch,
}

/// Checks an exchange of `code` by `client_id`.
pub fn check_code_exchange(
    code: &AuthorizationCode,
    client_id: &ClientId,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
    proof_jkt: Option<&str>,
    now: UnixTime,
) -> Result<(), CodeRejection> {
    if &code.client_id != client_id {
        return Err(CodeRejection::WrongClient);
    }
    if code.consumed_at.is_some() {
        return Err(CodeRejection::AlreadyUsed);
    }
    if now >= code.expires_at {
        return Err(CodeRejection::Expired);
    }
    if redirect_uri != Some(code.redirect_uri.as_str()) {
        return Err(CodeRejection::RedirectUriMismatch);
    }
    if let Some(bound) = &code.dpop_jkt
        && proof_jkt != Some(bound.as_str())
    {
        return Err(CodeRejection::DpopKeyMismatch);
    }
    match (&code.code_challenge, code_verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(CodeRejection::UnexpectedVerifier),
        (Some(_), None) => Err(CodeRejection::MissingVerifier),
        (Some(challenge), Some(verifier)) => {
            if pkce::verify_s256(verifier, challenge) {
                Ok(())
            } else {
                Err(CodeRejection::VerifierMismatch)
            }
        }
    }
}

/// A grant: what one authorization (or one refresh-token family) allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Id, carried in access tokens so revoking the grant revokes them.
    pub id: GrantId,
    /// The client.
    pub client_id: ClientId,
    /// The user.
    pub user_id: UserId,
    /// The browser session it was born in; its end revokes non-offline grants.
    pub session_id: Option<SessionId>,
    /// Approved scope.
    pub scope: Scope,
    /// How the user signed in.
    pub authentication: Authentication,
    /// `offline_access`: survives the end of the browser session.
    pub is_offline: bool,
    /// The studio of the tokens.
    pub studio_id: Option<StudioId>,
    /// The device the user signed in on; removing it revokes the grant.
    pub device_id: Option<DeviceId>,
    /// DPoP key thumbprint the tokens are bound to (RFC 9449).
    pub dpop_jkt: Option<String>,
    /// Creation time.
    pub created_at: UnixTime,
    /// Absolute end of the refresh-token family.
    pub expires_at: UnixTime,
    /// When it was revoked.
    pub revoked_at: Option<UnixTime>,
}

impl Grant {
    /// Whether tokens of this grant are still good at `now`.
    #[must_use]
    pub fn is_active(&self, now: UnixTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A refresh token, as stored (digest only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// Row id.
    pub id: String,
    /// The grant it belongs to.
    pub grant_id: GrantId,
    /// Issue time.
    pub created_at: UnixTime,
    /// End of validity.
    pub expires_at: UnixTime,
    /// When it was exchanged for its successor.
    pub used_at: Option<UnixTime>,
}

/// What to do with a presented refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Issue tokens with this scope (and a successor, for a client that rotates).
    Issue(Scope),
    /// Refuse with `invalid_grant`.
    Reject(RefreshRejection),
    /// A rotated token came back: someone holds a copy. Revoke the whole family
    /// (OAuth 2.0 Security BCP §4.13.2) and refuse.
    RevokeFamily,
}

/// Why a refresh is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefreshRejection {
    /// Issued to another client.
    #[error("the refresh token was issued to another client")]
    WrongClient,
    /// The grant was revoked.
    #[error("the refresh token has been revoked")]
    Revoked,
    /// Past its lifetime.
    #[error("the refresh token has expired")]
    Expired,
    /// The rotated token was presented again.
    #[error("the refresh token was already used; its token family has been revoked")]
    Reused,
    /// The user can no longer sign in.
    #[error("the account is not active")]
    InactiveUser,
    /// A wider scope than granted (RFC 6749 §6).
    #[error("the requested scope exceeds the scope originally granted")]
    ScopeExceedsGrant,
    /// The grant lives only as long as the browser session it was born in (no
    /// `offline_access`), and that session has ended or expired.
    #[error("the sign-in this refresh token belongs to has ended")]
    SessionEnded,
}

/// Decides a refresh-token request.
#[must_use]
pub fn decide_refresh(
    token: &RefreshToken,
    grant: &Grant,
    client_id: &ClientId,
    requested_scope: Option<&Scope>,
    is_user_active: bool,
    is_birth_session_active: bool,
    now: UnixTime,
) -> RefreshDecision {
    if &grant.client_id != client_id {
        return RefreshDecision::Reject(RefreshRejection::WrongClient);
    }
    if grant.revoked_at.is_some() {
        return RefreshDecision::Reject(RefreshRejection::Revoked);
    }
    if token.used_at.is_some() {
        return RefreshDecision::RevokeFamily;
    }
    if now >= token.expires_at || now >= grant.expires_at {
        return RefreshDecision::Reject(RefreshRejection::Expired);
    }
    if !is_user_active {
        return RefreshDecision::Reject(RefreshRejection::InactiveUser);
    }
    if !grant.is_offline && grant.session_id.is_some() && !is_birth_session_active {
        return RefreshDecision::Reject(RefreshRejection::SessionEnded);
    }
    match requested_scope {
        Some(scope) if !scope.is_subset_of(&grant.scope) => {
            RefreshDecision::Reject(RefreshRejection::ScopeExceedsGrant)
        }
        Some(scope) if !scope.is_empty() => RefreshDecision::Issue(scope.clone()),
        _ => RefreshDecision::Issue(grant.scope.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> AuthorizationCode {
        AuthorizationCode {
            client_id: ClientId::new("c"),
            user_id: UserId::new("u"),
            session_id: SessionId::new("s"),
            redirect_uri: "https://rp.example/cb".into(),
            scope: Scope::parse("openid").unwrap_or_default(),
            nonce: None,
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            authentication: Authentication::password(UnixTime(0)),
            studio_id: None,
            created_at: UnixTime(0),
            expires_at: UnixTime(60),
            consumed_at: None,
            grant_id: None,
            dpop_jkt: None,
        }
    }

    #[test]
    fn code_exchange_table() {
        let verifier = Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let client = ClientId::new("c");
        let redirect = Some("https://rp.example/cb");
        let check =
            |code: &AuthorizationCode, client: &ClientId, redirect, verifier, now, expected| {
                assert_eq!(
                    check_code_exchange(code, client, redirect, verifier, None, UnixTime(now)),
                    expected
                );
            };
        check(&code(), &client, redirect, verifier, 10, Ok(()));
        check(
            &code(),
            &ClientId::new("x"),
            redirect,
            verifier,
            10,
            Err(CodeRejection::WrongClient),
        );
        check(
            &code(),
            &client,
            redirect,
            verifier,
            60,
            Err(CodeRejection::Expired),
        );
        check(
            &code(),
            &client,
            Some("https://rp.example/other"),
            verifier,
            10,
            Err(CodeRejection::RedirectUriMismatch),
        );
        check(
            &code(),
            &client,
            None,
            verifier,
            10,
            Err(CodeRejection::RedirectUriMismatch),
        );
        check(
            &code(),
            &client,
            redirect,
            None,
            10,
            Err(CodeRejection::MissingVerifier),
        );
        let wrong_verifier = "x".repeat(43);
        check(
            &code(),
            &client,
            redirect,
            Some(&wrong_verifier),
            10,
            Err(CodeRejection::VerifierMismatch),
        );
        let without_challenge = AuthorizationCode {
            code_challenge: None,
            ..code()
        };
        check(
            &without_challenge,
            &client,
            redirect,
            verifier,
            10,
            Err(CodeRejection::UnexpectedVerifier),
        );
        check(&without_challenge, &client, redirect, None, 10, Ok(()));
        let used = AuthorizationCode {
            consumed_at: Some(UnixTime(5)),
            ..code()
        };
        check(
            &used,
            &client,
            redirect,
            verifier,
            10,
            Err(CodeRejection::AlreadyUsed),
        );
    }

    #[test]
    fn a_code_bound_to_a_dpop_key_needs_a_proof_with_that_key() {
        let bound = AuthorizationCode {
            dpop_jkt: Some("bound-key".into()),
            ..code()
        };
        let verifier = Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let exchange = |code: &AuthorizationCode, proof_jkt| {
            check_code_exchange(
                code,
                &ClientId::new("c"),
                Some("https://rp.example/cb"),
                verifier,
                proof_jkt,
                UnixTime(10),
            )
        };
        assert_eq!(exchange(&bound, Some("bound-key")), Ok(()));
        assert_eq!(
            exchange(&bound, Some("another-key")),
            Err(CodeRejection::DpopKeyMismatch)
        );
        assert_eq!(exchange(&bound, None), Err(CodeRejection::DpopKeyMismatch));
        assert_eq!(
            exchange(&code(), Some("any-key")),
            Ok(()),
            "unbound codes take any proof"
        );
    }

    #[test]
    fn refresh_table() {
        let grant = Grant {
            id: GrantId::new("g"),
            client_id: ClientId::new("c"),
            user_id: UserId::new("u"),
            session_id: None,
            scope: Scope::parse("openid email").unwrap_or_default(),
            authentication: Authentication::password(UnixTime(0)),
            is_offline: false,
            studio_id: None,
            device_id: None,
            dpop_jkt: None,
            created_at: UnixTime(0),
            expires_at: UnixTime(1000),
            revoked_at: None,
        };
        let token = RefreshToken {
            id: "r".into(),
            grant_id: GrantId::new("g"),
            created_at: UnixTime(0),
            expires_at: UnixTime(500),
            used_at: None,
        };
        let client = ClientId::new("c");
        let decide = |token: &RefreshToken, grant: &Grant, scope: Option<&str>, now| {
            let scope = scope.map(|text| Scope::parse(text).unwrap_or_default());
            decide_refresh(
                token,
                grant,
                &client,
                scope.as_ref(),
                true,
                true,
                UnixTime(now),
            )
        };
        assert_eq!(
            decide(&token, &grant, None, 10),
            RefreshDecision::Issue(grant.scope.clone())
        );
        assert_eq!(
            decide(&token, &grant, Some("openid"), 10),
            RefreshDecision::Issue(Scope::parse("openid").unwrap_or_default())
        );
        assert_eq!(
            decide(&token, &grant, Some("openid admin"), 10),
            RefreshDecision::Reject(RefreshRejection::ScopeExceedsGrant)
        );
        assert_eq!(
            decide(&token, &grant, None, 500),
            RefreshDecision::Reject(RefreshRejection::Expired)
        );
        let used = RefreshToken {
            used_at: Some(UnixTime(5)),
            ..token.clone()
        };
        assert_eq!(
            decide(&used, &grant, None, 10),
            RefreshDecision::RevokeFamily
        );
        let revoked = Grant {
            revoked_at: Some(UnixTime(5)),
            ..grant.clone()
        };
        assert_eq!(
            decide(&token, &revoked, None, 10),
            RefreshDecision::Reject(RefreshRejection::Revoked)
        );
        // A grant born in a browser session lives as long as the session, unless offline.
        let online = Grant {
            session_id: Some(SessionId::new("s")),
            ..grant.clone()
        };
        let ended =
            |grant: &Grant| decide_refresh(&token, grant, &client, None, true, false, UnixTime(10));
        assert_eq!(
            ended(&online),
            RefreshDecision::Reject(RefreshRejection::SessionEnded)
        );
        let offline = Grant {
            is_offline: true,
            ..online.clone()
        };
        assert_eq!(ended(&offline), RefreshDecision::Issue(grant.scope.clone()));
        assert_eq!(ended(&grant), RefreshDecision::Issue(grant.scope.clone()));
    }
}
