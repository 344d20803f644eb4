//! In-memory back-off for failed credential checks, per account and per client address.
//!
//! Per node: behind a load balancer each node counts on its own, so the effective allowance
//! is multiplied by the number of nodes. The delays still grow exponentially, which is what
//! defeats online guessing.

use crate::config::LoginConfig;
use gatehouse_core::UnixTime;
use gatehouse_core::throttle::{BackoffPolicy, FailureHistory};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entries kept before stale ones are swept, bounding memory under a spraying attack.
const SWEEP_THRESHOLD: usize = 100_000;

/// Failure counters for one kind of key.
#[derive(Debug)]
struct Counter {
    policy: BackoffPolicy,
    histories: Mutex<HashMap<String, FailureHistory>>,
}

impl Counter {
    fn retry_after(&self, key: &str, now: UnixTime) -> Option<i64> {
        let histories = self
            .histories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        histories
            .get(key)
            .and_then(|history| self.policy.retry_after(history, now))
    }

    fn record_failure(&self, key: &str, now: UnixTime) {
        let mut histories = self
            .histories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if histories.len() >= SWEEP_THRESHOLD {
            histories.retain(|_, history| !self.policy.is_forgotten(history, now));
        }
        let history = histories.get(key).copied().unwrap_or_default();
        histories.insert(key.to_owned(), self.policy.record_failure(&history, now));
    }

    fn clear(&self, key: &str) {
        self.histories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

/// Back-off for sign-in and client authentication.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    accounts: Arc<Counter>,
    addresses: Arc<Counter>,
}

impl LoginThrottle {
    /// Builds the throttle from `[login]`.
    #[must_use]
    pub fn new(config: &LoginConfig) -> Self {
        let policy = |free_failures| BackoffPolicy {
            free_failures,
            base_delay_seconds: config.base_delay_seconds,
            max_delay_seconds: config.max_delay_seconds,
            forget_after_seconds: config.forget_after_seconds,
        };
        Self {
            accounts: Arc::new(Counter {
                policy: policy(config.account_free_failures),
                histories: Mutex::default(),
            }),
            addresses: Arc::new(Counter {
                policy: policy(config.address_free_failures),
                histories: Mutex::default(),
            }),
        }
    }

    /// Seconds to wait before `account` may be tried from `address`, if any.
    #[must_use]
    pub fn retry_after(&self, account: &str, address: &str, now: UnixTime) -> Option<i64> {
        match (
            self.accounts.retry_after(account, now),
            self.addresses.retry_after(address, now),
        ) {
            (Some(left), Some(right)) => Some(left.max(right)),
            (left, right) => left.or(right),
        }
    }

    /// Counts a failure against both keys.
    pub fn record_failure(&self, account: &str, address: &str, now: UnixTime) {
        self.accounts.record_failure(account, now);
        self.addresses.record_failure(address, now);
    }

    /// Forgets the account's failures after a success (the address keeps its count, so one
    /// known password does not launder guesses at others).
    pub fn record_success(&self, account: &str) {
        self.accounts.clear(account);
    }
}
