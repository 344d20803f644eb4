//! A browser stand-in: keeps cookies, does not follow redirects, reads forms out of pages.

use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};

/// A cookie-keeping HTTP client that stops at every redirect.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The underlying client.
    pub http: Client,
    base_url: String,
    cookies: std::sync::Arc<reqwest::cookie::Jar>,
}

/// A fetched page.
#[derive(Debug)]
pub struct Page {
    /// HTTP status.
    pub status: StatusCode,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// The body.
    pub body: String,
    /// Every `Set-Cookie` header.
    pub set_cookies: Vec<String>,
    /// `Retry-After`, in seconds, when the server asked to wait.
    pub retry_after: Option<i64>,
}

impl Page {
    async fn read(response: Response) -> Self {
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let set_cookies = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok());
        let body = response.text().await.unwrap_or_default();
        Self {
            status,
            location,
            body,
            set_cookies,
            retry_after,
        }
    }

    /// The value of the first `<input name="..." value="...">` with this name.
    #[must_use]
    pub fn form_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(unescape(&self.body[start..end]))
    }

    /// The studio buttons of the picker page: `(studio id, label)`.
    #[must_use]
    pub fn studio_options(&self) -> Vec<(String, String)> {
        let marker = "name=\"studio\" value=\"";
        let mut options = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find(marker) {
            rest = &rest[start + marker.len()..];
            let Some(end) = rest.find('"') else { break };
            let id = rest[..end].to_owned();
            let label_start = rest.find('>').map_or(0, |position| position + 1);
            let label_end = rest.find("</button>").unwrap_or(label_start);
            let label = rest[label_start..label_end.max(label_start)].to_owned();
            options.push((id, unescape(&label)));
        }
        options
    }

    /// The redirect target, panicking with the page when there is none.
    #[must_use]
    pub fn redirect(&self) -> &str {
        match &self.location {
            Some(location) if self.status.is_redirection() => location,
            _ => panic!("expected a redirect, got {}:\n{}", self.status, self.body),
        }
    }

    /// The text of the page's alert box, if any.
    #[must_use]
    pub fn alert(&self) -> Option<String> {
        let start = self.body.find("role=\"alert\"")?;
        let open = self.body[start..].find('>')? + start + 1;
        let close = self.body[open..].find("</div>")? + open;
        Some(unescape(self.body[open..close].trim()))
    }
}

/// Undoes the template engine's HTML escaping (`&amp;` last, so `&amp;lt;` stays `&lt;`).
#[must_use]
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

impl Browser {
    /// A browser for the server at `base_url`.
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        Self::with_user_agent(base_url, "gatehouse-tests")
    }

    /// A browser that sends `user_agent` (the name its device gets).
    #[must_use]
    pub fn with_user_agent(base_url: &str, user_agent: &str) -> Self {
        Self::build(base_url, user_agent, None)
    }

    /// A browser on another machine: its connections leave from `address` (any address of
    /// 127.0.0.0/8 works on Linux's loopback), so the server sees a different client.
    #[must_use]
    pub fn from_address(base_url: &str, address: std::net::IpAddr) -> Self {
        Self::build(base_url, "gatehouse-tests", Some(address))
    }

    fn build(base_url: &str, user_agent: &str, address: Option<std::net::IpAddr>) -> Self {
        let cookies = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = Client::builder()
            .user_agent(user_agent)
            .cookie_provider(cookies.clone())
            .redirect(reqwest::redirect::Policy::none())
            .local_address(address)
            .build()
            .expect("HTTP client");
        Self {
            http,
            base_url: base_url.to_owned(),
            cookies,
        }
    }

    /// The same browser (its cookies and address) talking to another node of the provider
    /// at `base_url`; cookies are not kept apart by port, so both nodes see the same ones.
    #[must_use]
    pub fn on(&self, base_url: &str) -> Self {
        Self {
            http: self.http.clone(),
            base_url: base_url.to_owned(),
            cookies: self.cookies.clone(),
        }
    }

    /// The `Cookie` header this browser sends to its server, for a load generator that
    /// replays a signed-in browser's requests.
    #[must_use]
    pub fn cookie_header(&self) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let url = url::Url::parse(&self.base_url).ok()?;
        self.cookies
            .cookies(&url)
            .and_then(|value| value.to_str().ok().map(str::to_owned))
    }

    fn absolute(&self, url: &str) -> String {
        if url::Url::parse(url).is_ok() {
            url.to_owned()
        } else {
            format!("{}{url}", self.base_url)
        }
    }

    /// `GET url` (absolute or a path on the server).
    pub async fn get(&self, url: &str) -> Page {
        let response = self.http.get(self.absolute(url)).send().await.expect("GET");
        Page::read(response).await
    }

    /// `GET url` with extra headers.
    pub async fn get_with(&self, url: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.http.get(self.absolute(url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Page::read(request.send().await.expect("GET")).await
    }

    /// `POST url` with a form.
    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(self.absolute(url))
            .form(form)
            .send()
            .await
            .expect("POST");
        Page::read(response).await
    }

    /// `POST url` with a form and extra headers.
    pub async fn post_with(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.http.post(self.absolute(url)).form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Page::read(request.send().await.expect("POST")).await
    }

    /// Follows redirects on our server until one leaves it; returns that external URL.
    /// Stops at pages (non-redirects) too, returning their URL prefixed with `page:`.
    pub async fn follow_to_client(&self, start: &str) -> (String, Page) {
        let mut url = self.absolute(start);
        for _ in 0..10 {
            if !url.starts_with(&self.base_url) {
                let page = Page {
                    status: StatusCode::FOUND,
                    location: Some(url.clone()),
                    body: String::new(),
                    set_cookies: vec![],
                    retry_after: None,
                };
                return (url, page);
            }
            let page = self.get(&url).await;
            match (&page.location, page.status.is_redirection()) {
                (Some(location), true) => url = self.absolute(location),
                _ => return (url, page),
            }
        }
        panic!("too many redirects from {start}");
    }

    /// Posts the CSRF token of `page` (and `extra`) to a passkey options endpoint, as the
    /// page script does; returns the JSON options.
    pub async fn passkey_options(
        &self,
        page: &Page,
        url: &str,
        extra: &[(&str, &str)],
    ) -> serde_json::Value {
        let csrf = page.form_value("csrf_token").expect("a CSRF token");
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(extra);
        let answer = self.post(url, &form).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).expect("JSON options")
    }

    /// Signs in on the login page at `login_url` (a flow page), returning the response to
    /// the form post.
    pub async fn submit_login(
        &self,
        login_url: &str,
        email: &str,
        password: &str,
        remember_me: bool,
    ) -> Page {
        let page = self.get(login_url).await;
        assert_eq!(page.status, StatusCode::OK, "login page: {}", page.body);
        let csrf = page
            .form_value("csrf_token")
            .expect("the login form has a CSRF token");
        let flow = page.form_value("flow").unwrap_or_default();
        let return_to = page.form_value("return_to").unwrap_or_default();
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", password),
        ];
        if !flow.is_empty() {
            form.push(("flow", flow.as_str()));
        }
        if !return_to.is_empty() {
            form.push(("return_to", return_to.as_str()));
        }
        if remember_me {
            form.push(("remember_me", "1"));
        }
        self.post("/login", &form).await
    }

    /// Runs an authorization request through sign-in and consent (approving it) until the
    /// browser is sent back to the client; returns that redirect URL.
    pub async fn authorize(&self, authorize_url: &str, email: &str, password: &str) -> String {
        self.authorize_in_studio(authorize_url, email, password, None)
            .await
    }

    /// Like [`Browser::authorize`], picking the studio whose name contains `studio` when the
    /// picker appears.
    pub async fn authorize_in_studio(
        &self,
        authorize_url: &str,
        email: &str,
        password: &str,
        studio: Option<&str>,
    ) -> String {
        let (mut url, mut page) = self.follow_to_client(authorize_url).await;
        for _ in 0..5 {
            if !url.starts_with(&self.base_url) {
                return url;
            }
            let next = if url.contains("/login") {
                self.submit_login(&url, email, password, false).await
            } else if url.contains("/consent") {
                let csrf = page
                    .form_value("csrf_token")
                    .expect("consent form has a CSRF token");
                let flow = page.form_value("flow").expect("consent form has the flow");
                self.post(
                    "/consent",
                    &[
                        ("csrf_token", &csrf),
                        ("flow", &flow),
                        ("decision", "allow"),
                    ],
                )
                .await
            } else if url.contains("/select-account") {
                let csrf = page
                    .form_value("csrf_token")
                    .expect("account form has a CSRF token");
                let flow = page.form_value("flow").expect("account form has the flow");
                let options = page.studio_options();
                let picked = match (studio, options.is_empty()) {
                    (_, true) => String::new(),
                    (Some(name), false) => options
                        .iter()
                        .find(|(_, label)| label.contains(name))
                        .map(|(id, _)| id.clone())
                        .unwrap_or_else(|| panic!("no studio {name} among {options:?}")),
                    (None, false) => panic!("the studio picker appeared: {options:?}"),
                };
                self.post(
                    "/select-account",
                    &[
                        ("csrf_token", &csrf),
                        ("flow", &flow),
                        ("choice", "current"),
                        ("studio", &picked),
                    ],
                )
                .await
            } else {
                panic!("unexpected page {url}: {}", page.body);
            };
            let location = next.redirect().to_owned();
            (url, page) = self.follow_to_client(&location).await;
        }
        panic!("the authorization did not finish: {url}");
    }
}
