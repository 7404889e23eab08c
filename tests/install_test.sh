#!/usr/bin/env bash
# `cmake --install` puts the binary, the example configs and addrmig(1) in
# place, and the installed binary runs.
set -euo pipefail
build=${1:?usage: install_test.sh BUILD_DIR}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/addrmig"
test -f "$prefix/share/addrmig/configs/example.toml"
test -f "$prefix/share/man/man1/addrmig.1"
for command in plan apply audit seed verify run history; do
  grep -q "^\.SS $command\$" "$prefix/share/man/man1/addrmig.1" || { echo "man page lacks $command"; exit 1; }
done
# The man page carries the same help text the CLI prints.
grep -q "print only the SQL script apply would run" "$prefix/share/man/man1/addrmig.1"
"$prefix/bin/addrmig" --version | grep -q '^addrmig '
echo "install ok: $prefix"
