//! A real browser for the hosted pages: Debian's Chromium, headless, driven over the W3C
//! WebDriver protocol by `chromedriver`. Only the handful of commands the tests need are
//! spoken here, as plain JSON over HTTP, so no browser-automation crate is needed.
//!
//! The browser is found on `PATH` (`chromium`, `chromedriver`) or through
//! `GATEHOUSE_TEST_CHROMIUM` and `GATEHOUSE_TEST_CHROMEDRIVER`.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// The key under which WebDriver names an element.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The Tab key, for [`Chromium::press_keys`].
pub const TAB: &str = "\u{E004}";

/// The Enter key, for [`Chromium::press_keys`].
pub const ENTER: &str = "\u{E007}";

/// How long a test waits for a page to reach an expected state.
const PATIENCE: Duration = Duration::from_secs(20);

/// The executables a browser test needs, or why they are missing.
pub struct Installation {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Installation {
    /// Finds Chromium and ChromeDriver; `Err` says what is missing.
    pub fn find() -> Result<Self, String> {
        let chromium = executable("GATEHOUSE_TEST_CHROMIUM", &["chromium", "chromium-browser"])
            .ok_or("Chromium was not found (install Debian's `chromium`)")?;
        let chromedriver = executable("GATEHOUSE_TEST_CHROMEDRIVER", &["chromedriver"])
            .ok_or("ChromeDriver was not found (install Debian's `chromium-driver`)")?;
        Ok(Self {
            chromium,
            chromedriver,
        })
    }
}

fn executable(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    let search_path = std::env::var_os("PATH")?;
    std::env::split_paths(&search_path)
        .flat_map(|folder| names.iter().map(move |name| folder.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

/// A headless Chromium session. Dropping it ends ChromeDriver (and with it the browser).
pub struct Chromium {
    http: reqwest::Client,
    session: String,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts ChromeDriver on a free port and opens a browser session with a fresh profile.
    pub async fn start(installation: &Installation) -> Self {
        let port = free_port().await;
        let driver = Command::new(&installation.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("ChromeDriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        wait_until_ready(&http, &base).await;

        let profile = tempfile::tempdir().expect("a profile folder");
        // The network-quietening flags matter: a sandboxed test machine refuses Chromium's
        // background connections, and those retries slow every page down.
        let arguments = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "webauthn:virtualAuthenticators": true,
                    "goog:chromeOptions": {
                        "binary": installation.chromium,
                        "args": arguments,
                    },
                }
            }
        });
        let answer = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("new session request");
        let value = unwrap_value(answer).await;
        let session = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {value}"))
            .to_owned();
        Self {
            http,
            session: format!("{base}/session/{session}"),
            _driver: driver,
            _profile: profile,
        }
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        unwrap_value(request.send().await.expect("WebDriver request")).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.command(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.command(reqwest::Method::GET, path, None).await
    }

    /// Adds a virtual platform authenticator (like Touch ID or Windows Hello): it keeps
    /// discoverable credentials and verifies the user. Returns its id.
    pub async fn add_platform_authenticator(&self) -> String {
        let value = self
            .post(
                "/webauthn/authenticator",
                json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserVerified": true,
                    "automaticPresenceSimulation": true,
                }),
            )
            .await;
        value.as_str().expect("an authenticator id").to_owned()
    }

    /// Adds a virtual USB security key: it verifies the user but keeps no discoverable
    /// credentials, so the browser's autofill never offers it. Returns its id.
    pub async fn add_security_key(&self) -> String {
        let value = self
            .post(
                "/webauthn/authenticator",
                json!({
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": false,
                    "hasUserVerification": true,
                    "isUserVerified": true,
                    "automaticPresenceSimulation": true,
                }),
            )
            .await;
        value.as_str().expect("an authenticator id").to_owned()
    }

    /// Removes a virtual authenticator, with its credentials.
    pub async fn remove_authenticator(&self, authenticator: &str) {
        self.command(
            reqwest::Method::DELETE,
            &format!("/webauthn/authenticator/{authenticator}"),
            None,
        )
        .await;
    }

    /// Puts a copy of `credential` (as [`Chromium::credentials`] lists it) on `authenticator`
    /// as a non-discoverable credential: the same key pair, found only when the server names
    /// it.
    pub async fn add_server_side_credential(&self, authenticator: &str, credential: &Value) {
        self.post(
            &format!("/webauthn/authenticator/{authenticator}/credential"),
            json!({
                "credentialId": credential["credentialId"],
                "isResidentCredential": false,
                "rpId": credential["rpId"],
                "privateKey": credential["privateKey"],
                "signCount": credential["signCount"],
            }),
        )
        .await;
    }

    /// The credentials an authenticator holds.
    pub async fn credentials(&self, authenticator: &str) -> Vec<Value> {
        let value = self
            .get(&format!(
                "/webauthn/authenticator/{authenticator}/credentials"
            ))
            .await;
        value.as_array().cloned().unwrap_or_default()
    }

    /// Opens `url`.
    pub async fn open(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// The address of the current page.
    pub async fn url(&self) -> String {
        self.get("/url")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The text of the current page.
    pub async fn text(&self) -> String {
        self.script(
            "return document.body ? document.body.innerText : '';",
            json!([]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Runs `script` in the page and returns its value.
    pub async fn script(&self, script: &str, arguments: Value) -> Value {
        self.post(
            "/execute/sync",
            json!({ "script": script, "args": arguments }),
        )
        .await
    }

    /// Runs `script` in the page and returns the value it passes to its callback, the last
    /// of its `arguments` (for scripts that wait on a promise).
    pub async fn script_async(&self, script: &str, arguments: Value) -> Value {
        self.post(
            "/execute/async",
            json!({ "script": script, "args": arguments }),
        )
        .await
    }

    /// Resizes the browser window so its page area is `width` × `height` CSS pixels.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        // The window's size includes its frame, which varies by platform: resize once, see
        // what the page got, and make up the difference.
        let (mut window_width, mut window_height) = (width, height);
        for _ in 0..3 {
            self.post(
                "/window/rect",
                json!({ "width": window_width, "height": window_height }),
            )
            .await;
            let inner = self
                .script("return [innerWidth, innerHeight];", json!([]))
                .await;
            let measure = |index: usize| inner[index].as_u64().unwrap_or_default() as u32;
            let (inner_width, inner_height) = (measure(0), measure(1));
            if (inner_width, inner_height) == (width, height) {
                return;
            }
            window_width = (window_width + width).saturating_sub(inner_width);
            window_height = (window_height + height).saturating_sub(inner_height);
        }
        let inner = self
            .script("return [innerWidth, innerHeight];", json!([]))
            .await;
        panic!("the page area is {inner}, not [{width}, {height}]");
    }

    /// Makes pages see `prefers-color-scheme: <scheme>` (`light` or `dark`), as when the
    /// user's system is set so; it lasts across navigations until changed.
    pub async fn prefer_color_scheme(&self, scheme: &str) {
        // W3C WebDriver has no command for media features; ChromeDriver passes this one to
        // the DevTools protocol.
        self.post(
            "/goog/cdp/execute",
            json!({
                "cmd": "Emulation.setEmulatedMedia",
                "params": { "features": [{ "name": "prefers-color-scheme", "value": scheme }] },
            }),
        )
        .await;
    }

    /// A PNG of what the page area shows.
    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let encoded = self.get("/screenshot").await;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a base64 screenshot"))
            .expect("valid base64")
    }

    /// Presses and releases each key of `keys` in turn, on whatever has the focus, as a
    /// person at a keyboard does. Special keys are WebDriver's code points: [`TAB`],
    /// [`ENTER`].
    pub async fn press_keys(&self, keys: &str) {
        let strokes: Vec<Value> = keys
            .chars()
            .flat_map(|key| {
                let key = key.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": strokes }] }),
        )
        .await;
    }

    /// Whether the element with the focus matches `selector`.
    pub async fn has_focus(&self, selector: &str) -> bool {
        let focused = format!(
            "var element = document.activeElement; \
             return !!element && element.matches({selector:?});"
        );
        self.script(&focused, json!([])).await == json!(true)
    }

    /// Waits until the element with the focus matches `selector`.
    pub async fn wait_for_focus(&self, selector: &str) {
        self.wait_for(&format!("the focus on {selector}"), || async {
            self.has_focus(selector).await
        })
        .await;
    }

    /// Whether an element matching `selector` is on the page and visible.
    pub async fn is_visible(&self, selector: &str) -> bool {
        let visible = format!(
            "var element = document.querySelector({selector:?}); \
             return !!element && !element.hidden && element.offsetParent !== null;"
        );
        self.script(&visible, json!([])).await == json!(true)
    }

    /// Waits until the page's address starts with `prefix` (`true`) or an element matching
    /// `selector` is visible (`false`), whichever comes first.
    pub async fn wait_for_url_or_element(&self, prefix: &str, selector: &str) -> bool {
        self.wait_for(
            &format!("an address starting with {prefix} or a visible {selector}"),
            || async { self.url().await.starts_with(prefix) || self.is_visible(selector).await },
        )
        .await;
        self.url().await.starts_with(prefix)
    }

    /// Waits until an element matching `selector` is on the page and visible; returns its id.
    pub async fn find(&self, selector: &str) -> String {
        self.wait_for(&format!("a visible {selector}"), || async {
            self.is_visible(selector).await
        })
        .await;
        let value = self
            .post(
                "/element",
                json!({ "using": "css selector", "value": selector }),
            )
            .await;
        value[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {selector}: {value}"))
            .to_owned()
    }

    /// Types `text` into the element matching `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let element = self.find(selector).await;
        self.post(&format!("/element/{element}/clear"), json!({}))
            .await;
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Clicks the element matching `selector`.
    pub async fn click(&self, selector: &str) {
        let element = self.find(selector).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    /// Waits until a visible element matching `selector` says `text` (spaces collapsed);
    /// returns its id. A person finds a link or a button by what it says, so a test that
    /// does the same fails when the words on the page are wrong.
    pub async fn find_text(&self, selector: &str, text: &str) -> String {
        // `textContent` rather than `innerText`: a stylesheet's `text-transform` changes
        // how words are drawn, not which words they are.
        const FIND: &str = "const [selector, text] = arguments;
            return [...document.querySelectorAll(selector)].find((element) =>
              !element.hidden && element.offsetParent !== null
                && element.textContent.replace(/\\s+/g, ' ').trim() === text) || null;";
        let arguments = json!([selector, text]);
        self.wait_for(&format!("a visible {selector} saying {text:?}"), || async {
            !self.script(FIND, arguments.clone()).await.is_null()
        })
        .await;
        let found = self.script(FIND, arguments).await;
        found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("the {selector} saying {text:?} went away: {found}"))
            .to_owned()
    }

    /// Clicks the visible element matching `selector` that says `text`.
    pub async fn click_text(&self, selector: &str, text: &str) {
        let element = self.find_text(selector, text).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    /// The text of the first element matching `selector`, as drawn (empty when there is
    /// none).
    pub async fn text_of(&self, selector: &str) -> String {
        self.script(
            "const element = document.querySelector(arguments[0]);
             return element ? element.innerText.trim() : '';",
            json!([selector]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Ends the browser session (and the browser with it).
    pub async fn quit(self) {
        let _ = self.http.delete(&self.session).send().await;
    }

    /// Forgets every cookie: the next visit is a stranger's.
    pub async fn delete_cookies(&self) {
        self.command(reqwest::Method::DELETE, "/cookie", None).await;
    }

    /// Waits until the page's address starts with `prefix`; returns the address.
    pub async fn wait_for_url(&self, prefix: &str) -> String {
        self.wait_for(&format!("an address starting with {prefix}"), || async {
            self.url().await.starts_with(prefix)
        })
        .await;
        self.url().await
    }

    /// Waits until no element matching `selector` is visible (the page it was on is gone).
    pub async fn wait_for_absence(&self, selector: &str) {
        self.wait_for(&format!("no visible {selector}"), || async {
            !self.is_visible(selector).await
        })
        .await;
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        self.wait_for(&format!("the text {needle:?}"), || async {
            self.text().await.contains(needle)
        })
        .await;
    }

    async fn wait_for<F, Fut>(&self, what: &str, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if condition().await {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "waited {PATIENCE:?} for {what}; the browser is at {} showing:\n{}",
                    self.url().await,
                    self.text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

async fn wait_until_ready(http: &reqwest::Client, base: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Ok(answer) = http.get(format!("{base}/status")).send().await
            && let Ok(status) = answer.json::<Value>().await
            && status["value"]["ready"] == json!(true)
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ChromeDriver did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `value` of a WebDriver answer; panics with the driver's message on an error.
async fn unwrap_value(answer: reqwest::Response) -> Value {
    let status = answer.status();
    let body: Value = answer.json().await.expect("WebDriver answers JSON");
    assert!(status.is_success(), "WebDriver error {status}: {body}");
    body["value"].clone()
}
