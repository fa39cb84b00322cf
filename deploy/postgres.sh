#!/usr/bin/env bash
# PostgreSQL from Debian's package: one cluster, the shopsync role, a database per service.
#   deploy/postgres.sh start|stop|status
# Postgres refuses to run as root, and the repo may sit under /root (mode 700), so the
# data lives where Debian's cluster tooling puts it (/var/lib/postgresql), not in the repo.
# stop only stops a cluster that this script started (marker .run/postgres.started).
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
MARK="$RUN_DIR/postgres.started"
INIT_SQL="$REPO/deploy/postgres-init.sql"
cd /  # the postgres user may not be allowed into the repo's directory

installed_version() {  # newest installed server version with an initdb
  local bin
  bin=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1 || true)
  [ -z "$bin" ] || basename "$(dirname "$(dirname "$bin")")"
}

ensure_installed() {
  if ! command -v pg_ctlcluster >/dev/null || ! command -v pg_lsclusters >/dev/null \
    || [ -z "$(installed_version)" ]; then
    apt_install postgresql
  fi
  [ -n "$(installed_version)" ] || die "postgresql server is not installed"
}

cluster_on_port() {  # prints "<version> <name> <status>" of the cluster on $PGPORT
  pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p {print $1, $2, $4; exit}'
}

psql_super() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql \
  -p "$PGPORT" "$@"; }

start() {
  ensure_installed
  local ver="" name="" state=""
  read -r ver name state < <(cluster_on_port) || true
  if [ -z "$ver" ]; then
    ver=$(installed_version)
    name=main
    if pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$ver main"; then
      name=shopsync  # main exists on another port; leave it alone
    fi
    say "creating postgres cluster $ver/$name on port $PGPORT"
    pg_createcluster "$ver" "$name" -p "$PGPORT" >/dev/null
    state=down
  fi
  if [ "$state" != online ]; then
    say "starting postgres $ver/$name on 127.0.0.1:$PGPORT"
    pg_ctlcluster "$ver" "$name" start
    echo "$ver $name" >"$MARK"
  fi
  local i
  for i in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then break; fi
    [ "$i" -lt 60 ] || die "postgres $ver/$name did not accept connections on 127.0.0.1:$PGPORT"
    sleep 0.5
  done

  psql_super -d postgres <"$INIT_SQL" >/dev/null
  local db missing=()
  for db in "${PG_DATABASES[@]}"; do
    [ "$(psql_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ] \
      || missing+=("$db")
  done
  [ ${#missing[@]} -eq 0 ] || die "deploy/postgres-init.sql did not create: ${missing[*]}"
  say "postgres $ver/$name ready at 127.0.0.1:$PGPORT (role $PG_USER; databases: ${PG_DATABASES[*]})"
}

stop() {
  if [ ! -f "$MARK" ]; then
    say "postgres: not started by deploy/postgres.sh; leaving it as it is"
    return 0
  fi
  local ver name
  read -r ver name <"$MARK"
  say "stopping postgres $ver/$name"
  pg_ctlcluster "$ver" "$name" stop -m fast 2>/dev/null || true
  rm -f "$MARK"
}

status() {
  local ver="" name="" state=""
  read -r ver name state < <(cluster_on_port 2>/dev/null) || true
  if [ -z "$ver" ]; then echo "postgres: no cluster on port $PGPORT"; return 0; fi
  local who="not started by these scripts"
  [ ! -f "$MARK" ] || who="started by deploy/postgres.sh"
  echo "postgres: $ver/$name $state on 127.0.0.1:$PGPORT ($who)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
