//! What the scenarios need from each provider before the load starts: a signed-in
//! browser's cookies, an access token, live refresh tokens. Obtained through the providers'
//! own HTTP flows, as a relying party would.

use crate::targets::{Kind, Running};
use base64::Engine as _;
use gatehouse_tests::browser::Browser;
use gatehouse_tests::relying_party::query_parameter;
use std::collections::BTreeMap;

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";
pub const REDIRECT_URI_ENCODED: &str = "http%3A%2F%2F127.0.0.1%3A9%2Fcallback";
/// RFC 7636's example pair: the benchmark needs a valid PKCE pair, not a secret one.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const EMAIL: &str = "anna.rossi@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// A confidential client registered at one provider.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret: String,
}

impl Client {
    pub fn basic_authorization(&self) -> String {
        let pair = format!("{}:{}", self.id, self.secret);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
}

/// The authorization request every code flow makes (path and query).
pub fn authorize_path(target: &Running, client: &Client) -> String {
    format!(
        "{}?response_type=code&client_id={}&redirect_uri={REDIRECT_URI_ENCODED}\
         &scope=openid%20email&state=bench&nonce=bench&code_challenge={CHALLENGE}\
         &code_challenge_method=S256",
        target.endpoints.authorize, client.id
    )
}

/// A signed-in browser: the `Cookie` header that carries its session.
pub struct SignedIn {
    pub cookie: String,
    browser: Option<Browser>,
}

/// Signs the benchmark's user in through the provider's sign-in page and returns the
/// browser's cookies.
pub async fn sign_in(target: &Running, client: &Client, http: &reqwest::Client) -> SignedIn {
    match target.kind {
        Kind::Gatehouse => {
            let browser = Browser::new(&target.base_url);
            let callback = browser
                .authorize(
                    &target.url(&authorize_path(target, client)),
                    EMAIL,
                    PASSWORD,
                )
                .await;
            assert!(
                query_parameter(&callback, "code").is_some(),
                "Gatehouse's sign-in ended at {callback}"
            );
            SignedIn {
                cookie: browser.cookie_header().expect("the session cookie"),
                browser: Some(browser),
            }
        }
        Kind::Reference => {
            let mut cookies = BTreeMap::new();
            let mut url = target.url(&authorize_path(target, client));
            let mut form = None;
            for _ in 0..6 {
                let request = match form.take() {
                    Some(body) => http
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body),
                    None => http.get(&url),
                };
                let response = request
                    .header("cookie", cookie_header(&cookies))
                    .send()
                    .await
                    .expect("reference sign-in");
                for value in response.headers().get_all("set-cookie") {
                    let text = value.to_str().unwrap_or_default();
                    if let Some((name, rest)) = text.split_once('=') {
                        let value = rest.split(';').next().unwrap_or_default();
                        cookies.insert(name.to_owned(), value.to_owned());
                    }
                }
                if let Some(location) = response.headers().get("location") {
                    let location = location.to_str().expect("Location").to_owned();
                    if location.starts_with(REDIRECT_URI) {
                        cookies.retain(|name, value| {
                            name.starts_with("_session") && !value.is_empty()
                        });
                        return SignedIn {
                            cookie: cookie_header(&cookies),
                            browser: None,
                        };
                    }
                    url = if location.starts_with("http") {
                        location
                    } else {
                        target.url(&location)
                    };
                } else {
                    assert!(
                        response.status().is_success(),
                        "reference sign-in page: {}",
                        response.status()
                    );
                    form = Some(format!("login={EMAIL}&password=unused"));
                }
            }
            panic!("the reference's sign-in did not end at the client");
        }
    }
}

fn cookie_header(cookies: &BTreeMap<String, String>) -> String {
    cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Tokens from one code flow of the signed-in browser.
pub async fn code_flow_tokens(
    target: &Running,
    client: &Client,
    signed_in: &SignedIn,
    http: &reqwest::Client,
) -> serde_json::Value {
    let authorize = target.url(&authorize_path(target, client));
    let response = match &signed_in.browser {
        Some(browser) => browser.http.get(&authorize).send().await,
        None => {
            http.get(&authorize)
                .header("cookie", &signed_in.cookie)
                .send()
                .await
        }
    }
    .expect("authorization request");
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let code = query_parameter(&location, "code").unwrap_or_else(|| {
        panic!(
            "{}: no code for a signed-in user ({location})",
            target.label
        )
    });
    let response = http
        .post(target.url(target.endpoints.token))
        .header("authorization", client.basic_authorization())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .expect("code exchange");
    assert!(
        response.status().is_success(),
        "{}: code exchange answered {}",
        target.label,
        response.status()
    );
    response.json().await.expect("token JSON")
}

/// `count` live refresh tokens, each from its own code flow.
pub async fn refresh_tokens(
    target: &Running,
    client: &Client,
    signed_in: &SignedIn,
    http: &reqwest::Client,
    count: usize,
) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    for _ in 0..count {
        let response = code_flow_tokens(target, client, signed_in, http).await;
        tokens.push(
            response["refresh_token"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no refresh token in {response}", target.label))
                .to_owned(),
        );
    }
    tokens
}
