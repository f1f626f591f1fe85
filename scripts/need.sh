# Sourced by the test scripts: installs the Debian packages behind the commands they call when
# those commands are missing, so the suite runs on a fresh machine. Needs root (as CI is) or
# password-less sudo; otherwise it names the packages to install and fails.
#
#   . scripts/need.sh
#   need valgrind g++ mcs:mono-devel      # COMMAND[:PACKAGE], PACKAGE defaults to COMMAND
#   need_apt python3-venv                 # packages, unconditionally (those already there are kept)
# SPDX-License-Identifier: MIT OR Apache-2.0

need() {
  local spec cmd pkgs=()
  for spec in "$@"; do
    cmd="${spec%%:*}"
    command -v "$cmd" >/dev/null 2>&1 && continue
    case " ${pkgs[*]-} " in *" ${spec#*:} "*) ;; *) pkgs+=("${spec#*:}") ;; esac
  done
  [ "${#pkgs[@]}" -eq 0 ] || need_apt "${pkgs[@]}"
}

need_apt() {
  local as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "missing packages: $* (install them as root: apt-get install $*)" >&2
      return 1
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || {
    echo "missing packages: $* (Debian names; no apt-get here, install them with your package manager)" >&2
    return 1
  }
  echo "installing with apt-get: $*"
  # The package lists may be missing (a fresh container) or stale: update once and retry.
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    || { ${as_root[@]+"${as_root[@]}"} apt-get update -q \
         && ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; }
}
