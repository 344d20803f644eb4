//! Reading and writing cookies. Names get the `__Host-` prefix when the issuer is https, which
//! pins them to our origin (no `Domain`, `Path=/`, `Secure`).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie's base name.
pub const SESSION: &str = "gatehouse_session";
/// The CSRF cookie's base name.
pub const CSRF: &str = "gatehouse_csrf";
/// The device cookie: a long-lived random id that recognises a registered browser.
pub const DEVICE: &str = "gatehouse_device";
/// The chosen language.
pub const LANGUAGE: &str = "gatehouse_lang";

/// The cookie's full name for this deployment.
#[must_use]
pub fn name(base: &str, is_https: bool) -> String {
    if is_https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// The value of cookie `name`, if the request has it.
#[must_use]
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
}

/// How long a cookie lives.
#[derive(Debug, Clone, Copy)]
pub enum Lifetime {
    /// Until the browser closes.
    BrowserSession,
    /// This many seconds.
    Seconds(i64),
    /// Delete it now.
    Expired,
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` on https.
#[must_use]
pub fn set(name: &str, value: &str, lifetime: Lifetime, is_https: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    match lifetime {
        Lifetime::BrowserSession => {}
        Lifetime::Seconds(seconds) => cookie.push_str(&format!("; Max-Age={seconds}")),
        Lifetime::Expired => cookie.push_str("; Max-Age=0"),
    }
    if is_https {
        cookie.push_str("; Secure");
    }
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parse_and_format() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; gatehouse_session=abc; b=2"),
        );
        assert_eq!(read(&headers, "gatehouse_session").as_deref(), Some("abc"));
        assert_eq!(read(&headers, "missing"), None);
        assert_eq!(name(SESSION, true), "__Host-gatehouse_session");
        assert_eq!(
            set("n", "v", Lifetime::Seconds(60), true),
            "n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
    }
}
