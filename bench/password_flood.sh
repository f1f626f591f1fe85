#!/usr/bin/env bash
# Activation latency with and without a password flood beside it, side by
# side in one run (issue 22 point 4): the flood is a password spray of
# wrong-password logins from 20 addresses, each up to 10 per second, every
# one for a new e-mail (none locked out, every one a password hash). The
# activations come from THREADS closed-loop clients, as in server_ab.sh.
#
#   bench/password_flood.sh [BIN_DIR] [ROUNDS] [REQUESTS] [THREADS]
#
# BIN_DIR (default target/release) holds a release openlex-server and
# openlex-server-load. Prints one line per run, the median p50/p99 of each
# kind and their ratio (the target: flood p99 within 2x of quiet). Loopback
# only; every server is stopped when its run ends.
set -euo pipefail
bin="${1:-target/release}"; rounds="${2:-3}"; requests="${3:-3000}"; threads="${4:-2}"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

run() { # $1 = label, $2... = extra load arguments
  local label="$1"; shift
  local d="$tmp/$label-$RANDOM"
  "$bin/openlex-server" init --data-dir "$d" >/dev/null
  "$bin/openlex-server" serve --data-dir "$d" --listen 127.0.0.1:0 --rate-limit off \
    --trusted-proxy 127.0.0.1 --log-level off >"$d.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -s "$d/server.url" ] && break; sleep 0.1; done
  local out
  out="$("$bin/openlex-server-load" --data-dir "$d" --threads "$threads" --requests "$requests" --licenses 20 "$@" 2>/dev/null)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "$label: $(grep '^activations:' <<<"$out")"
  grep '^password flood:' <<<"$out" | sed "s/^/$label: /" || true
}

for r in $(seq "$rounds"); do
  run quiet
  run flood --password-flood 20
done | tee "$tmp/runs"

for k in quiet flood; do
  grep "^$k: activations:" "$tmp/runs" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \2/' |
    sort -g -k2 | awk -v k="$k" '{a[NR]=$1; b[NR]=$2} END {m=int((NR+1)/2); printf "%s: median run p50 %s ms, p99 %s ms\n", k, a[m], b[m]}'
done | tee "$tmp/summary"
awk '{p[$1]=$NF+0; sub(/ ms$/, "")} /p99/ {split($0, f, "p99 "); v[$1]=f[2]+0} END {printf "flood p99 / quiet p99 = %.2f (target <= 2)\n", v["flood:"]/v["quiet:"]}' "$tmp/summary"
