#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and the benchmark.
#
#   .ci/postgres.sh start DIR [--install]   initdb into DIR, start on a free port, print the URL
#   .ci/postgres.sh stop DIR                stop it (DIR can then be removed)
#
# `--install` installs Debian's `postgresql` package when no server binaries are found.
# Run as root, the cluster belongs to an unprivileged user (`postgres` when it exists, else
# `nobody`): PostgreSQL refuses to run as root. The cluster trusts local connections and,
# being disposable, runs with fsync off; the URL printed is
# postgres://postgres@127.0.0.1:PORT/postgres.
set -euo pipefail

find_bin() {
  local dir
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

install_postgres() {
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq postgresql >/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
  local owner=postgres
  getent passwd postgres >/dev/null || owner=nobody
  runuser -u "$owner" -- "$@"
}

owner_of_root_runs() {
  if getent passwd postgres >/dev/null; then echo postgres; else echo nobody; fi
}

start() {
  local dir=$1 install=${2:-}
  local bin
  if ! bin=$(find_bin); then
    if [ "$install" = "--install" ]; then install_postgres >&2; bin=$(find_bin); else
      echo "PostgreSQL server binaries not found (install Debian's postgresql package or run with --install)" >&2
      exit 1
    fi
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown "$(owner_of_root_runs)" "$dir"; fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local port
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >&2 || { cat "$dir/data/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 bin
  bin=$(find_bin)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
}

case "${1:-}" in
  start) start "${2:?usage: postgres.sh start DIR [--install]}" "${3:-}" ;;
  stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
  *) echo "usage: postgres.sh start DIR [--install] | stop DIR" >&2; exit 2 ;;
esac
