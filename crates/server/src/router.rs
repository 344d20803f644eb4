//! Every route, grouped by audience.

use crate::error::{PageError, render_error_pages};
use crate::pages::{
    account, activate, assets, consent, home, interrupts, login, mfa, reauth, recovery, register,
    security, select_account, studio_admin,
};
use crate::protocol::discovery::paths;
use crate::protocol::{authorize, discovery, introspect, jwks, logout, revoke, token, userinfo};
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

/// Largest request body anywhere (forms and token requests are small).
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The application's router.
pub fn build(state: AppState) -> Router {
    let protocol = Router::new()
        .route(paths::DISCOVERY, get(discovery::show))
        .route(paths::JWKS, get(jwks::show))
        .route(paths::AUTHORIZE, get(authorize::get).post(authorize::post))
        .route(paths::TOKEN, post(token::issue))
        .route(paths::USERINFO, get(userinfo::get).post(userinfo::post))
        .route(paths::REVOCATION, post(revoke::revoke))
        .route(paths::INTROSPECTION, post(introspect::introspect))
        .route(paths::END_SESSION, get(logout::get).post(logout::post));

    let hosted_pages = Router::new()
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/login/passkey/options", post(login::passkey_options))
        .route("/login/passkey", post(login::passkey_submit))
        .route("/mfa", get(mfa::show).post(mfa::submit))
        .route("/mfa/send", post(mfa::resend))
        .route("/mfa/passkey/options", post(mfa::passkey_options))
        .route("/mfa/passkey", post(mfa::passkey_submit))
        .route("/mfa/step-up", get(mfa::step_up))
        .route("/mfa/setup", get(mfa::setup))
        .route("/mfa/help", get(mfa::help).post(mfa::request_help))
        .route("/account/security", get(security::show))
        .route("/reauthenticate", get(reauth::show).post(reauth::submit))
        .route("/account/security/totp", post(security::start_totp))
        .route(
            "/account/security/totp/confirm",
            post(security::confirm_totp),
        )
        .route("/account/security/code", post(security::start_code))
        .route(
            "/account/security/code/confirm",
            post(security::confirm_code),
        )
        .route(
            "/account/security/passkeys/options",
            post(security::passkey_options),
        )
        .route(
            "/account/security/passkeys",
            post(security::register_passkey),
        )
        .route(
            "/account/security/recovery-codes",
            post(security::replace_recovery_codes),
        )
        .route("/account/security/remove", post(security::remove))
        .route("/account/security/rename", post(security::rename))
        .route(
            "/studios/{slug}/members/mfa-reset",
            post(studio_admin::reset_mfa),
        )
        .route(
            "/select-account",
            get(select_account::show).post(select_account::submit),
        )
        .route("/consent", get(consent::show).post(consent::submit))
        .route("/register", get(register::show).post(register::submit))
        .route(
            "/register/confirm",
            get(register::show_confirm).post(register::confirm),
        )
        .route("/activate", get(activate::show).post(activate::submit))
        .route(
            "/forgot-password",
            get(recovery::show_forgot_password).post(recovery::request_reset),
        )
        .route(
            "/forgot-password/code",
            get(recovery::show_code).post(recovery::submit_code),
        )
        .route(
            "/reset-password",
            get(recovery::show_reset_link).post(recovery::submit_reset_link),
        )
        .route(
            "/forgot-username",
            get(recovery::show_forgot_username).post(recovery::send_usernames),
        )
        .route(
            "/password-expired",
            get(interrupts::show_expired).post(interrupts::submit_expired),
        )
        .route(
            "/reactivate",
            get(interrupts::show_reactivate).post(interrupts::submit_reactivate),
        )
        .route("/account/profile", post(account::update_profile))
        .route("/account/email", post(account::change_email))
        .route("/account/email/confirm", post(account::confirm_email))
        .route(
            "/account/email/undo",
            get(account::show_undo_email).post(account::undo_email),
        )
        .route("/account/phone", post(account::change_phone))
        .route("/account/phone/confirm", post(account::confirm_phone))
        .route("/account/language", post(account::set_language))
        .route("/account/close", post(account::close))
        .route(
            "/studios/{slug}/members/approve",
            post(studio_admin::approve),
        )
        .route("/account", get(account::show))
        .route("/account/devices/remove", post(account::remove_device))
        .route("/account/sessions/end", post(account::end_session))
        .route("/account/studio", post(account::switch_studio))
        .route("/account/password", post(account::change_password))
        .route("/studios/{slug}/members", get(studio_admin::members))
        .route(
            "/studios/{slug}/devices/remove",
            post(studio_admin::remove_device),
        )
        .route("/assets/gatehouse.css", get(assets::stylesheet))
        .route("/assets/passkeys.js", get(assets::passkeys_script));

    let health = Router::new()
        .route("/health/live", get(|| async { "ok" }))
        .route("/health/ready", get(ready));

    Router::new()
        .merge(protocol)
        .merge(hosted_pages)
        .merge(health)
        .fallback(|| async { PageError::new(StatusCode::NOT_FOUND, "error-not-found") })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_error_pages,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of a request: method and path, never the query string, which can carry
/// bearer secrets (`token=` in e-mailed links, `request=` of a parked sign-in).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// `GET /health/ready`: the database answers.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_spans_leave_the_query_string_out() {
        let logged = crate::messaging::tests::logged("info", || {
            let request = axum::http::Request::builder()
                .uri("/reset-password?token=SECRET-TOKEN&code=123456")
                .body(axum::body::Body::empty())
                .expect("request");
            let span = request_span(&request);
            let _entered = span.enter();
            tracing::info!("answered");
        });
        assert!(logged.contains("/reset-password"), "{logged}");
        assert!(
            !logged.contains("SECRET-TOKEN") && !logged.contains("123456"),
            "{logged}"
        );
    }
}
