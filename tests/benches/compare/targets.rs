//! The processes under load: Gatehouse's release binary on SQLite or PostgreSQL, and the
//! reference provider on Node.js. Each is a separate process, started the way an operator
//! would start it, so its start-up time and resident memory are its own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What one scenario needs to know about a provider's endpoints.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorize: &'static str,
    pub token: &'static str,
    pub introspection: &'static str,
    pub userinfo: &'static str,
    pub jwks: &'static str,
    pub discovery: &'static str,
}

pub const GATEHOUSE_ENDPOINTS: Endpoints = Endpoints {
    authorize: "/authorize",
    token: "/token",
    introspection: "/introspect",
    userinfo: "/userinfo",
    jwks: "/jwks",
    discovery: "/.well-known/openid-configuration",
};

pub const REFERENCE_ENDPOINTS: Endpoints = Endpoints {
    authorize: "/auth",
    token: "/token",
    introspection: "/token/introspection",
    userinfo: "/me",
    jwks: "/jwks",
    discovery: "/.well-known/openid-configuration",
};

/// Which provider a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gatehouse,
    Reference,
}

/// A provider process that answers on `base_url`; killed when dropped.
pub struct Running {
    pub label: String,
    pub kind: Kind,
    pub base_url: String,
    pub endpoints: Endpoints,
    /// From `spawn` to the first successful answer of the discovery document.
    pub startup: Duration,
    child: Child,
}

impl Running {
    /// Resident set size in MiB, from `/proc/<pid>/status`.
    pub fn resident_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(0.0, |kib| kib / 1024.0)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Stops the process with SIGTERM and waits for it, as a service manager would.
    pub fn stop(mut self) {
        terminate(&mut self.child);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Spawns `command` and waits (up to a deadline) for `base_url`'s discovery document,
/// asking every millisecond so the measured start-up is not rounded up by the polling.
async fn start(
    mut command: Command,
    log: &Path,
    label: &str,
    kind: Kind,
    base_url: String,
    endpoints: Endpoints,
) -> Running {
    let log_file = std::fs::File::create(log).expect("log file");
    command
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log file"))
        .stderr(log_file);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let began = Instant::now();
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("start {label}: {error}"));
    let discovery = format!("{base_url}{}", endpoints.discovery);
    let deadline = began + Duration::from_secs(60);
    loop {
        if let Ok(response) = http.get(&discovery).send().await
            && response.status().is_success()
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{label} exited with {status} before answering; its log: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "{label} did not answer within a minute"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let startup = began.elapsed();
    Running {
        label: label.to_owned(),
        kind,
        base_url,
        endpoints,
        startup,
        child,
    }
}

/// Gatehouse with its own folder (configuration, data, log) under `work`.
pub struct Gatehouse {
    pub label: String,
    binary: PathBuf,
    config: PathBuf,
    folder: PathBuf,
    base_url: String,
}

impl Gatehouse {
    /// Writes the configuration: defaults, except where to listen, the issuer, the data folder,
    /// (for PostgreSQL) the database URL, and loopback as a trusted proxy, so the password
    /// sign-ins can come from many addresses as they would behind a load balancer. Logging
    /// stays at the default level.
    pub fn configure(label: &str, binary: &Path, work: &Path, database_url: Option<&str>) -> Self {
        let folder = work.join(label.to_lowercase().replace(' ', "-"));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("target folder");
        let port = free_port();
        let base_url = format!("http://127.0.0.1:{port}");
        let config = folder.join("gatehouse.toml");
        let database = database_url.map_or(String::new(), |url| format!("url = {url:?}\n"));
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:{port}\"\nissuer = \"{base_url}\"\n\
                 data_dir = {:?}\ntrusted_proxies = [\"127.0.0.1/32\"]\n\n[database]\n{database}",
                folder.join("data").display().to_string()
            ),
        )
        .expect("configuration");
        Self {
            label: label.to_owned(),
            binary: binary.to_owned(),
            config,
            folder,
            base_url,
        }
    }

    pub async fn start(&self) -> Running {
        let mut command = Command::new(&self.binary);
        command.arg("--config").arg(&self.config).arg("serve");
        start(
            command,
            &self.folder.join("serve.log"),
            &self.label,
            Kind::Gatehouse,
            self.base_url.clone(),
            GATEHOUSE_ENDPOINTS,
        )
        .await
    }

    /// Runs a management command and returns what it printed.
    pub fn cli(&self, arguments: &[&str], stdin: &str) -> String {
        use std::io::Write as _;
        let mut child = Command::new(&self.binary)
            .arg("--config")
            .arg(&self.config)
            .args(arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gatehouse CLI");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("CLI input");
        let output = child.wait_with_output().expect("CLI output");
        assert!(
            output.status.success(),
            "gatehouse {arguments:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }
}

/// The reference provider's client, shared by its process and the scenarios.
pub const REFERENCE_CLIENT_ID: &str = "bench-portal";
pub const REFERENCE_CLIENT_SECRET: &str = "a-long-random-secret-for-the-benchmark-only";

pub async fn start_reference(package: &Path, work: &Path, redirect_uri: &str) -> Running {
    let port = free_port();
    let mut command = Command::new("node");
    command
        .arg("server.js")
        .current_dir(package)
        .env("BENCH_CLIENT_ID", REFERENCE_CLIENT_ID)
        .env("BENCH_CLIENT_SECRET", REFERENCE_CLIENT_SECRET)
        .env("BENCH_REDIRECT_URI", redirect_uri)
        .env("BENCH_PORT", port.to_string())
        .env("NODE_ENV", "production");
    start(
        command,
        &work.join("reference.log"),
        "oidc-provider",
        Kind::Reference,
        format!("http://127.0.0.1:{port}"),
        REFERENCE_ENDPOINTS,
    )
    .await
}
