//! HTTP plumbing shared by the handlers: cookies, the caller's address, page context, CSRF,
//! and the extractors that say who is calling.

pub mod client_auth;
pub mod cookies;
pub mod dpop;
pub mod page;
pub mod session;

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The caller's IP address: the socket peer, or the first `X-Forwarded-For` hop when
/// `server.trust_forwarded_for` is on (only behind a proxy that sets it).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.server.trust_forwarded_for
            && let Some(forwarded) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
                .and_then(|first| first.trim().parse::<IpAddr>().ok())
        {
            return Ok(Self(forwarded));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(address)| {
                address.ip()
            });
        Ok(Self(peer))
    }
}
