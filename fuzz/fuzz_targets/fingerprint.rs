//! Fingerprint JSON (base64 of a component map): decode, compare and match.
//! The input is split at the first 0xff byte into recorded / presented; the
//! last byte picks the match strategy.
#![no_main]
use libfuzzer_sys::fuzz_target;
use openlex_wire::fingerprint::{matches, Fingerprint, MatchStrategy};

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data.iter().position(|&x| x == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let strategy = match data.last().copied().unwrap_or(0) % 4 {
        0 => MatchStrategy::parse("exact"),
        1 => MatchStrategy::parse("fuzzy"),
        2 => MatchStrategy::parse("loose"),
        _ => MatchStrategy::parse(&b),
    };
    let fa = Fingerprint::decode(&a);
    let fb = Fingerprint::decode(&b);
    if let (Some(x), Some(y)) = (&fa, &fb) {
        let (same, changed) = x.compare(y);
        assert!(same + changed <= openlex_wire::fingerprint::COMPONENTS.len());
    }
    if let Some(x) = &fa {
        // Decoding what we encode gives the same fingerprint back (within
        // the decoder's 4 KiB bound; escaping can grow the text).
        let text = x.encode();
        if text.len() <= 4096 {
            let again = Fingerprint::decode(&text).expect("round trip");
            assert_eq!(again.compare(x).1, 0);
        }
    }
    let m = matches(&a, &b, strategy);
    if a == b {
        assert!(m, "identical fingerprints always match");
    }
});
