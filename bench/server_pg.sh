#!/usr/bin/env bash
# Activations/s and p99 on SQLite, PostgreSQL with one node, and PostgreSQL
# with two nodes behind the same load, side by side in one run, alternating
# rounds so drift on a shared machine hits every engine alike.
#
#   scripts/with-postgres.sh bench/server_pg.sh [BIN_DIR] [ROUNDS] [REQUESTS] [BASE_DIR]
#
# BIN_DIR (default target/release) holds a release openlex-server and
# openlex-server-load. With BASE_DIR (another build's release binaries),
# each round also runs PostgreSQL with one node on that build (`base1`), so a
# change to the PostgreSQL engine is measured against its base in the same
# run. Needs OPENLEX_TEST_DATABASE_URL (with-postgres.sh sets
# it); each PostgreSQL run gets a fresh database in that cluster. Prints one
# line per run (with the CPU milliseconds per activation spent by the
# openlex-server processes and by the PostgreSQL processes: where the time
# goes), a median per configuration and PostgreSQL-one-node as a share of
# SQLite. Loopback only; every server is stopped when its run ends.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/release}"; rounds="${2:-3}"; requests="${3:-8000}"; base_bin="${4:-}"
server_bin="$bin"
: "${OPENLEX_TEST_DATABASE_URL:?run under scripts/with-postgres.sh}"
base="${OPENLEX_TEST_DATABASE_URL%/*}"
tmp="$(mktemp -d)"
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
cleanup() { stop; rm -rf "$tmp"; }
trap cleanup EXIT

# "pid ticks" (user + system clock ticks so far) of each given process.
ticks_of() {
  local p f
  for p in "$@"; do
    f="/proc/$p/stat"
    [ -r "$f" ] || continue
    # fields 14 and 15 (utime, stime), after the parenthesised command name
    echo "$p $(sed -E 's/^.*\) //' "$f" | awk '{print $12 + $13}')"
  done
}
postgres_pids() { pgrep -x postgres || true; }
# CPU milliseconds per request between two snapshots ($1 before, $2 after;
# a process started in between counts from zero).
cpu_ms() {
  awk -v n="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR {t0[$1] = $2; next} {d += $2 - t0[$1]} END {printf "%.3f", d * 1000 / hz / n}' "$1" "$2"
}

psql_admin() { psql -q -X "$OPENLEX_TEST_DATABASE_URL" -c "$1" >/dev/null; }

start() { # $1 = data dir; serve it (env decides the database) and wait for its URL
  "$server_bin/openlex-server" serve --data-dir "$1" --listen 127.0.0.1:0 --rate-limit off >"$1.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$1/server.url" ] && return; sleep 0.1; done
  cat "$1.out" >&2; exit 1
}

run() { # $1 = label (sqlite | pg1 | pg2 | base1)
  local d="$tmp/$1-$RANDOM" urls
  server_bin="$bin"
  [ "$1" = base1 ] && server_bin="$base_bin"
  if [ "$1" = sqlite ]; then
    unset OPENLEX_DATABASE_URL
    "$bin/openlex-server" init --data-dir "$d" >/dev/null
    start "$d"; urls="$(cat "$d/server.url")"
  else
    local db="bench_$RANDOM$RANDOM"
    psql_admin "CREATE DATABASE $db"
    export OPENLEX_DATABASE_URL="$base/$db"
    "$server_bin/openlex-server" init --data-dir "$d" >/dev/null
    start "$d"; urls="$(cat "$d/server.url")"
    if [ "$1" = pg2 ]; then
      mkdir "$d-b"; cp "$d"/{admin-token,ca.pem,server.pem,server-key.pem} "$d-b/"
      start "$d-b"; urls="$urls,$(cat "$d-b/server.url")"
    fi
  fi
  local line
  ticks_of "${pids[@]}" >"$tmp/s0"; ticks_of $(postgres_pids) >"$tmp/p0"
  line="$("$bin/openlex-server-load" --data-dir "$d" --url "$urls" --threads 8 --requests "$requests" --licenses 50 2>/dev/null | tail -1)"
  ticks_of "${pids[@]}" >"$tmp/s1"; ticks_of $(postgres_pids) >"$tmp/p1"
  stop
  unset OPENLEX_DATABASE_URL
  echo "$1: $line; cpu/activation: server $(cpu_ms "$tmp/s0" "$tmp/s1" "$requests") ms, postgres $(cpu_ms "$tmp/p0" "$tmp/p1" "$requests") ms"
}

for _ in $(seq "$rounds"); do
  run sqlite
  run pg1
  run pg2
  if [ -n "$base_bin" ]; then run base1; fi
done | tee "$tmp/runs"

for b in sqlite pg1 pg2 base1; do
  grep -q "^$b:" "$tmp/runs" || continue
  grep "^$b:" "$tmp/runs" | sed -E 's/.*= ([0-9]+) activations\/s.*p99 ([0-9.]+) ms.*/\1 \2/' |
    sort -n | awk -v b="$b" '{r[NR]=$1; p[NR]=$2} END {m=int((NR+1)/2); printf "%s: median %d activations/s (runs %d..%d), p99 of the median run %s ms\n", b, r[m], r[1], r[NR], p[m]}'
done | tee "$tmp/medians"
awk '/^sqlite:/ {s=$3} /^pg1:/ {p=$3} /^base1:/ {b=$3} END {if (s > 0) printf "PostgreSQL one node / SQLite: %.0f%% (of the medians)\n", 100 * p / s; if (b > 0) printf "PostgreSQL one node / base build: %.0f%%\n", 100 * p / b}' "$tmp/medians"
# Each round's own ratio (its runs are back to back, so machine drift between
# rounds cancels) and their median.
awk '/^sqlite:/ {match($0, /= [0-9]+ activations/); s = substr($0, RSTART + 2, RLENGTH - 14)}
     /^pg1:/ {match($0, /= [0-9]+ activations/); r[++n] = 100 * substr($0, RSTART + 2, RLENGTH - 14) / s}
     END {for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) {t = r[i]; r[i] = r[j]; r[j] = t}
          line = ""; for (i = 1; i <= n; i++) line = line sprintf("%s%.0f%%", i > 1 ? " " : "", r[i])
          if (n > 0) printf "PostgreSQL one node / SQLite per round: %s; median %.0f%%\n", line, r[int((n + 1) / 2)]}' "$tmp/runs"
