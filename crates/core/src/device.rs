//! Registered devices: browsers and app installations an account signs in from.

use crate::{DeviceId, UnixTime, UserId};

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Id.
    pub id: DeviceId,
    /// Owner.
    pub user_id: UserId,
    /// A readable summary of the user agent, e.g. "Firefox on Windows".
    pub name: String,
    /// First sign-in.
    pub first_seen_at: UnixTime,
    /// Latest sign-in.
    pub last_seen_at: UnixTime,
}

/// A short, readable name for a device from its User-Agent header.
#[must_use]
pub fn describe_user_agent(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent.filter(|agent| !agent.trim().is_empty()) else {
        return "Unknown device".to_owned();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => system.to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents() {
        assert_eq!(
            describe_user_agent(Some(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
            )),
            "Chrome on Windows"
        );
        assert_eq!(
            describe_user_agent(Some(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"
            )),
            "Safari on iPhone"
        );
        assert_eq!(describe_user_agent(None), "Unknown device");
        assert_eq!(describe_user_agent(Some("reqwest/0.13")), "reqwest/0.13");
    }
}
