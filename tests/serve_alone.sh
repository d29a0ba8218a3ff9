#!/usr/bin/env bash
# `exctl serve` runs `exctl-serve` from beside the executable: an exctl copied alone says so
# (E0909, exit 2) instead of crashing, and its other commands still work.
#   tests/serve_alone.sh path/to/exctl
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$1" "$tmp/exctl"
"$tmp/exctl" serve --port 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
status=0
[[ $rc == 2 ]] || { echo "FAIL: exit $rc, expected 2"; status=1; }
grep -q "E0909.*exctl-serve" "$tmp/err" || { echo "FAIL: no E0909: $(cat "$tmp/err")"; status=1; }
"$tmp/exctl" chips list >/dev/null || { echo "FAIL: chips list without exctl-serve"; status=1; }
exit $status
