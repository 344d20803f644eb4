//! The one place the server reads the wall clock, so tests can move time.

use gatehouse_core::UnixTime;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> UnixTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        UnixTime(chrono::Utc::now().timestamp())
    }
}

/// The system clock shifted by an adjustable offset; tests use it to jump ahead.
#[derive(Debug, Default, Clone)]
pub struct OffsetClock {
    offset_seconds: Arc<AtomicI64>,
}

impl OffsetClock {
    /// Moves this clock (and every clone of it) forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> UnixTime {
        SystemClock
            .now()
            .plus_seconds(self.offset_seconds.load(Ordering::SeqCst))
    }
}
