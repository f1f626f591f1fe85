#!/usr/bin/env bash
# Builds and tests the C# binding with Mono (mcs + mono, Debian's mono-devel; no NuGet).
#
#   bash bindings/dotnet/ci.sh
#
# Installs mono-devel with apt-get when mcs is missing (needs root, as on CI), builds
# libLexActivator and openlex-server (cargo, debug; a no-op when up to date; skip with
# OPENLEX_SKIP_CARGO_BUILD=1), compiles bindings/dotnet/src/*.cs into Cryptlex.LexActivator.dll
# and tests/*.cs into tests.exe under bindings/dotnet/build/, then runs the tests against a
# fresh server (scripts/with-server.sh) with LD_LIBRARY_PATH pointing at the built library.
# The last line of the test output is "N passed, M failed"; the exit status is non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"

if ! command -v mcs >/dev/null 2>&1 || ! command -v mono >/dev/null 2>&1; then
  echo "dotnet ci: installing mono-devel (mcs, mono)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y mono-devel
fi

if [ "${OPENLEX_SKIP_CARGO_BUILD:-0}" != 1 ]; then
  release_flag=()
  [ "$profile" = release ] && release_flag=(--release)
  (cd "$root" && cargo build "${release_flag[@]}" --lib && cargo build "${release_flag[@]}" -p openlex-server --bin openlex-server)
fi

build="$here/build"
rm -rf "$build"
mkdir -p "$build"
mcs -nologo -target:library -warnaserror+ -out:"$build/Cryptlex.LexActivator.dll" "$here"/src/*.cs
mcs -nologo -target:exe -out:"$build/tests.exe" -r:"$build/Cryptlex.LexActivator.dll" -r:System.Core.dll "$here"/tests/*.cs

cd "$root"
export LD_LIBRARY_PATH="$target/$profile${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
timeout 600 scripts/with-server.sh mono --debug "$build/tests.exe" "$root"
