//! A minimal relying party for the quick start: signs users in with Gatehouse over the
//! authorization code flow with PKCE, shows the verified ID token and UserInfo claims, and
//! signs out through RP-initiated logout.
//!
//! ```sh
//! GATEHOUSE_CLIENT_ID=... GATEHOUSE_CLIENT_SECRET=... cargo run -p gatehouse-tests --example sample_rp
//! ```
//!
//! Register it with `--redirect-uri http://127.0.0.1:9000/callback
//! --post-logout-redirect-uri http://127.0.0.1:9000/`.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use gatehouse_tests::relying_party::{RelyingParty, http_client, relying_party};
use openidconnect::core::{CoreAuthenticationFlow, CoreUserInfoClaims};
use openidconnect::{
    AuthorizationCode, CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    Scope, TokenResponse,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const LISTEN: &str = "127.0.0.1:9000";
const CALLBACK: &str = "http://127.0.0.1:9000/callback";

struct Pending {
    verifier: PkceCodeVerifier,
    nonce: Nonce,
}

struct SignedIn {
    id_token: String,
    claims: String,
    user_info: String,
}

struct Sample {
    rp: RelyingParty,
    end_session_endpoint: String,
    pending: Mutex<HashMap<String, Pending>>,
    sessions: Mutex<HashMap<String, SignedIn>>,
}

type Shared = Arc<Sample>;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::COOKIE)?
        .to_str()
        .ok()?
        .split(';')
        .find_map(|pair| pair.trim().strip_prefix("sample_session="))
        .map(str::to_owned)
}

async fn home(State(sample): State<Shared>, headers: HeaderMap) -> Html<String> {
    let sessions = sample
        .sessions
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let body = match session_id(&headers).and_then(|id| sessions.get(&id)) {
        Some(signed_in) => format!(
            "<h1>Signed in</h1><h2>ID token claims</h2><pre>{}</pre><h2>UserInfo</h2><pre>{}</pre>\
             <p><a href=\"/logout\">Sign out</a></p>",
            escape(&signed_in.claims),
            escape(&signed_in.user_info)
        ),
        None => {
            "<h1>Sample portal</h1><p><a href=\"/login\">Sign in with Gatehouse</a></p>".to_owned()
        }
    };
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Sample portal</title>{body}"
    ))
}

async fn login(State(sample): State<Shared>) -> Redirect {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = sample
        .rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    sample
        .pending
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(state.secret().clone(), Pending { verifier, nonce });
    Redirect::to(url.as_str())
}

async fn callback(
    State(sample): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(error) = query.get("error") {
        return Html(format!("<p>Sign-in failed: {}</p>", escape(error))).into_response();
    }
    let pending = query.get("state").and_then(|state| {
        sample
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(state)
    });
    let (Some(pending), Some(code)) = (pending, query.get("code")) else {
        return Html("<p>Unknown or replayed callback.</p>".to_owned()).into_response();
    };
    let result = async {
        let tokens = sample
            .rp
            .exchange_code(AuthorizationCode::new(code.clone()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&http_client())
            .await?;
        let id_token = tokens.id_token().ok_or("no ID token")?;
        let claims = id_token.claims(&sample.rp.id_token_verifier(), &pending.nonce)?;
        let user_info: CoreUserInfoClaims = sample
            .rp
            .user_info(tokens.access_token().clone(), None)?
            .request_async(&http_client())
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(SignedIn {
            id_token: id_token.to_string(),
            claims: serde_json::to_string_pretty(claims)?,
            user_info: serde_json::to_string_pretty(&user_info)?,
        })
    }
    .await;
    match result {
        Ok(signed_in) => {
            let id = CsrfToken::new_random().secret().clone();
            sample
                .sessions
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(id.clone(), signed_in);
            (
                [(
                    header::SET_COOKIE,
                    format!("sample_session={id}; Path=/; HttpOnly; SameSite=Lax"),
                )],
                Redirect::to("/"),
            )
                .into_response()
        }
        Err(error) => Html(format!(
            "<p>Sign-in failed: {}</p>",
            escape(&error.to_string())
        ))
        .into_response(),
    }
}

async fn logout(State(sample): State<Shared>, headers: HeaderMap) -> Redirect {
    let signed_in = session_id(&headers).and_then(|id| {
        sample
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&id)
    });
    let mut url =
        url::Url::parse(&sample.end_session_endpoint).expect("end_session_endpoint is a URL");
    url.query_pairs_mut()
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9000/");
    if let Some(signed_in) = signed_in {
        url.query_pairs_mut()
            .append_pair("id_token_hint", &signed_in.id_token);
    }
    Redirect::to(url.as_str())
}

#[tokio::main]
async fn main() {
    let issuer =
        std::env::var("GATEHOUSE_ISSUER").unwrap_or_else(|_| "http://localhost:8080".to_owned());
    let client_id = std::env::var("GATEHOUSE_CLIENT_ID").expect("set GATEHOUSE_CLIENT_ID");
    let client_secret = std::env::var("GATEHOUSE_CLIENT_SECRET").ok();
    let rp = relying_party(&issuer, &client_id, client_secret.as_deref(), CALLBACK).await;
    let discovery: serde_json::Value =
        reqwest::get(format!("{issuer}/.well-known/openid-configuration"))
            .await
            .expect("discovery")
            .json()
            .await
            .expect("discovery JSON");
    let sample = Arc::new(Sample {
        rp,
        end_session_endpoint: discovery["end_session_endpoint"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        pending: Mutex::default(),
        sessions: Mutex::default(),
    });
    let router = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/logout", get(logout))
        .with_state(sample);
    let listener = tokio::net::TcpListener::bind(LISTEN)
        .await
        .expect("bind 127.0.0.1:9000");
    println!("sample relying party on http://{LISTEN}/");
    axum::serve(listener, router).await.expect("serve");
}
