#!/usr/bin/env bash
# Randomized fault trials against the real binary, run by hand (the suite
# runs a fixed small set: tests/cli/faults_*_test.cpp).
#
#   scripts/faults.sh [BUILD_DIR] [TRIALS] [KINDS]   (defaults: build, 20, all)
#
# KINDS: a space-separated subset of the trial kinds below.
#
# Each trial delivers SIGINT, SIGTERM or SIGKILL after a random delay (20 ms
# or more: before that the process may not have installed its handler yet) to:
#   pg-wait     a PostgreSQL apply waiting behind another session's table lock
#   pg-run      a PostgreSQL apply of 150 parents, mid-flight
#   pg-validate a PostgreSQL apply adding an FK NOT VALID to 500,000 rows, then
#               validating it after the commit in a transaction of its own
#   sqlite      a SQLite rebuild of 300,000 rows (rollback journal or WAL)
# and checks: all or nothing (both address tables and one history row, or
# none; pg-validate: nothing, the committed migration with the constraint NOT
# VALID and a message saying so, or both with the constraint validated), the exit code (130/143 for INT/TERM unless the apply had finished),
# one line on stderr, no hot journal after INT/TERM, no addrmig session or
# lock left on the server 2 s after the exit. Prints one line per trial and
# the worst lock release time after SIGKILL. Exits 1 on any violation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
trials=${2:-20}
read -r -a kinds <<< "${3:-pg-wait pg-run pg-validate sqlite}"
addrmig=$build/addrmig
[ -x "$addrmig" ] || { echo "faults: $addrmig not built" >&2; exit 1; }
command -v psql >/dev/null || { echo "faults: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "faults: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 1; }

work=$(mktemp -d /tmp/addrmig-faults.XXXXXX)
cluster=$work/cluster
cleanup() { "$root/scripts/pg-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$root/scripts/pg-cluster.sh" start "$cluster" >/dev/null
admin=$(cat "$cluster/url")
base=${admin%/*}

failures=0
worst_kill_ms=0
fail() { echo "  VIOLATION: $*"; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }
random_signal() { local s=(INT TERM KILL); echo "${s[RANDOM % 3]}"; }
code_of() { case $1 in INT) echo 130 ;; TERM) echo 143 ;; KILL) echo 137 ;; esac; }

config() {  # config FILE URL PARENTS
  {
    echo "[database]"; echo "url = \"$2\""
    echo '[related]'; echo 'columns = [ { name = "street", type = "text" } ]'
    for i in $(seq 1 "$3"); do
      printf '[[parents]]\ntable = "p%d"\ncolumns = [ { name = "name", type = "text" } ]\n' "$i"
    done
  } > "$1"
}

# Seconds (ms) until no addrmig session is left on database $1; fails after 2 s.
wait_released() {
  local db=$1 start; start=$(now_ms)
  while :; do
    local left
    left=$(psql -XAtq "$base/$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'addrmig'")
    [ "$left" = 0 ] && { echo $(( $(now_ms) - start )); return 0; }
    [ $(( $(now_ms) - start )) -gt 2000 ] && { echo -1; return 0; }
    sleep 0.02
  done
}

# Sends SIGNAL to PID (a child of this shell) after MS milliseconds, if it
# still runs, and sets `code` (the caller's local) to its exit code.
signal_after() {  # signal_after MS SIGNAL PID
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
  kill -"$2" "$3" 2>/dev/null || true
  code=0; wait "$3" || code=$?
}

check_exit() {  # check_exit SIGNAL CODE ERRFILE [WHAT_IT_SAYS]
  local expected; expected=$(code_of "$1")
  if [ "$2" != 0 ] && [ "$2" != "$expected" ]; then fail "exit $2 after SIG$1 (expected $expected or 0): $(cat "$3")"; fi
  if [ "$1" != KILL ] && [ "$2" != 0 ]; then
    [ "$(wc -l < "$3")" = 1 ] || fail "stderr is not one line: $(cat "$3")"
    grep -q "${4:-nothing was applied}" "$3" || fail "stderr does not say ${4:-nothing was applied}: $(cat "$3")"
  fi
}

history_rows() {  # history_rows DB: rows in addrmig_history, 0 without the table
  if [ "$(psql -XAtq "$base/$1" -c "SELECT to_regclass('addrmig_history') IS NULL")" = t ]; then echo 0
  else psql -XAtq "$base/$1" -c "SELECT count(*) FROM addrmig_history"; fi
}

pg_all_or_nothing() {  # pg_all_or_nothing DB PARENTS
  local tables history
  tables=$(psql -XAtq "$base/$1" -c "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'p%\_address'")
  history=$(history_rows "$1")
  if ! { [ "$tables" = 0 ] && [ "$history" = 0 ]; } && ! { [ "$tables" = "$2" ] && [ "$history" = 1 ]; }; then
    fail "partial state: $tables address tables, $history history rows"
  fi
  echo "$tables"
}

trial_pg_wait() {
  local n=$1 db="wait$1" sig; sig=$(random_signal)
  psql -XAtq "$admin" -c "CREATE DATABASE $db" >/dev/null
  psql -XAtq "$base/$db" -c "CREATE TABLE p1 (id integer PRIMARY KEY, name text); CREATE TABLE p2 (id integer PRIMARY KEY, name text)" >/dev/null
  config "$work/$db.toml" "$base/$db" 2
  psql -XAtq "$base/$db" -c "BEGIN; LOCK TABLE p2 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30)" >/dev/null 2>&1 &
  local holder=$!
  sleep 0.2
  "$addrmig" -c "$work/$db.toml" --lock-timeout 60 apply >"$work/out" 2>"$work/err" &
  local pid=$! delay=$(( 20 + RANDOM % 1500 ))
  local code; signal_after "$delay" "$sig" "$pid"
  local released; released=$(wait_released "$db")
  [ "$released" = -1 ] && fail "addrmig's session outlived SIG$sig by more than 2 s"
  [ "$sig" = KILL ] && [ "$released" -gt "$worst_kill_ms" ] && worst_kill_ms=$released
  check_exit "$sig" "$code" "$work/err"
  psql -XAtq "$base/$db" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
  wait "$holder" 2>/dev/null || true
  local tables; tables=$(pg_all_or_nothing "$db" 2)
  echo "trial $n pg-wait   SIG$sig after ${delay} ms: exit $code, $tables address tables, session gone after ${released} ms"
}

trial_pg_run() {
  local n=$1 db="run$1" sig; sig=$(random_signal)
  psql -XAtq "$admin" -c "CREATE DATABASE $db" >/dev/null
  config "$work/$db.toml" "$base/$db" 150
  "$addrmig" -c "$work/$db.toml" apply >"$work/out" 2>"$work/err" &
  local pid=$! delay=$(( 20 + RANDOM % 1500 ))
  local code; signal_after "$delay" "$sig" "$pid"
  local released; released=$(wait_released "$db")
  [ "$released" = -1 ] && fail "addrmig's session outlived SIG$sig by more than 2 s"
  check_exit "$sig" "$code" "$work/err"
  local tables; tables=$(pg_all_or_nothing "$db" 150)
  echo "trial $n pg-run    SIG$sig after ${delay} ms: exit $code, $tables address tables"
}

trial_pg_validate() {
  local n=$1 db="validate$1" sig; sig=$(random_signal)
  psql -XAtq "$admin" -c "CREATE DATABASE $db" >/dev/null
  psql -XAtq "$base/$db" -c "CREATE TABLE p1 (id integer PRIMARY KEY, name text);
    INSERT INTO p1 SELECT i, 'p' || i FROM generate_series(1, 500000) i;
    CREATE TABLE p1_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL);
    INSERT INTO p1_address SELECT i, i, 's' FROM generate_series(1, 500000) i; ANALYZE" >/dev/null
  config "$work/$db.toml" "$base/$db" 1
  "$addrmig" -c "$work/$db.toml" apply >"$work/out" 2>"$work/err" &
  # The apply takes about 2 s, the validation its last few hundred ms.
  local pid=$! delay=$(( 20 + RANDOM % 2500 ))
  local code; signal_after "$delay" "$sig" "$pid"
  local released; released=$(wait_released "$db")
  [ "$released" = -1 ] && fail "addrmig's session outlived SIG$sig by more than 2 s"
  local fk history state
  fk=$(psql -XAtq "$base/$db" -c "SELECT coalesce(string_agg(convalidated::text, ','), 'none') FROM pg_constraint WHERE conrelid = 'p1_address'::regclass AND contype = 'f'")
  history=$(history_rows "$db")
  case "$fk/$history" in
    none/0) state=nothing; check_exit "$sig" "$code" "$work/err" ;;
    false/1) state=committed-not-valid
      check_exit "$sig" "$code" "$work/err" "the migration was committed; then .*stays NOT VALID"
      [ "$code" != 0 ] || fail "exit 0 with the constraint NOT VALID" ;;
    true/2) state=validated; check_exit "$sig" "$code" "$work/err" ;;
    *) state="fk=$fk history=$history"; fail "partial state: constraint $fk, $history history rows" ;;
  esac
  echo "trial $n pg-validate SIG$sig after ${delay} ms: exit $code, $state"
}

trial_sqlite() {
  local n=$1 db="$work/s$1.db" sig mode; sig=$(random_signal)
  mode=$([ $((RANDOM % 2)) = 0 ] && echo delete || echo wal)
  sqlite3 "$db" "PRAGMA journal_mode = $mode;
    CREATE TABLE p1 (id integer PRIMARY KEY, name text); INSERT INTO p1 VALUES (1, 'x');
    CREATE TABLE p1_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
    INSERT INTO p1_address SELECT i, 1, 'street ' || i FROM n;" >/dev/null
  config "$work/s$1.toml" "sqlite:$db" 1
  "$addrmig" -c "$work/s$1.toml" apply >"$work/out" 2>"$work/err" &
  local pid=$! delay=$(( 20 + RANDOM % 2500 ))
  local code; signal_after "$delay" "$sig" "$pid"
  check_exit "$sig" "$code" "$work/err"
  if [ "$sig" != KILL ] && [ -e "$db-journal" ]; then fail "hot journal left after SIG$sig"; fi
  [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
  local rows fk
  rows=$(sqlite3 "$db" "SELECT count(*) FROM p1_address")
  fk=$(sqlite3 "$db" "SELECT count(*) FROM pragma_foreign_key_list('p1_address')")
  [ "$rows" = 300000 ] || fail "p1_address has $rows rows, not 300000"
  if [ "$code" = 0 ] && [ "$fk" != 1 ]; then fail "exit 0 but the rebuild is not there"; fi
  if [ "$code" = 130 ] || [ "$code" = 143 ]; then [ "$fk" = 0 ] || fail "exit $code but the rebuild committed"; fi
  echo "trial $n sqlite    SIG$sig after ${delay} ms ($mode): exit $code, rebuilt=$fk"
}

for n in $(seq 1 "$trials"); do
  kind=${kinds[RANDOM % ${#kinds[@]}]}
  case $kind in
    pg-wait) trial_pg_wait "$n" ;;
    pg-run) trial_pg_run "$n" ;;
    pg-validate) trial_pg_validate "$n" ;;
    sqlite) trial_sqlite "$n" ;;
    *) echo "faults: unknown trial kind $kind" >&2; exit 1 ;;
  esac
done
echo "faults: $trials trials, $failures violations; worst session release after SIGKILL: ${worst_kill_ms} ms"
[ "$failures" = 0 ]
