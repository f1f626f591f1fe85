#!/usr/bin/env bash
# CI for the Node binding (bindings/node): installs koffi (prebuilt, from package-lock.json) and
# runs `node --test` against a fresh openlex-server (scripts/with-server.sh).
# Needs node >= 18 and npm; the library and the server built in target/debug
# (OPENLEX_PROFILE=release: target/release):
#   cargo build --lib && cargo build -p openlex-server --bin openlex-server
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"
lib="$target/$profile/libLexActivator.so"
[ -f "$lib" ] || { echo "node ci: $lib missing; run cargo build --lib" >&2; exit 1; }
[ -x "$target/$profile/openlex-server" ] || { echo "node ci: openlex-server missing; run cargo build -p openlex-server" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "node ci: node and npm are required" >&2; exit 1; }
node --version
cd "$here"
# Before any server (and its development CA) is in the environment: npm talks to its registry.
npm ci --no-audit --no-fund --loglevel=error
export OPENLEX_LIBRARY="$lib"
"$root/scripts/with-server.sh" node --test --test-concurrency=1 test/
echo "node ci: OK"
