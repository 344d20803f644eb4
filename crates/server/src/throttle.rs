//! Back-off for guessable secrets (passwords, second factors, recovery codes, client
//! secrets) and for actions that cost someone else (sending codes, registering).
//!
//! An attempt is checked and counted in one step ([`Throttle::begin`]), before the secret
//! is compared: fifty guesses released together are counted as fifty, and only those the
//! policy allows are compared at all. An attempt counts as a failure until its [`Permit`]
//! says it succeeded, which refunds it; so a guess still being hashed already holds back
//! the next one.
//!
//! [`Throttle`] keeps its counters in the database, so every node behind a load balancer
//! draws on the same allowance. [`NodeThrottle`] keeps them in memory, for client
//! authentication only: client secrets are 256-bit random values that no online guessing
//! can find, so sharing their back-off would cost a database write per token request for
//! nothing; per node, the allowance is multiplied by the number of nodes, and the delays
//! still grow exponentially.

use crate::config::LoginConfig;
use crate::error::ServerError;
use gatehouse_core::UnixTime;
use gatehouse_core::throttle::{BackoffPolicy, FailureHistory};
use gatehouse_store::Store;
use gatehouse_store::backoff::{self, Counter, Refund};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Entries kept before stale ones are swept, bounding memory under a spraying attack.
const SWEEP_THRESHOLD: usize = 100_000;

/// Which allowance a key draws on; each has its own policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// One subject: an account or a client from one address, a user's second factor. The
    /// fast back-off; keyed with the address where a stranger could otherwise trip it for
    /// the owner.
    Subject,
    /// One account from any address: a slower limit on distributed guessing. Browsers that
    /// hold a device cookie registered to the account are exempt (OWASP's "device cookies"),
    /// so nobody can lock the owner out by failing on purpose.
    AccountAnywhere,
    /// Everything of one kind from one address: password spraying across accounts.
    Address,
}

/// A counter: an allowance and what it is about. Subjects carry their purpose
/// (`"sign-in:..."`, `"client:..."`), so different kinds of attempts never share a count.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    limit: Limit,
    subject: String,
}

impl Key {
    /// `subject` (an account, a client, a recipient) tried from `address`.
    #[must_use]
    pub fn subject_from(purpose: &str, subject: &str, address: IpAddr) -> Self {
        Self {
            limit: Limit::Subject,
            subject: format!("{purpose}:{subject}@{address}"),
        }
    }

    /// `subject` tried from anywhere, on the fast back-off (a second factor, which only
    /// someone who knows the password reaches).
    #[must_use]
    pub fn subject(purpose: &str, subject: &str) -> Self {
        Self {
            limit: Limit::Subject,
            subject: format!("{purpose}:{subject}"),
        }
    }

    /// `account` tried from anywhere, on the slower account-wide limit.
    #[must_use]
    pub fn account_anywhere(purpose: &str, account: &str) -> Self {
        Self {
            limit: Limit::AccountAnywhere,
            subject: format!("{purpose}:{account}"),
        }
    }

    /// Anything of `purpose` from `address`.
    #[must_use]
    pub fn address(purpose: &str, address: IpAddr) -> Self {
        Self {
            limit: Limit::Address,
            subject: format!("{purpose}:{address}"),
        }
    }
}

/// Too many attempts: wait this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

/// Back-off counters in this node's memory (client authentication).
#[derive(Debug, Clone)]
pub struct NodeThrottle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    subject: BackoffPolicy,
    account_anywhere: BackoffPolicy,
    address: BackoffPolicy,
    histories: Mutex<HashMap<Key, FailureHistory>>,
}

impl Inner {
    fn policy(&self, limit: Limit) -> &BackoffPolicy {
        match limit {
            Limit::Subject => &self.subject,
            Limit::AccountAnywhere => &self.account_anywhere,
            Limit::Address => &self.address,
        }
    }
}

impl NodeThrottle {
    /// Builds the policies from `[login]`.
    #[must_use]
    pub fn new(config: &LoginConfig) -> Self {
        let policy = |free_failures| BackoffPolicy {
            free_failures,
            base_delay_seconds: config.base_delay_seconds,
            max_delay_seconds: config.max_delay_seconds,
            forget_after_seconds: config.forget_after_seconds,
        };
        Self {
            inner: Arc::new(Inner {
                subject: policy(config.account_free_failures),
                account_anywhere: policy(config.account_free_failures_any_address),
                address: policy(config.address_free_failures),
                histories: Mutex::default(),
            }),
        }
    }

    /// Checks every key and, when none of them must wait, counts one attempt against each,
    /// all under one lock. The attempt stays counted as a failure unless
    /// [`NodePermit::succeeded`] takes it back.
    pub fn begin(&self, keys: Vec<Key>, now: UnixTime) -> Result<NodePermit, RetryAfter> {
        let inner = &self.inner;
        let mut histories = inner
            .histories
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let wait = keys
            .iter()
            .filter_map(|key| {
                let history = histories.get(key)?;
                inner.policy(key.limit).retry_after(history, now)
            })
            .max();
        if let Some(seconds) = wait {
            return Err(RetryAfter(seconds));
        }
        if histories.len() >= SWEEP_THRESHOLD {
            histories.retain(|key, history| !inner.policy(key.limit).is_forgotten(history, now));
        }
        for key in &keys {
            let history = histories.get(key).copied().unwrap_or_default();
            let counted = inner.policy(key.limit).record_failure(&history, now);
            histories.insert(key.clone(), counted);
        }
        Ok(NodePermit {
            inner: self.inner.clone(),
            keys,
        })
    }

    /// Seconds to wait before an attempt against `keys` would be allowed, without counting
    /// one (to tell a page's visitor before they type).
    #[must_use]
    pub fn retry_after(&self, keys: &[Key], now: UnixTime) -> Option<i64> {
        let histories = self
            .inner
            .histories
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        keys.iter()
            .filter_map(|key| {
                let history = histories.get(key)?;
                self.inner.policy(key.limit).retry_after(history, now)
            })
            .max()
    }
}

/// One attempt counted in memory. Dropping it leaves the attempt counted as a failure.
#[derive(Debug)]
#[must_use = "an attempt that is not marked as succeeded counts as a failure"]
pub struct NodePermit {
    inner: Arc<Inner>,
    keys: Vec<Key>,
}

impl NodePermit {
    /// The secret was right: the subject's failures are forgotten (the owner proved
    /// themselves), while an address only gets this one attempt back, so one known
    /// password does not launder guesses at others.
    pub fn succeeded(self) {
        let mut histories = self
            .inner
            .histories
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for key in &self.keys {
            match key.limit {
                Limit::Address => {
                    if let Some(history) = histories.get_mut(key) {
                        *history = history.without_one_failure();
                    }
                }
                Limit::Subject | Limit::AccountAnywhere => {
                    histories.remove(key);
                }
            }
        }
    }
}

impl Key {
    /// The counter's name in the database.
    fn stored(&self) -> String {
        let limit = match self.limit {
            Limit::Subject => "subject",
            Limit::AccountAnywhere => "account",
            Limit::Address => "address",
        };
        format!("{limit}/{}", self.subject)
    }

    /// What a right secret gives back: the subject's failures are forgotten (the owner
    /// proved themselves), while an address only gets this one attempt back, so one known
    /// password does not launder guesses at others.
    fn refund(&self) -> Refund {
        match self.limit {
            Limit::Address => Refund::OneAttempt,
            Limit::Subject | Limit::AccountAnywhere => Refund::Forget,
        }
    }
}

/// Back-off counters in the database, shared by every node.
#[derive(Debug, Clone)]
pub struct Throttle {
    subject: BackoffPolicy,
    account_anywhere: BackoffPolicy,
    address: BackoffPolicy,
    store: Store,
}

impl Throttle {
    /// Builds the policies from `[login]`, counting in `store`.
    #[must_use]
    pub fn new(config: &LoginConfig, store: Store) -> Self {
        let policy = |free_failures| BackoffPolicy {
            free_failures,
            base_delay_seconds: config.base_delay_seconds,
            max_delay_seconds: config.max_delay_seconds,
            forget_after_seconds: config.forget_after_seconds,
        };
        Self {
            subject: policy(config.account_free_failures),
            account_anywhere: policy(config.account_free_failures_any_address),
            address: policy(config.address_free_failures),
            store,
        }
    }

    fn counters(&self, keys: &[Key]) -> Vec<Counter> {
        keys.iter()
            .map(|key| Counter {
                key: key.stored(),
                policy: match key.limit {
                    Limit::Subject => self.subject,
                    Limit::AccountAnywhere => self.account_anywhere,
                    Limit::Address => self.address,
                },
            })
            .collect()
    }

    /// Checks every key and, when none of them must wait, counts one attempt against each,
    /// in one transaction that holds the counters' rows. The attempt stays counted as a
    /// failure unless [`Permit::succeeded`] takes it back.
    pub async fn begin(
        &self,
        keys: Vec<Key>,
        now: UnixTime,
    ) -> Result<Result<Permit, RetryAfter>, ServerError> {
        let counters = self.counters(&keys);
        let wait = self
            .store
            .write(move |connection| backoff::begin(connection, &counters, now))
            .await?;
        Ok(match wait {
            Some(seconds) => Err(RetryAfter(seconds)),
            None => Ok(Permit {
                store: self.store.clone(),
                keys,
            }),
        })
    }
}

/// One attempt counted in the database. Dropping it leaves the attempt counted as a failure.
#[derive(Debug)]
#[must_use = "an attempt that is not marked as succeeded counts as a failure"]
pub struct Permit {
    store: Store,
    keys: Vec<Key>,
}

impl Permit {
    /// The secret was right: refund the attempt (see [`Key::refund`]). A refund that cannot
    /// be written leaves the attempt counted, which only slows the owner a little; the
    /// request itself goes on.
    pub async fn succeeded(self) {
        let refunds: Vec<(String, Refund)> = self
            .keys
            .iter()
            .map(|key| (key.stored(), key.refund()))
            .collect();
        let refunded = self
            .store
            .write(move |connection| {
                let refunds: Vec<(&str, Refund)> = refunds
                    .iter()
                    .map(|(key, refund)| (key.as_str(), *refund))
                    .collect();
                backoff::refund(connection, &refunds)
            })
            .await;
        if let Err(error) = refunded {
            tracing::warn!(%error, "a successful attempt could not be refunded");
        }
    }
}

/// Rows that requests without a session may create, per client address and hour, all
/// kinds together (pending authorization requests, passkey ceremonies, DPoP proof records):
/// nobody can grow the database without bound from one address. Per node, like the
/// back-off; the rows themselves expire and are purged.
#[derive(Debug, Clone)]
pub struct RowAllowance {
    per_hour: u32,
    counts: Arc<Mutex<HashMap<IpAddr, (i64, u32)>>>,
}

impl RowAllowance {
    /// `per_hour` rows per address and hour.
    #[must_use]
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour,
            counts: Arc::default(),
        }
    }

    /// Takes one row of `address`'s allowance for this hour; `false` when it is used up.
    pub fn take(&self, address: IpAddr, now: UnixTime) -> bool {
        let hour = now.as_secs().div_euclid(3600);
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if counts.len() >= SWEEP_THRESHOLD {
            counts.retain(|_, (window, _)| *window == hour);
        }
        let entry = counts.entry(address.to_canonical()).or_insert((hour, 0));
        if entry.0 != hour {
            *entry = (hour, 0);
        }
        if entry.1 >= self.per_hour {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> NodeThrottle {
        NodeThrottle::new(&LoginConfig {
            account_free_failures: 3,
            account_free_failures_any_address: 6,
            address_free_failures: 10,
            base_delay_seconds: 2,
            max_delay_seconds: 60,
            forget_after_seconds: 900,
        })
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    #[test]
    fn attempts_in_flight_count_before_they_finish() {
        let throttle = throttle();
        let now = UnixTime(1_000);
        let keys = || vec![Key::subject_from("sign-in", "anna", HOME)];
        // Nobody has finished yet, and still the fourth concurrent attempt must wait.
        let permits: Vec<_> = (0..3)
            .map(|_| throttle.begin(keys(), now).expect("free attempt"))
            .collect();
        assert_eq!(throttle.begin(keys(), now).err(), Some(RetryAfter(2)));
        drop(permits);
        assert_eq!(throttle.retry_after(&keys(), now), Some(2));
        assert!(throttle.begin(keys(), now.plus_seconds(2)).is_ok());
    }

    #[test]
    fn success_refunds_the_subject_and_one_attempt_of_the_address() {
        let throttle = throttle();
        let now = UnixTime(1_000);
        let keys = || {
            vec![
                Key::subject_from("sign-in", "anna", HOME),
                Key::address("sign-in", HOME),
            ]
        };
        for _ in 0..2 {
            drop(throttle.begin(keys(), now).expect("free"));
        }
        throttle.begin(keys(), now).expect("free").succeeded();
        // Anna's failures are forgotten; the address still remembers the two failures.
        for _ in 0..3 {
            drop(throttle.begin(keys(), now).expect("free again"));
        }
        assert!(throttle.begin(keys(), now).is_err());
        let address_only = [Key::address("sign-in", HOME)];
        assert_eq!(throttle.retry_after(&address_only, now), None, "5 of 10");
    }

    #[test]
    fn a_stranger_does_not_slow_the_owner_from_another_address() {
        let throttle = throttle();
        let now = UnixTime(1_000);
        // Guesses from many addresses: each address's own back-off is not enough.
        for host in 1..=10 {
            let stranger = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, host));
            for _ in 0..3 {
                let _ = throttle.begin(
                    vec![
                        Key::subject_from("sign-in", "anna", stranger),
                        Key::account_anywhere("sign-in", "anna"),
                    ],
                    now,
                );
            }
        }
        // The owner's browser holds a device cookie: the account-wide key is not asked.
        let owner = vec![Key::subject_from("sign-in", "anna", HOME)];
        assert!(throttle.begin(owner, now).is_ok());
        // A new browser of anyone is held back by the account-wide limit.
        let new_browser = vec![
            Key::subject_from("sign-in", "anna", HOME),
            Key::account_anywhere("sign-in", "anna"),
        ];
        assert!(throttle.begin(new_browser, now).is_err());
    }

    #[test]
    fn row_allowances_are_per_address_and_hour() {
        let allowance = RowAllowance::new(2);
        let now = UnixTime(7_200);
        assert!(allowance.take(HOME, now));
        assert!(allowance.take(HOME, now));
        assert!(!allowance.take(HOME, now.plus_seconds(3599)));
        let other = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1));
        assert!(allowance.take(other, now));
        assert!(allowance.take(HOME, now.plus_seconds(3600)), "a new hour");
    }

    #[test]
    fn purposes_do_not_share_counters() {
        let throttle = throttle();
        let now = UnixTime(1_000);
        for _ in 0..3 {
            drop(throttle.begin(vec![Key::subject_from("client", "erp", HOME)], now));
        }
        assert!(
            throttle
                .begin(vec![Key::subject_from("sign-in", "erp", HOME)], now)
                .is_ok()
        );
    }
}
