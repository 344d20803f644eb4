//! End-to-end tests: each starts its own server and talks HTTP to it. Every test runs on
//! SQLite and, when `GATEHOUSE_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod accessibility;
mod accounts;
mod api;
mod backchannel;
mod branding;
mod chromium;
mod chromium_flows;
mod claims_parameter;
mod cli;
mod code_flow;
mod devices;
mod discovery;
mod dynamic_registration;
mod faults;
mod hosted_pages;
mod hostile;
mod lifecycle;
mod logout;
mod mfa;
mod mobile;
mod nodes;
mod observability;
mod par;
mod private_key_jwt;
mod process;
mod refusals;
mod scim;
mod side_trips;
mod signing_algorithms;
mod studios;
mod token_properties;
mod tokens;
mod upstream;
mod webhooks;

use gatehouse_tests::relying_party::{RelyingParty, http_client, query_parameter, relying_party};
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::core::{CoreAuthenticationFlow, CoreTokenResponse};
use openidconnect::{CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, Scope};

/// The redirect URI every test client registers.
pub const REDIRECT_URI: &str = "https://rp.example/callback";
/// The test user's e-mail.
pub const EMAIL: &str = "anna.rossi@example.com";
/// The test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A server with a first-party confidential client and one user.
pub struct World {
    pub app: TestApp,
    pub client: RegisteredClient,
    pub rp: RelyingParty,
    pub user_id: String,
}

impl World {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(TestApp::start(backend).await, &["--first-party"]).await
    }

    pub async fn start_with(app: TestApp, client_flags: &[&str]) -> Self {
        let mut flags = vec![
            "--post-logout-redirect-uri",
            "https://rp.example/signed-out",
        ];
        flags.extend_from_slice(client_flags);
        let client = app.register_client(REDIRECT_URI, &flags).await;
        let user_id = app.create_user(EMAIL, PASSWORD).await;
        let rp = relying_party(
            &app.base_url,
            &client.id,
            client.secret.as_deref(),
            REDIRECT_URI,
        )
        .await;
        Self {
            app,
            client,
            rp,
            user_id,
        }
    }
}

/// What a completed code flow leaves the relying party with.
pub struct SignedIn {
    pub browser: gatehouse_tests::Browser,
    pub tokens: CoreTokenResponse,
    pub nonce: Nonce,
}

/// Runs the code flow with PKCE through the real login form and exchanges the code.
pub async fn sign_in(world: &World, scopes: &[&str]) -> SignedIn {
    let browser = world.app.browser();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = world.rp.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in scopes {
        request = request.add_scope(Scope::new((*scope).to_owned()));
    }
    let (url, csrf_state, nonce) = request.set_pkce_challenge(challenge).url();
    let callback = browser.authorize(url.as_str(), EMAIL, PASSWORD).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    assert_eq!(
        query_parameter(&callback, "state").as_deref(),
        Some(csrf_state.secret().as_str())
    );
    assert_eq!(
        query_parameter(&callback, "iss").as_deref(),
        Some(world.app.base_url.as_str())
    );
    let code = query_parameter(&callback, "code").expect("a code in the callback");
    let tokens = world
        .rp
        .exchange_code(openidconnect::AuthorizationCode::new(code))
        .expect("token endpoint configured")
        .set_pkce_verifier(verifier)
        .request_async(&http_client())
        .await
        .expect("the code exchange succeeds");
    assert!(!tokens.access_token().secret().is_empty());
    SignedIn {
        browser,
        tokens,
        nonce,
    }
}

/// Posts a form to the token endpoint with HTTP Basic client authentication.
pub async fn token_request(
    app: &TestApp,
    client: &RegisteredClient,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(app.url("/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .expect("token request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// Posts a client-authenticated form to `path`.
pub async fn client_post(
    app: &TestApp,
    client: &RegisteredClient,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .expect("request")
}

/// Calls UserInfo with a bearer token.
pub async fn userinfo(app: &TestApp, access_token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("userinfo request")
}

/// An authorization URL for `rp` with PKCE, extra scopes and extra query text
/// (`&prompt=...`); returns the URL, the PKCE verifier and the nonce.
pub fn authorization_request(
    rp: &RelyingParty,
    scopes: &[&str],
    extra: &str,
) -> (String, openidconnect::PkceCodeVerifier, Nonce) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = rp.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in scopes {
        request = request.add_scope(Scope::new((*scope).to_owned()));
    }
    let (url, _, nonce) = request.set_pkce_challenge(challenge).url();
    (format!("{url}{extra}"), verifier, nonce)
}

/// The discovery document, as a relying party fetches it.
pub async fn discovery_document(app: &TestApp) -> serde_json::Value {
    reqwest::get(app.url("/.well-known/openid-configuration"))
        .await
        .expect("discovery")
        .json()
        .await
        .expect("a JSON discovery document")
}

/// Exchanges the code in `callback` with the relying party.
pub async fn exchange(
    rp: &RelyingParty,
    callback: &str,
    verifier: openidconnect::PkceCodeVerifier,
) -> CoreTokenResponse {
    let code = query_parameter(callback, "code").unwrap_or_else(|| panic!("no code in {callback}"));
    rp.exchange_code(openidconnect::AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http_client())
        .await
        .expect("the code exchange succeeds")
}
