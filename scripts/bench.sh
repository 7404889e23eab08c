#!/usr/bin/env bash
# Benchmarks addrmig against the databases' own tools (bench/bench.py) on
# SQLite and on a throwaway PostgreSQL cluster, and prints every ratio.
#
#   scripts/bench.sh [--quick] [--sqlite-only] [--runs N] [--addrmig PATH]
#
#   --quick        N=10 parents and a 10,000-row table only (under a minute)
#   --sqlite-only  no PostgreSQL cluster
#   --runs N       measured runs per case (default 5; medians are reported)
#   --cases LIST   a subset of version,parents,retrofit,seeds (default: all)
#   --sizes LIST   parent counts of the parents case (default 10,100,1000,5000)
#   --addrmig PATH use this binary; default: build build/addrmig first
#
# Results: stdout, and build/bench-results/results.{md,json}
# (ADDRMIG_BUILD_DIR overrides build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ADDRMIG_BUILD_DIR:-$root/build}
addrmig=""
postgres=1
bench_args=()

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) bench_args+=(--quick) ;;
    --sqlite-only) postgres=0 ;;
    --runs) bench_args+=(--runs "${2:?--runs needs a number}"); shift ;;
    --cases) bench_args+=(--cases "${2:?--cases needs a list}"); shift ;;
    --sizes) bench_args+=(--sizes "${2:?--sizes needs a list}"); shift ;;
    --addrmig) addrmig=${2:?--addrmig needs a path}; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# The tools the baselines run, and what provides them on Debian.
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)"); }
need python3 python3
need sqlite3 sqlite3
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (time)")
if [ "$postgres" = 1 ]; then
  need psql postgresql-client-15
  need pg_dump postgresql-client-15
  [ -x "${PGBIN:-/usr/lib/postgresql/15/bin}/initdb" ] || missing+=("initdb (postgresql-15)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench.sh: missing: ${missing[*]}" >&2
  exit 1
fi

if [ -z "$addrmig" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target addrmig -j2 >/dev/null
  addrmig=$build/addrmig
fi

work=$(mktemp -d /tmp/addrmig-bench.XXXXXX)
cleanup() {
  [ "$postgres" = 1 ] && "$root/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$postgres" = 1 ]; then
  "$root/scripts/pg-cluster.sh" start "$work/pg" >&2
  # One transaction creating 5000 address tables holds about 4 locks per
  # table; PostgreSQL's default lock table (64 per connection slot) runs out
  # ("out of shared memory") for addrmig and for psql -1 alike.
  psql -X -q -c "ALTER SYSTEM SET max_locks_per_transaction = 1024" "$(cat "$work/pg/url")"
  pg_data=$(cat "$work/pg/datadir")/data
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "${PGBIN:-/usr/lib/postgresql/15/bin}/pg_ctl" -D "$pg_data" -w restart >/dev/null
  else
    "${PGBIN:-/usr/lib/postgresql/15/bin}/pg_ctl" -D "$pg_data" -w restart >/dev/null
  fi
  bench_args+=(--pg-url "$(cat "$work/pg/url")")
fi

python3 "$root/bench/bench.py" --addrmig "$addrmig" --work "$work/data" \
  --out "$build/bench-results" "${bench_args[@]}"
