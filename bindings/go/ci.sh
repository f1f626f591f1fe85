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

echo "== go test against openlex-server"
cd "$root"
scripts/with-server.sh bash -c 'cd bindings/go && CGO_ENABLED=0 go test -v -count=1 ./...'
