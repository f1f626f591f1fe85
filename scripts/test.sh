#!/usr/bin/env bash
# The whole OpenLex test suite, as CI runs it (`.ci/run` calls this script).
# Works on a fresh Debian machine with rustup, gcc, make, python3 and Go; it
# installs what else it needs. Fails loudly on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0
step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup" >&2; exit 1; }
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo --version
# A clean run fills ~4 GB under target/ and ~1 GB in /tmp; a full disk shows up
# later as a linker killed by SIGBUS, so say it up front.
free_kb="$(df -Pk . 2>/dev/null | awk 'NR==2 {print $4}' || true)"
if [ "${free_kb:-0}" -lt 5242880 ]; then
  echo "warning: only $((free_kb / 1024)) MB free under $root; the build may fail for lack of disk" >&2
fi

step "format, lints, header freshness"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo run -q -p xtask -- headers --check

step "build the library and openlex-server"
cargo build --workspace --lib --bins

step "Rust tests: unit, contract, wire, end-to-end against openlex-server, server integration"
cargo test --workspace

step "openlex-server integration tests again on PostgreSQL (throwaway cluster; two nodes, faults)"
bash scripts/with-postgres.sh cargo test -p openlex-server --tests

step "C: header compiles as C99 and C++, contract test under valgrind and ASan"
lib="$root/target/debug"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -std=c99 -Wall -Wextra -Werror -Iinclude tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract"
g++ -Wall -Wextra -Werror -Iinclude -x c++ tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract_cpp"
gcc -std=c99 -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract_asan"
"$tmp/contract" "$tmp"
"$tmp/contract_cpp" "$tmp"
ASAN_OPTIONS=detect_leaks=1 "$tmp/contract_asan" "$tmp"
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite -q "$tmp/contract" "$tmp"

step "C examples end to end against openlex-server (the README demo, debug build, ASan + UBSan)"
OPENLEX_PROFILE=debug OPENLEX_DEMO_SANITIZE=1 bash scripts/demo.sh

step "Python binding and the vendor's unmodified Python wrapper against openlex-server"
bash bindings/python/ci.sh

step "Go binding (CGO_ENABLED=0) against openlex-server"
bash bindings/go/ci.sh

step "C# binding (Mono) against openlex-server"
OPENLEX_SKIP_CARGO_BUILD=1 bash bindings/dotnet/ci.sh

step "reliability: Reset and dlclose with the sync thread running (plain, valgrind, ASan)"
bash tests/c/sync_unload.sh

step "reliability: every fuzz target for a bounded time (cargo-fuzz, nightly)"
cargo +nightly --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal
FUZZ_SECS="${FUZZ_SECS:-10}" bash fuzz/ci.sh

step "benchmarks side by side with the vendor library (short mode; gates regressions)"
bash bench/ci.sh

step "platforms: Windows DLL under Wine, musl static, arm64 under qemu-user, macOS type-check"
bash scripts/platforms.sh

step "all tests passed"
