#!/usr/bin/env bash
# PgBouncer in transaction pooling mode, with a pool of 2 server connections
# per database, in front of the test cluster (scripts/pg-cluster.sh).
#   pgbouncer.sh start DIR CLUSTER_DIR   writes DIR/url (postgresql://...@127.0.0.1:PORT/postgres)
#   pgbouncer.sh stop DIR
# Runs as the `postgres` user when started as root (pgbouncer refuses root).
set -euo pipefail
cmd=${1:?usage: pgbouncer.sh start|stop DIR [CLUSTER_DIR]}
dir=${2:?usage: pgbouncer.sh start|stop DIR [CLUSTER_DIR]}
PGBOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
  cluster=${3:?usage: pgbouncer.sh start DIR CLUSTER_DIR}
  [ -x "$PGBOUNCER" ] || { echo "pgbouncer.sh: $PGBOUNCER not found (apt-get install pgbouncer)" >&2; exit 1; }
  "$0" stop "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  run=$(mktemp -d /tmp/addrmig-pgbouncer.XXXXXX)
  echo "$run" > "$dir/rundir"
  cluster_url=$(cat "$cluster/url")
  cluster_port=${cluster_url##*:}; cluster_port=${cluster_port%%/*}
  # trust: the cluster trusts the superuser on 127.0.0.1, and PgBouncer
  # still wants the user listed.
  echo '"postgres" ""' > "$run/userlist.txt"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat > "$run/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$cluster_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $run/userlist.txt
pool_mode = transaction
default_pool_size = 2
max_db_connections = 2
max_client_conn = 500
pidfile = $run/pgbouncer.pid
logfile = $run/pgbouncer.log
INI
    [ "$(id -u)" = 0 ] && chown -R postgres: "$run"
    as_pg "$PGBOUNCER" -d "$run/pgbouncer.ini" >"$dir/start.log" 2>&1 || continue
    for _ in $(seq 50); do
      if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
        echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$dir/url"
        echo "pgbouncer: transaction pooling on 127.0.0.1:$port in front of :$cluster_port"
        exit 0
      fi
      sleep 0.1
    done
  done
  cat "$run/pgbouncer.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$dir/rundir" ] || exit 0
  run=$(cat "$dir/rundir")
  [ -f "$run/pgbouncer.pid" ] && kill "$(cat "$run/pgbouncer.pid")" 2>/dev/null || true
  rm -rf "$run" "$dir/url" "$dir/rundir"
  echo "pgbouncer: stopped"
  ;;
*) echo "usage: pgbouncer.sh start|stop DIR [CLUSTER_DIR]" >&2; exit 2 ;;
esac
