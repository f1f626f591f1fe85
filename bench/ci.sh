#!/usr/bin/env bash
# The benchmark gate as CI runs it: builds the release library and server,
# makes sure pip can fetch the vendor wheel, runs bench/compare.py --short
# and bench/scale.py --short.
# Exits non-zero when any of our targets is missed or a ratio regresses.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v python3 >/dev/null || { echo "bench/ci.sh: python3 required" >&2; exit 2; }
python3 -m pip --version >/dev/null 2>&1 || python3 -m ensurepip --upgrade >/dev/null 2>&1 || {
  echo "bench/ci.sh: pip required (the vendor wheel is fetched with pip)" >&2; exit 2; }
for tool in nm strip readelf; do
  command -v "$tool" >/dev/null || { echo "bench/ci.sh: $tool (binutils) required" >&2; exit 2; }
done
cargo build --release --quiet --lib
cargo build --release --quiet -p openlex-server --bins
python3 bench/compare.py --short "$@"
# Issue 16 point 5 at CI size: query p99s on a generated data set and
# activations/s with the activation log on vs off (docs/BENCHMARKS.md).
exec python3 bench/scale.py --short
