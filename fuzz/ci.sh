#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time; exits non-zero on a crash.
#   fuzz/ci.sh [SECONDS_PER_TARGET]      (default 20; FUZZ_SECS also works)
#   FUZZ_JOBS=2 fuzz/ci.sh 600           (the long variant, two targets at a time)
# Needs the nightly toolchain; installs cargo-fuzz if it is missing. New inputs
# go to a scratch corpus, so the committed seeds in fuzz/corpus/ stay small.
# Crashing inputs land in fuzz/artifacts/<target>/ (turn each into a test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-${FUZZ_SECS:-20}}"
jobs="${FUZZ_JOBS:-1}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo +nightly fuzz build >/dev/null
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
run_one() {
  local t="$1" log="$scratch/$1.log"
  mkdir -p "$scratch/$t"
  if cargo +nightly fuzz run "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    local runs
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz $t: ok, $runs inputs in ${secs}s, corpus $(ls "$scratch/$t" | wc -l) + $(ls "corpus/$t" | wc -l) seeds"
  else
    echo "fuzz $t: FAILED (crash, leak or timeout); log tail:"
    tail -40 "$log"
    ls -l "artifacts/$t" 2>/dev/null || true
    return 1
  fi
}
failed=0
targets="$(cargo +nightly fuzz list)"
if [ "$jobs" -gt 1 ]; then
  pids=()
  for t in $targets; do
    run_one "$t" & pids+=($!)
    if [ "${#pids[@]}" -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
else
  for t in $targets; do run_one "$t" || failed=1; done
fi
exit "$failed"
