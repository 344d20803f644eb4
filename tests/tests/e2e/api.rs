//! The management API, driven as a helpdesk, an ERP's licence manager and an HR system
//! would: with a client-credentials token and with a studio admin's own token.

use crate::{EMAIL, PASSWORD, REDIRECT_URI, World, authorization_request, exchange};
use base64::Engine as _;
use gatehouse_server::i18n::translate;
use gatehouse_tests::{Backend, RegisteredClient, TestApp};
use openidconnect::OAuth2TokenResponse;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Every API scope.
const ALL_SCOPES: &str = "users:read users:write studios:read studios:write clients:read \
                          clients:write keys:read keys:write audit:read providers:read \
                          providers:write";

/// A management API caller with one access token.
pub(crate) struct Api {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

/// An API answer: status, headers and JSON body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: HeaderMap,
    pub(crate) body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `field`s a problem-details answer names.
    pub(crate) fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|error| error["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn problem(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }
}

impl Api {
    pub(crate) fn new(app: &TestApp, token: &str) -> Self {
        Self {
            base_url: app.base_url.clone(),
            token: token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("API request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(self.url(path))).await
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    async fn post_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.http.post(self.url(path)).json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    pub(crate) async fn patch(&self, path: &str, body: &Value, if_match: Option<&str>) -> Answer {
        let mut request = self.http.patch(self.url(path)).json(body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.send(request).await
    }

    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(self.http.put(self.url(path)).json(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Answer {
        self.send(self.http.delete(self.url(path))).await
    }
}

/// A confidential application allowed the client-credentials grant and `scopes`.
pub(crate) async fn machine(app: &TestApp, scopes: &str) -> RegisteredClient {
    app.register_client(
        "https://erp.example/unused",
        &["--grant-types", "client_credentials", "--scopes", scopes],
    )
    .await
}

/// A client-credentials token for `client`, asking for `scope` (all it may have when
/// `None`).
pub(crate) async fn machine_token(
    app: &TestApp,
    client: &RegisteredClient,
    scope: Option<&str>,
) -> String {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let (status, body) = crate::token_request(app, client, &form).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// Signs `email` in at `world`'s first-party client asking for `scopes`; returns the
/// access token.
pub(crate) async fn person_token(world: &World, email: &str, scopes: &[&str]) -> String {
    let (url, verifier, _) = authorization_request(&world.rp, scopes, "");
    let callback = world.app.browser().authorize(&url, email, PASSWORD).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    exchange(&world.rp, &callback, verifier)
        .await
        .access_token()
        .secret()
        .clone()
}

/// Whether `email` can sign in on the hosted login page with `password`; when it cannot,
/// the page must say the e-mail or password is incorrect.
async fn can_sign_in(app: &TestApp, email: &str, password: &str) -> bool {
    let page = app
        .browser()
        .submit_login("/login", email, password, false)
        .await;
    if page.status.is_redirection() {
        return true;
    }
    assert_eq!(
        page.alert().as_deref(),
        Some(translate("en", "login-error-invalid", &[]).as_str()),
        "{}",
        page.body
    );
    false
}

async fn machines_manage_users_with_versions_and_idempotency(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = machine(&app, ALL_SCOPES).await;
    let api = Api::new(&app, &machine_token(&app, &client, None).await);

    // No token, a garbage token: 401 with a challenge and a problem body.
    let anonymous = reqwest::get(app.url("/api/v1/users"))
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap_or_default()
            .starts_with("Bearer")
    );
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );
    let forged = Api::new(&app, "not.a.token").get("/api/v1/users").await;
    assert_eq!(forged.status, 401);
    assert!(
        forged
            .header("www-authenticate")
            .is_some_and(|challenge| challenge.contains("invalid_token"))
    );

    // A studio, created once although the request is sent twice with the same key.
    let studio = json!({"slug": "rossi", "name": "Studio Rossi", "licence": "4711"});
    let key = [("idempotency-key", "create-rossi-1")];
    let first = api.post_with("/api/v1/studios", &studio, &key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let replay = api.post_with("/api/v1/studios", &studio, &key).await;
    assert_eq!(replay.status, 201, "{}", replay.body);
    assert_eq!(replay.body["id"], first.body["id"]);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let other = json!({"slug": "bianchi", "name": "Studio Bianchi"});
    let reused = api.post_with("/api/v1/studios", &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(
        reused.problem(),
        "urn:gatehouse:problem:idempotency-key-reused"
    );
    let listed = api.get("/api/v1/studios").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));

    // Accounts: with a password, in the studio; a field error names the field.
    let created = api
        .post(
            "/api/v1/users",
            &json!({
                "email": "Giulia.Verdi@example.com",
                "name": "Giulia Verdi",
                "password": PASSWORD,
                "memberships": [{"studio": "rossi", "username": "giulia"}],
                "profile": {"city": "Torino"},
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["email"], "giulia.verdi@example.com");
    assert_eq!(created.body["memberships"][0]["studio"], "rossi");
    assert_eq!(created.body["memberships"][0]["username"], "giulia");
    let giulia = created.body["id"].as_str().expect("an id").to_owned();
    assert!(can_sign_in(&app, "giulia@4711", PASSWORD).await);

    let typo = api
        .post(
            "/api/v1/users",
            &json!({"emial": "x@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(typo.status, 422, "{}", typo.body);
    assert_eq!(typo.fields(), vec!["/emial"]);
    let weak = api
        .post(
            "/api/v1/users",
            &json!({"email": "weak@example.com", "password": "short"}),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.fields(), vec!["/password"]);
    let taken = api
        .post(
            "/api/v1/users",
            &json!({"email": "giulia.verdi@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.body);

    // Versions: a change based on the current ETag lands; one based on an old ETag is
    // refused with 412 and changes nothing.
    let read = api.get(&format!("/api/v1/users/{giulia}")).await;
    let etag = read.header("etag").expect("an ETag").to_owned();
    let renamed = api
        .patch(
            &format!("/api/v1/users/{giulia}"),
            &json!({"name": "Giulia Verdi-Neri", "profile": {"job_title": "Buyer"}}),
            Some(&etag),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["name"], "Giulia Verdi-Neri");
    assert_eq!(renamed.body["profile"]["city"], "Torino");
    assert_ne!(renamed.header("etag"), Some(etag.as_str()));
    let stale = api
        .patch(
            &format!("/api/v1/users/{giulia}"),
            &json!({"name": "Lost Update"}),
            Some(&etag),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(stale.problem(), "urn:gatehouse:problem:stale-version");
    let unchanged = api.get(&format!("/api/v1/users/{giulia}")).await;
    assert_eq!(unchanged.body["name"], "Giulia Verdi-Neri");
    let bad_date = api
        .patch(
            &format!("/api/v1/users/{giulia}"),
            &json!({"profile": {"date_of_birth": "31/12/1990"}}),
            None,
        )
        .await;
    assert_eq!(bad_date.status, 422, "{}", bad_date.body);
    assert_eq!(bad_date.fields(), vec!["/profile/date_of_birth"]);

    // Lists: search, filters, pages that follow each other.
    for index in 0..3 {
        let answer = api
            .post(
                "/api/v1/users",
                &json!({"email": format!("staff{index}@example.com"), "send_activation": true}),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.body);
        assert_eq!(answer.body["status"], "pending_activation");
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?email=staff&sort=-email&limit=2".to_owned();
    loop {
        let page = api.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for item in page.body["items"].as_array().expect("items") {
            seen.push(item["email"].as_str().unwrap_or_default().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/users?email=staff&sort=-email&limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec![
            "staff2@example.com",
            "staff1@example.com",
            "staff0@example.com"
        ]
    );
    let members = api.get("/api/v1/users?studio=rossi").await;
    assert_eq!(members.body["items"][0]["id"], giulia.as_str());
    assert_eq!(members.body["items"].as_array().map(Vec::len), Some(1));
    let bad_limit = api.get("/api/v1/users?limit=5000").await;
    assert_eq!(bad_limit.fields(), vec!["limit"]);

    // Disabled: the user can no longer sign in; enabled again: they can.
    let disabled = api
        .post(&format!("/api/v1/users/{giulia}/disable"), &json!({}))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert_eq!(disabled.body["status"], "disabled");
    assert!(!can_sign_in(&app, "giulia.verdi@example.com", PASSWORD).await);
    let enabled = api
        .post(&format!("/api/v1/users/{giulia}/enable"), &json!({}))
        .await;
    assert_eq!(enabled.body["status"], "active");
    assert!(can_sign_in(&app, "giulia.verdi@example.com", PASSWORD).await);

    // A password set by the helpdesk replaces the old one.
    let new_password = "a brand new passphrase 42";
    let set = api
        .put(
            &format!("/api/v1/users/{giulia}/password"),
            &json!({"password": new_password}),
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.body);
    assert!(!can_sign_in(&app, "giulia.verdi@example.com", PASSWORD).await);
    assert!(can_sign_in(&app, "giulia.verdi@example.com", new_password).await);

    // Sessions and devices of the account, listed and ended.
    let sessions = api.get(&format!("/api/v1/users/{giulia}/sessions")).await;
    let session_id = sessions.body[0]["id"]
        .as_str()
        .expect("a session")
        .to_owned();
    let ended = api
        .delete(&format!("/api/v1/users/{giulia}/sessions/{session_id}"))
        .await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    let after = api.get(&format!("/api/v1/users/{giulia}/sessions")).await;
    assert!(after.body.as_array().is_some_and(|sessions| {
        sessions
            .iter()
            .all(|session| session["id"] != session_id.as_str())
    }));
    let devices = api.get(&format!("/api/v1/users/{giulia}/devices")).await;
    let device_id = devices.body[0]["id"].as_str().expect("a device").to_owned();
    let removed = api
        .delete(&format!("/api/v1/users/{giulia}/devices/{device_id}"))
        .await;
    assert_eq!(removed.status, 204);
    let gone = api
        .delete(&format!("/api/v1/users/{giulia}/devices/{device_id}"))
        .await;
    assert_eq!(gone.status, 404);

    // Second factors: listed without secrets, reset with a reason.
    let browser = app.browser();
    let signed_in = browser
        .submit_login("/login", "giulia.verdi@example.com", new_password, false)
        .await;
    assert!(signed_in.status.is_redirection());
    crate::mfa::enrol_totp(&app, &browser, "/account/security").await;
    let factors = api.get(&format!("/api/v1/users/{giulia}/factors")).await;
    assert_eq!(factors.body[0]["kind"], "totp", "{}", factors.body);
    assert!(!factors.body.to_string().contains("secret"));
    let no_reason = api
        .post(
            &format!("/api/v1/users/{giulia}/factors/reset"),
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(no_reason.fields(), vec!["/reason"]);
    let reset = api
        .post(
            &format!("/api/v1/users/{giulia}/factors/reset"),
            &json!({"reason": "lost phone, ticket 1234"}),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(
        reset.body["removed"]
            .as_u64()
            .is_some_and(|removed| removed >= 1)
    );
    let after_reset = api.get(&format!("/api/v1/users/{giulia}/factors")).await;
    assert_eq!(after_reset.body, json!([]));

    // The account's own history: sign-ins that worked and failed, and what was done to it.
    let history = api
        .get(&format!("/api/v1/audit-events?user_id={giulia}&limit=200"))
        .await;
    let kinds: Vec<&str> = history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    for expected in [
        "login.succeeded",
        "login.failed",
        "password.changed",
        "session.ended",
        "device.registered",
        "device.removed",
        "mfa.enrolled",
        "mfa.reset",
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected} missing from {kinds:?}"
        );
    }
    let failure = history.body["items"]
        .as_array()
        .and_then(|events| events.iter().find(|event| event["kind"] == "login.failed"))
        .expect("a failed sign-in");
    assert_eq!(failure["ip_address"], "127.0.0.1");
    assert!(!failure.to_string().contains(PASSWORD));

    // Closed, reopened, purged.
    let closed = api
        .post(&format!("/api/v1/users/{giulia}/close"), &json!({}))
        .await;
    assert_eq!(closed.body["status"], "closed");
    let reopened = api
        .post(&format!("/api/v1/users/{giulia}/reopen"), &json!({}))
        .await;
    assert_eq!(reopened.body["status"], "active");
    assert_eq!(
        api.delete(&format!("/api/v1/users/{giulia}")).await.status,
        204
    );
    assert_eq!(
        api.get(&format!("/api/v1/users/{giulia}")).await.status,
        404
    );

    // Every administrative action is in the audit log, with the application as actor.
    let events = api.get("/api/v1/audit-events?kind=user.&limit=200").await;
    let kinds: Vec<&str> = events.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|event| event["actor"] == format!("client:{}", client.id).as_str())
        .filter_map(|event| event["kind"].as_str())
        .collect();
    for expected in [
        "user.created",
        "user.details_changed",
        "user.disabled",
        "user.enabled",
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected} missing from {kinds:?}"
        );
    }
    let purged = api.get("/api/v1/audit-events?kind=account.purged").await;
    assert_eq!(purged.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(purged.body["items"][0]["ip_address"], "127.0.0.1");
    assert_eq!(
        purged.body["items"][0]["actor"],
        format!("client:{}", client.id).as_str()
    );
}

async fn scopes_and_studios_limit_what_a_token_may_do(backend: Backend) {
    let world = World::start_with(
        TestApp::start(backend).await,
        &[
            "--first-party",
            "--scopes",
            "openid profile email users:read users:write studios:read studios:write",
        ],
    )
    .await;
    let app = &world.app;
    app.create_studio("rossi", "Studio Rossi", &[]).await;
    app.create_studio("bianchi", "Studio Bianchi", &[]).await;
    app.add_member("rossi", EMAIL, "admin", None).await;
    app.create_user("marco@example.com", PASSWORD).await;
    app.add_member("rossi", "marco@example.com", "member", None)
        .await;
    let lucia = app.create_user("lucia@example.com", PASSWORD).await;
    app.add_member("bianchi", "lucia@example.com", "member", None)
        .await;

    // A machine token with only users:read may read, not write.
    let reader = machine(app, "users:read").await;
    let read_only = Api::new(app, &machine_token(app, &reader, None).await);
    assert_eq!(read_only.get("/api/v1/users").await.status, 200);
    let refused = read_only
        .post(
            "/api/v1/users",
            &json!({"email": "x@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(
        refused.problem(),
        "urn:gatehouse:problem:insufficient-scope"
    );
    assert!(
        refused
            .header("www-authenticate")
            .is_some_and(|challenge| challenge.contains("scope=\"users:write\""))
    );

    // The studio admin's own token: inside Rossi only.
    let admin = Api::new(
        app,
        &person_token(
            &world,
            EMAIL,
            &["users:read", "users:write", "studios:read", "studios:write"],
        )
        .await,
    );
    let visible = admin.get("/api/v1/users").await;
    assert_eq!(visible.status, 200, "{}", visible.body);
    let emails: Vec<&str> = visible.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|user| user["email"].as_str())
        .collect();
    assert!(emails.contains(&"marco@example.com"), "{emails:?}");
    assert!(!emails.contains(&"lucia@example.com"), "{emails:?}");
    let elsewhere = admin.get(&format!("/api/v1/users/{lucia}")).await;
    assert_eq!(elsewhere.status, 403, "{}", elsewhere.body);
    assert!(
        elsewhere.body["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("not a member of a studio you administer"))
    );
    assert_eq!(
        admin
            .post(&format!("/api/v1/users/{lucia}/disable"), &json!({}))
            .await
            .status,
        403
    );
    assert!(can_sign_in(app, "lucia@example.com", PASSWORD).await);

    let in_rossi = admin
        .post(
            "/api/v1/users",
            &json!({"email": "nuovo@example.com", "password": PASSWORD,
                    "memberships": [{"studio": "rossi"}]}),
        )
        .await;
    assert_eq!(in_rossi.status, 201, "{}", in_rossi.body);
    let nuovo = in_rossi.body["id"].as_str().expect("an id").to_owned();
    let in_bianchi = admin
        .post(
            "/api/v1/users",
            &json!({"email": "altro@example.com", "password": PASSWORD,
                    "memberships": [{"studio": "bianchi"}]}),
        )
        .await;
    assert_eq!(in_bianchi.status, 403, "{}", in_bianchi.body);
    assert_eq!(
        admin
            .post(&format!("/api/v1/users/{nuovo}/disable"), &json!({}))
            .await
            .body["status"],
        "disabled"
    );
    assert!(!can_sign_in(app, "nuovo@example.com", PASSWORD).await);

    // Studio-wide things: reading their studio yes, creating studios or adding another
    // studio's member no.
    assert_eq!(admin.get("/api/v1/studios/rossi").await.status, 200);
    assert_eq!(admin.get("/api/v1/studios/bianchi").await.status, 403);
    let listed = admin.get("/api/v1/studios").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        admin
            .post("/api/v1/studios", &json!({"slug": "mine", "name": "Mine"}))
            .await
            .status,
        403
    );
    assert_eq!(
        admin
            .put(
                &format!("/api/v1/studios/rossi/members/{lucia}"),
                &json!({"role": "member"}),
            )
            .await
            .status,
        403
    );

    // Made an instance administrator on the command line, the same person acts everywhere
    // at once.
    let granted = app
        .cli(&["users", "grant-admin", "--email", EMAIL], "")
        .await;
    assert_eq!(granted.exit_code, 0, "{}", granted.stderr);
    let now_visible = admin.get(&format!("/api/v1/users/{lucia}")).await;
    assert_eq!(now_visible.status, 200, "{}", now_visible.body);
    assert_eq!(now_visible.body["email"], "lucia@example.com");
}

async fn applications_keys_and_the_audit_log(backend: Backend) {
    let app = TestApp::start(backend).await;
    let operator = machine(&app, ALL_SCOPES).await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);

    // Register an application over the API; its secret works at the token endpoint.
    let created = api
        .post(
            "/api/v1/clients",
            &json!({
                "name": "Licence manager",
                "grant_types": ["client_credentials"],
                "scopes": "users:read",
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let erp = RegisteredClient {
        id: created.body["client_id"].as_str().expect("id").to_owned(),
        secret: created.body["client_secret"].as_str().map(str::to_owned),
    };
    assert!(erp.secret.is_some());
    machine_token(&app, &erp, None).await;

    // A client whose redirect URI breaks the rules is refused, naming the field.
    let invalid = api
        .post(
            "/api/v1/clients",
            &json!({"name": "Portal", "redirect_uris": ["https://portal.example/cb#frag"]}),
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    assert_eq!(invalid.fields(), vec!["/redirect_uris"]);

    // Rotating the secret: the old one stops working, the new one works.
    let rotated = api
        .post(&format!("/api/v1/clients/{}/secret", erp.id), &json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let (status, body) =
        crate::token_request(&app, &erp, &[("grant_type", "client_credentials")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let renewed = RegisteredClient {
        id: erp.id.clone(),
        secret: rotated.body["client_secret"].as_str().map(str::to_owned),
    };
    machine_token(&app, &renewed, None).await;

    // A change needs the current version.
    let read = api.get(&format!("/api/v1/clients/{}", erp.id)).await;
    let etag = read.header("etag").expect("an ETag").to_owned();
    let widened = api
        .patch(
            &format!("/api/v1/clients/{}", erp.id),
            &json!({"scopes": "users:read audit:read"}),
            Some(&etag),
        )
        .await;
    assert_eq!(widened.status, 200, "{}", widened.body);
    assert_eq!(widened.body["scopes"], "audit:read users:read");
    let stale = api
        .patch(
            &format!("/api/v1/clients/{}", erp.id),
            &json!({"name": "Stale"}),
            Some(&etag),
        )
        .await;
    assert_eq!(stale.status, 412);

    // A token the application revokes stops working, and the revocation is audited.
    let revoked = machine_token(&app, &renewed, Some("users:read")).await;
    let revocation = crate::client_post(&app, &renewed, "/revoke", &[("token", &revoked)]).await;
    assert_eq!(revocation.status(), 200);
    assert_eq!(
        Api::new(&app, &revoked).get("/api/v1/users").await.status,
        401
    );
    let revocations = api.get("/api/v1/audit-events?kind=token.revoked").await;
    assert_eq!(revocations.body["items"][0]["client_id"], erp.id.as_str());

    // Deleted: it can no longer get tokens, and a token it still holds is refused.
    let erp_token = machine_token(&app, &renewed, Some("users:read")).await;
    assert_eq!(
        api.delete(&format!("/api/v1/clients/{}", erp.id))
            .await
            .status,
        204
    );
    let (status, _) =
        crate::token_request(&app, &renewed, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 401);
    assert_eq!(
        Api::new(&app, &erp_token).get("/api/v1/users").await.status,
        401
    );

    // Signing keys: listed without private parts, rotated, published.
    let keys = api.get("/api/v1/keys").await;
    assert!(
        keys.body.to_string().contains("\"current\""),
        "{}",
        keys.body
    );
    assert!(!keys.body.to_string().contains("\"d\""));
    let rotation = api.post("/api/v1/keys/rotate", &json!({})).await;
    assert_eq!(rotation.status, 200, "{}", rotation.body);
    let new_kid = rotation.body[0]["next_kid"]
        .as_str()
        .expect("a kid")
        .to_owned();
    let jwks: Value = reqwest::get(app.url("/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .unwrap_or_default();
    assert!(jwks.to_string().contains(&new_kid), "{jwks}");

    // The audit log: filtered by kind family, with the actor, address and user agent.
    let by_operator = format!(
        "/api/v1/audit-events?kind=client.&actor=client:{}",
        operator.id
    );
    let events = api.get(&by_operator).await;
    let kinds: Vec<&str> = events.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "client.deleted",
            "client.updated",
            "client.secret_rotated",
            "client.created"
        ]
    );
    let newest = &events.body["items"][0];
    assert_eq!(newest["actor"], format!("client:{}", operator.id).as_str());
    assert_eq!(newest["client_id"], erp.id.as_str());
    assert_eq!(newest["ip_address"], "127.0.0.1");
    let page = api.get(&format!("{by_operator}&limit=3")).await;
    let cursor = page.body["next_cursor"].as_str().expect("a second page");
    let rest = api
        .get(&format!("{by_operator}&limit=3&cursor={cursor}"))
        .await;
    assert_eq!(rest.body["items"][0]["kind"], "client.created");
    let keys_rotated = api.get("/api/v1/audit-events?kind=keys.rotated").await;
    assert_eq!(keys_rotated.body["items"].as_array().map(Vec::len), Some(1));
}

/// A Django-style PBKDF2-SHA256 hash of `password`.
fn django_hash(password: &str) -> String {
    let mut digest = [0_u8; 32];
    pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(
        password.as_bytes(),
        b"s4ltS4lt",
        1000,
        &mut digest,
    );
    format!(
        "pbkdf2_sha256$1000$s4ltS4lt${}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

async fn imported_users_keep_their_passwords(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.create_studio("rossi", "Studio Rossi", &["--licence", "4711"])
        .await;
    let operator = machine(&app, ALL_SCOPES).await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let bcrypt_hash = bcrypt::hash("old bcrypt password", 4).expect("bcrypt");
    let lines = [
        json!({"email": "bruno@example.com", "email_verified": true, "name": "Bruno",
               "password_hash": bcrypt_hash,
               "memberships": [{"studio": "rossi", "username": "bruno"}]}),
        json!({"email": "carla@example.com", "email_verified": true,
               "password_hash": django_hash("old django password")}),
        json!({"email": "dario@example.com", "password_hash": "{SSHA}not-supported"}),
        json!({"email": "elena@example.com", "password_hash": bcrypt::hash("x", 4).expect("bcrypt"),
               "memberships": [{"studio": "nowhere"}]}),
    ];
    let mut body: String = lines.iter().map(|line| format!("{line}\n")).collect();
    body.push_str("{not json\n");
    let answer = reqwest::Client::new()
        .post(app.url("/api/v1/users:import"))
        .bearer_auth(&api.token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .expect("import");
    assert_eq!(answer.status(), 200);
    let report: Value = answer.json().await.expect("a report");
    let imported: Vec<&str> = report["imported"]
        .as_array()
        .expect("imported")
        .iter()
        .filter_map(|line| line["email"].as_str())
        .collect();
    assert_eq!(imported, vec!["bruno@example.com", "carla@example.com"]);
    let errors: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| {
            (
                error["line"].as_u64().unwrap_or_default(),
                error["field"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "/password_hash"),
            (4, "/memberships/0/studio"),
            (5, "/")
        ]
    );
    // Nothing of a bad line is stored.
    let elena = api.get("/api/v1/users?email=elena").await;
    assert_eq!(elena.body["items"].as_array().map(Vec::len), Some(0));
    assert!(app.password_hash("dario@example.com").await.is_none());

    // The old password works once through the old hash, which is then argon2id.
    assert!(
        app.password_hash("bruno@example.com")
            .await
            .is_some_and(|hash| hash.starts_with("$2b$"))
    );
    assert!(!can_sign_in(&app, "bruno@4711", "wrong bcrypt password").await);
    assert!(can_sign_in(&app, "bruno@4711", "old bcrypt password").await);
    let upgraded = app
        .password_hash("bruno@example.com")
        .await
        .expect("a hash");
    assert!(upgraded.starts_with("$argon2id$"), "{upgraded}");
    assert!(can_sign_in(&app, "bruno@example.com", "old bcrypt password").await);
    assert!(can_sign_in(&app, "carla@example.com", "old django password").await);
    assert!(
        app.password_hash("carla@example.com")
            .await
            .is_some_and(|hash| hash.starts_with("$argon2id$"))
    );

    // The command line imports the same format and reports refused lines by number.
    let file = tempfile::NamedTempFile::new().expect("a file");
    std::fs::write(
        file.path(),
        format!(
            "{}\n\n{}\n",
            json!({"email": "fabio@example.com", "email_verified": true,
                   "password_hash": bcrypt::hash("fabio's password", 4).expect("bcrypt")}),
            json!({"email": "bruno@example.com", "password_hash": bcrypt_hash}),
        ),
    )
    .expect("written");
    let path = file.path().display().to_string();
    let output = app.cli(&["users", "import", &path], "").await;
    assert_eq!(output.exit_code, 3, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "line 3: /email: a user with the e-mail \"bruno@example.com\" already exists"
        ),
        "{}",
        output.stderr
    );
    assert!(can_sign_in(&app, "fabio@example.com", "fabio's password").await);
}

async fn conventions_hold_for_every_request(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("api", "requests_per_minute", "12")
        .start()
        .await;
    let operator = machine(&app, ALL_SCOPES).await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);

    let not_json = api
        .send(
            api.http
                .post(api.url("/api/v1/studios"))
                .header("content-type", "application/json")
                .body("{\"slug\": "),
        )
        .await;
    assert_eq!(not_json.status, 400);
    assert_eq!(
        not_json.problem(),
        "urn:gatehouse:problem:malformed-request"
    );
    let huge = api
        .send(
            api.http
                .patch(api.url("/api/v1/studios/anything"))
                .header("content-type", "application/json")
                .body(format!("{{\"name\": \"{}\"}}", "x".repeat(100 * 1024))),
        )
        .await;
    assert_eq!(huge.status, 413, "{}", huge.body);
    let unknown = api.get("/api/v1/nothing-here").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.problem(), "urn:gatehouse:problem:not-found");

    // The caller's allowance per minute: the next request waits.
    let mut limited = None;
    for _ in 0..12 {
        let answer = api.get("/api/v1/studios").await;
        if answer.status == 429 {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("the allowance runs out within the minute");
    assert!(
        limited
            .header("retry-after")
            .and_then(|seconds| seconds.parse::<i64>().ok())
            .is_some_and(|seconds| (1..=60).contains(&seconds))
    );
    assert_eq!(limited.problem(), "urn:gatehouse:problem:rate-limited");
}

async fn every_api_route_is_in_the_served_openapi_document(backend: Backend) {
    let app = TestApp::start(backend).await;
    let served = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("the document");
    assert_eq!(served.status(), 200);
    let text = served.text().await.expect("text");
    let document: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], app.base_url.as_str());

    // It parses as an OpenAPI 3.1 document, and every reference in it resolves.
    oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let pointer = reference.trim_start_matches('#');
        assert!(
            document.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }

    // Each route the server answers is documented, and each documented one is served.
    let routes = gatehouse_server::api::routes();
    for (method, path) in routes.listed() {
        if *path == "/api/v1/openapi.json" {
            continue;
        }
        let operation = &document["paths"][*path][method.as_str().to_lowercase()];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(
            operation["security"][0]["gatehouse"].is_array(),
            "{method} {path} names no scope"
        );
    }
    let documented: usize = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, serde_json::Map::len))
        .sum();
    assert_eq!(documented, routes.listed().len() - 1);
}

fn collect_references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref"
                    && let Some(reference) = inner.as_str()
                {
                    into.push(reference.to_owned());
                }
                collect_references(inner, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_references(item, into)),
        _ => {}
    }
}

async fn audit_events_are_kept_for_the_retention_period(backend: Backend) {
    let app = TestApp::builder(backend)
        .with_setting("audit", "retention_days", "30")
        .start()
        .await;
    let operator = machine(&app, ALL_SCOPES).await;
    let old = Api::new(&app, &machine_token(&app, &operator, None).await);
    let created = old
        .post(
            "/api/v1/users",
            &json!({"email": "old@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(created.status, 201);

    app.clock.advance(31 * 24 * 3600);
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let recent = api
        .post(
            "/api/v1/users",
            &json!({"email": "new@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(recent.status, 201);
    let before = api.get("/api/v1/audit-events?kind=user.created").await;
    assert_eq!(before.body["items"].as_array().map(Vec::len), Some(2));

    let output = app.cli(&["maintenance"], "").await;
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    let after = api.get("/api/v1/audit-events?kind=user.created").await;
    let kept: Vec<&Value> = after.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .collect();
    assert_eq!(kept.len(), 1, "{}", after.body);
    assert_eq!(kept[0]["user_id"], recent.body["id"]);
}

async fn upstream_providers_are_configured_with_their_secrets_sealed(backend: Backend) {
    let app = TestApp::start(backend).await;
    let operator = machine(&app, ALL_SCOPES).await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let secret = "facebook-app-secret-4f1c2a9e";

    let created = api
        .post(
            "/api/v1/providers",
            &json!({
                "id": "facebook",
                "kind": "facebook",
                "client_id": "1234567890",
                "client_secret": secret,
                "button_order": 2,
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["display_name"], "Facebook");
    assert_eq!(created.body["has_client_secret"], true);
    assert_eq!(
        created.body["redirect_uri"],
        app.url("/login/upstream/facebook/callback")
    );
    assert!(!created.body.to_string().contains(secret));
    // Sealed at rest like signing keys: the secret's text is in no column.
    assert!(app.columns_containing(secret).is_empty());

    // A generic OpenID Connect provider needs its issuer; http only on loopback.
    let refused = api
        .post(
            "/api/v1/providers",
            &json!({ "id": "corp", "kind": "oidc", "client_id": "gatehouse" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.fields(), vec!["/issuer".to_owned()]);
    let refused = api
        .post(
            "/api/v1/providers",
            &json!({ "id": "corp", "kind": "oidc", "client_id": "gatehouse", "issuer": "http://sso.example.com" }),
        )
        .await;
    assert_eq!(refused.fields(), vec!["/issuer".to_owned()]);
    let taken = api
        .post(
            "/api/v1/providers",
            &json!({ "id": "facebook", "kind": "facebook", "client_id": "x" }),
        )
        .await;
    assert_eq!(taken.status, 409);
    let google = api
        .post(
            "/api/v1/providers",
            &json!({ "id": "google", "kind": "google", "client_id": "apps.googleusercontent.com", "client_secret": "g", "button_order": 1 }),
        )
        .await;
    assert_eq!(google.status, 201, "{}", google.body);

    // Button order decides the list and the sign-in page.
    let listed = api.get("/api/v1/providers").await;
    let ids: Vec<&str> = listed
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|provider| provider["id"].as_str())
        .collect();
    assert_eq!(ids, vec!["google", "facebook"]);
    let page = app.browser().get("/login").await;
    let google_at = page
        .body
        .find("Continue with Google")
        .expect("Google's button");
    let facebook_at = page
        .body
        .find("Continue with Facebook")
        .expect("Facebook's button");
    assert!(google_at < facebook_at);

    // Switched off, it leaves the sign-in page.
    let changed = api
        .patch(
            "/api/v1/providers/facebook",
            &json!({ "enabled": false, "display_name": "Meta" }),
            None,
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["display_name"], "Meta");
    assert_eq!(changed.body["has_client_secret"], true);
    assert!(!app.browser().get("/login").await.body.contains("Meta"));

    // A studio offers the providers it lists, and may create accounts at a first sign-in.
    let studio = api
        .post(
            "/api/v1/studios",
            &json!({ "slug": "acme", "name": "Acme" }),
        )
        .await;
    assert_eq!(studio.status, 201, "{}", studio.body);
    let tag = studio.header("etag").map(str::to_owned);
    let studio = api
        .patch(
            "/api/v1/studios/acme",
            &json!({
                "allowed_providers": ["google"],
                "upstream_provisioning": { "enabled": true, "email_domains": ["acme.example"] },
                "trust_upstream_mfa": true,
            }),
            tag.as_deref(),
        )
        .await;
    assert_eq!(studio.status, 200, "{}", studio.body);
    assert_eq!(
        studio.body["settings"]["allowed_providers"],
        json!(["google"])
    );
    assert_eq!(
        studio.body["settings"]["upstream_provisioning"]["email_domains"],
        json!(["acme.example"])
    );
    assert_eq!(studio.body["settings"]["trust_upstream_mfa"], true);

    // An account's linked identities are listed (none yet) and an unknown one is a 404.
    let user = api
        .post(
            "/api/v1/users",
            &json!({ "email": "ivan@acme.example", "password": PASSWORD }),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.body);
    let id = user.body["id"].as_str().expect("id");
    let identities = api.get(&format!("/api/v1/users/{id}/identities")).await;
    assert_eq!(identities.status, 200);
    assert_eq!(identities.body, json!([]));
    let missing = api
        .delete(&format!("/api/v1/users/{id}/identities/google"))
        .await;
    assert_eq!(missing.status, 404);

    // Removed, and its removal is in the audit log.
    assert_eq!(api.delete("/api/v1/providers/facebook").await.status, 204);
    assert_eq!(api.get("/api/v1/providers/facebook").await.status, 404);
    let events = api.get("/api/v1/audit-events?kind=provider.").await;
    let kinds: Vec<&str> = events.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"provider.created"), "{kinds:?}");
    assert!(kinds.contains(&"provider.updated"), "{kinds:?}");
    assert!(kinds.contains(&"provider.deleted"), "{kinds:?}");

    // Without the scope, nothing.
    let reader = machine(&app, "users:read").await;
    let reader = Api::new(&app, &machine_token(&app, &reader, None).await);
    assert_eq!(reader.get("/api/v1/providers").await.status, 403);
}

gatehouse_tests::on_both_backends!(
    upstream_providers_are_configured_with_their_secrets_sealed,
    audit_events_are_kept_for_the_retention_period,
    machines_manage_users_with_versions_and_idempotency,
    scopes_and_studios_limit_what_a_token_may_do,
    applications_keys_and_the_audit_log,
    imported_users_keep_their_passwords,
    conventions_hold_for_every_request,
    every_api_route_is_in_the_served_openapi_document,
);
