#!/usr/bin/env bash
# The vendor's management client against openlex-server: installs
# cryptlex-python-sdk 1.0.3 from PyPI into a private venv (never committed),
# starts a fresh server (scripts/with-server.sh) and runs server/tests/sdk.
# Build first: cargo build -p openlex-server --bin openlex-server
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
PYTHON="${PYTHON:-python3}"
venv="${OPENLEX_SDK_VENV:-$root/target/sdk-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cryptlex_web_api_client, pytest' 2>/dev/null; then
  "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check cryptlex-python-sdk==1.0.3 pytest
fi
export PYTHONDONTWRITEBYTECODE=1
# The tests' devices name their country as a proxy in front would
# (test_me_analytics_visible.py: the geo-location breakdowns).
export OPENLEX_SERVE_ARGS="--trusted-proxy 127.0.0.1 --country-header CF-IPCountry"
cd "$here"
"$root/scripts/with-server.sh" "$venv/bin/python" -m pytest -p no:cacheprovider -W "ignore::DeprecationWarning" -ra -q .
