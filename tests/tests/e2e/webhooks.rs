//! Webhooks, received as another system would: a receiver on its own port that checks the
//! Standard Webhooks signature with the secret the API showed once, answers as it likes,
//! and is told when accounts are closed or purged.

use crate::api::{Api, machine, machine_token, person_token};
use crate::{EMAIL, PASSWORD, World};
use base64::Engine as _;
use gatehouse_tests::{Backend, TestApp};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    /// The last path segment: which webhook it was sent to.
    endpoint: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    /// Whether the signature is the HMAC-SHA-256 of `id.timestamp.body` under `secret`,
    /// computed here as a receiver's library would.
    fn is_signed_with(&self, secret: &str) -> bool {
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
            .expect("base64");
        // pbkdf2's SHA-256 is the one this hmac version takes.
        let mut mac =
            hmac::Hmac::<pbkdf2::sha2::Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        );
        self.signature.split(' ').any(|given| given == expected)
    }
}

/// An HTTP receiver answering every post with a status that can be changed.
#[derive(Clone)]
struct Receiver {
    base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> Self {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let (kept, answer) = (received.clone(), status.clone());
        let router = axum::Router::new().route(
            "/hooks/{endpoint}",
            axum::routing::post(
                move |axum::extract::Path(endpoint): axum::extract::Path<String>,
                      headers: http::HeaderMap,
                      body: String| {
                    let (kept, answer) = (kept.clone(), answer.clone());
                    async move {
                        let header = |name: &str| {
                            headers
                                .get(name)
                                .and_then(|value| value.to_str().ok())
                                .unwrap_or_default()
                                .to_owned()
                        };
                        kept.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(Received {
                                endpoint,
                                id: header("webhook-id"),
                                timestamp: header("webhook-timestamp"),
                                signature: header("webhook-signature"),
                                body,
                            });
                        http::StatusCode::from_u16(answer.load(Ordering::SeqCst))
                            .unwrap_or(http::StatusCode::OK)
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let base_url = format!(
            "http://127.0.0.1:{}/hooks",
            listener.local_addr().expect("address").port()
        );
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            base_url,
            received,
            status,
        }
    }

    fn url(&self, endpoint: &str) -> String {
        format!("{}/{endpoint}", self.base_url)
    }

    fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn received_at(&self, endpoint: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|request| request.endpoint == endpoint)
            .cloned()
            .collect()
    }

    /// Waits (up to 20 s) until `endpoint` got a request for which `wanted` holds.
    async fn wait_for(
        &self,
        endpoint: &str,
        what: &str,
        wanted: impl Fn(&Received) -> bool,
    ) -> Received {
        gatehouse_tests::eventually(
            Duration::from_secs(20),
            async || self.received_at(endpoint).into_iter().find(&wanted),
            || {
                format!(
                    "{endpoint} never received {what}; it got {:?}",
                    self.received_at(endpoint)
                )
            },
        )
        .await
    }
}

fn quick_outbox(backend: Backend) -> gatehouse_tests::TestAppBuilder {
    TestApp::builder(backend)
        .with_setting("outbox", "poll_interval_seconds", "1")
        .with_setting("outbox", "retry_base_seconds", "1")
        .with_setting("outbox", "max_attempts", "2")
}

async fn events_reach_webhooks_signed_and_applications_hear_of_closed_and_purged_accounts(
    backend: Backend,
) {
    let app = quick_outbox(backend).start().await;
    let receiver = Receiver::start().await;
    let operator = machine(&app, "users:write studios:write webhooks:write").await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    app.create_studio("rossi", "Studio Rossi", &[]).await;
    app.create_studio("bianchi", "Studio Bianchi", &[]).await;
    let giulia = app.create_user(EMAIL, PASSWORD).await;
    app.add_member("rossi", EMAIL, "member", None).await;
    let lucia = app.create_user("lucia@example.com", PASSWORD).await;
    app.add_member("bianchi", "lucia@example.com", "member", None)
        .await;

    // Receivers that cannot be trusted with events are refused, naming the field.
    for (body, field) in [
        (
            json!({"url": "http://erp.example/hooks", "events": ["account.*"]}),
            "/url",
        ),
        (
            json!({"url": receiver.url("x"), "events": ["Account.Closed"]}),
            "/events",
        ),
        (json!({"url": receiver.url("x"), "events": []}), "/events"),
        (
            json!({"url": "https://user:pw@erp.example/", "events": ["*"]}),
            "/url",
        ),
    ] {
        let refused = api.post("/api/v1/webhooks", &body).await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(refused.fields(), [field], "{}", refused.body);
    }

    // The relying application's receiver: account events of the whole instance.
    let instance = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": receiver.url("portal"), "events": ["account.*"], "description": "Customer portal"}),
        )
        .await;
    assert_eq!(instance.status, 201, "{}", instance.body);
    let portal_secret = instance.body["secret"]
        .as_str()
        .expect("a secret")
        .to_owned();
    assert!(portal_secret.starts_with("whsec_"));
    assert_eq!(instance.body["events"], json!(["account.*"]));
    // Studio Rossi's ERP: everything about Rossi and its members.
    let studio = api
        .post(
            "/api/v1/webhooks",
            &json!({"studio": "rossi", "url": receiver.url("rossi"), "events": ["*"]}),
        )
        .await;
    assert_eq!(studio.status, 201, "{}", studio.body);
    assert_eq!(studio.body["studio"], "rossi");
    let rossi_secret = studio.body["secret"].as_str().expect("a secret").to_owned();

    // The secret is shown once: never in a listing or a read.
    let listed = api.get("/api/v1/webhooks").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body.as_array().map(Vec::len), Some(2));
    assert!(!listed.body.to_string().contains(&portal_secret[6..]));
    let instance_id = instance.body["id"].as_str().expect("an id");
    let read = api.get(&format!("/api/v1/webhooks/{instance_id}")).await;
    assert_eq!(read.body["description"], "Customer portal");
    assert!(read.body.get("secret").is_none(), "{}", read.body);

    // Giulia (Rossi) closes her account; Lucia (Bianchi) is purged.
    let closed = api
        .post(&format!("/api/v1/users/{giulia}/close"), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(
        api.delete(&format!("/api/v1/users/{lucia}")).await.status,
        204
    );

    let is = |kind: &'static str, user: &str| {
        let user = user.to_owned();
        move |request: &Received| {
            let event = request.event();
            event["type"] == kind && event["data"]["user_id"] == user.as_str()
        }
    };
    let closure = receiver
        .wait_for("portal", "account.closed", is("account.closed", &giulia))
        .await;
    let purge = receiver
        .wait_for("portal", "account.purged", is("account.purged", &lucia))
        .await;
    for delivery in [&closure, &purge] {
        assert!(delivery.is_signed_with(&portal_secret), "{delivery:?}");
        assert!(!delivery.is_signed_with(&rossi_secret), "{delivery:?}");
        let sent_at: i64 = delivery.timestamp.parse().expect("a Unix time");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        assert!(sent_at.abs_diff(i64::try_from(now).expect("fits")) < 120);
        assert!(!delivery.id.is_empty());
    }
    // Nothing personal beyond the account id goes out.
    assert!(!closure.body.contains(EMAIL) && !closure.body.contains("127.0.0.1"));
    // The portal subscribed to account events only.
    assert!(
        receiver
            .received_at("portal")
            .iter()
            .all(|request| request.event()["type"]
                .as_str()
                .is_some_and(|kind| kind.starts_with("account."))),
        "{:?}",
        receiver.received_at("portal")
    );

    // Rossi's webhook hears of its member, not of Bianchi's.
    let rossi_closure = receiver
        .wait_for("rossi", "account.closed", is("account.closed", &giulia))
        .await;
    assert!(rossi_closure.is_signed_with(&rossi_secret));
    assert!(
        receiver
            .received_at("rossi")
            .iter()
            .all(|request| request.event()["data"]["user_id"] != lucia.as_str()),
        "{:?}",
        receiver.received_at("rossi")
    );

    // The deliveries are listed with their state.
    let delivered = api
        .get(&format!(
            "/api/v1/webhooks/{instance_id}/deliveries?state=delivered"
        ))
        .await;
    assert_eq!(delivered.status, 200, "{}", delivered.body);
    let types: Vec<&str> = delivered
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|delivery| delivery["event_type"].as_str())
        .collect();
    assert!(
        types.contains(&"account.closed") && types.contains(&"account.purged"),
        "{types:?}"
    );

    // A rotated secret signs what follows; the old one no longer does.
    let rotated = api
        .patch(
            &format!("/api/v1/webhooks/{instance_id}"),
            &json!({"rotate_secret": true}),
            None,
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["secret"]
        .as_str()
        .expect("a new secret")
        .to_owned();
    assert_ne!(new_secret, portal_secret);
    let reopened = api
        .post(&format!("/api/v1/users/{giulia}/reopen"), &json!({}))
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    let reopening = receiver
        .wait_for(
            "portal",
            "account.reactivated",
            is("account.reactivated", &giulia),
        )
        .await;
    assert!(reopening.is_signed_with(&new_secret));
    assert!(!reopening.is_signed_with(&portal_secret));

    // Without the scope, nothing.
    let reader = machine(&app, "users:read").await;
    let outsider = Api::new(&app, &machine_token(&app, &reader, None).await);
    let refused = outsider.get("/api/v1/webhooks").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(
        refused.problem(),
        "urn:gatehouse:problem:insufficient-scope"
    );
}

async fn failed_deliveries_are_retried_then_kept_as_dead_letters_until_sent_again(
    backend: Backend,
) {
    let app = quick_outbox(backend).start().await;
    let receiver = Receiver::start().await;
    receiver.answer_with(503);
    let operator = machine(&app, "users:write webhooks:write").await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let created = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": receiver.url("hr"), "events": ["user.created"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    let secret = created.body["secret"]
        .as_str()
        .expect("a secret")
        .to_owned();
    let user = api
        .post(
            "/api/v1/users",
            &json!({"email": "nuovo@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.body);

    // Two attempts (max_attempts), then a dead letter with the receiver's answer.
    let dead = gatehouse_tests::eventually(
        Duration::from_secs(30),
        async || {
            let failed = api
                .get(&format!("/api/v1/webhooks/{id}/deliveries?state=failed"))
                .await;
            assert_eq!(failed.status, 200, "{}", failed.body);
            failed
                .body
                .as_array()
                .and_then(|list| list.first())
                .cloned()
        },
        || {
            format!(
                "no dead letter; the receiver got {:?}",
                receiver.received_at("hr")
            )
        },
    )
    .await;
    assert_eq!(dead["attempts"], 2, "{dead}");
    assert_eq!(dead["event_type"], "user.created");
    assert!(
        dead["last_error"]
            .as_str()
            .is_some_and(|error| error.contains("503")),
        "{dead}"
    );
    let attempts = receiver.received_at("hr");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(attempts.iter().all(|attempt| attempt.id == attempts[0].id));
    assert_eq!(dead["id"], attempts[0].id.as_str());

    // Sent again once the receiver is back: the same id, so it can tell it is no new event.
    receiver.answer_with(200);
    let delivery = dead["id"].as_str().expect("an id");
    let retried = api
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/retry"),
            &json!({}),
        )
        .await;
    assert_eq!(retried.status, 202, "{}", retried.body);
    let arrived = receiver
        .wait_for("hr", "the retried delivery", |request| {
            request.id == delivery
        })
        .await;
    assert!(arrived.is_signed_with(&secret));
    gatehouse_tests::eventually(
        Duration::from_secs(20),
        async || {
            let delivered = api
                .get(&format!("/api/v1/webhooks/{id}/deliveries?state=delivered"))
                .await;
            delivered
                .body
                .as_array()
                .is_some_and(|list| list.len() == 1)
                .then_some(())
        },
        || "the retried delivery is never listed as delivered".to_owned(),
    )
    .await;
    // Only dead letters are retried.
    let again = api
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/retry"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, 404, "{}", again.body);

    // A removed webhook gets nothing more, while one kept beside it does.
    let kept = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": receiver.url("kept"), "events": ["user.created"]}),
        )
        .await;
    assert_eq!(kept.status, 201, "{}", kept.body);
    assert_eq!(
        api.delete(&format!("/api/v1/webhooks/{id}")).await.status,
        204
    );
    assert_eq!(api.get(&format!("/api/v1/webhooks/{id}")).await.status, 404);
    let before = receiver.received_at("hr").len();
    let another = api
        .post(
            "/api/v1/users",
            &json!({"email": "altro@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(another.status, 201, "{}", another.body);
    let another_id = another.body["id"].as_str().expect("an id").to_owned();
    receiver
        .wait_for("kept", "the second user's creation", |request| {
            request.event()["data"]["user_id"] == another_id.as_str()
        })
        .await;
    assert_eq!(receiver.received_at("hr").len(), before);
    let audit = Api::new(
        &app,
        &machine_token(&app, &machine(&app, "audit:read").await, None).await,
    )
    .get("/api/v1/audit-events?kind=webhook.")
    .await;
    let kinds: Vec<&str> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"webhook.created") && kinds.contains(&"webhook.deleted"),
        "{kinds:?}"
    );
}

async fn studio_admins_manage_only_their_studios_webhooks(backend: Backend) {
    let world = World::start_with(
        TestApp::start(backend).await,
        &[
            "--first-party",
            "--scopes",
            "openid profile email webhooks:read webhooks:write",
        ],
    )
    .await;
    let app = &world.app;
    app.create_studio("rossi", "Studio Rossi", &[]).await;
    app.create_studio("bianchi", "Studio Bianchi", &[]).await;
    app.add_member("rossi", EMAIL, "admin", None).await;
    let operator = machine(app, "webhooks:write").await;
    let operator = Api::new(app, &machine_token(app, &operator, None).await);
    let bianchi = operator
        .post(
            "/api/v1/webhooks",
            &json!({"studio": "bianchi", "url": "https://erp.example/bianchi", "events": ["*"]}),
        )
        .await;
    assert_eq!(bianchi.status, 201, "{}", bianchi.body);
    let instance = operator
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://siem.example/all", "events": ["*"]}),
        )
        .await;
    assert_eq!(instance.status, 201, "{}", instance.body);

    let admin = Api::new(
        app,
        &person_token(&world, EMAIL, &["webhooks:read", "webhooks:write"]).await,
    );
    let own = admin
        .post(
            "/api/v1/webhooks",
            &json!({"studio": "rossi", "url": "https://erp.example/rossi", "events": ["account.*"]}),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.body);
    for body in [
        json!({"url": "https://erp.example/everything", "events": ["*"]}),
        json!({"studio": "bianchi", "url": "https://erp.example/theirs", "events": ["*"]}),
    ] {
        let refused = admin.post("/api/v1/webhooks", &body).await;
        assert_eq!(refused.status, 403, "{body}: {}", refused.body);
    }
    let listed = admin.get("/api/v1/webhooks").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let urls: Vec<&str> = listed
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|hook| hook["url"].as_str())
        .collect();
    assert_eq!(urls, ["https://erp.example/rossi"]);
    let theirs = bianchi.body["id"].as_str().expect("an id");
    assert_eq!(
        admin
            .get(&format!("/api/v1/webhooks/{theirs}"))
            .await
            .status,
        404
    );
    assert_eq!(
        admin
            .delete(&format!("/api/v1/webhooks/{theirs}"))
            .await
            .status,
        404
    );
    let everyone = instance.body["id"].as_str().expect("an id");
    assert_eq!(
        admin
            .delete(&format!("/api/v1/webhooks/{everyone}"))
            .await
            .status,
        403
    );
    assert_eq!(
        operator
            .get(&format!("/api/v1/webhooks/{everyone}"))
            .await
            .status,
        200
    );
}

gatehouse_tests::on_both_backends!(
    studio_admins_manage_only_their_studios_webhooks,
    events_reach_webhooks_signed_and_applications_hear_of_closed_and_purged_accounts,
    failed_deliveries_are_retried_then_kept_as_dead_letters_until_sent_again,
);
