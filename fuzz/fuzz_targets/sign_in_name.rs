//! What people type into the sign-in name field: an e-mail, `user@licence`, or anything.
#![no_main]

use gatehouse_core::identifier::parse_sign_in_name;
use gatehouse_core::locale::parse_accept_language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_sign_in_name(text);
    // The other free text a sign-in page reads before anyone is known.
    let _ = parse_accept_language(text);
});
