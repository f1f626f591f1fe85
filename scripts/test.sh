#!/usr/bin/env bash
# The whole OpenLex test suite, as CI runs it (`.ci/run` calls this script).
#
#   scripts/test.sh                          every stage, in order
#   scripts/test.sh --only python            one stage; repeat for more (--only c --only demo)
#   scripts/test.sh --skip fuzz --skip platforms
#   scripts/test.sh --list                   the stages and what each runs (also in --help)
#   scripts/test.sh --dry-run [...]          which stages would run, without running them
#
# Needs Rust (rustup; the version in Cargo.toml's rust-version or later), python3 and, for the go
# stage, Go 1.25 or later. It installs what else it calls: Debian packages with apt-get (as root,
# or with password-less sudo: gcc, g++, make, valgrind, binutils, procps, python3-venv and -pip,
# mono), rustup components and the nightly toolchain, cargo-fuzz, pip packages and Go modules.
# Stages that use the debug build build it first (a no-op when it is fresh), so any one of them
# runs alone. Fails loudly on the first failure; prints each stage's time at the end.
#
# Adding a stage: one line in stages() below, `stage NAME "what it checks" COMMAND [ARGS...]`.
# SPDX-License-Identifier: MIT OR Apache-2.0
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0
# shellcheck source=need.sh
. "$root/scripts/need.sh"

# ---------------------------------------------------------------- the stages

stages() {
  stage toolchain "toolchain: Rust version, rustfmt and clippy, free disk" stage_toolchain
  stage scripts "scripts/test.sh's own options (--only, --skip, --list)" python3 tests/scripts/test_options.py
  stage lint "format, lints, header freshness" stage_lint
  stage build "build the library and openlex-server" ensure_built
  stage rust "Rust tests: unit, contract, wire, end-to-end against openlex-server, server integration" stage_rust
  stage postgres "openlex-server integration tests again on PostgreSQL (throwaway cluster; two nodes, faults, db copy)" stage_postgres
  stage c "C: header compiles as C99 and C++, contract test under valgrind and ASan" stage_c
  stage demo "C examples end to end against openlex-server (the README demo, debug build, ASan + UBSan); nothing outlives it" stage_demo
  stage docs "docs/MIGRATING.md's license import script against openlex-server" stage_docs
  stage python "Python binding and the vendor's unmodified Python wrapper against openlex-server" stage_python
  stage sdk "the vendor's management client (cryptlex-python-sdk 1.0.3 from PyPI) against openlex-server's admin API" stage_sdk
  stage go "Go binding (CGO_ENABLED=0) against openlex-server" stage_go
  stage dotnet "C# binding (Mono; the .csproj with xbuild) against openlex-server" stage_dotnet
  stage sync-unload "reliability: Reset and dlclose with the sync thread running (plain, valgrind, ASan)" stage_sync_unload
  stage fuzz "reliability: every fuzz target for a bounded time (cargo-fuzz, nightly)" stage_fuzz
  stage bench "benchmarks side by side with the vendor library (short mode; gates regressions)" stage_bench
  stage platforms "platforms: Windows DLL under Wine, musl static, arm64 under qemu-user, macOS type-check" bash scripts/platforms.sh
  # Packaging: each ecosystem's install path; reuses the release build of the bench stage and
  # the musl library of the platforms stage.
  stage node "packaging: Node.js binding (koffi) against openlex-server" stage_node
  stage install "packaging: scripts/install.sh; examples-c built with pkg-config and CMake, run against openlex-server" stage_install
  stage release "packaging: release archives; the Linux one unpacked on a clean path, an example run from it" stage_release
  stage wheel-musl "packaging: a musl library gets a musllinux wheel" stage_wheel_musl
  stage browser "dashboard and customer portal in headless Chromium (WebDriver) against openlex-server and the library" stage_browser
}

built=0
ensure_built() {
  [ "$built" = 1 ] && return 0
  need cc:gcc
  cargo build --workspace --lib --bins
  built=1
}

stage_toolchain() {
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
  cargo --version
  rustc --version
  # A clean run fills ~4 GB under target/ and ~1 GB in /tmp; a full disk shows up
  # later as a linker killed by SIGBUS, so say it up front.
  local free_kb
  free_kb="$(df -Pk . 2>/dev/null | awk 'NR==2 {print $4}' || true)"
  if [ "${free_kb:-0}" -lt 5242880 ]; then
    echo "warning: only $((free_kb / 1024)) MB free under $root; the build may fail for lack of disk" >&2
  fi
}

stage_lint() {
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
  need cc:gcc
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets -- -D warnings
  cargo run -q -p xtask -- headers --check
}

stage_rust() {
  need nm:binutils   # tests/exports.rs reads the library's symbol table
  ensure_built
  cargo test --workspace
}

stage_postgres() {
  need python3
  ensure_built
  # with-postgres.sh installs Debian's postgresql when its binaries are missing
  bash scripts/with-postgres.sh cargo test -p openlex-server --tests
}

stage_c() {
  need gcc g++ valgrind
  ensure_built
  local lib="$root/target/debug" tmp
  tmp="$(scratch_dir)"
  gcc -std=c99 -Wall -Wextra -Werror -Iinclude tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract"
  g++ -Wall -Wextra -Werror -Iinclude -x c++ tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract_cpp"
  gcc -std=c99 -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude tests/c/contract.c -L"$lib" -lLexActivator -Wl,-rpath,"$lib" -o "$tmp/contract_asan"
  "$tmp/contract" "$tmp"
  "$tmp/contract_cpp" "$tmp"
  ASAN_OPTIONS=detect_leaks=1 "$tmp/contract_asan" "$tmp"
  valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite -q "$tmp/contract" "$tmp"
}

stage_demo() {
  need cc:gcc make
  # Runs scripts/demo.sh to the end, then under Ctrl-C and SIGTERM, checking each time that no
  # process or file outlives it.
  OPENLEX_PROFILE=debug OPENLEX_DEMO_SANITIZE=1 python3 tests/demo/no_leak.py -- bash scripts/demo.sh
}

stage_docs() {
  ensure_built
  scripts/with-server.sh python3 tests/docs/migrating_import.py
}

stage_python() {
  # The binding's tests build wheels in a virtualenv; Debian's python3 needs these for that.
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    need_apt python3-venv python3-pip
  fi
  ensure_built
  bash bindings/python/ci.sh
}

stage_sdk() {
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    need_apt python3-venv python3-pip
  fi
  ensure_built
  bash server/tests/sdk/ci.sh
}

stage_go() {
  ensure_built
  bash bindings/go/ci.sh
}

stage_dotnet() {
  ensure_built
  OPENLEX_SKIP_CARGO_BUILD=1 bash bindings/dotnet/ci.sh
  # Mono is here now: docs/WEBHOOKS.md's C# verification snippet must run
  # against a real delivery too (--workspace: the rust stage's build, reused).
  OPENLEX_REQUIRE_SNIPPETS=csharp cargo test -q --workspace --test webhooks \
    a_delivery_is_signed_and_carries_the_dto_and_the_snippets_verify_it -- --exact
}

stage_sync_unload() {
  need gcc valgrind
  ensure_built
  bash tests/c/sync_unload.sh
}

stage_fuzz() {
  need cc:gcc g++
  cargo +nightly --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal
  FUZZ_SECS="${FUZZ_SECS:-10}" bash fuzz/ci.sh
}

stage_bench() {
  need cc:gcc nm:binutils strip:binutils readelf:binutils pgrep:procps
  if ! python3 -m pip --version >/dev/null 2>&1; then need_apt python3-pip; fi
  bash bench/ci.sh
}

stage_node() {
  need node:nodejs npm
  ensure_built
  bash bindings/node/ci.sh
}

stage_install() {
  need cc:gcc cmake pkg-config
  ensure_built
  cargo build --release --lib   # nothing to do after the bench stage
  bash tests/packaging/install.sh
}

stage_release() {
  need cc:gcc node:nodejs npm
  bash tests/packaging/release.sh
}

stage_wheel_musl() {
  (cd bindings/python && OPENLEX_TEST_PACKAGING=1 python3 -m pytest -p no:cacheprovider -q -rs tests/test_packaging.py -k musl)
}

stage_browser() {
  need chromium:chromium chromedriver:chromium-driver
  need fc-list:fontconfig
  [ -n "$(fc-list 2>/dev/null)" ] || need_apt fonts-liberation   # text in the screenshots
  ensure_built
  cargo test -p openlex --test browser -- --include-ignored
}

# ---------------------------------------------------------------- running them

usage() {
  cat <<'EOF'
usage: scripts/test.sh [--only STAGE]... [--skip STAGE]... [--dry-run] [--list] [--help]

Runs the OpenLex test suite (what CI runs), stage by stage, stopping at the first failure.
  --only STAGE   run only this stage (repeatable; STAGE may also be a comma-separated list)
  --skip STAGE   do not run this stage (repeatable; applies after --only)
  --dry-run      print which stages would run and which would be skipped, then exit
  --list         print the stages
  -h, --help     this help

Stages, in the order they run:
EOF
  list_stages
}

list_stages() { mode=list; stages; }

all=()
only=()
skip=()
mode=""
dry_run=0

stage() {
  local name="$1" what="$2"
  shift 2
  case "$mode" in
    collect) all+=("$name") ;;
    list) printf '  %-12s %s\n' "$name" "$what" ;;
    run) run_stage "$name" "$what" "$@" ;;
  esac
}

contains() {
  local needle="$1" x
  shift
  for x in "$@"; do [ "$x" = "$needle" ] && return 0; done
  return 1
}

selected() {
  if [ "${#only[@]}" -gt 0 ] && ! contains "$1" "${only[@]}"; then return 1; fi
  ! { [ "${#skip[@]}" -gt 0 ] && contains "$1" "${skip[@]}"; }
}

ran=()
durations=()
run_stage() {
  local name="$1" what="$2" t0
  shift 2
  if ! selected "$name"; then
    [ "$dry_run" = 1 ] && echo "skip: $name"
    return 0
  fi
  if [ "$dry_run" = 1 ]; then
    echo "run:  $name"
    return 0
  fi
  printf '\n==> [%s] %s\n' "$name" "$what"
  t0="$(date +%s)"
  "$@"
  ran+=("$name")
  durations+=("$(($(date +%s) - t0))")
}

# Scratch space for the stages, removed on exit however the run ends.
scratch=""
scratch_dir() {
  [ -n "$scratch" ] || scratch="$(mktemp -d)"
  local d
  d="$(mktemp -d "$scratch/stage.XXXXXX")"
  echo "$d"
}
trap '[ -z "$scratch" ] || rm -rf "$scratch"' EXIT

add_names() {
  local list="$1" flag="$2" name
  local -n into="$3"
  [ -n "$list" ] || { echo "scripts/test.sh: $flag needs a stage name (see --list)" >&2; exit 2; }
  for name in ${list//,/ }; do
    contains "$name" "${all[@]}" || {
      echo "scripts/test.sh: unknown stage '$name' for $flag; the stages are: ${all[*]}" >&2
      exit 2
    }
    into+=("$name")
  done
}

mode=collect
stages
while [ $# -gt 0 ]; do
  case "$1" in
    --only) add_names "${2:-}" --only only; shift 2 || shift ;;
    --only=*) add_names "${1#*=}" --only only; shift ;;
    --skip) add_names "${2:-}" --skip skip; shift 2 || shift ;;
    --skip=*) add_names "${1#*=}" --skip skip; shift ;;
    --dry-run) dry_run=1; shift ;;
    --list) list_stages; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$dry_run" = 0 ]; then
  # What the script cannot install itself, checked before anything runs.
  command -v cargo >/dev/null && command -v rustup >/dev/null \
    || { echo "scripts/test.sh needs cargo and rustup: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "python3 not found: install it (Debian: apt-get install python3)" >&2; exit 1; }
  if selected go && ! command -v go >/dev/null; then
    echo "go not found: the go stage needs Go 1.25 or later (or run with --skip go)" >&2
    exit 1
  fi
  want="$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)"
  have="$(rustc --version | awk '{print $2}')"
  if [ -n "$want" ] && [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1)" != "$want" ]; then
    echo "rustc $have is older than the rust-version $want in Cargo.toml: run rustup update" >&2
    exit 1
  fi
fi

mode=run
t_start="$(date +%s)"
stages
[ "$dry_run" = 1 ] && exit 0
if [ "${#ran[@]}" -eq 0 ]; then
  echo "scripts/test.sh: no stage selected" >&2
  exit 2
fi
printf '\n==> stage times\n'
for i in "${!ran[@]}"; do printf '  %-12s %5d s\n' "${ran[$i]}" "${durations[$i]}"; done
printf '  %-12s %5d s\n' total "$(($(date +%s) - t_start))"
printf '\n==> all %d selected stages passed\n' "${#ran[@]}"
