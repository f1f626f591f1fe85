#!/usr/bin/env bash
# The short reliability suite (docs/RELIABILITY.md): fuzzing, sanitizer and
# leak checks with a running sync thread, concurrency stress, crash safety,
# hostile network, tampering, and the server's hardening and soak tests.
# Assumes the library and server are built in target/debug:
#   cargo build --lib && cargo build -p openlex-server --bin openlex-server
# Needs gcc, valgrind, python3 and the nightly toolchain (for cargo-fuzz, which
# it installs if missing). Exits non-zero on the first failure.
#
# Knobs (defaults are the CI variant; docs/RELIABILITY.md lists the long ones):
#   FUZZ_SECS=20  FUZZ_JOBS=1  OPENLEX_STRESS_SECS=10  OPENLEX_CRASH_KILLS=50
#   OPENLEX_SOAK_OPS=40  SKIP_FUZZ=1 (e.g. without nightly)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - start))" "$*"; }

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
# Runs a command into a log; prints its figures, or the log's tail on failure.
run_logged() {
  local file="$1" figures="$2"; shift 2
  if "$@" >"$file" 2>&1; then
    grep -E "$figures|^test result" "$file" || true
  else
    tail -80 "$file"
    echo "reliability: FAILED: $*" >&2
    exit 1
  fi
}

for f in target/debug/libLexActivator.so target/debug/openlex-server; do
  [ -e "$f" ] || { echo "reliability: $f missing; build first (see the header of this script)" >&2; exit 1; }
done

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz: every target for ${FUZZ_SECS:-20} s (fuzz/ci.sh)"
  fuzz/ci.sh "${FUZZ_SECS:-20}"
fi

step "C: Reset and dlclose with the sync thread running, plain + valgrind + ASan"
tests/c/sync_unload.sh

step "Rust: hostile network, tampering, crash safety, concurrency stress"
export OPENLEX_STRESS_SECS="${OPENLEX_STRESS_SECS:-10}"
export OPENLEX_CRASH_KILLS="${OPENLEX_CRASH_KILLS:-50}"
run_logged "$log/rust.log" 'hostile:|stress:|crash_safety:' \
  cargo test -q --test hostile --test tamper --test crash_safety --test stress -- --nocapture

step "server: injection/traversal, admin auth, soak with kill -9 and restart"
export OPENLEX_SOAK_OPS="${OPENLEX_SOAK_OPS:-40}"
run_logged "$log/server.log" 'hardening:|soak:' \
  cargo test -q -p openlex-server --test hardening --test soak -- --nocapture

step "reliability suite passed in $((SECONDS - start)) s"
