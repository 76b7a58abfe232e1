#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `bash .ci/postgres.sh start` prints the URL to export
# as KIOSK_TEST_PG_URL; `bash .ci/postgres.sh stop` removes it. Needs the Debian postgresql package.
set -euo pipefail

PGDIR="${KIOSK_PG_DIR:-/tmp/kiosk-test-pg}"
PGPORT="${KIOSK_PG_PORT:-5433}"
URL="postgresql+psycopg://postgres@127.0.0.1:${PGPORT}/postgres"

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local found
  found=$(ls /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] || { echo "postgres.sh: $name not found (apt-get install postgresql)" >&2; exit 1; }
  echo "$found"
}

# PostgreSQL refuses to run as root: run it as the postgres user (or the current one if not root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local initdb pg_ctl
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
  stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  as_owner "$initdb" -D "$PGDIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$PGDIR/initdb.log" 2>&1 \
    || { cat "$PGDIR/initdb.log" >&2; exit 1; }
  as_owner "$pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$PGDIR/server.log" >&2; exit 1; }
  pg_isready -h 127.0.0.1 -p "$PGPORT" -t 30 >/dev/null
  echo "$URL"
}

stop() {
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl)
  if [ -d "$PGDIR/data" ]; then
    as_owner "$pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGDIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: bash .ci/postgres.sh start|stop|url" >&2; exit 2 ;;
esac
