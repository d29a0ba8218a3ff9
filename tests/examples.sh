#!/usr/bin/env bash
# Keeps examples/README.md true: every "$ exctl ..." line in a ```console block is run (from
# the repository root, on the built-in database) and its standard output must be the lines
# that follow it, up to the next "$ " line or the end of the block.
#   tests/examples.sh EXCTL [--refresh]    --refresh rewrites the outputs in place
set -uo pipefail
exctl=$1
refresh=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
doc=$root/examples/README.md
cd "$root"
out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT
status=0
in_block=0
command=""
expected=""
lines=0
# Runs the pending command; compares its output, or (refreshing) writes it.
flush() {
  [ -z "$command" ] && return
  actual=$(env -u EXCTL_DB bash -c "exec \"$exctl\" ${command#exctl }" 2>/dev/null)
  if [ -n "$refresh" ]; then
    printf '%s\n' "$actual" >>"$out"
  elif [ "$actual" != "$expected" ]; then
    echo "examples/README.md: \$ $command"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | head -20
    status=1
  fi
  command=""
  expected=""
  lines=0
}
while IFS= read -r line || [ -n "$line" ]; do
  if [ $in_block = 0 ]; then
    [ -n "$refresh" ] && printf '%s\n' "$line" >>"$out"
    [ "$line" = '```console' ] && in_block=1
    continue
  fi
  if [ "$line" = '```' ]; then
    flush
    in_block=0
    [ -n "$refresh" ] && printf '%s\n' "$line" >>"$out"
    continue
  fi
  if [[ $line == '$ '* ]]; then
    flush
    command=${line#\$ }
    [ -n "$refresh" ] && printf '%s\n' "$line" >>"$out"
    continue
  fi
  if [ -n "$command" ]; then
    if [ $lines = 0 ]; then expected=$line; else expected+=$'\n'$line; fi
    lines=$((lines + 1))
  fi
done <"$doc"
if [ -n "$refresh" ]; then cp "$out" "$doc"; fi
exit $status
