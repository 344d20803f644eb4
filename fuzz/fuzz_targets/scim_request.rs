//! What a provisioning client sends to `/scim/v2`: filters, and PATCH bodies whose paths
//! carry filters of their own, applied to a user resource.
#![no_main]

use gatehouse_core::scim::{Filter, patch};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|input: &[u8]| {
    let resource = json!({
        "id": "u1",
        "userName": "giulia@example.com",
        "active": true,
        "name": {"formatted": "Giulia Rossi", "givenName": "Giulia"},
        "emails": [{"value": "giulia@example.com", "type": "work", "primary": true}],
        "groups": [{"value": "s1", "display": "Rossi"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"organization": "Rossi"},
    });
    if let Ok(text) = std::str::from_utf8(input)
        && let Ok(filter) = Filter::parse(text)
    {
        let _ = filter.matches(&resource);
        let _ = filter.required_equal("userName");
    }
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(input)
        && let Ok(operations) = patch::parse_request(&body)
    {
        let mut patched = resource.clone();
        let _ = patch::apply(&mut patched, &operations);
    }
});
