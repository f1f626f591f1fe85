#!/usr/bin/env bash
# CI for the Go binding (bindings/go): cross-platform CGO_ENABLED=0 type checks, then
# `go test -v -count=1 ./...` against a fresh openlex-server (scripts/with-server.sh).
#
# Needs Go >= 1.25 and, already built in target/debug (OPENLEX_PROFILE=release: target/release):
#   cargo build --lib && cargo build -p openlex-server --bin openlex-server
# Modules (github.com/ebitengine/purego) come from the Go module proxy, checked against go.sum.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$(uname -s)" in
  Darwin) libname=libLexActivator.dylib ;;
  MINGW* | MSYS* | CYGWIN*) libname=LexActivator.dll ;;
  *) libname=libLexActivator.so ;;
esac
lib="$target/$profile/$libname"
[ -f "$lib" ] || { echo "bindings/go/ci.sh: $lib missing; run cargo build --lib" >&2; exit 1; }
[ -x "$target/$profile/openlex-server" ] || {
  echo "bindings/go/ci.sh: $target/$profile/openlex-server missing; run cargo build -p openlex-server --bin openlex-server" >&2
  exit 1
}
command -v go >/dev/null || { echo "bindings/go/ci.sh: go not found" >&2; exit 1; }

export CGO_ENABLED=0
export OPENLEX_LIBRARY="$lib"
go version

cd "$here"
go mod download
go mod verify
# The binding must build without cgo on every platform it supports.
for platform in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do
  echo "== go vet ($platform, CGO_ENABLED=0)"
  GOOS="${platform%/*}" GOARCH="${platform#*/}" go vet ./...
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The examples build without cgo for every OS the binding supports.
for platform in linux/amd64 linux/arm64 windows/amd64 darwin/amd64 darwin/arm64; do
  echo "== go build ./examples/... ($platform, CGO_ENABLED=0)"
  GOOS="${platform%/*}" GOARCH="${platform#*/}" go build -o "$tmp/${platform//\//-}/" ./examples/...
done
file "$tmp/windows-amd64/activate.exe" | grep -q 'PE32+' || { echo "go ci: no Windows executable" >&2; exit 1; }

# A module outside the repository imports the binding by its published path (with the alias
# the README shows), as `go get github.com/openlex/openlex/bindings/go/v3@v3.x.y` would.
echo "== consumer module"
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/go.mod" <<EOF2
module example.com/consumer

go 1.25.0

require github.com/openlex/openlex/bindings/go/v3 v3.46.0

require $(grep -m1 'github.com/ebitengine/purego' "$here/go.mod" | sed 's/^require //; s/^[[:space:]]*//') // indirect

replace github.com/openlex/openlex/bindings/go/v3 => $here
EOF2
cat >"$tmp/consumer/main.go" <<'EOF2'
package main

import (
	"fmt"

	lexactivator "github.com/openlex/openlex/bindings/go/v3"
)

func main() { fmt.Println(lexactivator.LA_OK, lexactivator.LibraryCandidates()) }
EOF2
cp "$here/go.sum" "$tmp/consumer/go.sum"
(cd "$tmp/consumer" && go build -o "$tmp/consumer-bin" . && "$tmp/consumer-bin" >/dev/null)

# Found next to the executable, with no variable set; the program reports the file it loaded.
echo "== example: library next to the executable, against openlex-server"
mkdir -p "$tmp/app"
cp "$tmp/linux-amd64/activate" "$lib" "$tmp/app/"
cd "$root"
scripts/with-server.sh bash -c '
  set -euo pipefail
  srv=("$OPENLEX_SERVER_BIN" --data-dir "$OPENLEX_SERVER_DIR")
  p="$("${srv[@]}" product create --name go-example --json)"
  field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
  export OPENLEX_PRODUCT_DATA="$(printf %s "$p" | field productData)" OPENLEX_PRODUCT_ID="$(printf %s "$p" | field id)"
  export OPENLEX_LICENSE_KEY="$("${srv[@]}" license create --product-id "$OPENLEX_PRODUCT_ID" --json | field key)"
  export HOME="$1/home"; mkdir -p "$HOME"
  out="$(env -u OPENLEX_LIBRARY -u LEXACTIVATOR_LIBRARY_PATH -u XDG_DATA_HOME -u LD_LIBRARY_PATH "$1/app/activate")"
  printf "%s\n" "$out"
  grep -qx "library: $1/app/libLexActivator.so" <<<"$out"
  grep -q "activated: key=$OPENLEX_LICENSE_KEY status=0" <<<"$out"
  env -u OPENLEX_LIBRARY -u LEXACTIVATOR_LIBRARY_PATH -u XDG_DATA_HOME "$1/app/activate" --deactivate | grep -qx deactivated
' _ "$tmp"

echo "== go test against openlex-server"
scripts/with-server.sh bash -c 'cd bindings/go && CGO_ENABLED=0 go test -v -count=1 ./...'
