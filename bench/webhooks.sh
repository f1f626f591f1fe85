#!/usr/bin/env bash
# Activations/s with three webhook endpoints subscribed to activation events
# vs none, side by side in one run (issue 17 point 6: within 5 %).
#
#   bench/webhooks.sh [ROUNDS] [REQUESTS]      (release build first:
#                                               cargo build --release -p openlex-server --bins)
#
# Each round runs both cases on fresh data directories with the same
# release binaries, alternating which goes first. In the "three" case openlex-server-load
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
  out="$("$bin/openlex-server-load" --data-dir "$d" --threads 8 --requests "$requests" --licenses 50 --webhooks "$2" --server-pid "$pid" 2>/dev/null)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  # The next run starts with the disk quiet (no writeback of this one).
  sync
  echo "$1: $(echo "$out" | grep '^activations:')"
  echo "$1: $(echo "$out" | grep '^server CPU:')"
  echo "$1: $(echo "$out" | grep '^server writes:')"
  echo "$out" | grep '^webhooks:' | sed "s/^/$1: /" || true
}

# Rounds alternate which case goes first, so neither always inherits the
# machine state the other leaves behind.
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    run none 0
    run three 3
  else
    run three 3
    run none 0
  fi
done | tee "$tmp/runs"

for c in none three; do
  grep "^$c: activations:" "$tmp/runs" | sed -E 's/.*= ([0-9]+) activations\/s.*p99 ([0-9.]+) ms.*/\1 \2/' |
    sort -n | awk -v c="$c" '{r[NR]=$1; p[NR]=$2} END {m=int((NR+1)/2); printf "%s: median %d activations/s (runs %d..%d), p99 of the median run %s ms\n", c, r[m], r[1], r[NR], p[m]}'
  grep "^$c: server CPU:" "$tmp/runs" | sed -E 's/.*: ([0-9]+) us per activation.*/\1/' | sort -n |
    awk -v c="$c" '{r[NR]=$1} END {m=int((NR+1)/2); printf "%s: median server CPU %d us per activation (runs %d..%d)\n", c, r[m], r[1], r[NR]}'
  grep "^$c: server writes:" "$tmp/runs" | sed -E 's/.*: ([0-9.]+) KB per activation.*/\1/' | sort -n |
    awk -v c="$c" '{r[NR]=$1} END {m=int((NR+1)/2); printf "%s: median server writes %.1f KB per activation (runs %.1f..%.1f)\n", c, r[m], r[1], r[NR]}'
done | tee "$tmp/medians"
awk '/^none: median [0-9]+ act/ {n=$3} /^three: median [0-9]+ act/ {t=$3} END {printf "three endpoints / none: %.3f (ratio of the medians)\n", t/n}' "$tmp/medians"
# Each round's two runs are next to each other in time, so their ratio
# is less exposed to other work on the machine than the medians are.
grep ': activations:' "$tmp/runs" | sed -E 's/^([a-z]+):.*= ([0-9]+) activations\/s.*/\1 \2/' |
  awk '{v[$1]=$2} NR%2==0 {print v["three"]/v["none"]}' | sort -n |
  awk '{r[NR]=$1} END {m=int((NR+1)/2); printf "three endpoints / none, per round: median %.3f (rounds %.3f..%.3f)\n", r[m], r[1], r[NR]}'
awk '/server CPU/ {v[$1]=$5} /server writes/ {w[$1]=$5} END {printf "server CPU per activation, three / none: %.3f; server writes: %.3f\n", v["three:"]/v["none:"], w["three:"]/w["none:"]}' "$tmp/medians"
grep ': server CPU:' "$tmp/runs" | sed -E 's/^([a-z]+):.*: ([0-9]+) us per activation.*/\1 \2/' |
  awk '{v[$1]=$2} NR%2==0 {print v["three"]/v["none"]}' | sort -n |
  awk '{r[NR]=$1} END {m=int((NR+1)/2); printf "server CPU per activation, three / none, per round: median %.3f (rounds %.3f..%.3f)\n", r[m], r[1], r[NR]}'
