//! Every exported function is exercised by some test: walks exports.txt and
//! looks for each name as an identifier in the test sources (Rust tests, C
//! tests, bindings' tests are separate and have their own coverage checks).

use std::path::Path;

fn sources(dir: &Path, out: &mut String) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("rs" | "c"))
            && p.file_name().is_some_and(|n| n != "coverage.rs")
        {
            out.push_str(&std::fs::read_to_string(&p).unwrap());
            out.push('\n');
        }
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[test]
fn every_export_is_called_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    sources(&root.join("tests"), &mut text);
    let bytes = text.as_bytes();
    let mut missing = Vec::new();
    for name in std::fs::read_to_string(root.join("exports.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
    {
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        let used = text.match_indices(name).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| bytes[j]).unwrap_or(b' ');
            let after = bytes.get(i + name.len()).copied().unwrap_or(b' ');
            !is_ident(before) && !is_ident(after)
        });
        if !used {
            missing.push(name.to_string());
        }
    }
    assert!(missing.is_empty(), "exports no test calls: {missing:?}");
}
