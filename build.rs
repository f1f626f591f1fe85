//! Link settings for the shared library: the SONAME the vendor's apps expect
//! and a linker version script generated from the explicit export list in
//! `exports.txt`, so the library exports exactly the API and nothing else,
//! and (glibc) the unwinder linked in instead of a libgcc_s dependency.
//! Writes only into OUT_DIR.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=exports.txt");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let list = fs::read_to_string(manifest.join("exports.txt")).unwrap_or_default();
    let names: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    match target_os.as_str() {
        "linux" | "android" | "freebsd" => {
            static_unwinder(&out);
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libLexActivator.so");
            // Our version script and ICF need lld: GNU ld refuses a second
            // anonymous version script next to rustc's, whose own list already
            // limits exports to the #[no_mangle] API (tests/exports.rs checks).
            if links_with_lld() {
                // Identical code folding: generic code instantiated for different
                // types often compiles to the same bytes; one copy is kept. Rust
                // promises nothing about function-pointer identity, so "all" is safe.
                println!("cargo:rustc-cdylib-link-arg=-Wl,--icf=all");
                // Start-up code in one place (bench/hot_text.py says why and how).
                let hot = manifest.join("link").join("hot-text.ld");
                if hot.is_file() {
                    println!("cargo:rustc-cdylib-link-arg=-Wl,{}", hot.display());
                }
                let mut script = String::from("{\n  global:\n");
                for n in &names {
                    script.push_str(&format!("    {n};\n"));
                }
                script.push_str("  local: *;\n};\n");
                let path = out.join("lexactivator.map");
                fs::write(&path, script).unwrap_or_default();
                println!(
                    "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
                    path.display()
                );
            }
        }
        "windows" => {
            let mut def = String::from("LIBRARY LexActivator\nEXPORTS\n");
            for n in &names {
                def.push_str(&format!("    {n}\n"));
            }
            let path = out.join("LexActivator.def");
            fs::write(&path, def).unwrap_or_default();
            let env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
            if env == "gnu" {
                println!("cargo:rustc-cdylib-link-arg={}", path.display());
            } else {
                println!("cargo:rustc-cdylib-link-arg=/DEF:{}", path.display());
            }
        }
        "macos" | "ios" => {
            let mut syms = String::new();
            for n in &names {
                syms.push_str(&format!("_{n}\n"));
            }
            let path = out.join("exported_symbols.txt");
            fs::write(&path, syms).unwrap_or_default();
            println!(
                "cargo:rustc-cdylib-link-arg=-Wl,-exported_symbols_list,{}",
                path.display()
            );
            println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libLexActivator.dylib");
        }
        _ => {}
    }
}

/// Links the unwinder (libgcc_eh) into the cdylib instead of depending on
/// libgcc_s.so.1: loading libgcc_s costs about as much as loading the whole
/// library (its constructor runs CPUID a dozen times, which traps in VMs).
/// rustc always asks for `-lgcc_s`; a linker script of that name earlier on
/// the search path answers it with `libgcc_eh.a` (what `-static-libgcc`
/// does for C). The version script keeps the `_Unwind_*` symbols local.
fn static_unwinder(out: &std::path::Path) {
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
        return;
    }
    let dir = out.join("static-unwinder");
    if fs::create_dir_all(&dir).is_ok()
        && fs::write(dir.join("libgcc_s.so"), "INPUT(-lgcc_eh)\n").is_ok()
    {
        println!("cargo:rustc-cdylib-link-arg=-L{}", dir.display());
    }
}

/// True when the cdylib is linked by lld (the default for x86_64 Linux since
/// Rust 1.90, or requested with `-fuse-ld=lld`), which accepts our version
/// script alongside rustc's.
fn links_with_lld() -> bool {
    let target = env::var("TARGET").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    target == "x86_64-unknown-linux-gnu"
        || flags.contains("fuse-ld=lld")
        || flags.contains("linker-flavor=gnu-lld")
}
