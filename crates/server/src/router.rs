//! Every route, grouped by audience.

use crate::error::{PageError, render_error_pages};
use crate::pages::{
    account, activate, assets, consent, device_swap, home, interrupts, login, mfa, recovery,
    register, security, select_account, studio_admin, upstream,
};
use crate::protocol::discovery::paths;
use crate::protocol::{
    authorize, discovery, introspect, jwks, logout, par, revoke, token, userinfo,
};
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

/// Largest request body anywhere (forms and token requests are small).
const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// Largest total of request header names and values; browsers send a few kilobytes.
const HEADER_LIMIT_BYTES: usize = 32 * 1024;

/// Refuses requests whose headers are larger than any browser or client of ours sends
/// (`431`), before any handler reads them.
async fn limit_header_size(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > HEADER_LIMIT_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large",
        )
            .into_response();
    }
    next.run(request).await
}

/// Every HTML answer carries the page headers (no framing, the content security policy,
/// `no-store`), whichever handler made it: a page cannot forget them.
async fn page_headers_everywhere(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html {
        crate::http::page::add_page_headers(response.headers_mut());
    }
    response
}

/// The application's router.
pub fn build(state: AppState) -> Router {
    let protocol = Router::new()
        .route(paths::DISCOVERY, get(discovery::show))
        .route(paths::JWKS, get(jwks::show))
        .route(paths::AUTHORIZE, get(authorize::get).post(authorize::post))
        .route(paths::TOKEN, post(token::issue))
        .route(paths::PAR, post(par::push))
        .route(
            crate::protocol::client_registration::PATH,
            post(crate::protocol::client_registration::register),
        )
        .route(
            "/connect/register/{client_id}",
            get(crate::protocol::client_registration::read)
                .put(crate::protocol::client_registration::replace)
                .delete(crate::protocol::client_registration::delete),
        )
        .route(paths::USERINFO, get(userinfo::get).post(userinfo::post))
        .route(paths::REVOCATION, post(revoke::revoke))
        .route(paths::INTROSPECTION, post(introspect::introspect))
        .route(paths::END_SESSION, get(logout::get).post(logout::post));

    let hosted_pages = hosted_pages().router;
    let api = crate::api::routes().into_router();

    let health = Router::new()
        .route("/health/live", get(|| async { "ok" }))
        .route("/health/ready", get(ready))
        .route("/metrics", get(crate::observability::render));

    Router::new()
        .merge(protocol)
        .merge(hosted_pages)
        .merge(health)
        .merge(api)
        .merge(crate::scim::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_error_pages,
        ))
        .layer(middleware::from_fn(page_headers_everywhere))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::dpop::hand_out_nonces,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn(limit_header_size))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(record_status),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::observability::track,
        ))
        .with_state(state)
}

/// No route: problem details under `/api/`, a SCIM error under `/scim/`, the not-found page
/// elsewhere.
pub(crate) async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        crate::api::not_found().await.into_response()
    } else if uri.path().starts_with("/scim/") {
        crate::scim::ScimError::not_found("no such SCIM resource; see /scim/v2/ResourceTypes")
            .into_response()
    } else {
        PageError::new(StatusCode::NOT_FOUND, "error-not-found").into_response()
    }
}

/// The span of a request: method, path and request id (set by
/// `observability::track`, which runs first), never the query string, which can carry
/// bearer secrets (`token=` in e-mailed links, `request=` of a parked sign-in).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get(&crate::observability::REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", axum::extract::MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id,
        // Exported traces name the span by its route pattern, never the raw path.
        "otel.name" = %format_args!("{} {route}", request.method()),
        "otel.kind" = "server",
        "http.route" = route,
        "http.response.status_code" = tracing::field::Empty,
    );
    crate::traces::continue_trace(&span, request.headers());
    span
}

/// Records the answer's status on the request's span.
fn record_status(
    response: &axum::http::Response<axum::body::Body>,
    _latency: std::time::Duration,
    span: &tracing::Span,
) {
    span.record("http.response.status_code", response.status().as_u16());
}

/// The hosted pages, built and listed from the same calls, so the list can never miss a
/// route: the tests walk it (every form refuses a missing CSRF token, every page sends its
/// security headers).
fn hosted_pages() -> PageRoutes {
    PageRoutes::default()
        .get("/", home::show)
        .get_and_post("/login", login::show, login::submit)
        .post("/login/passkey/options", login::passkey_options)
        .post("/login/passkey", login::passkey_submit)
        .get("/s/{slug}/login", login::show_studio)
        .get_and_post(
            "/login/upstream/link",
            upstream::show_link,
            upstream::submit_link,
        )
        .post("/login/upstream/{provider}", upstream::start)
        .get("/login/upstream/{provider}/callback", upstream::callback)
        .post("/account/upstream/unlink", account::unlink_provider)
        .post("/account/apps/disconnect", account::disconnect_app)
        .get_and_post("/mfa", mfa::show, mfa::submit)
        .post("/mfa/send", mfa::resend)
        .post("/mfa/passkey/options", mfa::passkey_options)
        .post("/mfa/passkey", mfa::passkey_submit)
        .get("/mfa/step-up", mfa::step_up)
        .get("/mfa/setup", mfa::setup)
        .get_and_post("/mfa/help", mfa::help, mfa::request_help)
        .get("/account/security", security::show)
        .get_and_post(
            "/reauthenticate",
            account::show_reauthenticate,
            account::submit_reauthenticate,
        )
        .post("/account/security/totp", security::start_totp)
        .post("/account/security/totp/confirm", security::confirm_totp)
        .post("/account/security/code", security::start_code)
        .post("/account/security/code/confirm", security::confirm_code)
        .post(
            "/account/security/passkeys/options",
            security::passkey_options,
        )
        .post("/account/security/passkeys", security::register_passkey)
        .post(
            "/account/security/recovery-codes",
            security::replace_recovery_codes,
        )
        .post("/account/security/remove", security::remove)
        .post("/account/security/rename", security::rename)
        .post("/studios/{slug}/members/mfa-reset", studio_admin::reset_mfa)
        .get_and_post(
            "/select-account",
            select_account::show,
            select_account::submit,
        )
        .get_and_post("/consent", consent::show, consent::submit)
        .get_and_post("/register", register::show, register::submit)
        .get_and_post(
            "/register/confirm",
            register::show_confirm,
            register::confirm,
        )
        .get_and_post("/activate", activate::show, activate::submit)
        .get_and_post(
            "/forgot-password",
            recovery::show_forgot_password,
            recovery::request_reset,
        )
        .get_and_post(
            "/forgot-password/code",
            recovery::show_code,
            recovery::submit_code,
        )
        .get_and_post(
            "/reset-password",
            recovery::show_reset_link,
            recovery::submit_reset_link,
        )
        .get_and_post(
            "/forgot-username",
            recovery::show_forgot_username,
            recovery::send_usernames,
        )
        .get_and_post(
            "/password-expired",
            interrupts::show_expired,
            interrupts::submit_expired,
        )
        .get_and_post(
            "/reactivate",
            interrupts::show_reactivate,
            interrupts::submit_reactivate,
        )
        .post("/account/profile", account::update_profile)
        .post("/account/email", account::change_email)
        .post("/account/email/confirm", account::confirm_email)
        .get_and_post(
            "/account/email/undo",
            account::show_undo_email,
            account::undo_email,
        )
        .post("/account/phone", account::change_phone)
        .post("/account/phone/confirm", account::confirm_phone)
        .post("/account/language", account::set_language)
        .post("/account/close", account::close)
        .post("/studios/{slug}/members/approve", studio_admin::approve)
        .get("/account", account::show)
        .post("/account/devices/remove", account::remove_device)
        .post("/account/sessions/end", account::end_session)
        .post("/account/studio", account::switch_studio)
        .post("/account/password", account::change_password)
        .get("/studios/{slug}/members", studio_admin::members)
        .post(
            "/studios/{slug}/devices/remove",
            studio_admin::remove_device,
        )
        .get_and_post("/device-swap", device_swap::show, device_swap::submit)
        .post("/device-swap/send", device_swap::send)
        .get("/assets/gatehouse.css", assets::stylesheet)
        .get("/assets/passkeys.js", assets::passkeys_script)
        .get("/assets/branding/logos/{digest}", assets::logo)
        .get("/assets/branding/accent/{file}", assets::accent_stylesheet)
}

/// Every hosted-page route as `(method, path)`, path parameters left as `{name}`.
#[must_use]
pub fn hosted_page_routes() -> Vec<(Method, &'static str)> {
    hosted_pages().listed
}

/// A router that remembers what it was given.
#[derive(Default)]
struct PageRoutes {
    router: Router<AppState>,
    listed: Vec<(Method, &'static str)>,
}

impl PageRoutes {
    fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.listed.push((Method::GET, path));
        self
    }

    fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.listed.push((Method::POST, path));
        self
    }

    fn get_and_post<G, GT, P, PT>(mut self, path: &'static str, show: G, submit: P) -> Self
    where
        G: Handler<GT, AppState>,
        GT: 'static,
        P: Handler<PT, AppState>,
        PT: 'static,
    {
        self.router = self.router.route(path, get(show).post(submit));
        self.listed.push((Method::GET, path));
        self.listed.push((Method::POST, path));
        self
    }
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
