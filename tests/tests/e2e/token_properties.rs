//! Property tests of the code and refresh-token lifecycles: random sequences of what a
//! client (or a thief) can do with one authorization, played against the real token,
//! revocation and UserInfo endpoints and compared, step by step, with the rules written as
//! a small model: a code is exchanged once and a replay revokes what it produced; each
//! refresh token is used once; presenting a spent one ends the family; revoking any of
//! them ends the family and its access tokens; another client's attempts change nothing.

use crate::{PASSWORD, REDIRECT_URI, authorization_request, client_post, token_request};
use gatehouse_tests::relying_party::{query_parameter, relying_party};
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use proptest::prelude::*;

/// One thing done with the authorization.
#[derive(Debug, Clone)]
enum Step {
    /// Exchange the authorization code (again, after the first time).
    ExchangeCode,
    /// Refresh with the n-th refresh token issued so far (modulo how many there are).
    Refresh(usize),
    /// Another client presents the newest refresh token.
    RefreshAsOtherClient,
    /// Revoke the n-th refresh token (RFC 7009).
    Revoke(usize),
    /// Call UserInfo with the newest access token.
    UseAccessToken,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => Just(Step::ExchangeCode),
        6 => (0..8_usize).prop_map(Step::Refresh),
        1 => Just(Step::RefreshAsOtherClient),
        1 => (0..8_usize).prop_map(Step::Revoke),
        2 => Just(Step::UseAccessToken),
    ]
}

/// What the rules say about the authorization.
#[derive(Debug, Default)]
struct Model {
    code_spent: bool,
    /// Refresh tokens issued, oldest first; the last is the only live one.
    refresh_tokens: Vec<String>,
    access_token: Option<String>,
    /// The grant was revoked: nothing of it works any more.
    ended: bool,
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    app: TestApp,
    client: RegisteredClient,
    other: RegisteredClient,
    rp: gatehouse_tests::relying_party::RelyingParty,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (app, client, other, rp) = runtime.block_on(async {
        let app = TestApp::start(Backend::Sqlite).await;
        let client = app.register_client(REDIRECT_URI, &["--first-party"]).await;
        let other = app
            .register_client("https://other.example/cb", &["--first-party"])
            .await;
        app.create_user(crate::EMAIL, PASSWORD).await;
        let rp = relying_party(
            &app.base_url,
            &client.id,
            client.secret.as_deref(),
            REDIRECT_URI,
        )
        .await;
        (app, client, other, rp)
    });
    Fixture {
        runtime,
        app,
        client,
        other,
        rp,
    }
}

async fn play(fixture: &Fixture, steps: &[Step]) -> Result<(), TestCaseError> {
    let (app, client) = (&fixture.app, &fixture.client);
    let (url, verifier, _) = authorization_request(&fixture.rp, &["email", "offline_access"], "");
    let callback = app.browser().authorize(&url, crate::EMAIL, PASSWORD).await;
    let code = query_parameter(&callback, "code").expect("a code");
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", verifier.secret().as_str()),
    ];
    let mut model = Model::default();
    // The first exchange always comes first: without it there is nothing to play with.
    let steps = std::iter::once(&Step::ExchangeCode).chain(steps);
    for (number, step) in steps.enumerate() {
        let context = format!("step {number} {step:?} with {model:?}");
        match step {
            Step::ExchangeCode => {
                let (status, body) = token_request(app, client, &exchange).await;
                if model.code_spent {
                    prop_assert_eq!(status, 400, "{}: {}", context, body);
                    prop_assert_eq!(&body["error"], "invalid_grant", "{}", context);
                    model.ended = true;
                } else {
                    prop_assert_eq!(status, 200, "{}: {}", context, body);
                    model.code_spent = true;
                    model.refresh_tokens.push(text(&body, "refresh_token"));
                    model.access_token = Some(text(&body, "access_token"));
                }
            }
            Step::Refresh(n) => {
                let Some(token) = pick(&model.refresh_tokens, *n) else {
                    continue;
                };
                let is_newest = model.refresh_tokens.last() == Some(&token);
                let (status, body) = token_request(
                    app,
                    client,
                    &[("grant_type", "refresh_token"), ("refresh_token", &token)],
                )
                .await;
                if !model.ended && is_newest {
                    prop_assert_eq!(status, 200, "{}: {}", context, body);
                    let rotated = text(&body, "refresh_token");
                    prop_assert!(!model.refresh_tokens.contains(&rotated), "{}", context);
                    model.refresh_tokens.push(rotated);
                    model.access_token = Some(text(&body, "access_token"));
                } else {
                    prop_assert_eq!(status, 400, "{}: {}", context, body);
                    prop_assert_eq!(&body["error"], "invalid_grant", "{}", context);
                    model.ended = true;
                }
            }
            Step::RefreshAsOtherClient => {
                let Some(token) = model.refresh_tokens.last().cloned() else {
                    continue;
                };
                let (status, body) = token_request(
                    app,
                    &fixture.other,
                    &[("grant_type", "refresh_token"), ("refresh_token", &token)],
                )
                .await;
                prop_assert_eq!(status, 400, "{}: {}", context, body);
                prop_assert_eq!(&body["error"], "invalid_grant", "{}", context);
            }
            Step::Revoke(n) => {
                let Some(token) = pick(&model.refresh_tokens, *n) else {
                    continue;
                };
                let answer = client_post(
                    app,
                    client,
                    "/revoke",
                    &[("token", &token), ("token_type_hint", "refresh_token")],
                )
                .await;
                prop_assert_eq!(answer.status().as_u16(), 200, "{}", context);
                model.ended = true;
            }
            Step::UseAccessToken => {
                let Some(token) = &model.access_token else {
                    continue;
                };
                let status = crate::userinfo(app, token).await.status().as_u16();
                let expected = if model.ended { 401 } else { 200 };
                prop_assert_eq!(status, expected, "{}", context);
            }
        }
    }
    Ok(())
}

fn pick(tokens: &[String], n: usize) -> Option<String> {
    (!tokens.is_empty()).then(|| tokens[n % tokens.len()].clone())
}

fn text(body: &serde_json::Value, name: &str) -> String {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        .to_owned()
}

#[test]
fn code_and_refresh_token_lifecycles_follow_the_rules() {
    let fixture = fixture();
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(steps in prop::collection::vec(step(), 1..14))| {
        fixture.runtime.block_on(play(&fixture, &steps))?;
    });
}
