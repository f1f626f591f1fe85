#!/usr/bin/env bash
# The C/C++ install path end to end: scripts/install.sh --prefix into a temporary directory,
# the tree moved elsewhere (the .pc and CMake files are relocatable), then examples-c/activate
# built (1) with pkg-config and (2) with CMake's find_package(OpenLex), each run against
# openlex-server. Needs gcc, pkg-config, cmake and the library built in target/$OPENLEX_PROFILE
# (default release) with openlex-server in target/debug or the same profile.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
profile="${OPENLEX_PROFILE:-release}"
target="${CARGO_TARGET_DIR:-$root/target}"
for tool in gcc pkg-config cmake; do
  command -v "$tool" >/dev/null || { echo "packaging/install: $tool is required" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bash "$root/scripts/install.sh" --prefix "$tmp/staged" --lib-dir "$target/$profile"
mv "$tmp/staged" "$tmp/moved"
prefix="$tmp/moved"
for f in include/LexActivator.h include/LexStatusCodes.h include/LexTypes.h lib/libLexActivator.so \
         lib/pkgconfig/lexactivator.pc lib/cmake/OpenLex/OpenLexConfig.cmake lib/cmake/OpenLex/OpenLexConfigVersion.cmake; do
  [ -e "$prefix/$f" ] || { echo "packaging/install: $f missing from the install tree" >&2; exit 1; }
done

echo "== pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists --print-errors 'lexactivator >= 3.46'
ex="$root/examples-c"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
gcc -std=c99 -Wall -Wextra -Werror "$ex/activate.c" "$ex/common.c" "$ex/status.c" \
  $(pkg-config --cflags --libs lexactivator) -o "$tmp/activate-pkgconfig"

echo "== cmake find_package(OpenLex)"
cmake -S "$root/tests/packaging/cmake" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DOPENLEX_EXAMPLES="$ex" -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 \
  || { cat "$tmp/cmake.log" >&2; exit 1; }
cmake --build "$tmp/cmake-build" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log" >&2; exit 1; }

for exe in "$tmp/activate-pkgconfig" "$tmp/cmake-build/activate"; do
  loaded="$(ldd "$exe" | sed -n 's/^[[:space:]]*libLexActivator\.so => \(.*\) (0x.*/\1/p')"
  [ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$prefix/lib/libLexActivator.so" ] \
    || { ldd "$exe" >&2; echo "packaging/install: $exe does not load the installed library" >&2; exit 1; }
done
OPENLEX_PROFILE=debug "$root/scripts/with-server.sh" bash -c '
  "$1/tests/packaging/activate-check.sh" pkg-config "$2/activate-pkgconfig" &&
  "$1/tests/packaging/activate-check.sh" cmake "$2/cmake-build/activate"' _ "$root" "$tmp"
echo "packaging/install: OK"
