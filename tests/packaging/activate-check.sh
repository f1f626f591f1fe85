#!/usr/bin/env bash
# Runs an examples-c `activate` program against the openlex-server that scripts/with-server.sh
# started: creates a product and a license, activates (expects a genuine license with the right
# key), then deactivates. Usage (under with-server.sh): activate-check.sh LABEL PROGRAM [ARGS...]
set -euo pipefail
label="$1"; shift
srv=("$OPENLEX_SERVER_BIN" --data-dir "$OPENLEX_SERVER_DIR")
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
product="$("${srv[@]}" product create --name "packaging $label $$" --json)"
product_id="$(printf '%s' "$product" | field id)"
key="$("${srv[@]}" license create --product-id "$product_id" --allowed-activations 1 --json | field key)"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
run() {
  OPENLEX_PRODUCT_DATA="$(printf '%s' "$product" | field productData)" OPENLEX_PRODUCT_ID="$product_id" \
    OPENLEX_LICENSE_KEY="$key" OPENLEX_HOST="$OPENLEX_SERVER_URL" OPENLEX_DATA_DIR="$data" "$@"
}
# Twice: a program built against the package activates again after deactivating.
for round in 1 2; do
  out="$(run "$@" 2>&1)" || { printf '%s\n' "$out" >&2; echo "$label: activate ($round) failed" >&2; exit 1; }
  grep -q '^IsLicenseGenuine: LA_OK$' <<<"$out" || { printf '%s\n' "$out" >&2; echo "$label: not genuine" >&2; exit 1; }
  grep -q "key: *$key\$" <<<"$out" || { printf '%s\n' "$out" >&2; echo "$label: wrong key" >&2; exit 1; }
  out="$(run "$@" --deactivate 2>&1)" || { printf '%s\n' "$out" >&2; echo "$label: deactivate failed" >&2; exit 1; }
done
echo "$label: activated and deactivated against $OPENLEX_SERVER_URL"
