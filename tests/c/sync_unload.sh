#!/usr/bin/env bash
# Runs tests/c/sync_unload.c against a fresh openlex-server: plain, under
# valgrind memcheck (zero errors, zero definite leaks) and under ASan/LSan.
# Needs target/debug/libLexActivator.so and openlex-server (cargo build).
#   tests/c/sync_unload.sh            (starts its own server via scripts/with-server.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -z "${OPENLEX_SERVER_URL:-}" ]; then
  exec "$root/scripts/with-server.sh" "$0" "$@"
fi
lib="$OPENLEX_LIB_DIR/libLexActivator.so"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
srv() { "$OPENLEX_SERVER_BIN" --data-dir "$OPENLEX_SERVER_DIR" "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

gcc -std=c99 -Wall -Wextra -Werror -g -I"$root/include" "$root/tests/c/sync_unload.c" -ldl -o "$tmp/sync_unload"
gcc -std=c99 -g -fsanitize=address,undefined -fno-omit-frame-pointer -I"$root/include" "$root/tests/c/sync_unload.c" -ldl -o "$tmp/sync_unload_asan"

# One product and a fresh license (sync interval 1 s) per run.
run() {
  local name="$1"; shift
  local product license
  product="$(srv product create --name "sync-unload-$name" --json)"
  export OPENLEX_TEST_PRODUCT_ID="$(field id <<<"$product")"
  export OPENLEX_TEST_PRODUCT_DATA="$(field productData <<<"$product")"
  license="$(srv license create --product-id "$OPENLEX_TEST_PRODUCT_ID" --server-sync-interval 1 --allowed-activations 10 --json)"
  export OPENLEX_TEST_LICENSE_KEY="$(field key <<<"$license")"
  mkdir -p "$tmp/$name"
  echo "--- sync_unload ($name)"
  "$@" "$lib" "$tmp/$name"
}

run plain "$tmp/sync_unload"
[ "${SYNC_UNLOAD_PLAIN_ONLY:-}" = 1 ] && exit 0
run valgrind valgrind --error-exitcode=9 --suppressions="$root/tests/c/valgrind.supp" --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite -q "$tmp/sync_unload"
ASAN_OPTIONS=detect_leaks=1 run asan "$tmp/sync_unload_asan"
echo "sync_unload: plain, valgrind and ASan passed"
