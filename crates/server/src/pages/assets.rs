//! Static assets, compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("../../assets/gatehouse.css");

/// `GET /assets/gatehouse.css`
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLESHEET,
    )
}

const PASSKEYS_SCRIPT: &str = include_str!("../../assets/passkeys.js");

/// `GET /assets/passkeys.js`: the one script, for passkey ceremonies (WebAuthn has no
/// form-only equivalent). Pages work without it; only the passkey buttons need it.
pub async fn passkeys_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PASSKEYS_SCRIPT,
    )
}
