#!/usr/bin/env bash
# Builds and tests the C# binding with Mono (Debian's mono-devel and mono-xbuild; no NuGet).
#
#   bash bindings/dotnet/ci.sh
#
# Installs mono-devel and mono-xbuild with apt-get when mcs, mono or xbuild is missing (needs root
# or password-less sudo, as on CI), builds libLexActivator and openlex-server (cargo, debug; a no-op
# when up to date; skip with OPENLEX_SKIP_CARGO_BUILD=1), builds Cryptlex.LexActivator.csproj
# with xbuild (the project users build) into bindings/dotnet/build/Release/, compiles tests/*.cs
# against it, then runs the tests against a fresh server (scripts/with-server.sh) with
# LD_LIBRARY_PATH pointing at the built library.
# The last line of the test output is "N passed, M failed"; the exit status is non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${OPENLEX_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$root/target}"

# shellcheck source=../../scripts/need.sh
. "$root/scripts/need.sh"
need mcs:mono-devel mono:mono-devel xbuild:mono-xbuild

if [ "${OPENLEX_SKIP_CARGO_BUILD:-0}" != 1 ]; then
  release_flag=()
  [ "$profile" = release ] && release_flag=(--release)
  (cd "$root" && cargo build "${release_flag[@]}" --lib && cargo build "${release_flag[@]}" -p openlex-server --bin openlex-server)
fi

build="$here/build"
rm -rf "$build"
mkdir -p "$build"
xbuild /nologo /verbosity:minimal /p:Configuration=Release "$here/Cryptlex.LexActivator.csproj"
dll="$build/Release/Cryptlex.LexActivator.dll"
[ -f "$dll" ] || { echo "dotnet ci: xbuild did not produce $dll" >&2; exit 1; }
cp "$dll" "$build/"
mcs -nologo -target:exe -out:"$build/tests.exe" -r:"$build/Cryptlex.LexActivator.dll" -r:System.Core.dll "$here"/tests/*.cs

cd "$root"
export LD_LIBRARY_PATH="$target/$profile${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
timeout 600 scripts/with-server.sh mono --debug "$build/tests.exe" "$root"
