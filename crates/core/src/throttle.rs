//! Back-off after failed credential checks.
//!
//! The first few failures are free (people mistype); after that each failure doubles the wait,
//! up to a ceiling, and a quiet period forgets the history.

use crate::UnixTime;

/// How quickly failures slow down further attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Failures allowed before any delay.
    pub free_failures: u32,
    /// Delay after the first failure past the free ones, in seconds.
    pub base_delay_seconds: i64,
    /// Longest delay, in seconds.
    pub max_delay_seconds: i64,
    /// Seconds without failures after which the count resets.
    pub forget_after_seconds: i64,
}

/// Failures seen for one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureHistory {
    /// Failures counted.
    pub failures: u32,
    /// Time of the most recent failure.
    pub last_failure: Option<UnixTime>,
}

impl FailureHistory {
    /// The history with one failure taken back: an attempt counted before its secret was
    /// compared turned out right.
    #[must_use]
    pub fn without_one_failure(self) -> Self {
        Self {
            failures: self.failures.saturating_sub(1),
            ..self
        }
    }
}

impl BackoffPolicy {
    /// Seconds to wait before another attempt is allowed, or `None` when it is allowed now.
    #[must_use]
    pub fn retry_after(&self, history: &FailureHistory, now: UnixTime) -> Option<i64> {
        let last = history.last_failure?;
        if self.is_forgotten(history, now) || history.failures < self.free_failures {
            return None;
        }
        let excess = history.failures - self.free_failures;
        let delay = self
            .base_delay_seconds
            .saturating_mul(1_i64.checked_shl(excess.min(32)).unwrap_or(i64::MAX))
            .min(self.max_delay_seconds);
        let waited = now.seconds_since(last);
        (waited < delay).then_some(delay - waited)
    }

    /// The history after one more failure at `now`.
    #[must_use]
    pub fn record_failure(&self, history: &FailureHistory, now: UnixTime) -> FailureHistory {
        let failures = if self.is_forgotten(history, now) {
            0
        } else {
            history.failures
        };
        FailureHistory {
            failures: failures.saturating_add(1),
            last_failure: Some(now),
        }
    }

    /// Whether the history is old enough to be dropped.
    #[must_use]
    pub fn is_forgotten(&self, history: &FailureHistory, now: UnixTime) -> bool {
        history
            .last_failure
            .is_none_or(|last| now.seconds_since(last) > self.forget_after_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_exponentially_then_forgets() {
        let policy = BackoffPolicy {
            free_failures: 3,
            base_delay_seconds: 2,
            max_delay_seconds: 60,
            forget_after_seconds: 900,
        };
        let mut history = FailureHistory::default();
        let start = UnixTime(1_000);
        for _ in 0..3 {
            assert_eq!(policy.retry_after(&history, start), None);
            history = policy.record_failure(&history, start);
        }
        // Three failures: the fourth attempt waits the base delay.
        assert_eq!(policy.retry_after(&history, start), Some(2));
        assert_eq!(policy.retry_after(&history, start.plus_seconds(2)), None);
        history = policy.record_failure(&history, start.plus_seconds(2));
        assert_eq!(policy.retry_after(&history, start.plus_seconds(2)), Some(4));
        for _ in 0..10 {
            history = policy.record_failure(&history, start.plus_seconds(3));
        }
        assert_eq!(
            policy.retry_after(&history, start.plus_seconds(3)),
            Some(60)
        );
        assert_eq!(policy.retry_after(&history, start.plus_seconds(1000)), None);
        assert_eq!(
            policy
                .record_failure(&history, start.plus_seconds(1000))
                .failures,
            1
        );
    }
}
