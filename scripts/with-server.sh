#!/usr/bin/env bash
# Runs a command with a fresh openlex-server on loopback (HTTPS, development CA).
#
#   scripts/with-server.sh CMD [ARGS...]
#
# OPENLEX_SERVE_ARGS (optional) adds options to `serve`, e.g.
# "--trusted-proxy 127.0.0.1 --country-header CF-IPCountry".
#
# The command sees:
#   OPENLEX_SERVER_BIN   the openlex-server binary (for `--data-dir $OPENLEX_SERVER_DIR product create --json` ...)
#   OPENLEX_SERVER_DIR   the server's data directory (admin-token, ca.pem, openlex.db)
#   OPENLEX_SERVER_URL   https://127.0.0.1:PORT (pass to SetCryptlexHost)
#   OPENLEX_ADMIN_TOKEN  admin API bearer token
#   SSL_CERT_FILE        the development CA, so the library trusts the server
#   OPENLEX_LIB_DIR      directory holding libLexActivator.so
# Build first: cargo build --lib && cargo build -p openlex-server --bin openlex-server
# (OPENLEX_PROFILE=release uses target/release).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/$profile/openlex-server"
[ -x "$bin" ] || { echo "with-server: $bin missing; run cargo build -p openlex-server" >&2; exit 1; }
dir="$(mktemp -d)"
"$bin" --data-dir "$dir/server" init >/dev/null
"$bin" --data-dir "$dir/server" serve --listen 127.0.0.1:0 --rate-limit off ${OPENLEX_SERVE_ARGS:-} >"$dir/serve.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  [ -s "$dir/server/server.url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$dir/server/server.url" ] || { echo "with-server: server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
export OPENLEX_SERVER_BIN="$bin"
export OPENLEX_SERVER_DIR="$dir/server"
export OPENLEX_SERVER_URL="$(tr -d '\n' < "$dir/server/server.url")"
export OPENLEX_ADMIN_TOKEN="$(tr -d '\n' < "$dir/server/admin-token")"
export SSL_CERT_FILE="$dir/server/ca.pem"
# The development CA is the whole trust store the runs need; an inherited
# SSL_CERT_DIR would add the host's (and the cost of loading it) to each process.
unset SSL_CERT_DIR
export OPENLEX_LIB_DIR="$target/$profile"
"$@"
