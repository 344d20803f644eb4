//! A bearer token presented to UserInfo, introspection or the management API: verified
//! against a real key ring (the server's own, on a throwaway SQLite database). The first
//! byte chooses between the input taken as a whole token and the input used as payload
//! and signature under a header naming one of our keys, which reaches signature checks.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_core::claims::AccessTokenClaims;
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_server::Config;
use gatehouse_server::state::AppState;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

struct Provider {
    state: AppState,
    headers: Vec<String>,
    _data: tempfile::TempDir,
}

fn provider() -> &'static Provider {
    static PROVIDER: OnceLock<Provider> = OnceLock::new();
    PROVIDER.get_or_init(|| {
        let data = tempfile::tempdir().expect("a temporary folder");
        let text = format!(
            "[server]\ndata_dir = {:?}\n[log]\nlevel = \"off\"\n",
            data.path().display().to_string()
        );
        let config = Config::parse(&text).expect("a configuration");
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let state = runtime
            .block_on(gatehouse_server::startup::build_state(
                config,
                Arc::new(gatehouse_server::clock::SystemClock),
            ))
            .expect("the provider's state");
        let headers = [
            SigningAlgorithm::RS256,
            SigningAlgorithm::ES256,
            SigningAlgorithm::EdDSA,
        ]
        .into_iter()
        .filter_map(|algorithm| {
            state
                .keys
                .current_kid(algorithm)
                .map(|kid| (algorithm, kid))
        })
        .map(|(algorithm, kid)| {
            let header = serde_json::json!({
                "alg": algorithm.as_str(),
                "typ": "at+jwt",
                "kid": kid,
            });
            URL_SAFE_NO_PAD.encode(header.to_string())
        })
        .collect();
        // The runtime's threads are not needed once the state is built.
        std::mem::forget(runtime);
        Provider {
            state,
            headers,
            _data: data,
        }
    })
}

fuzz_target!(|input: &[u8]| {
    let provider = provider();
    let Some((&choice, rest)) = input.split_first() else {
        return;
    };
    let token = if choice % 2 == 0 || provider.headers.is_empty() {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let header = &provider.headers[usize::from(choice / 2) % provider.headers.len()];
        let middle = rest.len() / 2;
        format!(
            "{header}.{}.{}",
            URL_SAFE_NO_PAD.encode(&rest[..middle]),
            URL_SAFE_NO_PAD.encode(&rest[middle..])
        )
    };
    let _ = provider
        .state
        .keys
        .verify::<AccessTokenClaims>(&token, "at+jwt");
});
