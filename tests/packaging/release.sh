#!/usr/bin/env bash
# The release archive end to end: scripts/release.sh linux-gcc-x86_64 (reusing the release build),
# SHA256SUMS verified, the manylinux wheel (tag from the library's glibc needs) listed, the archive unpacked on a clean path, its contents checked (the vendor's
# layout, headers, bindings, both license texts, a CycloneDX SBOM naming the linked crates), and
# examples-c built from the archive alone and run against openlex-server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash scripts/release.sh linux-gcc-x86_64
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
name="openlex-$version-linux-gcc-x86_64"
(cd dist && sha256sum -c --quiet SHA256SUMS)
grep -q " $name.tar.gz\$" dist/SHA256SUMS || { echo "packaging/release: $name.tar.gz not in SHA256SUMS" >&2; exit 1; }
glibc="$(objdump -T target/release/libLexActivator.so | grep -o 'GLIBC_2\.[0-9]*' | sed 's/GLIBC_2\.//' | sort -n | tail -1)"
wheel="wheels/openlex-$version-py3-none-manylinux_2_${glibc}_x86_64.whl"
grep -q " $wheel\$" dist/SHA256SUMS || { ls dist/wheels >&2; echo "packaging/release: $wheel missing" >&2; exit 1; }

clean="$(mktemp -d)"
trap 'rm -rf "$clean"' EXIT
tar -xzf "dist/$name.tar.gz" -C "$clean"
a="$clean/$name"
for f in LICENSE-MIT LICENSE-APACHE README.md sbom.cdx.json include/LexActivator.h include/LexStatusCodes.h \
         include/LexTypes.h libs/linux/gcc/x86_64/libLexActivator.so libs/linux/gcc/x86_64/libLexActivator.a \
         bindings/python/pyproject.toml bindings/go/go.mod bindings/node/package.json bindings/dotnet/src/LexActivator.cs \
         examples-c/Makefile examples-c/activate.c; do
  [ -f "$a/$f" ] || { echo "packaging/release: $f missing from $name.tar.gz" >&2; exit 1; }
done
cmp -s "$a/LICENSE-MIT" LICENSE-MIT && cmp -s "$a/LICENSE-APACHE" LICENSE-APACHE \
  || { echo "packaging/release: the archive's license texts differ from the repository's" >&2; exit 1; }
if find "$a" -name node_modules -o -name target -o -name __pycache__ | grep -q .; then
  echo "packaging/release: build products in the archive" >&2; exit 1
fi
python3 - "$a/sbom.cdx.json" "$version" <<'PY'
import json, sys
bom = json.load(open(sys.argv[1]))
assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.5", bom.get("specVersion")
assert bom["serialNumber"].startswith("urn:uuid:")
assert bom["metadata"]["component"]["version"] == sys.argv[2]
names = {c["name"] for c in bom["components"]}
for crate in ("rustls", "ring", "serde_json"):
    assert crate in names, (crate, sorted(names))
assert all(c["purl"] == "pkg:cargo/%s@%s" % (c["name"], c["version"]) for c in bom["components"])
assert not {"criterion", "proptest"} & names, "dev dependencies are not shipped"
print("sbom: %d components" % len(bom["components"]))
PY

# Only the archive: headers and library from it, nothing from the checkout.
make -s -C "$a/examples-c" LIBDIR="$a/libs/linux/gcc/x86_64" INCDIR="$a/include" >/dev/null
OPENLEX_PROFILE=debug scripts/with-server.sh "$root/tests/packaging/activate-check.sh" release-archive "$a/examples-c/build/activate"

# The Node package from the archive finds its bundled library with no variable set.
if command -v npm >/dev/null; then
  (cd "$a/bindings/node" && npm ci --no-audit --no-fund --loglevel=error)
  loaded="$(cd "$clean" && env -u OPENLEX_LIBRARY -u LEXACTIVATOR_LIBRARY_PATH node -e '
    const m = require(process.argv[1]); m.LexActivator.GetLibraryVersion(); console.log(m.libraryPath)' "$a/bindings/node")"
  [ "$loaded" = "$a/bindings/node/prebuilds/linux-x64/libLexActivator.so" ] \
    || { echo "packaging/release: node loaded $loaded, not its prebuilds/ copy" >&2; exit 1; }
fi

# Every target at once, as a release is cut: the debug builds (those of the platforms stage) for
# speed. Targets whose toolchain is missing are skipped with the reason; each archive built carries
# its libs/ directory, both licenses and the node prebuild, and each target has a wheel tagged for it.
OPENLEX_RELEASE_PROFILE=dev bash scripts/release.sh >"$clean/all.log" 2>&1 || { cat "$clean/all.log" >&2; exit 1; }
grep -q '^skipped macos-arm64: ' "$clean/all.log" || [ "$(uname -s)" = Darwin ] \
  || { cat "$clean/all.log" >&2; echo "packaging/release: no reason given for skipping macOS" >&2; exit 1; }
(cd dist && sha256sum -c --quiet SHA256SUMS)
checked=0
for t in linux-gcc-x86_64:libs/linux/gcc/x86_64:linux-x64:manylinux_2_*_x86_64 \
         linux-gcc-arm64:libs/linux/gcc/arm64:linux-arm64:manylinux_2_*_aarch64 \
         linux-musl-x86_64:libs/linux/musl/x86_64:linux-x64:musllinux_1_2_x86_64 \
         windows-x86_64:libs/win32/x86_64:win32-x64:win_amd64; do
  IFS=: read -r target libdir nodedir tag <<<"$t"
  archive="$(ls dist/openlex-"$version-$target".* 2>/dev/null || true)"
  if [ -z "$archive" ]; then
    grep -q "^skipped $target: " "$clean/all.log" || { echo "packaging/release: $target neither built nor skipped" >&2; exit 1; }
    continue
  fi
  case "$archive" in
    *.zip) listing="$(python3 -m zipfile -l "$archive" | awk '{print $1}')" ;;
    *) listing="$(tar -tzf "$archive")" ;;
  esac
  for f in LICENSE-MIT LICENSE-APACHE sbom.cdx.json include/LexActivator.h "$libdir/" "bindings/node/prebuilds/$nodedir/"; do
    grep -qx "openlex-$version-$target/$f" <<<"$listing" || { echo "packaging/release: $archive lacks $f" >&2; exit 1; }
  done
  # shellcheck disable=SC2086 # the tag is a glob
  ls dist/wheels/openlex-"$version"-py3-none-$tag.whl >/dev/null || { ls dist/wheels >&2; echo "packaging/release: no $tag wheel" >&2; exit 1; }
  checked=$((checked + 1))
done
echo "packaging/release: $checked target archives checked; $(grep -c '^skipped ' "$clean/all.log") targets skipped with a reason"
echo "packaging/release: OK"
