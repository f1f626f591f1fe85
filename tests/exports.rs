//! The shared library exports exactly the names in exports.txt, and every
//! one of them is declared in the generated header.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn export_list() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("exports.txt")).unwrap();
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    v.sort();
    v
}

fn cdylib() -> PathBuf {
    // tests run from target/<profile>/deps; the cdylib sits in target/<profile>.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|p| p.parent()).unwrap().to_path_buf();
    dir.join("libLexActivator.so")
}

#[test]
fn dynamic_symbols_equal_the_export_list() {
    let lib = cdylib();
    assert!(
        lib.exists(),
        "{} missing: build it with `cargo build --lib` first",
        lib.display()
    );
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm");
    assert!(out.status.success());
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(|s| s.split('@').next().unwrap_or(s).to_string())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names, export_list());
}

#[test]
fn every_export_is_declared_in_the_header() {
    let header = std::fs::read_to_string(root().join("include/LexActivator.h")).unwrap();
    for name in export_list() {
        assert!(
            header.contains(&format!(" {name}(")) || header.contains(&format!("\nint {name}(")),
            "{name} not declared"
        );
    }
}

#[test]
fn the_vendor_api_is_all_there() {
    // The 98 names LexActivator 3.46.0 exports for its documented API (reference abi.md §6-§7)
    // plus the cheap extras and our SetProductKey alias.
    let list = export_list();
    assert_eq!(list.len(), 104);
    for extra in [
        "GetProductId",
        "GetAccountId",
        "SetTlsPeerVerification",
        "GetLicenseLeaseDuration",
        "GetLicenseLeasingStrategy",
        "SetProductKey",
    ] {
        assert!(list.iter().any(|n| n == extra), "{extra}");
    }
    assert!(!list.iter().any(|n| n == "SetJniEnv"), "Android only");
}
