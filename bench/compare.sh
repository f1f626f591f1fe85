#!/usr/bin/env bash
# OpenLex vs LexActivator 3.46.0 side by side. Needs the release library and
# server built (cargo build --release --lib && cargo build --release -p openlex-server --bins).
#   bench/compare.sh            full mode
#   bench/compare.sh --short    CI mode (fewer iterations; exit 1 on a missed target)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare.py" "$@"
