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

/// `GET /assets/branding/logos/{digest}`: a studio's or client's logo. Its address is the digest of
/// its bytes, so it never changes and may be cached for good.
pub async fn logo(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(digest): axum::extract::Path<String>,
) -> Result<axum::response::Response, crate::error::PageError> {
    let not_found =
        || crate::error::PageError::new(axum::http::StatusCode::NOT_FOUND, "error-not-found");
    if digest.len() != 43
        || !digest
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return Err(not_found());
    }
    let found = state
        .store
        .read(move |connection| gatehouse_store::branding::logo(connection, &digest))
        .await?
        .ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, found.media_type),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_owned(),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        found.content,
    )
        .into_response())
}

/// `GET /assets/branding/accent/{rrggbb}.css`: the rules that paint primary buttons and the brand
/// mark in an accent colour. A stylesheet rather than an inline style, so the pages keep
/// their `style-src 'self'` policy; only colours dark enough for white text are served.
pub async fn accent_stylesheet(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    let color = file
        .strip_suffix(".css")
        .filter(|hex| hex.len() == 6)
        .and_then(|hex| {
            format!("#{hex}")
                .parse::<gatehouse_core::branding::AccentColor>()
                .ok()
        });
    let Some(color) = color else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let css = format!(
        ".button-primary {{ background: {color}; border-color: {color}; color: #ffffff; }}\n\
         .brand-mark {{ background: {color}; }}\n\
         input[type=checkbox] {{ accent-color: {color}; }}\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        css,
    )
        .into_response()
}
