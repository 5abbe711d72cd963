//! Per-client rate limiting of the public API (`GET /api/v1/*`).
//!
//! One token bucket per client IP (governor's keyed limiter): a client that sends more than its
//! burst and then more than the steady rate gets `429 {"error":"rate_limited"}` with a
//! `Retry-After`, while every other client goes on unaffected. The client is the TCP peer; the
//! `X-Forwarded-For` header is believed only when the peer is one of the configured trusted
//! proxies, because anybody can send that header and would otherwise pick their own bucket.
//! Admin writes are not limited here: they need the admin token anyway.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::dto::ErrorBody;
use crate::AppState;

/// How often (in checked requests) buckets of clients that went quiet are dropped, so a scan
/// from many addresses cannot grow the table for ever.
const SWEEP_EVERY: u64 = 4096;

/// A setting the limiter cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RateLimitError {
    #[error(
        "invalid trusted proxy `{0}` (expected an IP address or a CIDR range such as 10.0.0.0/8)"
    )]
    BadProxy(String),
}

/// An address range of trusted reverse proxies (`10.0.0.0/8`, `::1/128`, or a single address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    fn parse(s: &str) -> Result<IpRange, RateLimitError> {
        let bad = || RateLimitError::BadProxy(s.to_string());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let base: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpRange { base, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer may arrive as an IPv4-mapped IPv6 address on a dual-stack socket.
        let ip = canonical(ip);
        match (self.base, ip) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(b) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(b) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The limiter shared by every request of a server.
pub struct ClientRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trusted: Vec<IpRange>,
    checked: AtomicU64,
}

impl std::fmt::Debug for ClientRateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRateLimit")
            .field("clients", &self.limiter.len())
            .field("trusted", &self.trusted)
            .finish()
    }
}

impl ClientRateLimit {
    /// A limiter allowing each client `per_second` requests a second on average and `burst` at
    /// once, with `X-Forwarded-For` believed from `trusted_proxies` only. `per_second == 0`
    /// turns limiting off (`Ok(None)`); a zero burst means "the same as per_second".
    pub fn new(
        per_second: u32,
        burst: u32,
        trusted_proxies: &[String],
    ) -> Result<Option<Arc<ClientRateLimit>>, RateLimitError> {
        let trusted = trusted_proxies
            .iter()
            .map(|s| IpRange::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(rate) = NonZeroU32::new(per_second) else {
            return Ok(None);
        };
        let burst = NonZeroU32::new(burst).unwrap_or(rate);
        Ok(Some(Arc::new(ClientRateLimit {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            trusted,
            checked: AtomicU64::new(0),
        })))
    }

    /// The client a request counts against: the peer, or, when the peer is a trusted proxy, the
    /// right-most address of `X-Forwarded-For` that is not itself a trusted proxy (addresses to
    /// its left were written by the client and prove nothing).
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.is_trusted(peer) {
            return peer;
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .map(canonical)
            .collect();
        hops.into_iter()
            .rev()
            .find(|ip| !self.is_trusted(*ip))
            .unwrap_or(peer)
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|r| r.contains(ip))
    }

    /// Take one request from `client`'s bucket; `Err(seconds)` is how long until it may retry.
    /// IPv6 clients share a bucket per /64: one host usually holds a whole /64 and could
    /// otherwise take a fresh address, and a fresh bucket, for every request.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        let client = match canonical(client) {
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !(u128::MAX >> 64)).into()),
            v4 => v4,
        };
        if self.checked.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whole seconds, rounded up, never 0: "retry now" would invite a tight loop.
            (wait.as_secs_f64().ceil() as u64).max(1)
        })
    }
}

/// The middleware: reads (GET/HEAD) are counted against the client; everything else passes (the
/// admin writes on the same paths have their own token check).
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(limit) = state.rate_limit.as_ref() else {
        return next.run(req).await;
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    // Without the connection info (a router driven in-process) every request is one client.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let client = limit.client_ip(peer, req.headers());
    match limit.check(client) {
        Ok(()) => next.run(req).await,
        Err(retry_after) => {
            tracing::debug!(%client, retry_after, "rate limited");
            too_many_requests(retry_after)
        }
    }
}

fn too_many_requests(retry_after: u64) -> Response {
    let body = ErrorBody {
        error: "rate_limited".to_string(),
        message: format!("too many requests from this client; retry in {retry_after} s"),
    };
    let mut res = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn ranges_parse_and_match() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains("10.1.2.3".parse().unwrap()));
        assert!(r.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        let one = IpRange::parse("192.168.1.5").unwrap();
        assert!(one.contains("192.168.1.5".parse().unwrap()));
        assert!(!one.contains("192.168.1.6".parse().unwrap()));
        let all = IpRange::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!(IpRange::parse("::1/128")
            .unwrap()
            .contains("::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x", "::1/129", ""] {
            assert!(IpRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let untrusted = ClientRateLimit::new(1, 1, &[]).unwrap().unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(untrusted.client_ip(peer, &xff("198.51.100.1")), peer);

        let proxied = ClientRateLimit::new(1, 1, &["10.0.0.0/8".into()])
            .unwrap()
            .unwrap();
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        // The right-most untrusted hop is the client; the spoofed left-most entry is ignored.
        assert_eq!(
            proxied.client_ip(proxy, &xff("1.1.1.1, 198.51.100.1, 10.0.0.7")),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(proxied.client_ip(proxy, &HeaderMap::new()), proxy);
        assert_eq!(proxied.client_ip(proxy, &xff("garbage")), proxy);
        // A direct (untrusted) peer cannot choose its bucket with the header.
        assert_eq!(proxied.client_ip(peer, &xff("198.51.100.1")), peer);
    }

    #[test]
    fn zero_rate_is_off_and_bad_proxies_fail() {
        assert!(ClientRateLimit::new(0, 10, &[]).unwrap().is_none());
        assert_eq!(
            ClientRateLimit::new(5, 5, &["10.0.0.300".into()]).unwrap_err(),
            RateLimitError::BadProxy("10.0.0.300".into())
        );
    }

    #[test]
    fn burst_then_retry_after_per_client() {
        let limit = ClientRateLimit::new(1, 3, &[]).unwrap().unwrap();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limit.check(a), Ok(()));
        }
        let wait = limit.check(a).unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(limit.check(b), Ok(()));
        // One /64 is one client; another /64 is not.
        let limit = ClientRateLimit::new(1, 1, &[]).unwrap().unwrap();
        assert_eq!(limit.check("2001:db8:1:2::1".parse().unwrap()), Ok(()));
        assert!(limit.check("2001:db8:1:2::ffff".parse().unwrap()).is_err());
        assert_eq!(limit.check("2001:db8:1:3::1".parse().unwrap()), Ok(()));
    }
}
