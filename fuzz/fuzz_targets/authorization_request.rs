//! The query string of `/authorize`, as any browser may send it: parsed, checked against a
//! registered client, validated. Whatever arrives, the answer is a decision, never a panic.
#![no_main]

use gatehouse_core::authorize::{RawAuthorizationRequest, check_client_and_redirect, validate};
use gatehouse_core::client::{Client, GrantType};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use gatehouse_core::{ClientId, UnixTime};
use libfuzzer_sys::fuzz_target;

fn client() -> Client {
    Client {
        id: ClientId::new("portal"),
        name: "Portal".into(),
        secret_digest: None,
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

fuzz_target!(|query: &[u8]| {
    let raw = RawAuthorizationRequest::from_pairs(url::form_urlencoded::parse(query).into_owned());
    let client = client();
    if let Ok(redirect_uri) = check_client_and_redirect(&raw, Some(&client)) {
        let _ = validate(&raw, &client, redirect_uri);
    }
});
