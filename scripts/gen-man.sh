#!/usr/bin/env bash
# Generates addrmig(1) from the help text the CLI itself prints, so the man
# page cannot drift from --help: help2man renders `addrmig --help` and
# `--version`, and each command's `addrmig <command> --help` becomes a section.
#   gen-man.sh BINARY OUTPUT
set -euo pipefail
binary=${1:?usage: gen-man.sh BINARY OUTPUT}
output=${2:?usage: gen-man.sh BINARY OUTPUT}
include=$(mktemp)
trap 'rm -f "$include"' EXIT
{
  echo "[COMMANDS]"
  for command in plan apply audit seed verify run history; do
    echo ".SS $command"
    echo ".nf"
    "$binary" "$command" --help | sed 's/\\/\\\\/g; s/^\./\\\&./'
    echo ".fi"
  done
  cat <<'TEXT'
[EXIT STATUS]
.TP
.B 0
success; nothing pending (plan \-\-check), no findings (audit), data matches (verify)
.TP
.B 1
error: bad config or arguments, cannot connect, SQL failure, blocked plan
.TP
.B 2
differences: pending changes, findings, mismatches, or the database changed since a saved plan
.TP
.B 3
could not take the migration lock (or a table lock) within the lock timeout; nothing was changed (safe to retry)
.TP
.B 4
the connection was lost during COMMIT and the server could not be asked whether it committed: check addrmig history for the run id the message names
.TP
.B 130, 143
interrupted by SIGINT, SIGTERM: the running statement was cancelled and rolled back; the message says what was and was not done
[ENVIRONMENT]
.TP
.B ADDRMIG_DATABASE_URL
database URL, used when \-\-database is not given (overrides [database] url)
.TP
.B NO_COLOR
when set, plan output is never coloured
[SEE ALSO]
The README and docs/ of the addrmig source tree.
TEXT
} > "$include"
help2man --no-info --no-discard-stderr --section=1 \
  --name="plan, apply and verify <parent>_address tables on SQLite and PostgreSQL" \
  --include="$include" --output="$output" "$binary"
