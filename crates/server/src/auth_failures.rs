//! Failed admin authentications, per client: after [`FREE_FAILURES`] a client waits (429 with
//! `Retry-After`, doubling up to [`MAX_LOCKOUT`]) and each client is logged at most once a minute.
//!
//! Guessing a 24-character token is hopeless anyway; this keeps a guesser from costing CPU and
//! makes the attempt visible in the log. A success forgets the client's failures.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong tokens a client may present before it has to wait.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait after repeated failures.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// At most one log line per client in this period.
const LOG_EVERY: Duration = Duration::from_secs(60);
/// Clients remembered at most (a flood of addresses cannot grow the map without bound).
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug)]
struct Client {
    failures: u32,
    locked_until: Option<Instant>,
    last_logged: Option<Instant>,
    last_seen: Instant,
}

/// The failures of every client seen recently.
#[derive(Debug, Default)]
pub struct AuthFailures {
    clients: Mutex<HashMap<IpAddr, Client>>,
}

impl AuthFailures {
    /// Seconds `client` must still wait, if it is locked out.
    pub fn locked(&self, client: IpAddr, now: Instant) -> Option<u64> {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let until = clients.get(&client)?.locked_until?;
        (until > now).then(|| (until - now).as_secs().max(1))
    }

    /// A wrong or missing token from `client`.
    pub fn failed(&self, client: IpAddr, now: Instant) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&client) {
            // Forget whoever has been quiet longest.
            if let Some(oldest) = clients
                .iter()
                .min_by_key(|(_, c)| c.last_seen)
                .map(|(ip, _)| *ip)
            {
                clients.remove(&oldest);
            }
        }
        let c = clients.entry(client).or_insert(Client {
            failures: 0,
            locked_until: None,
            last_logged: None,
            last_seen: now,
        });
        c.failures = c.failures.saturating_add(1);
        c.last_seen = now;
        if c.failures >= FREE_FAILURES {
            let doublings = (c.failures - FREE_FAILURES).min(20);
            let wait = Duration::from_secs(1u64 << doublings).min(MAX_LOCKOUT);
            c.locked_until = Some(now + wait);
        }
        if c.last_logged
            .is_none_or(|t| now.duration_since(t) >= LOG_EVERY)
        {
            c.last_logged = Some(now);
            tracing::warn!(%client, failures = c.failures, "failed admin authentication");
        }
    }

    /// A right token: the client's failures are forgotten.
    pub fn succeeded(&self, client: IpAddr) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.remove(&client);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_a_client_out_and_the_wait_doubles() {
        let f = AuthFailures::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let t = Instant::now();
        for _ in 0..4 {
            f.failed(a, t);
            assert_eq!(f.locked(a, t), None);
        }
        f.failed(a, t);
        assert_eq!(f.locked(a, t), Some(1));
        f.failed(a, t);
        assert_eq!(f.locked(a, t), Some(2));
        assert_eq!(f.locked(b, t), None, "another client is not affected");
        assert_eq!(f.locked(a, t + Duration::from_secs(3)), None);
        f.succeeded(a);
        f.failed(a, t);
        assert_eq!(f.locked(a, t), None);
    }
}
