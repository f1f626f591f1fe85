#!/usr/bin/env bash
# Server throughput side by side in one run: two openlex-server builds
# (e.g. main and a branch) under the same load, alternating, plus the
# machine's RSA-2048 signing ceiling (every activation signs one token).
#
#   bench/server_ab.sh BASE_BIN_DIR NEW_BIN_DIR [ROUNDS] [REQUESTS]
#
# Each *_BIN_DIR holds a release openlex-server and openlex-server-load.
# Prints one line per run and a median per build. Loopback only; every
# server is stopped when its run ends.
set -euo pipefail
base="$1"; new="$2"; rounds="${3:-3}"; requests="${4:-8000}"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

run() { # $1 = label, $2 = bin dir
  local d="$tmp/$1-$RANDOM"
  "$2/openlex-server" init --data-dir "$d" >/dev/null
  "$2/openlex-server" serve --data-dir "$d" --listen 127.0.0.1:0 --rate-limit off >"$d.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -s "$d/server.url" ] && break; sleep 0.1; done
  local line
  line="$("$2/openlex-server-load" --data-dir "$d" --threads 8 --requests "$requests" --licenses 50 2>/dev/null | tail -1)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "$1: $line"
}

for r in $(seq "$rounds"); do
  run base "$base"
  run new "$new"
done | tee "$tmp/runs"

for b in base new; do
  grep "^$b:" "$tmp/runs" | sed -E 's/.*= ([0-9]+) activations\/s.*p99 ([0-9.]+) ms.*/\1 \2/' |
    sort -n | awk -v b="$b" '{r[NR]=$1; p[NR]=$2} END {m=int((NR+1)/2); printf "%s: median %d activations/s (runs %d..%d), p99 of the median run %s ms\n", b, r[m], r[1], r[NR], p[m]}'
done
if command -v openssl >/dev/null; then
  echo "RSA-2048 signing ceiling (openssl speed, 2 processes):"
  openssl speed -seconds 3 -multi 2 rsa2048 2>/dev/null | grep -E "^rsa 2048|^rsa2048" | tail -1
fi
