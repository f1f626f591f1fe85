//! Every exported function is called by some test: walks exports.txt and
//! looks for each name as a call in the test sources (Rust and C tests under
//! tests/; the bindings' tests have their own coverage checks).
//!
//! Only code counts: comments and string literals are blanked out first, so a
//! name in a comment or in a list of strings does not cover it. What counts is
//! the name called (`Name(`, also `a->Name(`) or passed as a function value to
//! something that calls it (`text(Name)`, `f(x, Name)`).

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("rs" | "c"))
            && p.file_name().is_some_and(|n| n != "coverage.rs")
        {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

/// The source with comments, string literals and character literals
/// replaced by spaces (lengths kept). Rust raw strings (`r#"..."#`) included.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, n: usize| out.extend(std::iter::repeat_n(b' ', n));
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            blank(&mut out, end);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = rest[2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 4);
            blank(&mut out, end);
            i += end;
        } else if rest.starts_with(b"r\"") || rest.starts_with(b"r#") {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            if rest.get(1 + hashes) != Some(&b'"') {
                out.push(b[i]);
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let body = 2 + hashes;
            let end = rest[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| body + p + close.len());
            blank(&mut out, end);
            i += end;
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(rest.len());
            blank(&mut out, end);
            i += end;
        } else if rest[0] == b'\'' {
            // A character literal ('x', '\n', '\''); a Rust lifetime ('a) is code.
            let len = match rest.get(1) {
                Some(b'\\') => rest[2..].iter().position(|&c| c == b'\'').map(|p| p + 3),
                Some(_) if rest.get(2) == Some(&b'\'') => Some(3),
                _ => None,
            };
            match len {
                Some(n) => {
                    blank(&mut out, n);
                    i += n;
                }
                None => {
                    out.push(b[i]);
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when `name` is called, or passed as a function value, in `code`.
fn used(code: &str, name: &str) -> bool {
    let bytes = code.as_bytes();
    let next = |from: usize| {
        bytes[from..]
            .iter()
            .copied()
            .find(|c| !c.is_ascii_whitespace())
    };
    let prev = |to: usize| {
        bytes[..to]
            .iter()
            .rev()
            .copied()
            .find(|c| !c.is_ascii_whitespace())
    };
    code.match_indices(name).any(|(i, _)| {
        let end = i + name.len();
        let whole = i.checked_sub(1).is_none_or(|j| !is_ident(bytes[j]))
            && bytes.get(end).is_none_or(|&c| !is_ident(c));
        let called = next(end) == Some(b'(');
        let passed = matches!(prev(i), Some(b'(' | b',')) && matches!(next(end), Some(b')' | b','));
        whole && (called || passed)
    })
}

#[test]
fn every_export_is_called_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("tests"), &mut files);
    let code: String = files
        .iter()
        .map(|(_, text)| code_only(text) + "\n")
        .collect();
    let mut missing = Vec::new();
    for name in std::fs::read_to_string(root.join("exports.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
    {
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        if !used(&code, name) {
            missing.push(name.to_string());
        }
    }
    assert!(missing.is_empty(), "exports no test calls: {missing:?}");
}

#[test]
fn mentions_in_comments_and_strings_do_not_count() {
    let src = r##"
        // SetCacheMode(1) in a line comment
        /* IsLicenseValid() in a block comment */
        let names = ["GetLicenseKey", "Reset"];
        let raw = r#"GetTrialId()"#;
        let c = '(';
        fn lifetime<'a>(x: &'a str) -> &'a str { x }
        SetDebugMode (0);
        text(GetLicenseType);
        a->SyncTrialActivation();
        let not_a_call = ActivateTrial;
    "##;
    let code = code_only(src);
    for name in [
        "SetCacheMode",
        "IsLicenseValid",
        "GetLicenseKey",
        "Reset",
        "GetTrialId",
        "ActivateTrial",
    ] {
        assert!(!used(&code, name), "{name} counted");
    }
    for name in ["SetDebugMode", "GetLicenseType", "SyncTrialActivation"] {
        assert!(used(&code, name), "{name} not counted");
    }
}
