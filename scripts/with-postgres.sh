#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster on a free loopback port.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Installs Debian's postgresql if its binaries are missing (apt-get), runs
# initdb and pg_ctl as the `postgres` user in a temporary directory, and
# stops the cluster and removes the directory when CMD ends, however it ends.
# The command sees:
#   OPENLEX_TEST_DATABASE_URL  postgres://postgres@127.0.0.1:PORT/postgres (superuser;
#                              the server tests create one database per test in it)
#   OPENLEX_TEST_PG_CTL        a command line that controls the cluster
#                              (append `restart -m fast -w`, `stop -m immediate`, ...)
# Exit status: CMD's.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin="$(pg_bin)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin="$(pg_bin)"
  # Debian's package starts its own cluster on 5432; this script needs none.
  command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
    pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
  done
fi
[ -x "$bin/initdb" ] || { echo "with-postgres: no initdb after installing postgresql" >&2; exit 1; }

# As root, the cluster runs as `postgres` (PostgreSQL refuses to run as root).
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  as_pg=(runuser -u postgres --)
fi

dir="$(mktemp -d /tmp/openlex-pg.XXXXXX)"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
chmod 700 "$dir"
pgctl="${as_pg[*]} $bin/pg_ctl -D $dir/data -l $dir/log"
started=0
cleanup() {
  if [ "$started" = 1 ]; then
    $pgctl stop -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }

# A free loopback port: bind port 0 and read what the kernel chose.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
CONF
started=1
$pgctl start -w -t 30 >/dev/null || { cat "$dir/log" >&2; exit 1; }

export OPENLEX_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export OPENLEX_TEST_PG_CTL="$pgctl"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
