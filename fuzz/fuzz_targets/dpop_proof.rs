//! The `DPoP` header of a token or resource request: any string, checked for its form,
//! signature and claims.
#![no_main]

use gatehouse_core::UnixTime;
use gatehouse_server::http::dpop::check_proof;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|proof: &str| {
    let _ = check_proof(
        proof,
        "POST",
        "https://login.example.com/token",
        None,
        UnixTime(1_800_000_000),
        60,
    );
    let _ = check_proof(
        proof,
        "GET",
        "https://login.example.com/userinfo",
        Some("an-access-token"),
        UnixTime(1_800_000_000),
        60,
    );
});
