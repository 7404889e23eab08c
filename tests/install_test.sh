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
# The installed binary finds its PostgreSQL module through its RUNPATH, not
# the build tree: port 1 refuses, so getting as far as libpq's own connection
# error proves the module loaded...
cd "$prefix"
set +e
output=$(LD_DEBUG=files "$prefix/bin/addrmig" -c "$prefix/share/addrmig/configs/example.toml" \
  --database "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2" plan 2>&1)
status=$?
set -e
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status: $output"; exit 1; }
grep -q "cannot connect to PostgreSQL at 127.0.0.1:1" <<<"$output" || { echo "unexpected: $output"; exit 1; }
# ... from the prefix (glibc's loader names every file it maps), not the build tree.
grep -q "file=$prefix/lib[^ ]*/addrmig/libaddrmig_postgres.so " <<<"$output" ||
  { echo "module not loaded from $prefix: $(grep libaddrmig_postgres <<<"$output")"; exit 1; }
echo "install ok: $prefix"
