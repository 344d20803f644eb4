//! HTTP plumbing shared by the handlers: cookies, the caller's address, page context, CSRF,
//! and the extractors that say who is calling.

pub mod bearer;
pub mod client_auth;
pub mod cookies;
pub mod dpop;
pub mod page;
pub mod session;

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use gatehouse_core::network::client_address;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The caller's IP address: the socket peer, or, when the peer is one of
/// `server.trusted_proxies`, the first `X-Forwarded-For` hop from the right that is not
/// (`gatehouse_core::network::client_address`).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(address)| {
                address.ip()
            });
        let trusted = &state.config.server.trusted_proxies;
        if trusted.is_empty() {
            return Ok(Self(peer.to_canonical()));
        }
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        Ok(Self(client_address(peer, &forwarded, trusted)))
    }
}

/// Where a request comes from, for the audit log: the caller's address and user agent.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The caller's address (see [`ClientAddress`]).
    pub address: IpAddr,
    /// The `User-Agent` header, cut to 200 characters.
    pub user_agent: Option<String>,
}

impl Origin {
    /// The audit actor `id` acting from here.
    #[must_use]
    pub fn actor(&self, id: impl Into<String>) -> crate::service::audit::Actor {
        crate::service::audit::Actor {
            id: id.into(),
            address: Some(self.address.to_string()),
            user_agent: self.user_agent.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state).await?;
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(200).collect());
        Ok(Self {
            address,
            user_agent,
        })
    }
}
