//! The `claims` request parameter (OIDC Core §5.5): a relying party asks for the e-mail
//! claim by name, as essential, without the `email` scope.

use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, authorization_request, exchange};
use gatehouse_tests::relying_party::{http_client, query_parameter};
use gatehouse_tests::{Backend, TestApp};
use openidconnect::core::CoreUserInfoClaims;
use openidconnect::{OAuth2TokenResponse as _, TokenResponse as _};
use serde_json::{Value, json};

/// Signs in with `scopes` and the `claims` parameter; returns the ID token's e-mail and
/// UserInfo's.
async fn e_mails_released(
    world: &World,
    claims: Option<&Value>,
) -> (Option<String>, Option<String>) {
    let extra = claims.map_or_else(String::new, |claims| {
        format!(
            "&claims={}",
            url::form_urlencoded::byte_serialize(claims.to_string().as_bytes()).collect::<String>()
        )
    });
    let (url, verifier, nonce) = authorization_request(&world.rp, &[], &extra);
    let callback = world.app.browser().authorize(&url, EMAIL, PASSWORD).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    let tokens = exchange(&world.rp, &callback, verifier).await;
    let id_token = tokens
        .id_token()
        .expect("an ID token")
        .claims(&world.rp.id_token_verifier(), &nonce)
        .expect("the ID token verifies");
    let user_info: CoreUserInfoClaims = world
        .rp
        .user_info(tokens.access_token().clone(), None)
        .expect("userinfo endpoint configured")
        .request_async(&http_client())
        .await
        .expect("userinfo answers");
    (
        id_token.email().map(|email| email.as_str().to_owned()),
        user_info.email().map(|email| email.as_str().to_owned()),
    )
}

async fn an_essential_claim_asked_by_name_reaches_the_id_token_and_userinfo(backend: Backend) {
    let world = World::start_with(
        TestApp::start(backend).await,
        &["--first-party", "--scopes", "openid email"],
    )
    .await;
    let discovery = crate::discovery_document(&world.app).await;
    assert_eq!(discovery["claims_parameter_supported"], true);

    // `openid` alone releases no e-mail.
    assert_eq!(e_mails_released(&world, None).await, (None, None));
    let asked = json!({
        "userinfo": {"email": {"essential": true}},
        "id_token": {"email": {"essential": true}, "address": null},
    });
    assert_eq!(
        e_mails_released(&world, Some(&asked)).await,
        (Some(EMAIL.to_owned()), Some(EMAIL.to_owned()))
    );

    // A malformed claims parameter goes back to the client as invalid_request.
    let (url, _, _) = authorization_request(&world.rp, &[], "&claims=%5B%5D");
    let (callback, _) = world.app.browser().follow_to_client(&url).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    assert_eq!(
        query_parameter(&callback, "error").as_deref(),
        Some("invalid_request")
    );
}

gatehouse_tests::on_both_backends!(
    an_essential_claim_asked_by_name_reaches_the_id_token_and_userinfo
);
