//! Upstream identity providers for the federation tests:
//!
//! - [`OidcProvider`]: the `oidc-provider` package from npm (an independent, certified
//!   OpenID Connect implementation), installed once per build directory with `npm ci` from
//!   the lock file in `tests/upstream-oidc` and run with the machine's Node.js;
//! - [`FakeUpstream`]: a small local server that answers as Facebook's Graph API, X's
//!   OAuth 2.0 and users-me API, or Microsoft's multi-tenant OpenID Connect endpoints do,
//!   auto-approving the next sign-in with the identity the test sets.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Installs the provider's packages (once per lock file) into the build directory and
/// returns where.
async fn installed() -> PathBuf {
    static INSTALL: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    INSTALL
        .get_or_init(|| {
            crate::npm::install(
                "upstream-oidc",
                &["server.js"],
                "node_modules/oidc-provider/package.json",
            )
        })
        .await
        .clone()
}

/// A running `oidc-provider` with one confidential client.
#[derive(Debug)]
pub struct OidcProvider {
    /// Its issuer, `http://127.0.0.1:<port>`.
    pub issuer: String,
    child: Child,
}

impl OidcProvider {
    /// Starts the provider with the client `client_id` / `client_secret` whose only
    /// redirect URI is `redirect_uri`.
    pub async fn start(client_id: &str, client_secret: &str, redirect_uri: &str) -> Self {
        let folder = installed().await;
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(folder)
            .env("UPSTREAM_CLIENT_ID", client_id)
            .env("UPSTREAM_CLIENT_SECRET", client_secret)
            .env("UPSTREAM_REDIRECT_URI", redirect_uri)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(port) = line.strip_prefix("listening ") {
                    return port.trim().to_owned();
                }
            }
            panic!("the upstream provider exited before listening");
        })
        .await
        .expect("the upstream provider starts within 30 s");
        // Keep reading: a closed pipe would end the provider at its next line of output.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            issuer: format!("http://127.0.0.1:{port}"),
            child,
        }
    }

    /// Stops it (an upstream that is down).
    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// Which API a [`FakeUpstream`] answers like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeKind {
    /// Facebook: client credentials in the token request's body, Graph API `/me`.
    Facebook,
    /// X: HTTP Basic client authentication, PKCE required, `/2/users/me`.
    X,
    /// Microsoft's `common` endpoint: discovery names `{tenantid}` in its issuer and each
    /// ID token carries its tenant in `tid`.
    Microsoft,
}

/// The identity the next sign-in at a [`FakeUpstream`] answers with.
#[derive(Debug, Clone, Default)]
pub struct FakeIdentity {
    /// The user's id there.
    pub id: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Name.
    pub name: String,
    /// Microsoft: the tenant in `tid`.
    pub tenant: String,
    /// Microsoft: the tenant in the ID token's `iss` (normally the same as `tenant`).
    pub issuer_tenant: Option<String>,
    /// Microsoft: a nonce to send instead of the one asked for.
    pub wrong_nonce: bool,
}

#[derive(Debug, Default)]
struct Pending {
    identity: FakeIdentity,
    code_challenge: String,
    nonce: Option<String>,
    redirect_uri: String,
}

#[derive(Clone)]
struct Fake {
    kind: FakeKind,
    base_url: String,
    client_id: String,
    client_secret: String,
    next: Arc<Mutex<FakeIdentity>>,
    codes: Arc<Mutex<HashMap<String, Pending>>>,
    tokens: Arc<Mutex<HashMap<String, FakeIdentity>>>,
    key: Arc<josekit::jws::alg::ecdsa::EcdsaJwsSigner>,
    public_jwk: josekit::jwk::Jwk,
}

/// A local server answering as Facebook, X or Microsoft.
#[derive(Debug)]
pub struct FakeUpstream {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    next: Arc<Mutex<FakeIdentity>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeUpstream {
    /// Starts one that knows the client `client_id` / `client_secret`.
    pub async fn start(kind: FakeKind, client_id: &str, client_secret: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let pair = josekit::jws::ES256.generate_key_pair().expect("an EC key");
        let mut public_jwk = pair.to_jwk_public_key();
        public_jwk.set_key_id("fake-1");
        public_jwk.set_key_use("sig");
        public_jwk.set_algorithm("ES256");
        let signer = josekit::jws::ES256
            .signer_from_jwk(&pair.to_jwk_private_key())
            .expect("a signer");
        let next = Arc::new(Mutex::new(FakeIdentity::default()));
        let fake = Fake {
            kind,
            base_url: base_url.clone(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            next: Arc::clone(&next),
            codes: Arc::default(),
            tokens: Arc::default(),
            key: Arc::new(signer),
            public_jwk,
        };
        let router = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/me", get(me))
            .route("/2/users/me", get(me))
            .route(
                "/common/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/keys", get(keys))
            .with_state(fake);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            base_url,
            next,
            task,
        }
    }

    /// The identity the next sign-in answers with.
    pub fn sign_in_as(&self, identity: FakeIdentity) {
        *self.next.lock().expect("lock") = identity;
    }

    /// `base_url` + `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

async fn authorize(
    State(fake): State<Fake>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.get("client_id") != Some(&fake.client_id)
        || query.get("response_type").map(String::as_str) != Some("code")
        || query.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let (Some(redirect_uri), Some(state), Some(challenge)) = (
        query.get("redirect_uri"),
        query.get("state"),
        query.get("code_challenge"),
    ) else {
        return (StatusCode::BAD_REQUEST, "missing parameters").into_response();
    };
    let code = uuid::Uuid::new_v4().to_string();
    fake.codes.lock().expect("lock").insert(
        code.clone(),
        Pending {
            identity: fake.next.lock().expect("lock").clone(),
            code_challenge: challenge.clone(),
            nonce: query.get("nonce").cloned(),
            redirect_uri: redirect_uri.clone(),
        },
    );
    let mut target = url::Url::parse(redirect_uri).expect("a redirect URI");
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    Redirect::to(target.as_str()).into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let decoded = STANDARD.decode(value.strip_prefix("Basic ")?).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

async fn token(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let refuse = |error: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": error })),
        )
            .into_response()
    };
    let credentials = match fake.kind {
        // Facebook reads the client's credentials from the body.
        FakeKind::Facebook => form
            .get("client_id")
            .cloned()
            .zip(form.get("client_secret").cloned()),
        FakeKind::X | FakeKind::Microsoft => basic_credentials(&headers),
    };
    if credentials != Some((fake.client_id.clone(), fake.client_secret.clone())) {
        return refuse("invalid_client");
    }
    let Some(pending) = form
        .get("code")
        .and_then(|code| fake.codes.lock().expect("lock").remove(code))
    else {
        return refuse("invalid_grant");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != pending.code_challenge
        || form.get("redirect_uri") != Some(&pending.redirect_uri)
    {
        return refuse("invalid_grant");
    }
    let access_token = uuid::Uuid::new_v4().to_string();
    fake.tokens
        .lock()
        .expect("lock")
        .insert(access_token.clone(), pending.identity.clone());
    let mut answer = serde_json::json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": 3600,
    });
    if fake.kind == FakeKind::Microsoft {
        answer["id_token"] = id_token(&fake, &pending).into();
    }
    Json(answer).into_response()
}

fn id_token(fake: &Fake, pending: &Pending) -> String {
    let identity = &pending.identity;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let issuer_tenant = identity
        .issuer_tenant
        .clone()
        .unwrap_or_else(|| identity.tenant.clone());
    let nonce = if identity.wrong_nonce {
        Some("not-the-nonce-that-was-sent".to_owned())
    } else {
        pending.nonce.clone()
    };
    let claims = serde_json::json!({
        "iss": format!("{}/{issuer_tenant}/v2.0", fake.base_url),
        "sub": identity.id,
        "aud": fake.client_id,
        "iat": now,
        "exp": now + 600,
        "nonce": nonce,
        "tid": identity.tenant,
        "email": identity.email,
        "name": identity.name,
    });
    let mut header = josekit::jws::JwsHeader::new();
    header.set_token_type("JWT");
    header.set_key_id("fake-1");
    let payload = serde_json::to_vec(&claims).expect("claims");
    josekit::jws::serialize_compact(&payload, &header, fake.key.as_ref()).expect("signed")
}

async fn me(State(fake): State<Fake>, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .unwrap_or_default();
    let Some(identity) = fake.tokens.lock().expect("lock").get(token).cloned() else {
        return (StatusCode::UNAUTHORIZED, "no such token").into_response();
    };
    match fake.kind {
        FakeKind::Facebook => Json(serde_json::json!({
            "id": identity.id,
            "name": identity.name,
            "email": identity.email,
        }))
        .into_response(),
        FakeKind::X => {
            let mut data = serde_json::json!({
                "id": identity.id,
                "name": identity.name,
                "username": identity.name.to_lowercase().replace(' ', "_"),
            });
            if let Some(email) = &identity.email {
                data["confirmed_email"] = email.clone().into();
            }
            Json(serde_json::json!({ "data": data })).into_response()
        }
        FakeKind::Microsoft => Json(serde_json::json!({
            "sub": identity.id,
            "email": identity.email,
            "name": identity.name,
        }))
        .into_response(),
    }
}

async fn discovery(State(fake): State<Fake>) -> Response {
    Json(serde_json::json!({
        "issuer": format!("{}/{{tenantid}}/v2.0", fake.base_url),
        "authorization_endpoint": format!("{}/authorize", fake.base_url),
        "token_endpoint": format!("{}/token", fake.base_url),
        "userinfo_endpoint": format!("{}/me", fake.base_url),
        "jwks_uri": format!("{}/keys", fake.base_url),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid", "email", "profile"],
    }))
    .into_response()
}

async fn keys(State(fake): State<Fake>) -> Response {
    Json(serde_json::json!({ "keys": [fake.public_jwk.as_ref()] })).into_response()
}
