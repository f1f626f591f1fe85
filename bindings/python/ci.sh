#!/usr/bin/env bash
# CI for the Python binding. Assumes the library and the server are built (target/debug):
#   cargo build --lib && cargo build -p openlex-server --bin openlex-server
# Runs, each under a fresh openlex-server (scripts/with-server.sh):
#   1. the pytest suite (bindings/python/tests), including wheel build/install checks;
#   2. the drop-in proof: the vendor's unmodified cryptlex-lexactivator wrapper on our library.
# Usage: bindings/python/ci.sh        (from anywhere; exits non-zero on any failure)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"
lib="$target/$profile/libLexActivator.so"
[ -f "$lib" ] || { echo "python ci: $lib missing; run cargo build --lib" >&2; exit 1; }
[ -x "$target/$profile/openlex-server" ] || { echo "python ci: openlex-server missing; run cargo build -p openlex-server" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
"$PYTHON" --version
if ! "$PYTHON" -c 'import pytest' 2>/dev/null; then
  # Debian's system python is "externally managed" (PEP 668); fall back accordingly.
  "$PYTHON" -m pip install --quiet --disable-pip-version-check pytest \
    || "$PYTHON" -m pip install --quiet --disable-pip-version-check --break-system-packages pytest
fi
"$PYTHON" -m pytest --version

# Fetch the vendor wheel before any server (and its development CA) is in the environment.
mkdir -p "$here/.cache/wheels"
ls "$here/.cache/wheels"/cryptlex_lexactivator-3.46.0-*.whl >/dev/null 2>&1 \
  || "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
       cryptlex-lexactivator==3.46.0 -d "$here/.cache/wheels"

export OPENLEX_LIBRARY="$lib"
export OPENLEX_REQUIRE_SERVER=1
export OPENLEX_TEST_PACKAGING="${OPENLEX_TEST_PACKAGING:-1}"
export PYTHONDONTWRITEBYTECODE=1

echo "== python binding: pytest =="
(cd "$here" && "$root/scripts/with-server.sh" "$PYTHON" -m pytest -p no:cacheprovider -ra tests)

echo "== python binding: vendor wrapper drop-in proof =="
"$root/scripts/with-server.sh" "$PYTHON" "$here/vendor_wrapper_test.py"

echo "python ci: OK"
