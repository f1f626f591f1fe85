#!/usr/bin/env bash
# OpenLex end-to-end demo: build the LexActivator library and the license server, start a
# throwaway server, create a product and a license, build the C examples in examples-c/ and
# activate the license with examples-c/build/activate against the real server.
#
# Usage: scripts/demo.sh            (from any directory)
# Environment:
#   OPENLEX_PROFILE=release|debug   cargo profile to build and use (default: release)
#   OPENLEX_KEEP_TMP=1              keep the temporary directory (server data, logs)
#   OPENLEX_DEMO_SANITIZE=1         build the examples with ASan/UBSan
# Needs cargo, cc, make and python3. Exits non-zero on any failure.
# SPDX-License-Identifier: MIT OR Apache-2.0
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

PROFILE="${OPENLEX_PROFILE:-release}"
case "$PROFILE" in
  release) CARGO_PROFILE_FLAG=(--release) ;;
  debug)   CARGO_PROFILE_FLAG=() ;;
  *) echo "demo: OPENLEX_PROFILE must be 'release' or 'debug', not '$PROFILE'" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "demo: FAILED: $*" >&2; exit 1; }

for tool in cargo cc make python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is required but not on PATH"
done

# The examples read OPENLEX_DATA_DIR (library data directory) and the server CLI reads it too
# (server data directory): never let a caller's value leak into either.
unset OPENLEX_DATA_DIR OPENLEX_PRODUCT_DATA OPENLEX_PRODUCT_ID OPENLEX_LICENSE_KEY OPENLEX_HOST

TARGET_DIR="$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
  || echo "$REPO/target")"
LIBDIR="$TARGET_DIR/$PROFILE"
SERVER="$LIBDIR/openlex-server"

step "Building libLexActivator ($PROFILE)"
cargo build "${CARGO_PROFILE_FLAG[@]}" --lib
[[ -e "$LIBDIR/libLexActivator.so" || -e "$LIBDIR/libLexActivator.dylib" ]] \
  || fail "libLexActivator not found in $LIBDIR"

step "Building openlex-server ($PROFILE)"
cargo build "${CARGO_PROFILE_FLAG[@]}" -p openlex-server --bin openlex-server
[[ -x "$SERVER" ]] || fail "openlex-server not found at $SERVER"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/openlex-demo.XXXXXX")"
DATA="$TMP/server"
CLIENT_DATA="$TMP/client"
TRIAL_DATA="$TMP/trial"
OFFLINE_DATA="$TMP/offline"
mkdir -p "$CLIENT_DATA" "$TRIAL_DATA" "$OFFLINE_DATA"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f "$DATA/serve.log" ]]; then
    echo "--- server log (tail) ---" >&2
    tail -n 20 "$DATA/serve.log" >&2 || true
  fi
  if [[ "${OPENLEX_KEEP_TMP:-0}" == 1 ]]; then
    echo "demo: kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

srv() { "$SERVER" --data-dir "$DATA" "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

step "Initialising the server data directory"
srv init >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; fail "openlex-server init"; }
[[ -f "$DATA/ca.pem" ]] || fail "init did not create $DATA/ca.pem"

step "Starting the server"
srv serve --listen 127.0.0.1:0 --rate-limit off >"$DATA/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  [[ -s "$DATA/server.url" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during start-up"
  sleep 0.1
done
[[ -s "$DATA/server.url" ]] || fail "the server did not write $DATA/server.url within 30 s"
HOST="$(head -n 1 "$DATA/server.url" | tr -d '[:space:]')"
echo "server: $HOST (pid $SERVER_PID)"

step "Creating a product and a license"
PRODUCT_JSON="$(srv product create --name "OpenLex Demo" --trial-length 2592000 --json)"
PRODUCT_ID="$(printf '%s' "$PRODUCT_JSON" | json_field id)"
PRODUCT_DATA="$(printf '%s' "$PRODUCT_JSON" | json_field productData)"
LICENSE_JSON="$(srv license create --product-id "$PRODUCT_ID" --allowed-activations 3 \
  --metadata edition=demo --json)"
LICENSE_KEY="$(printf '%s' "$LICENSE_JSON" | json_field key)"
echo "product id:  $PRODUCT_ID"
echo "license key: $LICENSE_KEY"

step "Building the C examples"
MAKE_ARGS=(-C "$REPO/examples-c" "LIBDIR=$LIBDIR" "INCDIR=$REPO/include")
if [[ "${OPENLEX_DEMO_SANITIZE:-0}" == 1 ]]; then MAKE_ARGS+=(SANITIZE=1); fi
make "${MAKE_ARGS[@]}" clean >/dev/null
make "${MAKE_ARGS[@]}"

run_example() {
  local data_dir="$1"; shift
  env SSL_CERT_FILE="$DATA/ca.pem" \
      OPENLEX_PRODUCT_DATA="$PRODUCT_DATA" OPENLEX_PRODUCT_ID="$PRODUCT_ID" \
      OPENLEX_LICENSE_KEY="$LICENSE_KEY" OPENLEX_HOST="$HOST" \
      OPENLEX_DATA_DIR="$data_dir" "$@"
}
count_activations() {
  srv activation list --json 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)
if isinstance(data, dict):
    data = data.get("activations", data.get("items", []))
print(len(data))'
}

step "Running examples-c/build/activate"
ACTIVATE_OUT="$TMP/activate.out"
run_example "$CLIENT_DATA" "$REPO/examples-c/build/activate" | tee "$ACTIVATE_OUT" \
  || fail "activate exited with status ${PIPESTATUS[0]}"
grep -q '^IsLicenseGenuine: LA_OK' "$ACTIVATE_OUT" || fail "activate did not report a genuine license"
grep -q "key: *$LICENSE_KEY\$" "$ACTIVATE_OUT" || fail "activate printed the wrong license key"
grep -q "metadata 'example': *1\$" "$ACTIVATE_OUT" || fail "activation metadata missing"
ACTIVATIONS_AFTER="$(count_activations || echo '?')"
echo "server activations now: $ACTIVATIONS_AFTER"

step "Running examples-c/build/activate --deactivate"
run_example "$CLIENT_DATA" "$REPO/examples-c/build/activate" --deactivate | tee "$TMP/deactivate.out" \
  || fail "activate --deactivate exited with status ${PIPESTATUS[0]}"
grep -q '^DeactivateLicense: LA_OK' "$TMP/deactivate.out" || fail "deactivation not reported"
ACTIVATIONS_FINAL="$(count_activations || echo '?')"
echo "server activations now: $ACTIVATIONS_FINAL"

step "Running examples-c/build/trial"
run_example "$TRIAL_DATA" "$REPO/examples-c/build/trial" | tee "$TMP/trial.out" \
  || fail "trial exited with status ${PIPESTATUS[0]}"

step "Running examples-c/build/offline (request -> server -> response)"
run_example "$OFFLINE_DATA" "$REPO/examples-c/build/offline" --request "$TMP/offline-request.dat" \
  || fail "offline --request failed"
# The server turns the request into a response (what an operator does through the admin API).
python3 - "$HOST" "$DATA" "$TMP/offline-request.dat" "$TMP/offline-response.dat" <<'PY' \
  || fail "the server did not produce an offline response"
import json, ssl, sys, urllib.request
host, data, request, response = sys.argv[1:5]
token = open(data + "/admin-token").read().strip()
ctx = ssl.create_default_context(cafile=data + "/ca.pem")
body = json.dumps({"offlineRequest": open(request).read(), "responseValidity": 3600}).encode()
req = urllib.request.Request(host + "/v3/activations/offline-activate", data=body, method="POST",
                             headers={"Authorization": "Bearer " + token,
                                      "Content-Type": "application/json"})
with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
    open(response, "w").write(json.load(r)["offlineResponse"])
print("offline response written to " + response)
PY
run_example "$OFFLINE_DATA" "$REPO/examples-c/build/offline" --response "$TMP/offline-response.dat" \
  | tee "$TMP/offline.out" || fail "offline --response exited with status ${PIPESTATUS[0]}"
grep -q '^IsLicenseGenuine: LA_OK' "$TMP/offline.out" || fail "offline activation is not genuine"

step "Summary"
cat <<SUMMARY
  profile:              $PROFILE ($LIBDIR)
  server:               $HOST
  product id:           $PRODUCT_ID
  license key:          $LICENSE_KEY
  activation:           $(grep -m1 '^ActivateLicense:' "$ACTIVATE_OUT" | cut -d' ' -f2-)
  genuine check:        $(grep -m1 '^IsLicenseGenuine:' "$ACTIVATE_OUT" | cut -d' ' -f2-)
  activation id:        $(grep -m1 'activation id:' "$ACTIVATE_OUT" | awk '{print $NF}')
  activations on server after activate: $ACTIVATIONS_AFTER, after --deactivate: $ACTIVATIONS_FINAL
  offline activation:   $(grep -m1 '^ActivateLicenseOffline:' "$TMP/offline.out" | cut -d' ' -f2-)
  trial:                $(grep -m1 '^Verified trial' "$TMP/trial.out" || echo 'see above')
OpenLex demo: PASS
SUMMARY
