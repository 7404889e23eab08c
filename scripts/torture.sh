#!/usr/bin/env bash
# Generative tester (issue #11): grows random hand-made schemas and checks that
# addrmig's plan predicts its apply, that nothing outside the plan changes and
# that everything works afterwards. The last line is `N schemas, N failures`.
#   scripts/torture.sh --dialect sqlite|postgres --seconds N [--seed S] [--jobs J]
#                      [--seeds 1,2,3] [--replay FIXTURE.json...] [--fixtures DIR]
# ADDRMIG selects the binary (default build/addrmig). For postgres a throwaway
# cluster is started (scripts/pg-cluster.sh) unless TORTURE_PG_URL is set.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export ADDRMIG=${ADDRMIG:-$root/build/addrmig}
[ -x "$ADDRMIG" ] || { echo "torture: $ADDRMIG not found; build first (or set ADDRMIG)" >&2; exit 1; }
export PATH=/usr/lib/postgresql/15/bin:$PATH
dialect=""
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --dialect ] && { j=$((i + 1)); dialect=${!j}; }; done
if [ "$dialect" = postgres ] && [ -z "${TORTURE_PG_URL:-}" ]; then
  cluster=$(mktemp -d /tmp/addrmig-torture-pg.XXXXXX)
  trap '"$root/scripts/pg-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$cluster"' EXIT
  "$root/scripts/pg-cluster.sh" start "$cluster" >/dev/null
  export TORTURE_PG_URL=$(cat "$cluster/url")
fi
python3 "$root/tests/torture/torture.py" "$@"
