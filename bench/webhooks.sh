#!/usr/bin/env bash
# Activations/s with three webhook endpoints subscribed to activation events
# vs none, side by side in one run (issue 17 point 6: within 5 %).
#
#   bench/webhooks.sh [ROUNDS] [REQUESTS]      (release build first:
#                                               cargo build --release -p openlex-server --bins)
#
# Each round runs both cases on fresh data directories with the same
# release binaries, alternating. In the "three" case openlex-server-load
# --webhooks 3 starts three loopback receivers (on the same cores) and
# subscribes them to activation.created/updated, so every activation is
# delivered three times while the activations are measured; it reports how
# many deliveries arrived during the run and waits for the rest. Prints one
# line per run, the median per case and the ratio. Loopback only; every
# server is stopped when its run ends.
set -euo pipefail
rounds="${1:-3}"; requests="${2:-8000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${OPENLEX_BIN_DIR:-${CARGO_TARGET_DIR:-$root/target}/release}"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

run() { # $1 = label, $2 = endpoints
  local d="$tmp/$1-$RANDOM"
  "$bin/openlex-server" init --data-dir "$d" >/dev/null
  "$bin/openlex-server" serve --data-dir "$d" --listen 127.0.0.1:0 --rate-limit off --log-level off >"$d.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -s "$d/server.url" ] && break; sleep 0.1; done
  local out
  out="$("$bin/openlex-server-load" --data-dir "$d" --threads 8 --requests "$requests" --licenses 50 --webhooks "$2" 2>/dev/null)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "$1: $(echo "$out" | grep '^activations:')"
  echo "$out" | grep '^webhooks:' | sed "s/^/$1: /" || true
}

for r in $(seq "$rounds"); do
  run none 0
  run three 3
done | tee "$tmp/runs"

for c in none three; do
  grep "^$c: activations:" "$tmp/runs" | sed -E 's/.*= ([0-9]+) activations\/s.*p99 ([0-9.]+) ms.*/\1 \2/' |
    sort -n | awk -v c="$c" '{r[NR]=$1; p[NR]=$2} END {m=int((NR+1)/2); printf "%s: median %d activations/s (runs %d..%d), p99 of the median run %s ms\n", c, r[m], r[1], r[NR], p[m]}'
done | tee "$tmp/medians"
awk '/^none:/ {n=$3} /^three:/ {t=$3} END {printf "three endpoints / none: %.3f\n", t/n}' "$tmp/medians"
