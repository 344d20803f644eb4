//! Recently read clients, kept for a few seconds so that the token, introspection and
//! authorization endpoints do not read the same row for every request.
//!
//! Changes made through this process (API, hosted pages) take effect at once: they forget the
//! client. Changes made elsewhere (the CLI, another node) reach a node's copy within
//! [`ClientCache::TIME_TO_LIVE`]; until then a refusal is never taken from the copy alone —
//! the callers read the row again before refusing, so a new secret or a newly registered
//! redirect URI works at once everywhere, and only a revoked secret or a removed client can
//! outlive its change by those seconds on another node.

use gatehouse_core::ClientId;
use gatehouse_core::client::Client;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A bounded map of client id to a copy of its row and when it was read.
#[derive(Debug, Default)]
pub struct ClientCache {
    entries: Mutex<HashMap<String, (Instant, Client)>>,
}

impl ClientCache {
    /// How long a copy is used.
    pub const TIME_TO_LIVE: Duration = Duration::from_secs(5);
    /// Most clients kept; an instance with more reads the rest from the database.
    pub const CAPACITY: usize = 4096;

    /// The copy of client `id`, if one was read less than [`Self::TIME_TO_LIVE`] ago.
    pub fn get(&self, id: &ClientId) -> Option<Client> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(id.as_str())
            .filter(|(read_at, _)| read_at.elapsed() < Self::TIME_TO_LIVE)
            .map(|(_, client)| client.clone())
    }

    /// Keeps a copy of `client`, just read from the database.
    pub fn put(&self, client: &Client) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= Self::CAPACITY && !entries.contains_key(client.id.as_str()) {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < Self::TIME_TO_LIVE);
            if entries.len() >= Self::CAPACITY {
                return;
            }
        }
        entries.insert(
            client.id.as_str().to_owned(),
            (Instant::now(), client.clone()),
        );
    }

    /// Drops the copy of client `id` (it changed or went away).
    pub fn forget(&self, id: &ClientId) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id.as_str());
    }
}
