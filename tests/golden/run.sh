#!/usr/bin/env bash
# Runs one golden case: CASE.cmd holds the exctl arguments (one line, shell words; run
# from the repository root). Compares stdout with CASE.out, stderr with CASE.err and the
# exit code with CASE.code (default 0). With REFRESH=1 it rewrites the expectations.
set -uo pipefail
exctl=$1
case_file=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${case_file%.cmd}
cd "$root"
args=$(head -n1 "$case_file")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# The built-in database is used unless a case names one; no user environment leaks in.
env -u EXCTL_DB bash -c "exec \"$exctl\" $args" >"$out" 2>"$err"
code=$?
if [ "${REFRESH:-0}" = 1 ]; then
  cp "$out" "$base.out"
  cp "$err" "$base.err"
  if [ "$code" = 0 ]; then rm -f "$base.code"; else echo "$code" >"$base.code"; fi
  exit 0
fi
expected_code=0
[ -f "$base.code" ] && expected_code=$(cat "$base.code")
status=0
if [ "$code" != "$expected_code" ]; then
  echo "exit code: expected $expected_code, got $code"
  status=1
fi
diff -u "$base.out" "$out" --label expected.out --label actual.out || status=1
diff -u "$base.err" "$err" --label expected.err --label actual.err || status=1
exit $status
