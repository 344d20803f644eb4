//! SCIM provisioning, driven with the requests Microsoft Entra ID and Okta send: they find
//! users by `userName`, create them, change them with PATCH (each in its own dialect), switch
//! them off and delete them, and keep groups' members in step.

use crate::api::{Api, machine, machine_token};
use crate::{EMAIL, PASSWORD};
use gatehouse_server::i18n::translate;
use gatehouse_tests::mail::{MailSink, SmsSink};
use gatehouse_tests::{Backend, TestApp};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const SCIM_ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A provisioning client holding one bearer token.
struct Scim {
    base_url: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// A SCIM answer.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The ids of a list response's resources.
    fn ids(&self) -> Vec<String> {
        self.body["Resources"]
            .as_array()
            .map(|resources| {
                resources
                    .iter()
                    .filter_map(|resource| resource["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts a SCIM error with `status` and `scim_type`.
    fn assert_error(&self, status: u16, scim_type: Option<&str>) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["schemas"], json!([SCIM_ERROR]), "{}", self.body);
        assert_eq!(self.body["status"], status.to_string(), "{}", self.body);
        assert_eq!(self.body["scimType"].as_str(), scim_type, "{}", self.body);
        assert!(
            self.body["detail"]
                .as_str()
                .is_some_and(|detail| !detail.is_empty()),
            "{}",
            self.body
        );
        assert_eq!(self.header("content-type"), Some("application/scim+json"));
    }
}

impl Scim {
    fn new(app: &TestApp, token: Option<&str>) -> Self {
        Self {
            base_url: app.base_url.clone(),
            token: token.map(str::to_owned),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}/scim/v2{path}", self.base_url))
            .header("accept", "application/scim+json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("SCIM request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn patch(&self, path: &str, operations: &Value) -> Answer {
        let body = json!({"schemas": [PATCH_OP], "Operations": operations});
        self.send(reqwest::Method::PATCH, path, Some(&body)).await
    }

    async fn delete(&self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// `GET /Users?filter=…`, the filter encoded as a client does.
    async fn find(&self, resource: &str, filter: &str, extra: &str) -> Answer {
        let mut url = url::Url::parse("http://x/").expect("a URL");
        url.query_pairs_mut().append_pair("filter", filter);
        let query = url.query().unwrap_or_default().to_owned();
        self.get(&format!("/{resource}?{query}{extra}")).await
    }
}

async fn provisioning_token(app: &TestApp) -> String {
    let connector = machine(app, "users:write studios:write").await;
    machine_token(app, &connector, None).await
}

/// Whether `email` can sign in on the hosted login page with `password`.
async fn can_sign_in(app: &TestApp, email: &str, password: &str) -> bool {
    app.browser()
        .submit_login("/login", email, password, false)
        .await
        .status
        .is_redirection()
}

async fn entra_id_provisions_changes_and_deletes_users_and_keeps_groups_in_step(backend: Backend) {
    let mail = MailSink::start().await;
    let sms = SmsSink::start().await;
    let app = TestApp::builder(backend)
        .with_messaging(&mail, &sms)
        .start()
        .await;
    let scim = Scim::new(&app, Some(&provisioning_token(&app).await));

    // What the service provider says it supports, as Entra ID's connector test reads it.
    let config = scim.get("/ServiceProviderConfig").await;
    assert_eq!(config.status, 200, "{}", config.body);
    assert_eq!(config.body["patch"]["supported"], true);
    assert_eq!(config.body["bulk"]["supported"], false);
    let types = scim.get("/ResourceTypes").await;
    assert_eq!(types.ids(), ["User", "Group"]);
    let schemas = scim.get("/Schemas").await;
    assert!(schemas.body.to_string().contains("\"userName\""));

    // Entra ID first looks the user up by userName, then creates them.
    let bea = "bea.verdi@contoso.example";
    let missing = scim
        .find("Users", &format!("userName eq \"{bea}\""), "")
        .await;
    assert_eq!(missing.status, 200, "{}", missing.body);
    assert_eq!(missing.body["totalResults"], 0);
    let entra_user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": "bea.verdi",
        "userName": bea,
        "active": true,
        "displayName": "Bea Verdi",
        "title": "Sales manager",
        "preferredLanguage": "it-IT",
        "emails": [{"primary": true, "type": "work", "value": bea}],
        "name": {"formatted": "Bea Verdi", "familyName": "Verdi", "givenName": "Bea"},
        "addresses": [{"type": "work", "locality": "Milano", "country": "IT", "primary": false}],
        ENTERPRISE: {"department": "Sales", "organization": "Contoso Italia"},
    });
    let created = scim.post("/Users", &entra_user).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    assert_eq!(created.body["userName"], bea);
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["name"]["formatted"], "Bea Verdi");
    assert_eq!(created.body["title"], "Sales manager");
    assert_eq!(created.body["preferredLanguage"], "it");
    assert_eq!(created.body[ENTERPRISE]["organization"], "Contoso Italia");
    assert_eq!(
        created.header("location"),
        Some(format!("{}/scim/v2/Users/{id}", app.base_url).as_str())
    );
    assert!(
        created
            .header("etag")
            .is_some_and(|etag| etag.starts_with("W/\""))
    );
    // Provisioned without a password: the user is invited to choose one, in Italian.
    let invitation = mail.wait_for(bea, 1).await;
    assert_eq!(
        invitation[0].subject,
        translate("it", "mail-activation-subject", &[])
    );
    assert!(
        invitation[0].link(&app.base_url).is_some(),
        "{}",
        invitation[0].text
    );

    // A second create of the same userName is a uniqueness conflict, as Entra ID expects.
    scim.post("/Users", &entra_user)
        .await
        .assert_error(409, Some("uniqueness"));

    let found = scim
        .find(
            "Users",
            &format!("userName eq \"{}\"", bea.to_uppercase()),
            "",
        )
        .await;
    assert_eq!(found.ids(), [id.as_str()], "{}", found.body);

    // Entra ID's PATCH: capitalised operations, one name part, a value filter path.
    let changed = scim
        .patch(
            &format!("/Users/{id}"),
            &json!([
                {"op": "Replace", "path": "name.familyName", "value": "Bianchi"},
                {"op": "Add", "path": "title", "value": "Head of sales"},
                {"op": "Add", "path": "emails[type eq \"work\"].value", "value": bea},
                {"op": "Replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+39 02 1234 5678"},
                {"op": "Replace", "path": format!("{ENTERPRISE}:organization"), "value": "Contoso SpA"},
            ]),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["name"]["formatted"], "Bea Bianchi");
    assert_eq!(changed.body["displayName"], "Bea Bianchi");
    assert_eq!(changed.body["title"], "Head of sales");
    assert_eq!(changed.body["phoneNumbers"][0]["value"], "+390212345678");
    // The management API sees the same account.
    let operator = machine(&app, "users:read studios:read").await;
    let api = Api::new(&app, &machine_token(&app, &operator, None).await);
    let account = api.get(&format!("/api/v1/users/{id}")).await;
    assert_eq!(account.body["name"], "Bea Bianchi", "{}", account.body);
    assert_eq!(account.body["profile"]["job_title"], "Head of sales");
    assert_eq!(account.body["profile"]["company"], "Contoso SpA");
    assert_eq!(account.body["profile"]["city"], "Milano");

    // Groups: Entra ID creates the group, finds it by name without its members, and adds
    // and removes members by listing them.
    let existing = app.create_user(EMAIL, PASSWORD).await;
    let group = scim
        .post(
            "/Groups",
            &json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "externalId": "b9a7",
                "displayName": "Studio Verdi & Figli",
                "members": [{"value": existing}],
            }),
        )
        .await;
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.body["id"].as_str().expect("an id").to_owned();
    assert_eq!(group.body["members"][0]["value"], existing.as_str());
    assert_eq!(group.body["members"][0]["display"], EMAIL);
    let studio = api.get("/api/v1/studios/studio-verdi-figli").await;
    assert_eq!(studio.status, 200, "{}", studio.body);
    assert_eq!(studio.body["name"], "Studio Verdi & Figli");

    let by_name = scim
        .find(
            "Groups",
            "displayName eq \"Studio Verdi & Figli\"",
            "&excludedAttributes=members",
        )
        .await;
    assert_eq!(by_name.ids(), [group_id.as_str()], "{}", by_name.body);
    assert!(by_name.body["Resources"][0].get("members").is_none());

    let added = scim
        .patch(
            &format!("/Groups/{group_id}"),
            &json!([{"op": "Add", "path": "members", "value": [{"value": id}]}]),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let members = api.get("/api/v1/studios/studio-verdi-figli/members").await;
    assert!(members.body.to_string().contains(bea), "{}", members.body);
    // Bea's User now names the group.
    let user = scim.get(&format!("/Users/{id}")).await;
    assert_eq!(user.body["groups"][0]["value"], group_id.as_str());
    assert_eq!(user.body["groups"][0]["display"], "Studio Verdi & Figli");
    let in_group = scim
        .find("Users", &format!("groups.value eq \"{group_id}\""), "")
        .await;
    assert_eq!(in_group.body["totalResults"], 2, "{}", in_group.body);

    let removed = scim
        .patch(
            &format!("/Groups/{group_id}"),
            &json!([{"op": "Remove", "path": "members", "value": [{"value": existing}]}]),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let left: Vec<&str> = removed.body["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|member| member["value"].as_str())
        .collect();
    assert_eq!(left, [id.as_str()]);
    // A group is not deleted with the directory's: the studio stays.
    scim.delete(&format!("/Groups/{group_id}"))
        .await
        .assert_error(403, None);

    // Deleting the user purges the account.
    assert_eq!(scim.delete(&format!("/Users/{id}")).await.status, 204);
    scim.get(&format!("/Users/{id}"))
        .await
        .assert_error(404, None);
    assert!(!app.account_exists(bea).await);
    let gone = scim
        .find("Users", &format!("userName eq \"{bea}\""), "")
        .await;
    assert_eq!(gone.body["totalResults"], 0);
}

async fn okta_switches_users_off_and_on_replaces_them_and_pages_through_them(backend: Backend) {
    let app = TestApp::start(backend).await;
    let scim = Scim::new(&app, Some(&provisioning_token(&app).await));

    // Okta sends the password it manages.
    let okta_user = |email: &str, given: &str, active: bool| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": email,
            "name": {"givenName": given, "familyName": "Rossi"},
            "emails": [{"primary": true, "value": email, "type": "work"}],
            "displayName": format!("{given} Rossi"),
            "locale": "en-US",
            "externalId": "00u1ab",
            "groups": [],
            "password": PASSWORD,
            "active": active,
        })
    };
    let giulia = "giulia@rossi.example";
    let created = scim
        .post("/Users", &okta_user(giulia, "Giulia", true))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    assert!(created.body.get("password").is_none(), "never returned");
    assert!(can_sign_in(&app, giulia, PASSWORD).await);

    // Deactivation, Okta style: a replace without a path.
    let off = scim
        .patch(
            &format!("/Users/{id}"),
            &json!([{"op": "replace", "value": {"active": false}}]),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["active"], false);
    assert!(!can_sign_in(&app, giulia, PASSWORD).await);
    let inactive = scim.find("Users", "active eq false", "").await;
    assert_eq!(inactive.ids(), [id.as_str()], "{}", inactive.body);

    // Okta updates a profile with a PUT of the whole user: a new name, active again; the
    // title it no longer sends is cleared.
    scim.patch(
        &format!("/Users/{id}"),
        &json!([{"op": "add", "path": "title", "value": "Partner"}]),
    )
    .await;
    let mut replacement = okta_user(giulia, "Giulia Maria", true);
    replacement
        .as_object_mut()
        .expect("an object")
        .remove("password");
    let replaced = scim.put(&format!("/Users/{id}"), &replacement).await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.body["active"], true);
    assert_eq!(replaced.body["name"]["formatted"], "Giulia Maria Rossi");
    assert!(replaced.body.get("title").is_none(), "{}", replaced.body);
    assert!(can_sign_in(&app, giulia, PASSWORD).await);
    // The userName is the sign-in address; a directory does not change it.
    scim.put(
        &format!("/Users/{id}"),
        &okta_user("other@rossi.example", "G", true),
    )
    .await
    .assert_error(400, Some("mutability"));
    // A password that breaks the policy is refused, naming the attribute.
    let weak = scim
        .patch(
            &format!("/Users/{id}"),
            &json!([{"op": "replace", "path": "password", "value": "short"}]),
        )
        .await;
    weak.assert_error(400, Some("invalidValue"));
    assert!(
        weak.body["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("password")
    );

    // Okta's import pages through every user.
    for index in 0..4 {
        let email = format!("user{index}@rossi.example");
        let answer = scim.post("/Users", &okta_user(&email, "User", true)).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }
    let mut seen = Vec::new();
    let mut start = 1;
    loop {
        let page = scim
            .get(&format!("/Users?startIndex={start}&count=2"))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.body["totalResults"], 5);
        assert_eq!(page.body["startIndex"], start);
        let ids = page.ids();
        if ids.is_empty() {
            break;
        }
        assert!(ids.len() <= 2);
        assert_eq!(page.body["itemsPerPage"], ids.len());
        seen.extend(ids);
        start += 2;
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    let chosen = scim
        .find(
            "Users",
            "userName sw \"user\" and not (userName eq \"user0@rossi.example\")",
            "&attributes=userName",
        )
        .await;
    assert_eq!(chosen.body["totalResults"], 3, "{}", chosen.body);
    let first = &chosen.body["Resources"][0];
    assert!(
        first.get("userName").is_some() && first.get("name").is_none(),
        "{first}"
    );

    // Groups, Okta style: rename with a pathless replace, remove with a value filter.
    let group = scim
        .post(
            "/Groups",
            &json!({"displayName": "Rossi", "members": [{"value": id}]}),
        )
        .await;
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.body["id"].as_str().expect("an id");
    let renamed = scim
        .patch(
            &format!("/Groups/{group_id}"),
            &json!([
                {"op": "replace", "value": {"id": group_id, "displayName": "Rossi & Co"}},
                {"op": "remove", "path": format!("members[value eq \"{id}\"]")},
            ]),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["displayName"], "Rossi & Co");
    assert_eq!(renamed.body["members"], json!([]));
    // A member who is not a user is refused, and nothing changes.
    scim.patch(
        &format!("/Groups/{group_id}"),
        &json!([{"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}]),
    )
    .await
    .assert_error(400, Some("invalidValue"));
}

async fn provisioning_needs_the_scopes_and_bad_requests_are_told_in_scim_words(backend: Backend) {
    let app = TestApp::start(backend).await;
    let anonymous = Scim::new(&app, None);
    let unauthenticated = anonymous.get("/Users").await;
    unauthenticated.assert_error(401, None);
    assert!(
        unauthenticated
            .header("www-authenticate")
            .is_some_and(|challenge| challenge.starts_with("Bearer")),
    );
    let reader = machine(&app, "users:read").await;
    let reading = Scim::new(&app, Some(&machine_token(&app, &reader, None).await));
    assert_eq!(reading.get("/Users").await.status, 200);
    reading
        .post("/Users", &json!({"userName": "x@example.com"}))
        .await
        .assert_error(403, None);
    reading.get("/Groups").await.assert_error(403, None);

    let scim = Scim::new(&app, Some(&provisioning_token(&app).await));
    scim.find("Users", "userName eq", "")
        .await
        .assert_error(400, Some("invalidFilter"));
    scim.find("Users", "userName zz \"a\"", "")
        .await
        .assert_error(400, Some("invalidFilter"));
    scim.post(
        "/Users",
        &json!({"userName": "not-an-address", "password": PASSWORD}),
    )
    .await
    .assert_error(400, Some("invalidValue"));
    let user = scim
        .post(
            "/Users",
            &json!({"userName": "lucia@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.body);
    let id = user.body["id"].as_str().expect("an id");
    scim.patch(
        &format!("/Users/{id}"),
        &json!([{"op": "move", "path": "title"}]),
    )
    .await
    .assert_error(400, Some("invalidSyntax"));
    scim.patch(&format!("/Users/{id}"), &json!([{"op": "remove"}]))
        .await
        .assert_error(400, Some("noTarget"));
    scim.patch(
        &format!("/Users/{id}"),
        &json!([{"op": "replace", "path": "emails[type eq", "value": "x"}]),
    )
    .await
    .assert_error(400, Some("invalidPath"));
    scim.patch(
        &format!("/Users/{id}"),
        &json!([{"op": "replace", "path": "active", "value": "perhaps"}]),
    )
    .await
    .assert_error(400, Some("invalidValue"));
    scim.get("/Users/no-such-id").await.assert_error(404, None);
    scim.get("/Nothing").await.assert_error(404, None);
    let not_json = scim
        .http
        .post(format!("{}/scim/v2/Users", app.base_url))
        .bearer_auth(scim.token.as_deref().unwrap_or_default())
        .body("{")
        .send()
        .await
        .expect("a request");
    assert_eq!(not_json.status(), 400);
    assert!(
        not_json
            .text()
            .await
            .unwrap_or_default()
            .contains("invalidSyntax")
    );
}

gatehouse_tests::on_both_backends!(
    entra_id_provisions_changes_and_deletes_users_and_keeps_groups_in_step,
    okta_switches_users_off_and_on_replaces_them_and_pages_through_them,
    provisioning_needs_the_scopes_and_bad_requests_are_told_in_scim_words,
);
