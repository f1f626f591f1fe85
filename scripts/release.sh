#!/usr/bin/env bash
# Builds the release artifacts in the vendor's layout under dist/, so the vendor wrappers' own
# library lookup finds ours (e.g. the Python wrapper's lexactivator_native.get_library_path():
# libs/linux/<gcc|musl>/<arch>/libLexActivator.so, libs/win32/<arch>/LexActivator.dll,
# libs/macos/<arch>/libLexActivator.dylib), with SHA-256 checksums.
#
#   scripts/release.sh                 all targets this machine can build (release profile)
#   scripts/release.sh linux-gcc-x86_64 windows-x86_64   only these
#   OPENLEX_RELEASE_PROFILE=dev scripts/release.sh       quick unoptimised layout check
#
# Targets and toolchains (scripts/platforms.sh installs them):
#   linux-gcc-x86_64   host               libs/linux/gcc/x86_64/libLexActivator.{so,a}
#   linux-gcc-arm64    aarch64-linux-gnu  libs/linux/gcc/arm64/libLexActivator.{so,a}
#   linux-musl-x86_64  musl-tools         libs/linux/musl/x86_64/libLexActivator.{so,a}
#                      (.so: dynamic musl libc, -crt-static; .a: for fully static programs)
#   windows-x86_64     mingw-w64          libs/win32/x86_64/LexActivator.{dll,dll.a,def}
# macOS dylibs need Apple's SDK and linker and are not built here (CI type-checks macOS only);
# built on a Mac they belong in libs/macos/<x86_64|arm64>/libLexActivator.dylib.
#
# Output: dist/include/*.h, dist/libs/..., dist/LICENSE files, dist/SHA256SUMS. dist/ is
# recreated on each run and is gitignored.
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

all=(linux-gcc-x86_64 linux-gcc-arm64 linux-musl-x86_64 windows-x86_64)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")

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

rm -rf "$dist"
mkdir -p "$dist/include"
cp include/*.h "$dist/include/"
for f in LICENSE*; do [ -e "$f" ] && cp "$f" "$dist/"; done

for t in "${targets[@]}"; do
  case "$t" in
    linux-gcc-x86_64)
      [ "$host" = x86_64-unknown-linux-gnu ] || { echo "release: $t needs an x86_64 Linux host" >&2; exit 1; }
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
    *) echo "release: unknown target $t (known: ${all[*]})" >&2; exit 2 ;;
  esac
done

(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
(cd "$dist" && sha256sum -c --quiet SHA256SUMS)
echo "dist/ ($profile):"
(cd "$dist" && find . -type f | LC_ALL=C sort | sed 's|^\./|  |')
