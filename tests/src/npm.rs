//! npm packages the tests run (an OpenID Connect provider, an accessibility checker): each
//! is a small folder under `tests/` with a committed lock file, installed with `npm ci`
//! into the build directory, once per version of its lock file.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::process::Command;

/// The workspace's build directory, `target`.
#[must_use]
pub fn target_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// Installs the package in `tests/<name>` into `<target>/<name>/<digest of its lock file>`
/// unless `marker` (a path inside the install folder) already exists there, and returns the
/// install folder. `files` are copied next to the package files (a script to run).
///
/// A changed lock file gets a new folder, so an old install is never mistaken for the new
/// one.
pub async fn install(name: &str, files: &[&str], marker: &str) -> PathBuf {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let lock = std::fs::read(sources.join("package-lock.json"))
        .unwrap_or_else(|error| panic!("tests/{name}/package-lock.json: {error}"));
    let digest = URL_SAFE_NO_PAD.encode(&Sha256::digest(&lock)[..9]);
    let folder = target_directory().join(name).join(digest);
    std::fs::create_dir_all(&folder).expect("the install folder");
    for file in ["package.json", "package-lock.json"].iter().chain(files) {
        std::fs::copy(sources.join(file), folder.join(file))
            .unwrap_or_else(|error| panic!("copy tests/{name}/{file}: {error}"));
    }
    if !folder.join(marker).exists() {
        let output = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&folder)
            .output()
            .await
            .unwrap_or_else(|error| {
                panic!("npm runs (Node.js and npm are needed for tests/{name}): {error}")
            });
        assert!(
            output.status.success(),
            "npm ci in {} failed: {}",
            folder.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    folder
}
