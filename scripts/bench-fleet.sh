#!/usr/bin/env bash
# Fleet benchmark (bench/fleet_bench.py): shell loop vs --targets --jobs 1/2/4
# on 200 SQLite and 50 PostgreSQL databases, and the 3,000-parent batched
# apply vs psql on a default-settings server. Starts and stops both clusters.
#   scripts/bench-fleet.sh [--runs N] [--addrmig PATH]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
addrmig=$root/build/addrmig
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?}; shift ;;
    --addrmig) addrmig=${2:?}; shift ;;
    *) echo "bench-fleet.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d /tmp/addrmig-bench-fleet.XXXXXX)
trap '"$root/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null; "$root/scripts/pg-cluster.sh" stop "$work/pg-default" >/dev/null; rm -rf "$work"' EXIT
"$root/scripts/pg-cluster.sh" start "$work/pg" >&2
"$root/scripts/pg-cluster.sh" start "$work/pg-default" --defaults >&2
python3 "$root/bench/fleet_bench.py" --addrmig "$addrmig" --runs "$runs" \
  --pg-url "$(cat "$work/pg/url")" --default-pg-url "$(cat "$work/pg-default/url")"
