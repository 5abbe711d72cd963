//! The injectable clock.
//!
//! The collector stamps every observation with the clock's `now`, so tests (and the simulator) can
//! run weeks of collection without waiting for them. A clock that moves only when told
//! ([`ManualClock`]) also decides when waits on it end ([`Clock::wait_until`]): the scheduler
//! sleeps on the clock, so a test can run the real schedule through simulated days.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Duration, Utc};

/// A source of "now".
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// A wait that ends once this clock reads `deadline` or later, for clocks that do not follow
    /// real time. `None` (the default): the clock is real time, wait with the runtime's timer.
    fn wait_until(&self, _deadline: DateTime<Utc>) -> Option<ClockWait> {
        None
    }
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[derive(Debug)]
struct Waiter {
    deadline: DateTime<Utc>,
    waker: Option<Waker>,
}

#[derive(Debug)]
struct State {
    now: DateTime<Utc>,
    waiters: BTreeMap<u64, Waiter>,
    next_id: u64,
}

impl State {
    fn wake_due(&mut self) {
        let now = self.now;
        for w in self.waiters.values_mut().filter(|w| w.deadline <= now) {
            if let Some(waker) = w.waker.take() {
                waker.wake();
            }
        }
    }
}

/// A clock that moves only when told to. Clones share the same time and the same waits.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<State>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(State {
            now: start,
            waiters: BTreeMap::new(),
            next_id: 0,
        })))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Move to `t` (also backwards) and end the waits that are due.
    pub fn set(&self, t: DateTime<Utc>) {
        let mut s = self.state();
        s.now = t;
        s.wake_due();
    }

    pub fn advance(&self, by: Duration) {
        let mut s = self.state();
        s.now += by;
        s.wake_due();
    }

    /// How many waits are pending (their deadline still ahead): a driver moving the clock knows
    /// every task is asleep when this equals the number of its tasks.
    pub fn waiting(&self) -> usize {
        let s = self.state();
        s.waiters.values().filter(|w| w.deadline > s.now).count()
    }

    /// The earliest deadline still ahead, if anything waits.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let s = self.state();
        s.waiters
            .values()
            .map(|w| w.deadline)
            .filter(|d| *d > s.now)
            .min()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.state().now
    }

    fn wait_until(&self, deadline: DateTime<Utc>) -> Option<ClockWait> {
        let mut s = self.state();
        let id = s.next_id;
        s.next_id += 1;
        s.waiters.insert(
            id,
            Waiter {
                deadline,
                waker: None,
            },
        );
        Some(ClockWait {
            clock: self.clone(),
            id,
        })
    }
}

/// A wait on a [`ManualClock`]: ready once the clock reads its deadline. Dropping it (e.g. the
/// other branch of a `select!` won) withdraws it.
#[derive(Debug)]
pub struct ClockWait {
    clock: ManualClock,
    id: u64,
}

impl Future for ClockWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.clock.state();
        let now = s.now;
        match s.waiters.get_mut(&self.id) {
            Some(w) if w.deadline > now => {
                w.waker = Some(cx.waker().clone());
                Poll::Pending
            }
            _ => {
                s.waiters.remove(&self.id);
                Poll::Ready(())
            }
        }
    }
}

impl Drop for ClockWait {
    fn drop(&mut self) {
        self.clock.state().waiters.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::Wake;

    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_wait_ends_when_the_clock_reaches_its_deadline() {
        let t0: DateTime<Utc> = "2026-07-01T00:00:00Z".parse().unwrap();
        let clock = ManualClock::new(t0);
        let mut wait = Box::pin(clock.wait_until(t0 + Duration::minutes(2)).unwrap());
        let flag = Arc::new(Flag(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        assert_eq!(clock.waiting(), 1);
        assert_eq!(clock.next_deadline(), Some(t0 + Duration::minutes(2)));
        clock.advance(Duration::minutes(1));
        assert!(!flag.0.load(Ordering::SeqCst));
        clock.advance(Duration::minutes(1));
        assert!(flag.0.load(Ordering::SeqCst), "woken at the deadline");
        assert_eq!(clock.waiting(), 0, "a due wait is not counted as waiting");
        assert!(wait.as_mut().poll(&mut cx).is_ready());
        let dropped = clock.wait_until(t0 + Duration::hours(1)).unwrap();
        drop(dropped);
        assert_eq!(clock.waiting(), 0, "a dropped wait is withdrawn");
    }

    #[test]
    fn the_system_clock_waits_with_the_runtime() {
        assert!(SystemClock.wait_until(Utc::now()).is_none());
    }
}
