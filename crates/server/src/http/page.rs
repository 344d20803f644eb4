//! What every hosted page needs: its language, the CSRF cookie and token, security headers,
//! and the language switcher's links.

use crate::error::PageError;
use crate::http::cookies::{self, Lifetime};
use crate::state::AppState;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::Uri;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use gatehouse_core::locale;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

/// The query parameter of the language switcher.
pub const LANGUAGE_PARAMETER: &str = "lang";

/// Picks the page language: the switcher's `lang` parameter, then the request's `ui_locales`,
/// then the user's saved choice, then the language cookie, then `Accept-Language`, then
/// `ui.default_locale`.
#[must_use]
pub fn negotiate_language(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    ui_locales: &[String],
    user_locale: Option<&str>,
) -> String {
    let explicit: Vec<String> = query_value(uri, LANGUAGE_PARAMETER).into_iter().collect();
    let saved: Vec<String> = user_locale.map(str::to_owned).into_iter().collect();
    let cookie: Vec<String> = cookies::read(headers, cookies::LANGUAGE)
        .into_iter()
        .collect();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(locale::parse_accept_language)
        .unwrap_or_default();
    locale::negotiate(
        &[&explicit, ui_locales, &saved, &cookie, &accept],
        &crate::i18n::SUPPORTED,
        crate::i18n::SUPPORTED
            .iter()
            .find(|tag| **tag == state.config.ui.default_locale)
            .copied()
            .unwrap_or("en"),
    )
    .to_owned()
}

fn query_value(uri: &Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Security headers for every HTML page.
pub fn add_page_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // No form-action: browsers apply it to the redirect chain after a form post, which ends
    // at the relying party's redirect URI.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
}

/// The request's page context.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The negotiated language.
    pub language: String,
    headers: HeaderMap,
    uri: Uri,
    csrf_cookie: String,
    is_new_csrf_cookie: bool,
    chosen_language: Option<String>,
    ui_locales: Vec<String>,
    user_locale: Option<String>,
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let csrf_name = cookies::name(cookies::CSRF, state.config.is_https());
        let existing = cookies::read(&parts.headers, &csrf_name).filter(|value| value.len() >= 32);
        let is_new_csrf_cookie = existing.is_none();
        let chosen_language = query_value(&parts.uri, LANGUAGE_PARAMETER)
            .filter(|tag| crate::i18n::is_supported(tag));
        Ok(Self {
            language: negotiate_language(state, &parts.headers, &parts.uri, &[], None),
            headers: parts.headers.clone(),
            uri: parts.uri.clone(),
            csrf_cookie: existing.unwrap_or_else(crate::random::token),
            is_new_csrf_cookie,
            chosen_language,
            ui_locales: Vec::new(),
            user_locale: None,
        })
    }
}

impl PageContext {
    /// Re-negotiates the language with the authorization request's `ui_locales`.
    #[must_use]
    pub fn with_ui_locales(mut self, state: &AppState, ui_locales: &[String]) -> Self {
        self.ui_locales = ui_locales.to_vec();
        self.language = negotiate_language(
            state,
            &self.headers,
            &self.uri,
            &self.ui_locales,
            self.user_locale.as_deref(),
        );
        self
    }

    /// Re-negotiates the language with the signed-in user's saved choice.
    #[must_use]
    pub fn with_user_locale(mut self, state: &AppState, user_locale: Option<&str>) -> Self {
        self.user_locale = user_locale.map(str::to_owned);
        self.language = negotiate_language(
            state,
            &self.headers,
            &self.uri,
            &self.ui_locales,
            self.user_locale.as_deref(),
        );
        self
    }

    /// A message in this page's language.
    #[must_use]
    pub fn translate(&self, key: &str, arguments: &[(&str, String)]) -> String {
        crate::i18n::translate(&self.language, key, arguments)
    }

    /// Renders the generic message page: a title, paragraphs and an optional link button.
    pub fn render_message(
        &self,
        state: &AppState,
        title_key: &str,
        paragraphs: Vec<String>,
        link: Option<(&str, &str)>,
    ) -> Result<Response, PageError> {
        self.render(
            state,
            "message.html",
            minijinja::context! {
                title => self.translate(title_key, &[]),
                paragraphs => paragraphs,
                link => link.map(|(url, _)| url.to_owned()),
                link_label => link.map(|(_, label_key)| self.translate(label_key, &[])),
            },
        )
    }

    /// The language the user picked with the switcher on this request, if any.
    #[must_use]
    pub fn chosen_language(&self) -> Option<&str> {
        self.chosen_language.as_deref()
    }

    /// A digest of this browser's CSRF cookie: binds a half-finished sign-in or a passkey
    /// ceremony to the browser that began it.
    #[must_use]
    pub fn browser_binding(&self) -> String {
        gatehouse_core::secret::sha256_base64url(self.csrf_cookie.as_bytes())
    }

    /// The CSRF token for forms on this page.
    #[must_use]
    pub fn csrf_token(&self, state: &AppState) -> String {
        state.secrets.csrf_token(&self.csrf_cookie)
    }

    fn language_links(&self) -> Vec<minijinja::Value> {
        language_links(&self.uri)
    }

    /// Renders `template` with the common context plus `context`, setting the CSRF and
    /// language cookies when needed.
    pub fn render(
        &self,
        state: &AppState,
        template: &str,
        context: minijinja::Value,
    ) -> Result<Response, PageError> {
        let full = minijinja::context! {
            lang => self.language.clone(),
            product_name => state.config.ui.product_name.clone(),
            default_accent => state.config.ui.accent_color.as_ref().map(gatehouse_core::branding::AccentColor::hex),
            csrf_token => self.csrf_token(state),
            languages => self.language_links(),
            ..context
        };
        let html = state.templates.render(template, full)?;
        let mut response = Html(html).into_response();
        self.finish(state, &mut response);
        Ok(response)
    }

    /// Adds the page headers and any cookies this context must set.
    pub fn finish(&self, state: &AppState, response: &mut Response) {
        let is_https = state.config.is_https();
        let headers = response.headers_mut();
        add_page_headers(headers);
        if self.is_new_csrf_cookie {
            let cookie = cookies::set(
                &cookies::name(cookies::CSRF, is_https),
                &self.csrf_cookie,
                Lifetime::BrowserSession,
                is_https,
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
        if let Some(language) = &self.chosen_language {
            let cookie = cookies::set(
                cookies::LANGUAGE,
                language,
                Lifetime::Seconds(365 * 24 * 3600),
                is_https,
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
    }

    /// Checks a submitted CSRF token against this browser's cookie.
    #[must_use]
    pub fn is_valid_csrf(&self, state: &AppState, submitted: &str) -> bool {
        !self.is_new_csrf_cookie
            && state
                .secrets
                .verify_csrf_token(&self.csrf_cookie, submitted)
    }
}

/// A form that carries a CSRF token.
pub trait CsrfProtected {
    /// The submitted token.
    fn csrf_token(&self) -> &str;
}

/// A form body whose CSRF token was checked (signed double-submit cookie). A missing or wrong
/// token is refused with a 403 page before the handler runs.
#[derive(Debug)]
pub struct CsrfForm<T> {
    /// The page context of the request.
    pub page: PageContext,
    /// The form fields.
    pub form: T,
}

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: DeserializeOwned + CsrfProtected + Send,
{
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Ok(page) = PageContext::from_request_parts(&mut parts, state).await;
        let request = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    PageError::new(rejection.status(), "error-too-large")
                } else {
                    PageError::bad_request("error-bad-request")
                }
            })?;
        if !page.is_valid_csrf(state, form.csrf_token()) {
            return Err(PageError::csrf());
        }
        Ok(Self { page, form })
    }
}

/// The language switcher's links: the page at `uri` in each shipped language (its query
/// kept, `lang=` replaced).
#[must_use]
pub fn language_links(uri: &Uri) -> Vec<minijinja::Value> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .filter(|(key, _)| key != LANGUAGE_PARAMETER)
            .collect();
    crate::i18n::SUPPORTED
        .iter()
        .map(|code| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in &pairs {
                query.append_pair(key, value);
            }
            query.append_pair(LANGUAGE_PARAMETER, code);
            minijinja::context! {
                code => *code,
                name => crate::i18n::translate(code, "language-name", &[]),
                url => format!("{}?{}", uri.path(), query.finish()),
            }
        })
        .collect()
}
