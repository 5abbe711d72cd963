//! Where the copier may fetch from: the platforms' image hosts, never our own network.
//!
//! An image URL comes from a platform reply, i.e. from someone else. Fetching it unchecked lets
//! that someone make the daemon request `http://127.0.0.1:…`, the cloud metadata address or a
//! database on the private network, and republish the answer at `/thumbs/…` (SSRF). Three checks,
//! each on its own enough against a different trick:
//!
//! 1. **The host is an image host of the platform** ([`ImageHosts`], patterns such as
//!    `*.ytimg.com`), checked before the request and again on every redirect.
//! 2. **An IP literal is public**: `127.0.0.1`, `[::1]`, `http://2130706433/` (the URL parser
//!    reads decimal, octal and short forms as the IPv4 address they mean), `[::ffff:10.0.0.1]` …
//!    are refused before any connection, because a literal never goes through the resolver.
//! 3. **A name resolves to public addresses only**, checked by the client's resolver at connect
//!    time ([`GuardedResolver`]): an allowed name that resolves to `127.0.0.1` (DNS rebinding, a
//!    poisoned record) connects nowhere.
//!
//! The one exception is explicit: origins listed in `[thumbnails] trusted_origins` (the
//! simulator in the demo and in tests) may be internal. Nothing is trusted by default.

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use streamtide_core::Platform;
use url::{Host, Url};

/// `[thumbnails.image_hosts]`: per platform, the host patterns its images come from. A pattern
/// is a host name (`static-cdn.jtvnw.net`) or `*.` and a domain (`*.ytimg.com`: any name under
/// `ytimg.com`, not `ytimg.com` itself). Keyed by [`Platform::as_str`] in the TOML; a platform
/// left out keeps its default, the [`PlatformFacts::image_hosts`] of its facts (so a new platform
/// brings its hosts along), and a key naming no platform is rejected.
///
/// [`PlatformFacts::image_hosts`]: streamtide_core::PlatformFacts::image_hosts
#[derive(Debug, Clone, PartialEq)]
pub struct ImageHosts(BTreeMap<Platform, Vec<String>>);

impl Default for ImageHosts {
    fn default() -> Self {
        ImageHosts(
            Platform::ALL
                .into_iter()
                .map(|p| {
                    let hosts = p.facts().image_hosts.iter().map(|s| s.to_string());
                    (p, hosts.collect())
                })
                .collect(),
        )
    }
}

impl ImageHosts {
    /// The patterns of `platform`'s images.
    pub fn of(&self, platform: Platform) -> &[String] {
        self.0.get(&platform).map_or(&[], Vec::as_slice)
    }

    /// Replaces `platform`'s patterns.
    pub fn set(&mut self, platform: Platform, patterns: Vec<String>) {
        self.0.insert(platform, patterns);
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.0.values().flatten()
    }
}

/// Written in [`Platform::ALL`] order, keyed by platform id, like `example.toml`.
impl Serialize for ImageHosts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for p in Platform::ALL {
            map.serialize_entry(p.as_str(), self.of(p))?;
        }
        map.end()
    }
}

/// Starts from the defaults and replaces the platforms the table names; a key that is no
/// platform id is an error, as `deny_unknown_fields` made it when the platforms were fields.
impl<'de> Deserialize<'de> for ImageHosts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let given = BTreeMap::<String, Vec<String>>::deserialize(d)?;
        let mut hosts = ImageHosts::default();
        for (key, patterns) in given {
            let platform = Platform::ALL
                .into_iter()
                .find(|p| p.as_str() == key)
                .ok_or_else(|| {
                    let ids: Vec<String> = Platform::ALL.iter().map(|p| format!("`{p}`")).collect();
                    serde::de::Error::custom(format!(
                        "unknown field `{key}`, expected one of {}",
                        ids.join(", ")
                    ))
                })?;
            hosts.set(platform, patterns);
        }
        Ok(hosts)
    }
}

/// Whether host name `host` (lower case) matches `pattern`.
fn matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    match pattern.strip_prefix("*.") {
        Some(domain) => host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
        None => host == pattern,
    }
}

/// Addresses no image is ever fetched from: loopback, private, link-local, multicast,
/// unspecified, shared (CGNAT), reserved and broadcast, in IPv4 and IPv6 (including IPv4 mapped
/// or translated into IPv6).
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || a == 0 // "this network": 0.x.y.z reaches the local host on Linux
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, shared address space
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // 192.0.0/24, protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15, benchmarking
        || a >= 240 // 240/4 reserved
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_internal_v4(v4);
    }
    let seg = ip.segments();
    // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last 32 bits.
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        let o = ip.octets();
        return is_internal_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00 // fc00::/7 unique local
        || (seg[0] & 0xffc0) == 0xfe80 // fe80::/10 link-local
        || (seg[0] & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated)
        // ::/96 IPv4-compatible (deprecated) — ::a.b.c.d
        || (seg[..6] == [0, 0, 0, 0, 0, 0])
}

/// The copier's fetch policy: allowed hosts per platform, trusted internal origins.
#[derive(Debug, Clone)]
pub struct Guard {
    hosts: ImageHosts,
    /// `(scheme, host, port)` of each trusted origin.
    trusted: Arc<Vec<(String, String, u16)>>,
}

impl Guard {
    /// `trusted_origins`: e.g. `http://127.0.0.1:8181`; each must be an http(s) origin.
    pub fn new(hosts: ImageHosts, trusted_origins: &[String]) -> Result<Guard, String> {
        let mut trusted = Vec::new();
        for o in trusted_origins {
            let u = Url::parse(o).map_err(|e| format!("trusted_origins: `{o}`: {e}"))?;
            let host = u
                .host_str()
                .filter(|_| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| format!("trusted_origins: `{o}` is not an http(s) origin"))?;
            let port = u.port_or_known_default().unwrap_or(80);
            trusted.push((u.scheme().to_string(), host.to_ascii_lowercase(), port));
        }
        Ok(Guard {
            hosts,
            trusted: Arc::new(trusted),
        })
    }

    fn is_trusted(&self, u: &Url) -> bool {
        let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default()) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.trusted
            .iter()
            .any(|(s, h, p)| s == u.scheme() && *h == host && *p == port)
    }

    /// Host names the resolver may resolve to internal addresses: those of trusted origins.
    fn trusted_names(&self) -> HashSet<String> {
        self.trusted.iter().map(|(_, h, _)| h.clone()).collect()
    }

    /// Whether `u` may be fetched for `platform` (`None`: an image host of any platform, which
    /// is what a redirect is checked against). `Err` says why not.
    pub fn check(&self, u: &Url, platform: Option<Platform>) -> Result<(), String> {
        if !matches!(u.scheme(), "http" | "https") {
            return Err(format!("scheme `{}` is not fetched", u.scheme()));
        }
        if self.is_trusted(u) {
            return Ok(());
        }
        match u.host() {
            None => Err("no host".into()),
            Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip)),
            Some(Host::Domain(d)) => {
                let d = d.to_ascii_lowercase();
                let allowed = match platform {
                    Some(p) => self.hosts.of(p).iter().any(|pat| matches(pat, &d)),
                    None => self.hosts.all().any(|pat| matches(pat, &d)),
                };
                if allowed {
                    Ok(())
                } else {
                    Err(format!("host `{d}` is not an image host of the platform"))
                }
            }
        }
    }

    /// The redirect policy: at most `max` hops, each target checked like the first URL.
    pub fn redirect_policy(&self, max: usize) -> reqwest::redirect::Policy {
        let guard = self.clone();
        reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                return attempt.error(format!("more than {max} redirects"));
            }
            match guard.check(attempt.url(), None) {
                Ok(()) => attempt.follow(),
                Err(why) => attempt.error(format!("redirect refused: {why}")),
            }
        })
    }

    /// The resolver for the client: refuses internal addresses unless the name is trusted.
    pub fn resolver(&self) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver {
            trusted: Arc::new(self.trusted_names()),
        })
    }
}

/// An IP literal is fetched only if it is public (IP literals are in no platform's host list,
/// but a host list could name one).
fn check_ip(ip: IpAddr) -> Result<(), String> {
    if is_internal(ip) {
        Err(format!("address {ip} is internal"))
    } else {
        Err(format!("address {ip} is not an image host"))
    }
}

/// Resolves with the system resolver, then drops every internal address (unless the name is a
/// trusted origin's). No address left: the connection fails, naming why.
#[derive(Debug)]
pub struct GuardedResolver {
    trusted: Arc<HashSet<String>>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_ascii_lowercase();
        let trusted = self.trusted.contains(&name);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| trusted || !is_internal(a.ip()))
                .collect();
            if kept.is_empty() {
                let why: Box<dyn std::error::Error + Send + Sync> = format!(
                    "`{name}` resolves only to internal addresses ({} refused)",
                    found.len()
                )
                .into();
                return Err(why);
            }
            let addrs: reqwest::dns::Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new(ImageHosts::default(), &["http://127.0.0.1:8181".into()]).unwrap()
    }

    fn check(u: &str, p: Platform) -> Result<(), String> {
        guard().check(&Url::parse(u).unwrap(), Some(p))
    }

    #[test]
    fn image_hosts_read_by_platform_id_keep_defaults_and_reject_other_keys() {
        let hosts: ImageHosts = toml::from_str("twitch = [\"img.example\"]").unwrap();
        assert_eq!(hosts.of(Platform::Twitch), ["img.example"]);
        for p in Platform::ALL.into_iter().filter(|&p| p != Platform::Twitch) {
            assert_eq!(
                hosts.of(p),
                ImageHosts::default().of(p),
                "{p} keeps its default"
            );
            assert!(!hosts.of(p).is_empty(), "{p} has default image hosts");
        }
        let err = toml::from_str::<ImageHosts>("kick = [\"x\"]").unwrap_err();
        assert!(err.to_string().contains("unknown field `kick`"), "{err}");
        // Written back keyed by id, it reads as itself.
        let again: ImageHosts = toml::from_str(&toml::to_string(&hosts).unwrap()).unwrap();
        assert_eq!(again, hosts);
    }

    #[test]
    fn real_capture_hosts_are_allowed_for_their_platform_only() {
        for (u, p) in [
            ("https://nng-phinf.pstatic.net/MjAy/a.png", Platform::Chzzk),
            (
                "https://livecloud-thumb.akamaized.net/chzzk/livecloud/KR/stream/1/live/2/record/3/thumbnail/image_480.jpg",
                Platform::Chzzk,
            ),
            ("https://liveimg.sooplive.co.kr/m/281234567", Platform::Soop),
            ("https://videoimg.sooplive.com/x.jpg", Platform::Soop),
            ("https://profile.img.sooplive.co.kr/LOGO/ab/abc/abc.jpg", Platform::Soop),
            (
                "https://static-cdn.jtvnw.net/previews-ttv/live_user_x-440x248.jpg",
                Platform::Twitch,
            ),
            ("https://i.ytimg.com/vi/x/hqdefault_live.jpg", Platform::Youtube),
            ("https://yt3.ggpht.com/abc=s88", Platform::Youtube),
        ] {
            assert_eq!(check(u, p), Ok(()), "{u}");
        }
        assert!(check("https://i.ytimg.com/vi/x/hq.jpg", Platform::Chzzk).is_err());
        assert!(check("https://ytimg.com.evil.example/x.jpg", Platform::Youtube).is_err());
        assert!(check("https://evilytimg.com/x.jpg", Platform::Youtube).is_err());
        assert!(check("https://example.com/x.jpg", Platform::Twitch).is_err());
    }

    #[test]
    fn internal_literals_are_refused_in_every_spelling() {
        for u in [
            "http://127.0.0.1/",
            "http://127.0.0.1:8182/", // the trusted origin's host, another port
            "https://127.0.0.1:8181/", // …another scheme
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "http://localhost/",
            "http://localhost:8181/",
        ] {
            assert!(check(u, Platform::Youtube).is_err(), "{u}");
        }
        assert_eq!(
            check("http://127.0.0.1:8181/img/1.jpg", Platform::Chzzk),
            Ok(())
        );
    }

    #[test]
    fn address_classes() {
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "23.215.0.1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "64:ff9b::7f00:1",
            "::7f00:1",
            "ff02::1",
            "255.255.255.255",
            "240.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
    }
}
