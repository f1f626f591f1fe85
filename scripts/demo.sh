#!/usr/bin/env bash
# OpenLex end-to-end demo: build the LexActivator library and the license server, start a
# throwaway server, create a product (its product data carries the server's URL) and a license,
# build the C examples in examples-c/ and activate the license against the real server.
#
# Usage: scripts/demo.sh            (from any directory)
# Environment:
#   OPENLEX_PROFILE=release|debug   cargo profile to build and use (default: release)
#   OPENLEX_KEEP_TMP=1              keep the temporary directory (server data, logs, examples)
#   OPENLEX_DEMO_SANITIZE=1         build the examples with ASan/UBSan
# Needs cargo, cc, make and python3. Exits non-zero on any failure.
#
# Leaves nothing behind, on success, failure or Ctrl-C: it stops the server it started, builds
# the examples in its temporary directory (not examples-c/build/), removes that directory and
# the local-trial copy the trial example writes under the user's config directory.
# tests/demo/no_leak.py checks this (scripts/test.sh, stage "demo").
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
BUILD="$TMP/examples"   # the examples' build directory; examples-c/build/ is left alone
mkdir -p "$CLIENT_DATA" "$TRIAL_DATA" "$OFFLINE_DATA"
SERVER_PID=""
RECEIVER_PID=""   # the demo's webhook receiver (docs/WEBHOOKS.md)

# The library keeps a second copy of a local trial outside the data directory, so that deleting
# that directory does not restart a trial: in the config directory of the user's passwd home,
# named after the product id (src/store/location.rs, local_trial_copy). The demo's product is
# thrown away, so its copy goes too, and so do the directories on the way if the demo made them.
CONFIG_BASE="$(python3 -c '
import os, pwd, sys
home = pwd.getpwuid(os.geteuid()).pw_dir
sub = "Library/Preferences/.openlex" if sys.platform == "darwin" else ".config/.openlex"
print(os.path.join(home, sub))')"
CONFIG_DIRS_MADE=()   # deepest first
for dir in "$CONFIG_BASE" "$(dirname "$CONFIG_BASE")"; do
  [[ -e "$dir" ]] || CONFIG_DIRS_MADE+=("$dir")
done
TRIAL_COPY=""

# True while the process runs; an exited child not yet reaped (a zombie) counts as gone.
alive() {
  local state
  if [[ -r "/proc/$1/stat" ]]; then
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  else
    state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  fi
  [[ -n "$state" && "$state" != Z* ]]
}

# SIGTERM (the server finishes in-flight requests and exits), SIGKILL after 10 s, then reap.
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$SERVER_PID" || break
    sleep 0.1
  done
  if alive "$SERVER_PID"; then
    echo "demo: the server ignored SIGTERM for 10 s; killing it" >&2
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_server
  if [[ -n "$RECEIVER_PID" ]]; then
    kill -TERM "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
    RECEIVER_PID=""
  fi
  if [[ $rc -ne 0 && -f "$DATA/serve.log" ]]; then
    echo "--- server log (tail) ---" >&2
    tail -n 20 "$DATA/serve.log" >&2 || true
  fi
  [[ -z "$TRIAL_COPY" ]] || rm -f "$TRIAL_COPY"
  local dir
  for dir in "${CONFIG_DIRS_MADE[@]}"; do
    rmdir "$dir" 2>/dev/null || true   # only if empty: something else may have put files there
  done
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
trap 'exit 129' HUP

srv() { "$SERVER" --data-dir "$DATA" "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# Helpers with multi-line bodies are functions, so that every $(...) below is one line: bash 5.2
# can run a pending signal trap while a command substitution's child parses a multi-line body,
# which then fails with a syntax error (exit 2) instead of exiting through the trap.
trial_copy_path() {
  python3 -c '
import hashlib, os, sys
name = hashlib.sha256(b"openlex-lt\0" + sys.argv[2].lower().encode()).hexdigest()[:24]
print(os.path.join(sys.argv[1], name + ".olx"))' "$CONFIG_BASE" "$1"
}
product_data_host() {
  python3 -c '
import base64, json, sys
print(json.loads(base64.b64decode(sys.stdin.read())).get("host", ""))'
}

step "Initialising the server data directory"
srv init >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; fail "openlex-server init"; }
[[ -f "$DATA/ca.pem" ]] || fail "init did not create $DATA/ca.pem"

# The server's URL goes into the product data (--public-url), so it is chosen before the server
# starts: a free port is picked, and another one if something takes it before the server binds.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_server() {
  local port="$1"
  rm -f "$DATA/server.url"
  # Started directly, not through a shell function, so that $! is the server's own pid.
  "$SERVER" --data-dir "$DATA" serve --listen "127.0.0.1:$port" \
    --public-url "https://127.0.0.1:$port" --rate-limit off >"$DATA/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    [[ -s "$DATA/server.url" ]] && return 0
    if ! alive "$SERVER_PID"; then
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
      return 1
    fi
    sleep 0.1
  done
  fail "the server did not write $DATA/server.url within 30 s"
}

step "Starting the server"
for attempt in 1 2 3 4 5; do
  PORT="$(free_port)"
  start_server "$PORT" && break
  grep -q "binding" "$DATA/serve.log" && [[ $attempt -lt 5 ]] || fail "the server exited during start-up"
  echo "port $PORT was taken before the server bound it; trying another"
done
HOST="$(head -n 1 "$DATA/server.url" | tr -d '[:space:]')"
[[ "$HOST" == "https://127.0.0.1:$PORT" ]] || fail "the server listens on $HOST, not on port $PORT"
echo "server: $HOST (pid $SERVER_PID)"
# The dashboard: a staff account whose password is read from stdin, as an operator would pipe it.
STAFF_PASSWORD="demo-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
printf '%s\n' "$STAFF_PASSWORD" | srv staff create --email admin@demo.example --role admin >/dev/null \
  || fail "openlex-server staff create"
echo "dashboard: $HOST/dashboard   (sign in as admin@demo.example / $STAFF_PASSWORD; trust $DATA/ca.pem)"

step "Subscribing a local webhook receiver to license.created (docs/WEBHOOKS.md)"
# One POST, verified with the documented Python snippet, then the receiver exits (or after 60 s).
cat >"$TMP/receiver.py" <<'PY'
import hashlib, hmac, http.server, json, sys
def verify(secret, body, signature):
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
out, port_file = sys.argv[1], sys.argv[2]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verify("demo-webhook-secret", body, self.headers.get("X-OpenLex-Signature", ""))
        self.send_response(200 if ok else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()
        event = json.loads(body)
        with open(out, "w") as f:
            f.write(f"{event['type']} {event['data'].get('key', '')} signature={'verified' if ok else 'BAD'}\n")
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
srv.timeout = 60
with open(port_file, "w") as f:
    f.write(str(srv.server_port))
srv.handle_request()
PY
python3 "$TMP/receiver.py" "$TMP/webhook.out" "$TMP/receiver.port" &
RECEIVER_PID=$!
for _ in $(seq 1 100); do [[ -s "$TMP/receiver.port" ]] && break; sleep 0.1; done
[[ -s "$TMP/receiver.port" ]] || fail "the webhook receiver did not start"
HOOK_URL="http://127.0.0.1:$(cat "$TMP/receiver.port")/hook"
python3 - "$HOST" "$DATA" "$HOOK_URL" <<'PY' || fail "creating the webhook"
import json, ssl, sys, urllib.request
host, data, url = sys.argv[1:]
ctx = ssl.create_default_context(cafile=f"{data}/ca.pem")
token = open(f"{data}/admin-token").read().strip()
body = json.dumps({"name": "demo", "url": url, "token": "demo-webhook-secret", "events": ["license.created"]})
req = urllib.request.Request(f"{host}/v3/webhooks", data=body.encode(), method="POST",
    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
print("webhook:", json.load(urllib.request.urlopen(req, context=ctx))["id"], "->", url)
PY

step "Creating a product and a license"
PRODUCT_JSON="$(srv product create --name "OpenLex Demo" --trial-length 2592000 --json)"
PRODUCT_ID="$(printf '%s' "$PRODUCT_JSON" | json_field id)"
PRODUCT_DATA="$(printf '%s' "$PRODUCT_JSON" | json_field productData)"
TRIAL_COPY="$(trial_copy_path "$PRODUCT_ID")"
PRODUCT_HOST="$(printf '%s' "$PRODUCT_DATA" | product_data_host)"
[[ "$PRODUCT_HOST" == "$HOST" ]] \
  || fail "the product data names host '$PRODUCT_HOST', not the server's $HOST"
LICENSE_ARGS=(--product-id "$PRODUCT_ID" --allowed-activations 3 --metadata edition=demo --json)
LICENSE_JSON="$(srv license create "${LICENSE_ARGS[@]}")"
LICENSE_KEY="$(printf '%s' "$LICENSE_JSON" | json_field key)"
echo "product id:        $PRODUCT_ID"
for _ in $(seq 1 150); do [[ -s "$TMP/webhook.out" ]] && break; sleep 0.1; done
[[ -s "$TMP/webhook.out" ]] || fail "no webhook delivery arrived within 15 s"
WEBHOOK_GOT="$(cat "$TMP/webhook.out")"
[[ "$WEBHOOK_GOT" == "license.created $LICENSE_KEY signature=verified" ]] \
  || fail "unexpected webhook delivery: $WEBHOOK_GOT"
wait "$RECEIVER_PID" 2>/dev/null || true
RECEIVER_PID=""
echo "webhook delivery:  $WEBHOOK_GOT"
echo "product data host: $PRODUCT_HOST"
echo "license key:       $LICENSE_KEY"

step "Building the C examples (into $BUILD)"
MAKE_ARGS=(-C "$REPO/examples-c" "LIBDIR=$LIBDIR" "INCDIR=$REPO/include" "BUILDDIR=$BUILD")
if [[ "${OPENLEX_DEMO_SANITIZE:-0}" == 1 ]]; then MAKE_ARGS+=(SANITIZE=1); fi
make "${MAKE_ARGS[@]}"

# No OPENLEX_HOST: the examples reach the server through the host in the product data.
run_example() {
  local data_dir="$1"; shift
  env SSL_CERT_FILE="$DATA/ca.pem" \
      OPENLEX_PRODUCT_DATA="$PRODUCT_DATA" OPENLEX_PRODUCT_ID="$PRODUCT_ID" \
      OPENLEX_LICENSE_KEY="$LICENSE_KEY" OPENLEX_DATA_DIR="$data_dir" "$@"
}
count_activations() {
  srv activation list --json 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)
if isinstance(data, dict):
    data = data.get("activations", data.get("items", []))
print(len(data))'
}

step "Running activate (examples-c/activate.c)"
ACTIVATE_OUT="$TMP/activate.out"
run_example "$CLIENT_DATA" "$BUILD/activate" | tee "$ACTIVATE_OUT" \
  || fail "activate exited with status ${PIPESTATUS[0]}"
grep -q '^IsLicenseGenuine: LA_OK' "$ACTIVATE_OUT" || fail "activate did not report a genuine license"
grep -q "key: *$LICENSE_KEY\$" "$ACTIVATE_OUT" || fail "activate printed the wrong license key"
grep -q "metadata 'example': *1\$" "$ACTIVATE_OUT" || fail "activation metadata missing"
ACTIVATIONS_AFTER="$(count_activations || echo '?')"
echo "server activations now: $ACTIVATIONS_AFTER"

step "Running activate --deactivate"
run_example "$CLIENT_DATA" "$BUILD/activate" --deactivate | tee "$TMP/deactivate.out" \
  || fail "activate --deactivate exited with status ${PIPESTATUS[0]}"
grep -q '^DeactivateLicense: LA_OK' "$TMP/deactivate.out" || fail "deactivation not reported"
ACTIVATIONS_FINAL="$(count_activations || echo '?')"
echo "server activations now: $ACTIVATIONS_FINAL"

step "Running trial (examples-c/trial.c: a local trial, then a verified trial on the server)"
run_example "$TRIAL_DATA" "$BUILD/trial" --host "$HOST" | tee "$TMP/trial.out" \
  || fail "trial exited with status ${PIPESTATUS[0]}"
# The copy is where the demo looks for it (so that cleanup removes the right file).
[[ -f "$TRIAL_COPY" ]] || fail "the trial example left no local-trial copy at $TRIAL_COPY"
echo "local-trial copy: $TRIAL_COPY (removed on exit)"

step "Running offline (examples-c/offline.c: request -> server -> response)"
run_example "$OFFLINE_DATA" "$BUILD/offline" --request "$TMP/offline-request.dat" \
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
run_example "$OFFLINE_DATA" "$BUILD/offline" --response "$TMP/offline-response.dat" \
  | tee "$TMP/offline.out" || fail "offline --response exited with status ${PIPESTATUS[0]}"
grep -q '^IsLicenseGenuine: LA_OK' "$TMP/offline.out" || fail "offline activation is not genuine"

step "Summary"
cat <<SUMMARY
  profile:              $PROFILE ($LIBDIR)
  server:               $HOST (stopped on exit)
  product id:           $PRODUCT_ID
  product data host:    $PRODUCT_HOST
  license key:          $LICENSE_KEY
  activation:           $(grep -m1 '^ActivateLicense:' "$ACTIVATE_OUT" | cut -d' ' -f2-)
  genuine check:        $(grep -m1 '^IsLicenseGenuine:' "$ACTIVATE_OUT" | cut -d' ' -f2-)
  activation id:        $(grep -m1 'activation id:' "$ACTIVATE_OUT" | awk '{print $NF}')
  activations on server after activate: $ACTIVATIONS_AFTER, after --deactivate: $ACTIVATIONS_FINAL
  offline activation:   $(grep -m1 '^ActivateLicenseOffline:' "$TMP/offline.out" | cut -d' ' -f2-)
  trial:                $(grep -m1 '^Verified trial' "$TMP/trial.out" || echo 'see above')
  webhook:              $WEBHOOK_GOT (at $HOOK_URL)
OpenLex demo: PASS
SUMMARY
