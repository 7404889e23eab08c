#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the tests.
#   pg-cluster.sh start DIR   initdb into a temp dir, start on 127.0.0.1 at a
#                             free port, trust auth; writes DIR/url
#   pg-cluster.sh start DIR --defaults
#                             the same with the server's default lock table
#                             (max_connections 100, so 6,400 lock slots)
#   pg-cluster.sh standby DIR PRIMARY_DIR
#                             a streaming hot standby of the cluster started
#                             in PRIMARY_DIR (pg_basebackup -R); writes DIR/url
#   pg-cluster.sh stop DIR    stop it and remove its data
#   pg-cluster.sh crash DIR   stop it with -m immediate (as a crash), keep its data
#   pg-cluster.sh restart DIR start a crashed or stopped cluster again, same port
# Runs the server as the `postgres` user when started as root (initdb refuses root).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: pg-cluster.sh start|stop|crash|restart DIR}
dir=${2:?usage: pg-cluster.sh start|stop|crash|restart DIR}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
  [ -x "$PGBIN/initdb" ] || { echo "pg-cluster: $PGBIN/initdb not found (apt-get install postgresql-15)" >&2; exit 1; }
  "$0" stop "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  data=$(mktemp -d /tmp/addrmig-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$data"
  echo "$data" > "$dir/datadir"
  as_pg "$PGBIN/initdb" -D "$data/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1
  # The superuser connects without a password; every other role needs one,
  # so tests can check wrong-password handling and never-echoed secrets.
  cat > "$data/data/pg_hba.conf" <<HBA
local all all trust
host all postgres 127.0.0.1/32 trust
host replication postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
  # Durability off: a throwaway cluster. --defaults keeps the server's lock
  # table at its default size (64 x (100 + 0) slots).
  settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${3:-}" = --defaults ] || settings="$settings -c max_connections=300"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    options="-c listen_addresses=127.0.0.1 -p $port -k $data $settings"
    if as_pg "$PGBIN/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 start -o "$options" >"$dir/start.log" 2>&1; then
      echo "$options" > "$dir/options"
      echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$dir/url"
      echo "pg-cluster: started on 127.0.0.1:$port ($data)"
      exit 0
    fi
  done
  cat "$data/server.log" >&2 || true
  exit 1
  ;;
standby)
  primary=${3:?usage: pg-cluster.sh standby DIR PRIMARY_DIR}
  primary_url=$(cat "$primary/url")
  primary_port=${primary_url##*:}; primary_port=${primary_port%%/*}
  "$0" stop "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  data=$(mktemp -d /tmp/addrmig-standby.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$data"
  echo "$data" > "$dir/datadir"
  # -R writes primary_conninfo and standby.signal: the copy starts as a
  # streaming hot standby.
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data/data" -R -X stream -c fast --no-sync \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_pg "$PGBIN/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=300" >"$dir/start.log" 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$dir/url"
      echo "pg-cluster: standby started on 127.0.0.1:$port ($data)"
      exit 0
    fi
  done
  cat "$data/server.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$dir/datadir" ] || exit 0
  data=$(cat "$dir/datadir")
  as_pg "$PGBIN/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$data" "$dir/url" "$dir/datadir" "$dir/options"
  echo "pg-cluster: stopped"
  ;;
crash)
  data=$(cat "$dir/datadir")
  as_pg "$PGBIN/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null
  ;;
restart)
  data=$(cat "$dir/datadir")
  as_pg "$PGBIN/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 start -o "$(cat "$dir/options")" >"$dir/start.log" 2>&1
  ;;
*) echo "usage: pg-cluster.sh start|standby|stop|crash|restart DIR" >&2; exit 2 ;;
esac
