#!/usr/bin/env bash
# Makes docs/plan-diagram.png: the diagram of `addrmig --format markdown plan`
# for configs/example.toml on an empty SQLite database, drawn by the render
# tests' own script (tests/render/render.mjs: Mermaid in headless Chromium).
#   scripts/render-screenshot.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
"$root/tests/render/setup.sh" "$build/render"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/addrmig" -c "$root/configs/example.toml" --database "sqlite:$work/demo.db" --format markdown plan > "$work/plan.md"
node "$root/tests/render/render.mjs" "$build/render/node_modules" "$work/plan.md" --screenshot "$root/docs/plan-diagram.png"
echo "wrote docs/plan-diagram.png"
