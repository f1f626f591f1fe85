#!/usr/bin/env bash
# Builds the release artifacts in the vendor's layout under dist/, so the vendor wrappers' own
# library lookup finds ours (e.g. the Python wrapper's lexactivator_native.get_library_path():
# libs/linux/<gcc|musl>/<arch>/libLexActivator.so, libs/win32/<arch>/LexActivator.dll,
# libs/macos/<arch>/libLexActivator.dylib), then one archive per platform, SHA-256 checksums and
# a CycloneDX software bill of materials (from `cargo metadata --offline`: no network).
#
#   scripts/release.sh                 all targets (release profile); ones this machine cannot
#                                      build are skipped with the reason
#   scripts/release.sh linux-gcc-x86_64 windows-x86_64   only these (an unbuildable one fails)
#   OPENLEX_RELEASE_PROFILE=dev scripts/release.sh       quick unoptimised layout check
#
# Targets and toolchains (scripts/platforms.sh installs them):
#   linux-gcc-x86_64   host               libs/linux/gcc/x86_64/libLexActivator.{so,a}
#   linux-gcc-arm64    aarch64-linux-gnu  libs/linux/gcc/arm64/libLexActivator.{so,a}
#   linux-musl-x86_64  musl-tools         libs/linux/musl/x86_64/libLexActivator.{so,a}
#                      (.so: dynamic musl libc, -crt-static; .a: for fully static programs)
#   linux-musl-arm64   never built here: Debian has no aarch64 musl C toolchain (ring needs one)
#   windows-x86_64     mingw-w64          libs/win32/x86_64/LexActivator.{dll,dll.a,def}
#   macos-x86_64, macos-arm64: need Apple's SDK and linker; built only on a Mac
#                      (libs/macos/<x86_64|arm64>/libLexActivator.dylib)
#
# Output, dist/ (recreated on each run, gitignored):
#   include/*.h, libs/..., LICENSE-MIT, LICENSE-APACHE   the whole layout, every built target
#   openlex-<version>-<target>.tar.gz (.zip for Windows), each holding openlex-<version>-<target>/
#     with include/, libs/ (that target only), bindings/ (python, go, node, dotnet sources; the
#     node package with the library in prebuilds/<platform>-<arch>/),
#     examples-c/, README.md, LICENSE-MIT, LICENSE-APACHE and sbom.cdx.json
#   wheels/openlex-<version>-py3-none-<platform>.whl   the Python package with that target's library
#   sbom.cdx.json   CycloneDX 1.5: the crates linked into the library, with versions and licenses
#   SHA256SUMS      every file above
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
profile="${OPENLEX_RELEASE_PROFILE:-release}"
pdir="$([ "$profile" = dev ] && echo debug || echo "$profile")"
dist="$root/dist"

host="$(rustc -vV | sed -n 's/^host: //p')"
lld_flags="-C link-arg=-fuse-ld=lld -C link-arg=-B$(rustc --print sysroot)/lib/rustlib/$host/bin/gcc-ld"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$lld_flags"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export CC_x86_64_unknown_linux_musl=musl-gcc
unset CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER   # rustc's self-contained static musl linking
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc

all=(linux-gcc-x86_64 linux-gcc-arm64 linux-musl-x86_64 linux-musl-arm64 windows-x86_64 macos-x86_64 macos-arm64)
targets=("$@")
explicit=1
[ "${#targets[@]}" -gt 0 ] || { targets=("${all[@]}"); explicit=0; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"

installed_targets="$(rustup target list --installed 2>/dev/null || true)"
# why_not TARGET: prints why this machine cannot build TARGET (nothing if it can).
why_not() {
  local triple="" tools=()
  case "$1" in
    linux-gcc-x86_64) [ "$host" = x86_64-unknown-linux-gnu ] || echo "needs an x86_64 Linux host"; return ;;
    linux-gcc-arm64) triple=aarch64-unknown-linux-gnu; tools=(aarch64-linux-gnu-gcc aarch64-linux-gnu-nm) ;;
    linux-musl-x86_64) triple=x86_64-unknown-linux-musl; tools=(musl-gcc) ;;
    linux-musl-arm64) echo "no aarch64 musl C toolchain in Debian (musl-tools is native only; ring's C needs one)"; return ;;
    windows-x86_64) triple=x86_64-pc-windows-gnu; tools=(x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump) ;;
    macos-x86_64 | macos-arm64) [ "$(uname -s)" = Darwin ] || echo "needs a Mac (Apple's SDK and linker)"; return ;;
    *) echo "unknown target (known: ${all[*]})"; return ;;
  esac
  grep -qx "$triple" <<<"$installed_targets" || { echo "rust target $triple not installed (rustup target add $triple; scripts/platforms.sh does)"; return; }
  local t
  for t in "${tools[@]}"; do command -v "$t" >/dev/null || { echo "$t not found (scripts/platforms.sh installs it)"; return; }; done
}

build() { echo "== cargo build --profile $profile --lib $*" >&2; cargo build --profile "$profile" --lib "$@"; }
put() { # put SRC DEST_DIR [NAME]
  mkdir -p "$dist/$2"
  cp "$1" "$dist/$2/${3:-$(basename "$1")}"
}
exports() { grep -v '^#' exports.txt | sed '/^[[:space:]]*$/d' | sort; }
check_so_exports() { # check_so_exports NM FILE
  diff <("$1" -D --defined-only "$2" | awk '{print $3}' | sort) <(exports) >/dev/null \
    || { echo "release: $2 does not export exactly exports.txt" >&2; exit 1; }
}

for f in LICENSE-MIT LICENSE-APACHE; do
  [ -f "$f" ] || { echo "release: $f missing: every archive must carry the license texts" >&2; exit 1; }
done
rm -rf "$dist"
mkdir -p "$dist/include"
cp include/*.h "$dist/include/"
cp LICENSE-MIT LICENSE-APACHE "$dist/"

built=() skipped=()
for t in "${targets[@]}"; do
  reason="$(why_not "$t")"
  if [ -n "$reason" ]; then
    [ "$explicit" = 0 ] || { echo "release: cannot build $t: $reason" >&2; exit 1; }
    echo "release: skipping $t: $reason" >&2
    skipped+=("$t: $reason")
    continue
  fi
  built+=("$t")
  case "$t" in
    linux-gcc-x86_64)
      build
      check_so_exports nm "target/$pdir/libLexActivator.so"
      put "target/$pdir/libLexActivator.so" libs/linux/gcc/x86_64
      put "target/$pdir/libLexActivator.a" libs/linux/gcc/x86_64
      ;;
    linux-gcc-arm64)
      build --target aarch64-unknown-linux-gnu
      d="target/aarch64-unknown-linux-gnu/$pdir"
      check_so_exports aarch64-linux-gnu-nm "$d/libLexActivator.so"
      put "$d/libLexActivator.so" libs/linux/gcc/arm64
      put "$d/libLexActivator.a" libs/linux/gcc/arm64
      ;;
    linux-musl-x86_64)
      build --target x86_64-unknown-linux-musl          # crt-static: the .a only
      put "target/x86_64-unknown-linux-musl/$pdir/libLexActivator.a" libs/linux/musl/x86_64
      # The .so: dynamic musl libc; LLVM libunwind from the Rust musl sysroot stands in for the
      # libgcc_s that Debian's musl-tools lacks (see scripts/platforms.sh, musl_cdylib).
      shim="$root/target/musl-cdylib/unwind-shim"; mkdir -p "$shim"
      ln -sf "$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained/libunwind.a" \
        "$shim/libgcc_s.a"
      CARGO_TARGET_DIR=target/musl-cdylib CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
      CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static $lld_flags -L $shim" \
        build --target x86_64-unknown-linux-musl
      d="target/musl-cdylib/x86_64-unknown-linux-musl/$pdir"
      check_so_exports nm "$d/libLexActivator.so"
      put "$d/libLexActivator.so" libs/linux/musl/x86_64
      ;;
    windows-x86_64)
      build --target x86_64-pc-windows-gnu
      d="target/x86_64-pc-windows-gnu/$pdir"
      put "$d/LexActivator.dll" libs/win32/x86_64
      put "$d/libLexActivator.dll.a" libs/win32/x86_64 LexActivator.dll.a
      { echo "LIBRARY LexActivator"; echo "EXPORTS"; exports | sed 's/^/    /'; } >"$dist/libs/win32/x86_64/LexActivator.def"
      diff <(x86_64-w64-mingw32-objdump -p "$d/LexActivator.dll" \
               | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | sort) \
           <(exports) >/dev/null || { echo "release: LexActivator.dll does not export exactly exports.txt" >&2; exit 1; }
      ;;
    macos-x86_64 | macos-arm64)
      triple="$([ "$t" = macos-arm64 ] && echo aarch64 || echo x86_64)-apple-darwin"
      build --target "$triple"
      put "target/$triple/$pdir/libLexActivator.dylib" "libs/macos/${t#macos-}"
      put "target/$triple/$pdir/libLexActivator.a" "libs/macos/${t#macos-}"
      ;;
  esac
done
[ "${#built[@]}" -gt 0 ] || { echo "release: no target could be built" >&2; exit 1; }

# The bill of materials: the crates linked into the library (normal dependencies of the root
# package, transitively), from the lock file and the local registry cache (--offline).
cargo metadata --format-version 1 --offline --locked >"$dist/.metadata.json"
python3 "$root/scripts/sbom.py" "$dist/.metadata.json" "$version" >"$dist/sbom.cdx.json"
rm "$dist/.metadata.json"

# lib_dir TARGET: the libs/ subdirectory of one target.
lib_dir() {
  case "$1" in
    linux-gcc-x86_64) echo libs/linux/gcc/x86_64 ;; linux-gcc-arm64) echo libs/linux/gcc/arm64 ;;
    linux-musl-x86_64) echo libs/linux/musl/x86_64 ;; windows-x86_64) echo libs/win32/x86_64 ;;
    macos-x86_64) echo libs/macos/x86_64 ;; macos-arm64) echo libs/macos/arm64 ;;
  esac
}
stage="$dist/.stage"
for t in "${built[@]}"; do
  name="openlex-$version-$t"
  d="$stage/$name"
  mkdir -p "$d/$(lib_dir "$t")" "$d/bindings"
  cp -r "$dist/include" "$d/"
  cp "$dist/$(lib_dir "$t")"/* "$d/$(lib_dir "$t")/"
  cp LICENSE-MIT LICENSE-APACHE README.md "$dist/sbom.cdx.json" "$d/"
  # Sources as tracked by git: no build products, caches or node_modules.
  git ls-files -z bindings/python bindings/go bindings/node bindings/dotnet examples-c \
    | tar --null -T - -cf - | tar -xf - -C "$d"
  # The Node package loads the library from prebuilds/<process.platform>-<process.arch>/.
  case "$t" in
    linux-*-x86_64) node_dir=linux-x64 ;; linux-*-arm64) node_dir=linux-arm64 ;;
    windows-x86_64) node_dir=win32-x64 ;; macos-x86_64) node_dir=darwin-x64 ;; macos-arm64) node_dir=darwin-arm64 ;;
  esac
  mkdir -p "$d/bindings/node/prebuilds/$node_dir"
  cp "$dist/$(lib_dir "$t")"/*.{so,dll,dylib} "$d/bindings/node/prebuilds/$node_dir/" 2>/dev/null || true
  ls "$d/bindings/node/prebuilds/$node_dir" | grep -q . || { echo "release: no shared library for $t" >&2; exit 1; }
  if [ "$t" = windows-x86_64 ]; then
    (cd "$stage" && python3 -m zipfile -c "$dist/$name.zip" "$name")
  else
    tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"
  fi
done
rm -rf "$stage"

# Python wheels, one per built target: the library bundled, the platform tag read from it
# (manylinux_2_N, musllinux_1_2, win_amd64, macosx_...). pip fetches setuptools for the isolated
# build (PyPI); OPENLEX_RELEASE_WHEELS=0 skips this step.
if [ "${OPENLEX_RELEASE_WHEELS:-1}" = 1 ]; then
  python3 -m venv "$dist/.wheel-venv"
  for t in "${built[@]}"; do
    for shared in "$dist/$(lib_dir "$t")"/*.so "$dist/$(lib_dir "$t")"/*.dll "$dist/$(lib_dir "$t")"/*.dylib; do
      [ -f "$shared" ] || continue
      out="$dist/.wheel-$t"
      env -u SSL_CERT_FILE -u SSL_CERT_DIR -u PIP_CERT OPENLEX_BUNDLE_LIB="$shared" \
        "$dist/.wheel-venv/bin/python" -m pip --disable-pip-version-check --quiet wheel --no-deps \
        "$root/bindings/python" -w "$out" \
        || { echo "release: building the $t wheel failed (pip needs PyPI for setuptools; OPENLEX_RELEASE_WHEELS=0 skips wheels)" >&2; exit 1; }
      mkdir -p "$dist/wheels"
      mv "$out"/openlex-*.whl "$dist/wheels/"
      rm -rf "$out"
    done
  done
  rm -rf "$dist/.wheel-venv"
fi

(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
(cd "$dist" && sha256sum -c --quiet SHA256SUMS)
echo "dist/ ($profile):"
(cd "$dist" && find . -type f | LC_ALL=C sort | sed 's|^\./|  |')
for s in "${skipped[@]}"; do echo "skipped $s"; done
