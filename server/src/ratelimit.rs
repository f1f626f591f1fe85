//! Per-IP fixed-window rate limiting, the vendor's scheme (50 requests per
//! 5 s by default) with its `X-Rate-Limit-*` headers.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Limit configuration: `limit` requests per `window` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// Window length in seconds.
    pub window: u64,
}

impl RateLimit {
    /// Parses `N/SECS` (e.g. `50/5`); `off` gives `None` (no limiting).
    pub fn parse(s: &str) -> Result<Option<RateLimit>, String> {
        if s.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (n, w) = s.split_once('/').ok_or("expected N/SECS or off")?;
        let limit: u32 = n.trim().parse().map_err(|_| "bad request count")?;
        let window: u64 = w.trim().parse().map_err(|_| "bad window seconds")?;
        if limit == 0 || window == 0 {
            return Err("count and window must be positive".into());
        }
        Ok(Some(RateLimit { limit, window }))
    }
}

/// The verdict for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// `X-Rate-Limit-Limit`.
    pub limit: u32,
    /// `X-Rate-Limit-Remaining`.
    pub remaining: u32,
    /// `X-Rate-Limit-Reset`: seconds until the window resets.
    pub reset: u64,
}

/// Fixed-window counters per client IP.
pub struct Limiter {
    cfg: RateLimit,
    windows: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl Limiter {
    /// A limiter with the given configuration.
    pub fn new(cfg: RateLimit) -> Self {
        Limiter {
            cfg,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `ip` at time `now` (seconds, monotonic or wall).
    pub fn check(&self, ip: IpAddr, now: u64) -> Decision {
        let Ok(mut map) = self.windows.lock() else {
            return Decision {
                allowed: true,
                limit: self.cfg.limit,
                remaining: self.cfg.limit,
                reset: self.cfg.window,
            };
        };
        let start = now - now % self.cfg.window;
        // Bound memory: drop stale windows once the map grows.
        if map.len() > 10_000 {
            map.retain(|_, (s, _)| *s == start);
        }
        let entry = map.entry(ip).or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        let allowed = entry.1 < self.cfg.limit;
        if allowed {
            entry.1 += 1;
        }
        Decision {
            allowed,
            limit: self.cfg.limit,
            remaining: self.cfg.limit - entry.1,
            reset: start + self.cfg.window - now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        assert_eq!(
            RateLimit::parse("50/5").unwrap(),
            Some(RateLimit {
                limit: 50,
                window: 5
            })
        );
        assert_eq!(RateLimit::parse("off").unwrap(), None);
        assert!(RateLimit::parse("0/5").is_err());
        assert!(RateLimit::parse("x").is_err());
    }

    #[test]
    fn window_counts_and_resets() {
        let l = Limiter::new(RateLimit {
            limit: 3,
            window: 5,
        });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.1".parse().unwrap();
        let d: Vec<bool> = (0..4).map(|_| l.check(ip, 100).allowed).collect();
        assert_eq!(d, [true, true, true, false]);
        assert_eq!(l.check(ip, 101).remaining, 0);
        assert_eq!(l.check(ip, 101).reset, 4);
        assert!(l.check(other, 101).allowed);
        assert!(l.check(ip, 105).allowed);
        assert_eq!(l.check(ip, 105).remaining, 1);
    }
}
