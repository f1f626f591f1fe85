//! The client's address: the TCP peer, or, when the peer is a trusted
//! reverse proxy (`serve --trusted-proxy CIDR`), the address that proxy
//! appended to `X-Forwarded-For`. Rate limits, the password lockout and the
//! request log all use it. The client's country likewise comes only from a
//! trusted proxy's header (`serve --country-header`; there is no GeoIP
//! database).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};

use crate::error::ApiError;

/// An address block, e.g. `10.0.0.0/8` or `::1/128` (a bare address is /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `ADDR[/BITS]`.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (addr, bits) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an address or CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("{s:?}: prefix length must be 0..={max}"))?,
            None => max,
        };
        Ok(Cidr { net, bits })
    }

    /// Whether `ip` is inside the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// IPv4-mapped IPv6 addresses as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client address of a request from `peer` with `headers`: walking
/// `X-Forwarded-For` from the right (the entries our proxies appended),
/// the first address not in `trusted`. Without a trusted peer the header
/// is the client's own word and is ignored.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.iter().any(|c| c.contains(peer)) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // A malformed hop: stop at the last address we could trust.
            break;
        };
        client = canonical(ip);
        if !trusted.iter().any(|c| c.contains(client)) {
            break;
        }
    }
    client
}

/// The client's country as a trusted proxy names it in `header` (e.g.
/// Cloudflare's `CF-IPCountry`): an ISO 3166-1 alpha-2 code, upper case.
/// None when the peer is no trusted proxy (the header is then the client's
/// own word), the header is absent, or it holds no country (Cloudflare's
/// `XX` unknown and `T1` Tor included).
pub fn country(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[Cidr],
    header: &HeaderName,
) -> Option<String> {
    let peer = canonical(peer);
    if !trusted.iter().any(|c| c.contains(peer)) {
        return None;
    }
    let v = headers.get(header)?.to_str().ok()?.trim();
    (v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) && !v.eq_ignore_ascii_case("xx"))
        .then(|| v.to_ascii_uppercase())
}

/// The request's client country (set by the front middleware from
/// [`country`]; None without `serve --country-header` or a trusted proxy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientCountry(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientCountry {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<ClientCountry>()
            .cloned()
            .unwrap_or_default())
    }
}

/// The request's client address (set by the front middleware; the TCP peer
/// if absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The address recorded for the request in `parts`.
    pub fn of(parts: &Parts) -> IpAddr {
        parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0)
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip())
            })
            .unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(ClientAddr(ClientAddr::of(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_only_from_a_trusted_proxy() {
        let h = HeaderName::from_static("cf-ipcountry");
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        let mut headers = HeaderMap::new();
        headers.insert(h.clone(), "de".parse().unwrap());
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            country(proxy, &headers, &trusted, &h).as_deref(),
            Some("DE")
        );
        assert_eq!(country(client, &headers, &trusted, &h), None);
        for junk in ["XX", "T1", "DEU", ""] {
            headers.insert(h.clone(), junk.parse().unwrap());
            assert_eq!(country(proxy, &headers, &trusted, &h), None, "{junk}");
        }
        headers.remove(&h);
        assert_eq!(country(proxy, &headers, &trusted, &h), None);
    }

    #[test]
    fn cidr_and_forwarded_for() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("fd00::/8")
            .unwrap()
            .contains("fd12::1".parse().unwrap()));
        assert!(Cidr::parse("1.2.3.4/33").is_err());
        assert!(Cidr::parse("nope").is_err());
        assert_eq!(
            Cidr::parse("127.0.0.1").unwrap(),
            Cidr::parse("127.0.0.1/32").unwrap()
        );

        let trusted = [
            Cidr::parse("127.0.0.1/32").unwrap(),
            Cidr::parse("10.0.0.0/8").unwrap(),
        ];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, 10.0.0.2".parse().unwrap(),
        );
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            client_addr(lo, &h, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // an untrusted peer's header is ignored
        let out: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_addr(out, &h, &trusted), out);
        // no header: the proxy itself
        assert_eq!(client_addr(lo, &HeaderMap::new(), &trusted), lo);
    }
}
