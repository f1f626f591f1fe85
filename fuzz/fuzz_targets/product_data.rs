//! Product data (SetProductData / SetProductFile text): the wire parser and
//! the library's parse into a product key. Must never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = openlex_wire::product_data::parse(&text);
    let _ = openlex_client::core::product::parse(&text);
});
