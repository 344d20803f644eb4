//! HTTP towards upstream providers, for the `openidconnect` and `oauth2` crates: a timeout,
//! no redirects (the OAuth2 specifications forbid following them at the token endpoint),
//! and a cap on what an answer may weigh.

use openidconnect::{HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Longest answer accepted from an upstream provider.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// How long an upstream provider may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why talking to the upstream failed at the transport.
#[derive(Debug)]
pub struct TransportError(pub String);

impl std::fmt::Display for TransportError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for TransportError {}

type Pending = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send>>;

/// The client the `openidconnect`/`oauth2` crates call (their `AsyncHttpClient` is
/// implemented for such closures).
#[derive(Clone)]
pub struct UpstreamHttp {
    client: reqwest::Client,
}

impl std::fmt::Debug for UpstreamHttp {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("UpstreamHttp")
    }
}

impl UpstreamHttp {
    /// A client with the timeout and without redirects.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .user_agent("Gatehouse")
            .build()
            .map_err(|error| TransportError(error.to_string()))?;
        Ok(Self { client })
    }

    /// The closure for the crates.
    pub fn for_crates(&self) -> impl Fn(HttpRequest) -> Pending + use<> {
        let client = self.client.clone();
        move |request: HttpRequest| {
            let client = client.clone();
            Box::pin(async move {
                let request = reqwest::Request::try_from(request)
                    .map_err(|error| TransportError(error.to_string()))?;
                let response = client
                    .execute(request)
                    .await
                    .map_err(|error| TransportError(error.to_string()))?;
                let mut builder = axum::http::Response::builder().status(response.status());
                for (name, value) in response.headers() {
                    builder = builder.header(name, value);
                }
                let body = read_capped(response).await?;
                builder
                    .body(body)
                    .map_err(|error| TransportError(error.to_string()))
            }) as Pending
        }
    }

    /// GETs a JSON document with a bearer token (an API's users-me), or without one.
    pub async fn get_json(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<serde_json::Value, TransportError> {
        let mut request = self.client.get(url).header("accept", "application/json");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|error| TransportError(error.to_string()))?;
        let status = response.status();
        let body = read_capped(response).await?;
        if !status.is_success() {
            return Err(TransportError(format!("{url} answered {status}")));
        }
        serde_json::from_slice(&body).map_err(|error| TransportError(error.to_string()))
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, TransportError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| TransportError(error.to_string()))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(TransportError("the answer is too large".to_owned()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
