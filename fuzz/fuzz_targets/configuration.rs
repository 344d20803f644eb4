//! A configuration file as an operator (or a broken deployment template) may write it:
//! loaded, validated, and examined by `gatehouse doctor`. Errors name a key; nothing panics.
#![no_main]

use gatehouse_server::Config;
use gatehouse_server::config::doctor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(config) = Config::parse(text) {
        let _ = doctor::examine(&config);
        let _ = config.database_url();
    }
});
