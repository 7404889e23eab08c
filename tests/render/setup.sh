#!/usr/bin/env bash
# Installs Mermaid (the versions pinned in package-lock.json) into DIR with
# `npm ci`, for the render tests. Nothing under node_modules is committed: a
# fresh CI machine gets the same tree from the lock file. Skipped when DIR
# already holds an install of this very lock file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: setup.sh DIR}"
mkdir -p "$dir"
# Tests may call this concurrently: one installs, the others wait, then find it done.
exec 9>"$dir/.setup.lock"
flock 9
if [ -d "$dir/node_modules/mermaid" ] && cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
test -f node_modules/mermaid/dist/mermaid.min.js
command -v chromium >/dev/null || { echo "setup.sh: chromium not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
