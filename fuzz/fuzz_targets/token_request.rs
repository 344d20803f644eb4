//! The body of a token request, as any client may post it: the form parsed (a repeated
//! parameter refused), and the parameters every grant reads checked as the endpoint does.
#![no_main]

use gatehouse_core::scope::Scope;
use gatehouse_core::{network::AddressRange, pkce};
use gatehouse_server::service::tokens::FormParameters;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(parameters) = FormParameters::parse(body) else {
        return;
    };
    let _ = parameters.require("grant_type");
    if let Some(scope) = parameters.get("scope") {
        let _ = Scope::parse(scope);
    }
    if let Some(verifier) = parameters.get("code_verifier")
        && pkce::is_well_formed(verifier)
    {
        let _ = pkce::verify_s256(verifier, parameters.get("code").unwrap_or_default());
    }
    if let Some(address) = parameters.get("address") {
        let _ = address.parse::<AddressRange>();
    }
});
