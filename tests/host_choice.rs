//! README, "Where the library connects": the URL given to SetCryptlexHost, else the host in the
//! product data, else the vendor's cloud (`https://api.cryptlex.com`). Loopback only: the last
//! case goes through a proxy on loopback that records where the library asked to connect, and
//! answers nothing, so no request leaves the machine.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use common::server::SERVER;
use common::{c, lock};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use openlex_wire::product_data::{parse, Parsed};
use serde_json::json;

/// A port on loopback where nothing listens (bound, then closed).
fn dead_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("https://127.0.0.1:{}", l.local_addr().unwrap().port())
}

/// The server's product data for `product_id`, with its `host` replaced by `host`.
fn with_host(product_data: &str, host: &str) -> String {
    let Some(Parsed::Full(mut pd)) = parse(product_data) else {
        panic!("the server's product data is not full product data");
    };
    pd.host = host.to_owned();
    pd.encode()
}

/// Sets the product up in a fresh store (with `host` given to SetCryptlexHost and `proxy` to
/// SetNetworkProxy, if any) and tries to activate `key`; returns the status.
fn activate(
    product_id: &str,
    product_data: &str,
    key: &str,
    host: Option<&str>,
    proxy: Option<&str>,
) -> i32 {
    let store = tempfile::tempdir().unwrap();
    unsafe {
        assert_eq!(
            SetDataDirectory(c(store.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(product_data).as_ptr()), 0);
        assert_eq!(SetProductId(c(product_id).as_ptr(), 1), 0);
        if let Some(h) = host {
            assert_eq!(SetCryptlexHost(c(h).as_ptr()), 0);
        }
        if let Some(p) = proxy {
            assert_eq!(SetNetworkProxy(c(p).as_ptr()), 0);
        }
        assert_eq!(SetLicenseKey(c(key).as_ptr()), 0);
        ActivateLicense()
    }
}

#[test]
fn set_cryptlex_host_comes_first() {
    let _g = lock();
    let (id, data) = SERVER.product("host choice: SetCryptlexHost", json!({}));
    let (_, key) = SERVER.license(&id, json!({}));
    let data = with_host(&data, &dead_url());
    assert_eq!(activate(&id, &data, &key, Some(&SERVER.url), None), 0);
}

#[test]
fn then_the_product_data_host() {
    let _g = lock();
    let (id, data) = SERVER.product("host choice: product data", json!({}));
    let (_, key) = SERVER.license(&id, json!({}));
    assert_eq!(
        activate(&id, &with_host(&data, &SERVER.url), &key, None, None),
        0
    );
    let (_, key) = SERVER.license(&id, json!({}));
    assert_eq!(
        activate(&id, &with_host(&data, &dead_url()), &key, None, None),
        48,
        "the product data's host is the one used: nothing listens there"
    );
}

#[test]
fn else_the_vendors_cloud() {
    let _g = lock();
    let (id, data) = SERVER.product("host choice: none", json!({}));
    let (_, key) = SERVER.license(&id, json!({}));
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.local_addr().unwrap().port());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // The first request line (CONNECT host:port), then the connection is dropped.
        if let Ok((conn, _)) = proxy.accept() {
            let mut line = String::new();
            let _ = BufReader::new(conn).read_line(&mut line);
            let _ = tx.send(line);
        }
    });
    let status = activate(&id, &with_host(&data, ""), &key, None, Some(&proxy_url));
    assert_eq!(status, 48, "the proxy answers nothing");
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the library never reached the proxy");
    assert!(
        line.starts_with("CONNECT api.cryptlex.com:443 "),
        "asked the proxy for {line:?}"
    );
}
