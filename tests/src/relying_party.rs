//! The relying party: the `openidconnect` crate, speaking HTTP through reqwest.

use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{
    ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, IssuerUrl, RedirectUrl,
};
use std::future::Future;
use std::pin::Pin;

/// A transport failure, as the `openidconnect` crate wants it.
#[derive(Debug)]
pub struct TransportError(pub String);

impl std::fmt::Display for TransportError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for TransportError {}

type Pending = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send>>;

/// An HTTP client for the `openidconnect` crate (its `AsyncHttpClient` is implemented for
/// closures like this one). Redirects are not followed, as the OAuth2 specs require.
pub fn http_client() -> impl Fn(HttpRequest) -> Pending {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    move |request: HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)
                .map_err(|error| TransportError(error.to_string()))?;
            let response = client
                .execute(request)
                .await
                .map_err(|error| TransportError(error.to_string()))?;
            let mut builder = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response
                .bytes()
                .await
                .map_err(|error| TransportError(error.to_string()))?;
            builder
                .body(body.to_vec())
                .map_err(|error| TransportError(error.to_string()))
        }) as Pending
    }
}

/// A client configured from discovery.
pub type RelyingParty = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovers the provider at `issuer`.
pub async fn discover(issuer: &str) -> CoreProviderMetadata {
    CoreProviderMetadata::discover_async(
        IssuerUrl::new(issuer.to_owned()).expect("issuer URL"),
        &http_client(),
    )
    .await
    .expect("discovery succeeds")
}

/// A relying party for `client_id`, redirecting to `redirect_uri`.
pub async fn relying_party(
    issuer: &str,
    client_id: &str,
    secret: Option<&str>,
    redirect_uri: &str,
) -> RelyingParty {
    let metadata = discover(issuer).await;
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.to_owned()),
        secret.map(|secret| ClientSecret::new(secret.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).expect("redirect URL"))
}

/// The value of query parameter `name` in `url`.
#[must_use]
pub fn query_parameter(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Asserts that a JSON answer is the OAuth error `code` with `status`, and that its
/// `error_description` says `words`, so the client learns why.
#[track_caller]
pub fn assert_oauth_error(
    (status, body): (u16, &serde_json::Value),
    expected_status: u16,
    code: &str,
    words: &str,
) {
    assert_eq!(
        (status, body["error"].as_str()),
        (expected_status, Some(code)),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|text| text.contains(words)),
        "the description should say {words:?}: {body}"
    );
}
