//! Client addresses behind reverse proxies.
//!
//! `X-Forwarded-For` is written by whoever sends the request, so only the hops that trusted
//! proxies appended can be believed: walking the list from the right, the first address that
//! is not one of our proxies is the client. Without trusted proxies the header is ignored.

use serde::{Deserialize, Deserializer};
use std::net::IpAddr;
use std::str::FromStr;

/// An address or a CIDR block, such as `10.0.0.0/8`, `192.0.2.7` or `fd00::/8`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    network: IpAddr,
    prefix_length: u8,
}

/// Not an address or CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or CIDR block (such as 10.0.0.0/8)")]
pub struct InvalidAddressRange(String);

impl FromStr for AddressRange {
    type Err = InvalidAddressRange;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidAddressRange(text.to_owned());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network = address
            .parse::<IpAddr>()
            .map_err(|_| invalid())?
            .to_canonical();
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix_length = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| invalid())?,
            None => width,
        };
        if prefix_length > width {
            return Err(invalid());
        }
        Ok(Self {
            network,
            prefix_length,
        })
    }
}

impl<'de> Deserialize<'de> for AddressRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for AddressRange {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}/{}", self.network, self.prefix_length)
    }
}

/// Shown as written in configuration (`10.0.0.0/8`).
impl std::fmt::Debug for AddressRange {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, formatter)
    }
}

impl AddressRange {
    /// Whether this is `0.0.0.0/0` or `::/0`: every address of its family.
    #[must_use]
    pub fn contains_everything(&self) -> bool {
        self.prefix_length == 0
    }

    /// Whether `address` is inside the range (IPv4-mapped IPv6 addresses count as IPv4).
    #[must_use]
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix_length))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix_length))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: `peer` (the socket's other end), unless `peer` is a trusted proxy,
/// in which case the `X-Forwarded-For` values (in header order) are walked from the right
/// past trusted proxies. A hop that is not an address ends the walk at the last believed one.
#[must_use]
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[AddressRange]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|range| range.contains(address));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(address) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = address.to_canonical();
        if !is_trusted(client) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(texts: &[&str]) -> Vec<AddressRange> {
        texts
            .iter()
            .map(|text| text.parse().expect("valid range"))
            .collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn ranges_parse_and_match() {
        let check = |range: &str, address: &str, expected: bool| {
            let parsed: AddressRange = range.parse().expect(range);
            assert_eq!(
                parsed.contains(ip(address)),
                expected,
                "{range} ∋ {address}"
            );
        };
        check("10.0.0.0/8", "10.200.3.4", true);
        check("10.0.0.0/8", "11.0.0.1", false);
        check("192.0.2.7", "192.0.2.7", true);
        check("192.0.2.7", "192.0.2.8", false);
        check("0.0.0.0/0", "203.0.113.9", true);
        check("fd00::/8", "fd12::1", true);
        check("fd00::/8", "fe80::1", false);
        check("127.0.0.1", "::ffff:127.0.0.1", true);
        check("::/0", "10.0.0.1", false);
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "example.com",
            "10.0.0.0/x",
        ] {
            assert!(bad.parse::<AddressRange>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn forwarded_for_is_walked_from_the_right_past_trusted_proxies() {
        let proxies = ranges(&["10.0.0.0/8"]);
        let check = |peer: &str, header: &[&str], expected: &str| {
            assert_eq!(
                client_address(ip(peer), header, &proxies),
                ip(expected),
                "{peer} {header:?}"
            );
        };
        // A forged left-most entry changes nothing: the proxy appended the real client.
        check("10.0.0.2", &["6.6.6.6, 198.51.100.4"], "198.51.100.4");
        // Two proxies of ours in a row.
        check(
            "10.0.0.2",
            &["6.6.6.6, 198.51.100.4, 10.0.0.9"],
            "198.51.100.4",
        );
        // Several header lines are one list.
        check("10.0.0.2", &["6.6.6.6", "198.51.100.4"], "198.51.100.4");
        // Not from a proxy of ours: the header is the caller's own words.
        check("198.51.100.4", &["1.2.3.4"], "198.51.100.4");
        // Garbage stops the walk at the last believed hop.
        check("10.0.0.2", &["198.51.100.4, nonsense"], "10.0.0.2");
        // Only proxies: the left-most.
        check("10.0.0.2", &["10.0.0.3"], "10.0.0.3");
        check("10.0.0.2", &[], "10.0.0.2");
        assert_eq!(
            client_address(ip("127.0.0.1"), &["1.2.3.4"], &[]),
            ip("127.0.0.1"),
            "without trusted proxies the header is ignored"
        );
    }
}
