#!/usr/bin/env bash
# Installs the LexActivator library for C and C++ builds:
#
#   scripts/install.sh --prefix DIR [--lib-dir DIR] [--no-build]
#
#   DIR/include/LexActivator.h, LexStatusCodes.h, LexTypes.h
#   DIR/lib/libLexActivator.so (or .dylib) and libLexActivator.a
#   DIR/lib/pkgconfig/lexactivator.pc            pkg-config --cflags --libs lexactivator
#   DIR/lib/cmake/OpenLex/OpenLexConfig.cmake    find_package(OpenLex) -> target OpenLex::LexActivator
#   DIR/lib/cmake/OpenLex/OpenLexConfigVersion.cmake
#
# The .pc and CMake files locate everything relative to themselves, so the tree can be moved
# (or unpacked from a release archive) anywhere. --lib-dir takes the library from a directory
# (default: target/release, built first with `cargo build --release --lib` unless --no-build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

prefix="" libdir="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --lib-dir) [ $# -ge 2 ] || usage; libdir="$2"; build=0; shift 2 ;;
    --lib-dir=*) libdir="${1#*=}"; build=0; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) usage ;;
    *) echo "install: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$prefix" ] || { echo "install: --prefix DIR is required" >&2; usage; }
if [ "$build" = 1 ]; then
  (cd "$root" && cargo build --release --lib)
fi
libdir="${libdir:-$root/target/release}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"

case "$(uname -s)" in
  Darwin) shared=libLexActivator.dylib ;;
  *) shared=libLexActivator.so ;;
esac
[ -f "$libdir/$shared" ] || { echo "install: $libdir/$shared not found (build the library or pass --lib-dir)" >&2; exit 1; }

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/OpenLex"
prefix="$(cd "$prefix" && pwd)"
install -m 644 "$root"/include/LexActivator.h "$root"/include/LexStatusCodes.h "$root"/include/LexTypes.h "$prefix/include/"
install -m 755 "$libdir/$shared" "$prefix/lib/"
[ -f "$libdir/libLexActivator.a" ] && install -m 644 "$libdir/libLexActivator.a" "$prefix/lib/"

# pkg-config: ${pcfiledir} keeps the file valid wherever the tree is moved.
cat >"$prefix/lib/pkgconfig/lexactivator.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: LexActivator
Description: OpenLex, an open-source drop-in replacement for Cryptlex's LexActivator library
Version: $version
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lLexActivator
Cflags: -I\${includedir}
EOF

cat >"$prefix/lib/cmake/OpenLex/OpenLexConfig.cmake" <<EOF
# OpenLex (LexActivator) CMake package: find_package(OpenLex) defines the imported target
# OpenLex::LexActivator (the shared library, with its include directory).
get_filename_component(_openlex_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET OpenLex::LexActivator)
  add_library(OpenLex::LexActivator SHARED IMPORTED)
  set_target_properties(OpenLex::LexActivator PROPERTIES
    IMPORTED_LOCATION "\${_openlex_prefix}/lib/$shared"
    IMPORTED_SONAME "$shared"
    INTERFACE_INCLUDE_DIRECTORIES "\${_openlex_prefix}/include")
endif()
if(NOT EXISTS "\${_openlex_prefix}/lib/$shared")
  set(OpenLex_FOUND FALSE)
  set(OpenLex_NOT_FOUND_MESSAGE "\${_openlex_prefix}/lib/$shared is missing")
endif()
set(OpenLex_VERSION "$version")
unset(_openlex_prefix)
EOF

cat >"$prefix/lib/cmake/OpenLex/OpenLexConfigVersion.cmake" <<EOF
# Compatible with any requested $version-or-older version of the same major.
set(PACKAGE_VERSION "$version")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  string(REGEX MATCH "^[0-9]+" _openlex_major "\${PACKAGE_VERSION}")
  if(PACKAGE_FIND_VERSION_MAJOR STREQUAL _openlex_major)
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  else()
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  endif()
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
  unset(_openlex_major)
endif()
EOF

echo "installed OpenLex $version into $prefix"
