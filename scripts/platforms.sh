#!/usr/bin/env bash
# The platforms CI stage (issue 9): cross-builds every supported target and runs what can run here.
#
#   scripts/platforms.sh            all stages
#   scripts/platforms.sh --no-setup skip apt-get / rustup (tools already installed)
#
#   Windows x86_64 (x86_64-pc-windows-gnu, mingw-w64): LexActivator.dll, its export table against
#     exports.txt, tests/c/contract.c (wide strings) under Wine, and examples-c/activate.c under Wine
#     activating and deactivating against openlex-server on loopback (UTF-16 data directory path).
#   Linux musl (x86_64-unknown-linux-musl): fully static openlex-server and libLexActivator.a;
#     tests/c/contract.c and examples-c/activate.c linked statically with musl-gcc, the latter
#     activating against the static musl server; the musl cdylib (-crt-static): exports, and
#     tests/c/contract.c linked dynamically against it (musl loader).
#   Linux arm64 (aarch64-unknown-linux-gnu): libLexActivator.so/.a, exports, tests/c/contract.c and
#     examples-c/activate.c (against openlex-server) under qemu-user, and the Rust contract tests
#     under qemu-user.
#   macOS (aarch64-apple-darwin, x86_64-apple-darwin): cargo check of the library, including the
#     native device identity and store code, with no macOS SDK (see macos_stub_sdk).
#
# Expects the host build (cargo build --lib; cargo build -p openlex-server --bin openlex-server).
# Cross builds are debug builds in target/<triple>/ (the musl cdylib in target/musl-cdylib/).
# Linux cross targets link with the toolchain's rust-lld (as the x86_64 host does by default):
# GNU ld rejects rustc's own version script combined with the one build.rs passes.
# Logs and scratch files: $OPENLEX_PLATFORMS_DIR, kept; by default a fresh temporary
# directory, removed on exit except for the logs of a failed run.
# Exits non-zero when any stage fails; prints a summary table either way.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/scripts/platforms.sh"
cd "$root"

host="$(rustc -vV | sed -n 's/^host: //p')"
lld_dir="$(rustc --print sysroot)/lib/rustlib/$host/bin/gcc-ld"
lld_flags="-C link-arg=-fuse-ld=lld -C link-arg=-B$lld_dir"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$lld_flags"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
# musl: rustc's self-contained static linking (its own crt objects and libc.a) through the host cc;
# musl-gcc compiles ring's C and links the dynamic-libc cdylib (musl_cdylib).
export CC_x86_64_unknown_linux_musl=musl-gcc
unset CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export CC_aarch64_apple_darwin=clang CC_x86_64_apple_darwin=clang
WINE="${WINE:-/usr/lib/wine/wine64}"
[ -x "$WINE" ] || WINE="$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)"
QEMU_ARM64=(qemu-aarch64 -L /usr/aarch64-linux-gnu)

# ---------------------------------------------------------------- sub-commands (run under with-server.sh)

# Creates a product and a license on the running server; sets PRODUCT_ID, PRODUCT_DATA, LICENSE_KEY.
make_license() {
  local srv=("$OPENLEX_SERVER_BIN" --data-dir "$OPENLEX_SERVER_DIR") p
  p="$("${srv[@]}" product create --name "Platforms $1" --json)"
  PRODUCT_ID="$(printf '%s' "$p" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  PRODUCT_DATA="$(printf '%s' "$p" | python3 -c 'import json,sys; print(json.load(sys.stdin)["productData"])')"
  LICENSE_KEY="$("${srv[@]}" license create --product-id "$PRODUCT_ID" --allowed-activations 2 --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
}

# Runs an activate example (the remaining arguments: the command) against the server: activates
# and checks the output, prints the server's activation list (to stdout), then deactivates.
# $1: label, $2: data directory as the program sees it, $3: CA file as the program sees it.
run_activate() {
  local label="$1" data="$2" ca="$3" out rc; shift 3
  make_license "$label"
  ex() {
    env -u SSL_CERT_DIR SSL_CERT_FILE="$ca" OPENLEX_PRODUCT_DATA="$PRODUCT_DATA" \
      OPENLEX_PRODUCT_ID="$PRODUCT_ID" OPENLEX_LICENSE_KEY="$LICENSE_KEY" OPENLEX_HOST="$OPENLEX_SERVER_URL" \
      OPENLEX_DATA_DIR="$data" "$@" 2>&1 | tr -d '\r'
    return "${PIPESTATUS[0]}"
  }
  out="$(ex "$@")"; rc=$?
  printf '%s\n' "$out" >&2
  [ "$rc" = 0 ] || { echo "activate ($label) exited with $rc" >&2; return 1; }
  grep -q '^IsLicenseGenuine: LA_OK$' <<<"$out" || { echo "no genuine license ($label)" >&2; return 1; }
  grep -q "key: *$LICENSE_KEY\$" <<<"$out" || { echo "wrong license key printed ($label)" >&2; return 1; }
  "$OPENLEX_SERVER_BIN" --data-dir "$OPENLEX_SERVER_DIR" activation list --json
  out="$(ex "$@" --deactivate)"; rc=$?
  printf '%s\n' "$out" >&2
  [ "$rc" = 0 ] || { echo "activate --deactivate ($label) exited with $rc" >&2; return 1; }
  grep -q '^DeactivateLicense: LA_OK' <<<"$out" || { echo "no deactivation ($label)" >&2; return 1; }
}

if [ "${1:-}" = "__wine_activate" ]; then
  work="$2"
  data="$work/wine-data-äöü-€"   # a non-ASCII path, to exercise UTF-16 paths end to end
  mkdir -p "$data"
  winpath() { WINEDEBUG=-all "$WINE" winepath -w "$1" 2>/dev/null | tr -d '\r'; }
  cd "$work/win" || exit 1
  acts="$(run_activate windows "$(winpath "$data")" "$(winpath "$SSL_CERT_FILE")" "$WINE" ./activate.exe)" \
    || exit 1
  printf '%s\n' "$acts"
  grep -q '"os": *"windows"' <<<"$acts" || { echo "the server did not record os=windows"; exit 1; }
  ls "$data"/*/ >/dev/null 2>&1 || { echo "no store written under the UTF-16 data directory"; exit 1; }
  exit 0
fi
if [ "${1:-}" = "__native_activate" ]; then
  label="$2" data="$3"; shift 3
  mkdir -p "$data"
  acts="$(run_activate "$label" "$data" "$SSL_CERT_FILE" "$@")" || exit 1
  printf '%s\n' "$acts"
  exit 0
fi

# ---------------------------------------------------------------- stage runner

work="${OPENLEX_PLATFORMS_DIR:-}"
if [ -z "$work" ]; then
  # Our own scratch directory (a Wine prefix alone is ~700 MB): removed on exit,
  # all of it after a pass, all but the logs after a failure.
  work="$(mktemp -d /tmp/openlex-platforms.XXXXXX)"
  tidy() {
    local rc=$? ws
    ws="$(dirname "$WINE")/wineserver"
    [ "${WINEPREFIX:-}" = "$work/wineprefix" ] && [ -x "$ws" ] && "$ws" -k >/dev/null 2>&1
    if [ "$rc" = 0 ]; then rm -rf "$work"
    else find "$work" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +; fi
  }
  trap tidy EXIT
fi
mkdir -p "$work/logs" "$work/win" "$work/musl" "$work/arm64"
export WINEPREFIX="${WINEPREFIX:-$work/wineprefix}" WINEDEBUG="${WINEDEBUG:--all}"
names=() results=() times=()
failed=0
start_all=$(date +%s)

stage() {
  local name="$1" t0 t1 rc; shift
  t0=$(date +%s)
  printf '== %-28s ' "$name"
  ( cd "$root" && "$@" ) >"$work/logs/$name.log" 2>&1
  rc=$?
  t1=$(date +%s)
  names+=("$name") times+=("$((t1 - t0))")
  if [ "$rc" = 0 ]; then
    results+=(PASS); echo "PASS ($((t1 - t0)) s)"
  else
    results+=(FAIL); failed=1; echo "FAIL ($((t1 - t0)) s), log: $work/logs/$name.log"
    tail -n 25 "$work/logs/$name.log" | sed 's/^/   | /'
  fi
  return 0
}
skip() { names+=("$1") results+=("SKIP ($2)") times+=(0); echo "== $1 SKIP ($2)"; }
passed() { local i; for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && [ "${results[$i]}" = PASS ] && return 0; done; return 1; }

exports_expected() { grep -v '^#' exports.txt | sed '/^[[:space:]]*$/d' | sort; }

# ---------------------------------------------------------------- setup

setup() {
  local pkgs=() need_update=0
  command -v x86_64-w64-mingw32-gcc >/dev/null || pkgs+=(gcc-mingw-w64-x86-64)
  [ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null || pkgs+=(wine64)
  command -v musl-gcc >/dev/null || pkgs+=(musl-tools)
  command -v aarch64-linux-gnu-gcc >/dev/null || pkgs+=(gcc-aarch64-linux-gnu)
  [ -e /usr/aarch64-linux-gnu/include/stdio.h ] || pkgs+=(libc6-dev-arm64-cross)
  command -v qemu-aarch64 >/dev/null || pkgs+=(qemu-user)
  command -v clang >/dev/null || pkgs+=(clang)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    echo "apt-get install ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" || need_update=1
    if [ "$need_update" = 1 ]; then
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" || return 1
    fi
  fi
  local t installed
  installed="$(rustup target list --installed)"
  for t in x86_64-pc-windows-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-gnu aarch64-apple-darwin x86_64-apple-darwin; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t" || return 1
  done
  [ -x target/debug/openlex-server ] || cargo build -p openlex-server --bin openlex-server || return 1
}

# ---------------------------------------------------------------- Windows

W=target/x86_64-pc-windows-gnu/debug
win_build() { cargo build --target x86_64-pc-windows-gnu --lib; }
win_exports() {
  local got
  got="$(x86_64-w64-mingw32-objdump -p "$W/LexActivator.dll" \
    | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | sort)"
  diff <(printf '%s\n' "$got") <(exports_expected) || { echo "DLL exports differ from exports.txt"; return 1; }
  echo "LexActivator.dll exports exactly the $(printf '%s\n' "$got" | wc -l) names of exports.txt"
  x86_64-w64-mingw32-objdump -p "$W/LexActivator.dll" | grep 'DLL Name' | sort -u
}
win_c_build() {
  local cflags=(-std=c99 -Wall -Wextra -Werror -Iinclude)
  cp "$W/LexActivator.dll" "$work/win/" &&
  x86_64-w64-mingw32-gcc -shared -O2 -Wall -Wextra -Werror -o "$work/win/bcryptprimitives.dll" \
    tests/c/wine/bcryptprimitives.c -lbcrypt &&
  x86_64-w64-mingw32-gcc "${cflags[@]}" tests/c/contract.c -L"$W" -lLexActivator -o "$work/win/contract.exe" &&
  for p in activate trial offline; do
    x86_64-w64-mingw32-gcc "${cflags[@]}" examples-c/$p.c examples-c/common.c examples-c/status.c \
      -L"$W" -lLexActivator -o "$work/win/$p.exe" || return 1
  done
}
win_contract() {
  # Wine 8 (Debian 12) lacks bcryptprimitives.dll (ProcessPrng, Windows 10+), which Rust's std
  # imports; the shim built from tests/c/wine/ sits next to the test executables only.
  "$WINE" wineboot -i >/dev/null 2>&1 || true
  mkdir -p "$work/win/store"
  cd "$work/win" && "$WINE" ./contract.exe "$("$WINE" winepath -w "$work/win/store" 2>/dev/null | tr -d '\r')"
}
win_activate() { scripts/with-server.sh "$self" __wine_activate "$work"; }

# ---------------------------------------------------------------- Linux musl

M=target/x86_64-unknown-linux-musl/debug
MD=target/musl-cdylib/x86_64-unknown-linux-musl/debug
musl_build() {
  # crt-static is the musl default: a static server, and the library as libLexActivator.a
  # (rustc drops the cdylib crate type for a crt-static target).
  cargo build --target x86_64-unknown-linux-musl -p openlex-server --bin openlex-server &&
  cargo build --target x86_64-unknown-linux-musl --lib &&
  file "$M/openlex-server" && ! ldd "$M/openlex-server" 2>/dev/null | grep -q '=>' &&
  file "$M/openlex-server" | grep -Eq 'statically linked|static-pie linked' && ls -l "$M/libLexActivator.a"
}
musl_cdylib() {
  # libLexActivator.so for musl systems (what the vendor ships in libs/linux/musl): dynamic musl
  # libc (-crt-static), in its own target directory. Without crt-static rustc asks for libgcc_s as
  # the unwinder, which Debian's musl-tools lacks: LLVM libunwind from the Rust musl sysroot
  # stands in for it, linked statically into the .so.
  local shim="$root/target/musl-cdylib/unwind-shim"   # a stable path keeps RUSTFLAGS (and the cache) stable
  mkdir -p "$shim"
  ln -sf "$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained/libunwind.a" \
    "$shim/libgcc_s.a"
  CARGO_TARGET_DIR=target/musl-cdylib CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static $lld_flags -L $shim" \
    cargo build --target x86_64-unknown-linux-musl --lib || return 1
  diff <(nm -D --defined-only "$MD/libLexActivator.so" | awk '{print $3}' | sort) <(exports_expected) || return 1
  readelf -d "$MD/libLexActivator.so" | grep -E 'NEEDED|SONAME'
  # Run the contract program against it, dynamically linked with musl's loader.
  musl-gcc -std=c99 -Wall -Wextra -Werror -Iinclude tests/c/contract.c -L"$MD" -lLexActivator \
    -Wl,-rpath,"$root/$MD" -o "$work/musl/contract-dynamic" || return 1
  readelf -l "$work/musl/contract-dynamic" | grep -q 'ld-musl' || return 1
  mkdir -p "$work/musl/store-dynamic" && "$work/musl/contract-dynamic" "$work/musl/store-dynamic"
}
musl_contract() {
  # Rust staticlibs leave the unwinder to the final link. Debian's musl-gcc would pull the host's
  # glibc-built libgcc_eh (undefined _dl_find_object), so link LLVM libunwind from the Rust musl
  # sysroot; on a musl distribution (Alpine) the system libgcc_eh does.
  local unwind; unwind="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained/libunwind.a"
  musl-gcc -static -std=c99 -Wall -Wextra -Werror -Iinclude tests/c/contract.c "$M/libLexActivator.a" \
    "$unwind" -o "$work/musl/contract" || return 1
  musl-gcc -static -std=c99 -Wall -Wextra -Werror -Iinclude examples-c/activate.c examples-c/common.c \
    examples-c/status.c "$M/libLexActivator.a" "$unwind" -o "$work/musl/activate" || return 1
  file "$work/musl/contract" | grep -q 'statically linked' || { file "$work/musl/contract"; return 1; }
  mkdir -p "$work/musl/store" && "$work/musl/contract" "$work/musl/store"
}
musl_activate() {
  # Static example against the static musl server.
  CARGO_TARGET_DIR="$root/target/x86_64-unknown-linux-musl" \
    scripts/with-server.sh "$self" __native_activate musl "$work/musl/data" "$work/musl/activate"
}

# ---------------------------------------------------------------- Linux arm64

A=target/aarch64-unknown-linux-gnu/debug
arm_build() {
  cargo build --target aarch64-unknown-linux-gnu --lib || return 1
  diff <(aarch64-linux-gnu-nm -D --defined-only "$A/libLexActivator.so" | awk '{print $3}' | sort) <(exports_expected) &&
  aarch64-linux-gnu-readelf -d "$A/libLexActivator.so" | grep -E 'NEEDED|SONAME'
}
arm_contract() {
  aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -Iinclude tests/c/contract.c -L"$A" -lLexActivator \
    -o "$work/arm64/contract" &&
  aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -Iinclude examples-c/activate.c examples-c/common.c \
    examples-c/status.c -L"$A" -lLexActivator -o "$work/arm64/activate" || return 1
  mkdir -p "$work/arm64/store"
  "${QEMU_ARM64[@]}" -E LD_LIBRARY_PATH="$root/$A" "$work/arm64/contract" "$work/arm64/store"
}
arm_activate() {
  scripts/with-server.sh "$self" __native_activate arm64 "$work/arm64/data" \
    "${QEMU_ARM64[@]}" -E LD_LIBRARY_PATH="$root/$A" "$work/arm64/activate"
}
arm_rust_tests() { cargo test --target aarch64-unknown-linux-gnu -p openlex --test contract; }

# ---------------------------------------------------------------- macOS

# ring compiles a little C in its build script even for `cargo check`. Without Apple's SDK, clang
# gets the few declarations it includes from this stub (SDKROOT); nothing is linked.
macos_stub_sdk() {
  local inc="$work/macos-stub-sdk/usr/include"
  mkdir -p "$inc"
  cat >"$inc/TargetConditionals.h" <<'EOF'
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_SIMULATOR 0
EOF
  cat >"$inc/string.h" <<'EOF'
#include <stddef.h>
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
EOF
  cat >"$inc/stdlib.h" <<'EOF'
#include <stddef.h>
void *malloc(size_t);
void free(void *);
int posix_memalign(void **, size_t, size_t);
void abort(void);
EOF
  printf '#define assert(x) ((void)0)\n#define static_assert _Static_assert\n' >"$inc/assert.h"
  echo "$work/macos-stub-sdk"
}
macos_check() {
  local sdk; sdk="$(macos_stub_sdk)"
  SDKROOT="$sdk" cargo check --target "$1" -p openlex -p openlex-device --lib 2>&1 | tee "$work/logs/cargo-$1.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || return 1
  # No warnings from our own crates on this target.
  ! grep -E '^warning' -A3 "$work/logs/cargo-$1.txt" | grep -E -- '--> (src|crates)/'
}

# ---------------------------------------------------------------- run

if [ "${1:-}" != "--no-setup" ]; then stage setup setup; fi
stage windows-build win_build
if passed windows-build; then
  stage windows-exports win_exports
  stage windows-c-build win_c_build
  if passed windows-c-build; then
    stage windows-contract-wine win_contract
    stage windows-activate-wine win_activate
  else skip windows-wine "no C build"; fi
else skip windows "build failed"; fi

stage musl-static-build musl_build
if passed musl-static-build; then
  stage musl-static-contract musl_contract
  if passed musl-static-contract; then stage musl-static-activate musl_activate; fi
fi
stage musl-cdylib musl_cdylib

stage arm64-build arm_build
if passed arm64-build; then
  stage arm64-contract-qemu arm_contract
  if passed arm64-contract-qemu; then stage arm64-activate-qemu arm_activate; fi
  stage arm64-rust-contract-qemu arm_rust_tests
fi

stage macos-aarch64-check macos_check aarch64-apple-darwin
stage macos-x86_64-check macos_check x86_64-apple-darwin

end_all=$(date +%s)
echo
printf '%-28s %-24s %8s\n' STAGE RESULT SECONDS
printf '%-28s %-24s %8s\n' ----- ------ -------
for i in "${!names[@]}"; do printf '%-28s %-24s %8s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"; done
printf '%-28s %-24s %8s\n' total "$([ "$failed" = 0 ] && echo PASS || echo FAIL)" "$((end_all - start_all))"
if [ "$failed" != 0 ] || [ -n "${OPENLEX_PLATFORMS_DIR:-}" ]; then echo "logs: $work/logs"; fi
exit "$failed"
