//! One line of a user import file (`gatehouse users import`): parsed, and its password hash
//! from the old system recognised (argon2, bcrypt, scrypt, PBKDF2) with its cost capped.
#![no_main]

use gatehouse_server::crypto::legacy;
use gatehouse_server::service::import::parse_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let _ = parse_line(line);
    // The hash field on its own, wherever the line's JSON went wrong.
    let _ = legacy::recognise(line);
});
