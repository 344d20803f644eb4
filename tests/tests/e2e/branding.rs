//! Branding per studio and per client: display name, logo and accent colour set through the
//! CLI and the API, shown on the sign-in pages, served by content hash, and checked.

use crate::{REDIRECT_URI, authorization_request};
use gatehouse_tests::browser::unescape;
use gatehouse_tests::relying_party::relying_party;
use gatehouse_tests::{Backend, TestApp};
use serde_json::{Value, json};

/// The address of the logo the page shows, if any.
fn logo_address(html: &str) -> Option<String> {
    let start = html.find("/assets/branding/logos/")?;
    let rest = &html[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

async fn studios_and_clients_brand_their_sign_in_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.create_studio("fiin", "FiinPro", &[]).await;
    let folder = tempfile::tempdir().expect("a folder");
    let logo = gatehouse_tests::png::square(64, [0x0b, 0x5c, 0xad]);
    let logo_path = folder.path().join("fiin.png");
    std::fs::write(&logo_path, &logo).expect("write the logo");
    let logo_argument = logo_path.to_string_lossy().into_owned();

    // A colour white text cannot be read on is refused, saying why; nothing changes.
    let refused = app
        .cli(
            &[
                "studios",
                "brand",
                "--studio",
                "fiin",
                "--accent-color",
                "#ffd700",
            ],
            "",
        )
        .await;
    assert_ne!(refused.exit_code, 0);
    assert!(refused.stderr.contains("contrast"), "{}", refused.stderr);
    let fake = folder.path().join("fake.png");
    std::fs::write(&fake, "<svg xmlns='http://www.w3.org/2000/svg'/>").expect("write");
    let refused = app
        .cli(
            &[
                "studios",
                "brand",
                "--studio",
                "fiin",
                "--logo",
                &fake.to_string_lossy(),
            ],
            "",
        )
        .await;
    assert_ne!(refused.exit_code, 0);
    assert!(
        refused.stderr.contains("PNG, JPEG or WebP"),
        "{}",
        refused.stderr
    );
    let plain = app.browser().get("/s/fiin/login").await;
    assert!(logo_address(&plain.body).is_none());

    let branded = app
        .cli(
            &[
                "studios",
                "brand",
                "--studio",
                "fiin",
                "--display-name",
                "FiinPro Trading",
                "--accent-color",
                "#7A1F5C",
                "--logo",
                &logo_argument,
            ],
            "",
        )
        .await;
    assert_eq!(branded.exit_code, 0, "{}", branded.stderr);
    let printed: Value = serde_json::from_str(&branded.stdout).expect("JSON");
    assert_eq!(printed["accent_color"], "#7a1f5c");

    // The studio's sign-in page shows its name, its logo and its colour.
    let page = app.browser().get("/s/fiin/login").await;
    assert_eq!(page.status, 200);
    let html = unescape(&page.body);
    assert!(html.contains("FiinPro Trading"), "{html}");
    assert!(
        html.contains("/assets/branding/accent/7a1f5c.css"),
        "{html}"
    );
    let address = logo_address(&html).expect("the logo on the page");
    assert!(
        printed["logo_url"]
            .as_str()
            .is_some_and(|url| url.ends_with(&address))
    );
    let served = reqwest::get(app.url(&address)).await.expect("the logo");
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .is_ok_and(|value| value.contains("immutable"))
    );
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        served.bytes().await.expect("bytes").as_ref(),
        logo.as_slice()
    );
    let stylesheet = reqwest::get(app.url("/assets/branding/accent/7a1f5c.css"))
        .await
        .expect("the accent stylesheet")
        .text()
        .await
        .expect("text");
    assert!(
        stylesheet.contains(".button-primary { background: #7a1f5c"),
        "{stylesheet}"
    );
    assert_eq!(
        reqwest::get(app.url("/assets/branding/accent/ffd700.css"))
            .await
            .expect("answer")
            .status(),
        404,
        "unreadable colours are not served either"
    );
    // An authorization request naming the studio shows the same.
    let client = app
        .register_client(REDIRECT_URI, &["--first-party", "--allow-registration"])
        .await;
    let rp = relying_party(
        &app.base_url,
        &client.id,
        client.secret.as_deref(),
        REDIRECT_URI,
    )
    .await;
    let browser = app.browser();
    let (url, _, _) = authorization_request(&rp, &["email"], "&organization=fiin");
    let (_, page) = browser.follow_to_client(&url).await;
    assert_eq!(logo_address(&page.body), Some(address.clone()));

    // A client, through the API: its name on its own sign-in pages, its logo (JPEG).
    let operator = app
        .register_client(
            "https://erp.example/unused",
            &[
                "--grant-types",
                "client_credentials",
                "--scopes",
                "clients:write clients:read",
            ],
        )
        .await;
    let (status, token) =
        crate::token_request(&app, &operator, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let http = reqwest::Client::new();
    let branding_url = app.url(&format!("/api/v1/clients/{}/branding", client.id));
    let answer = http
        .patch(&branding_url)
        .bearer_auth(&token)
        .json(&json!({ "display_name": "Acme ERP", "accent_color": "#eeeeee" }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(answer.status(), 422);
    let problem: Value = answer.json().await.expect("JSON");
    assert_eq!(problem["errors"][0]["field"], "/accent_color", "{problem}");
    let answer = http
        .patch(&branding_url)
        .bearer_auth(&token)
        .json(&json!({ "display_name": "Acme ERP" }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(answer.status(), 200);
    let jpeg = [
        &[0xff, 0xd8, 0xff, 0xe0][..],
        &[0; 60][..],
        &[0xff, 0xd9][..],
    ]
    .concat();
    let answer = http
        .put(format!("{branding_url}/logo"))
        .bearer_auth(&token)
        .header("content-type", "image/png")
        .body(jpeg.clone())
        .send()
        .await
        .expect("PUT");
    assert_eq!(answer.status(), 422, "a JPEG declared as PNG is refused");
    let answer = http
        .put(format!("{branding_url}/logo"))
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(jpeg.clone())
        .send()
        .await
        .expect("PUT");
    assert_eq!(answer.status(), 200);
    let view: Value = answer.json().await.expect("JSON");
    assert_eq!(view["display_name"], "Acme ERP");
    let client_logo = view["logo_url"].as_str().expect("a logo URL").to_owned();

    let browser = app.browser();
    let (url, _, _) = authorization_request(&rp, &["email"], "");
    let (login_url, page) = browser.follow_to_client(&url).await;
    let html = unescape(&page.body);
    assert!(html.contains("Acme ERP"), "{html}");
    assert!(client_logo.ends_with(&logo_address(&html).expect("the client's logo")));
    // The client takes registrations although the instance does not.
    let flow = gatehouse_tests::relying_party::query_parameter(&login_url, "flow").expect("flow");
    assert!(
        html.contains(&format!("href=\"/register?flow={flow}\"")),
        "{html}"
    );
    assert_eq!(
        browser.get(&format!("/register?flow={flow}")).await.status,
        200
    );
    assert_eq!(app.browser().get("/register").await.status, 404);

    // Replacing the logo retires the old one: its address answers 404.
    let answer = http
        .delete(format!("{branding_url}/logo"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(answer.status(), 200);
    let old = client_logo
        .rsplit_once("/assets")
        .map(|(_, path)| format!("/assets{path}"));
    let gone = reqwest::get(app.url(&old.expect("a path")))
        .await
        .expect("GET");
    assert_eq!(gone.status(), 404);
    let fetched: Value = http
        .get(&branding_url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        fetched,
        json!({ "display_name": "Acme ERP", "accent_color": null, "logo_url": null })
    );
}

gatehouse_tests::on_both_backends!(studios_and_clients_brand_their_sign_in_pages);
