#!/usr/bin/env bash
# The chip database when the file system or the file is against us: a read-only file or
# folder, a full disk, a database of a newer schema, a corrupt file. Each is a clear message
# and exit 2, and nothing already stored is lost (the file's bytes are unchanged).
#   tests/db_failures.sh path/to/exctl
set -uo pipefail
exctl=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
unset EXCTL_DB
status=0
fail() { echo "FAIL: $*"; status=1; }

# expect CODE PATTERN -- COMMAND...: the exit code, and stderr matching PATTERN.
expect() {
  local code=$1 pattern=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [[ $got == "$code" ]] || fail "$* exited $got, expected $code: $(head -c 400 "$tmp/err")"
  grep -qE "$pattern" "$tmp/err" || fail "$*: stderr lacks /$pattern/: $(head -c 400 "$tmp/err")"
}
same() { cmp -s "$1" "$2" || fail "$1 changed"; }

# Two spec folders: the old chips, and the new ones (the old with one more).
mkdir -p "$tmp/old" "$tmp/new"
cp "$root"/chipdb/chips/amd-mi300x.toml "$root"/chipdb/chips/amd-mi250x.toml "$tmp/old/"
cp "$tmp"/old/*.toml "$root"/chipdb/chips/amd-mi308x.toml "$tmp/new/"
chmod -R a+rX "$tmp"
db=$tmp/chips.db
"$exctl" --db "$db" chips import "$tmp/old" >/dev/null 2>&1 || fail "the first import failed"
cp "$db" "$tmp/before.db"

# As root, permissions do not stop a write: run the writer as nobody instead.
as_user=()
if [[ $(id -u) == 0 ]]; then
  if command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else
    echo "skipped: the read-only cases (root, and no setpriv to drop to another user)"
  fi
fi
if [[ $(id -u) != 0 || ${#as_user[@]} -gt 0 ]]; then
  # A read-only file in a writable folder.
  mkdir "$tmp/rofile" && cp "$db" "$tmp/rofile/chips.db" && chmod 444 "$tmp/rofile/chips.db"
  chmod 777 "$tmp/rofile"
  expect 2 "E0104.*readonly database" -- "${as_user[@]}" "$exctl" --db "$tmp/rofile/chips.db" chips import "$tmp/new"
  same "$tmp/rofile/chips.db" "$tmp/before.db"
  # Reading still works.
  "${as_user[@]}" "$exctl" --db "$tmp/rofile/chips.db" chips list >/dev/null 2>&1 ||
    fail "a read-only database could not be listed"
  # A writable file in a read-only folder (no room for the new file or a journal).
  mkdir "$tmp/rodir" && cp "$db" "$tmp/rodir/chips.db" && chmod 666 "$tmp/rodir/chips.db"
  chmod 555 "$tmp/rodir"
  expect 2 "E0104" -- "${as_user[@]}" "$exctl" --db "$tmp/rodir/chips.db" chips import "$tmp/new"
  same "$tmp/rodir/chips.db" "$tmp/before.db"
  # A new database in a read-only folder.
  expect 2 "E0104" -- "${as_user[@]}" "$exctl" --db "$tmp/rodir/new.db" chips import "$tmp/new"
  [[ -e $tmp/rodir/new.db ]] && fail "a database appeared in a read-only folder"
fi

# A full disk: the file size limit, with SIGXFSZ ignored so that a write fails instead.
cp "$tmp/before.db" "$tmp/full.db"
expect 2 "E0104.*(disk I/O error|disk is full)" -- bash -c "trap '' XFSZ; ulimit -f 64; exec \"$exctl\" --db \"$tmp/full.db\" chips import \"$root/chipdb/chips\""
same "$tmp/full.db" "$tmp/before.db"
ls -a "$tmp" | grep -q '\.import-' && fail "a full disk left a temporary database behind"
expect 2 "E0104.*(disk I/O error|disk is full)" -- bash -c "trap '' XFSZ; ulimit -f 64; exec \"$exctl\" --db \"$tmp/fresh.db\" chips import \"$root/chipdb/chips\""
[[ -e $tmp/fresh.db ]] && fail "a full disk left a new database behind"

# A database of a newer schema: user_version (bytes 60-63 of the header) set to 99.
cp "$tmp/before.db" "$tmp/newer.db"
printf '\x00\x00\x00\x63' | dd of="$tmp/newer.db" bs=1 seek=60 conv=notrunc status=none
cp "$tmp/newer.db" "$tmp/newer-before.db"
expect 2 "newer than this exctl" -- "$exctl" --db "$tmp/newer.db" chips list
expect 2 "newer than this exctl" -- "$exctl" --db "$tmp/newer.db" chips import "$tmp/new"
same "$tmp/newer.db" "$tmp/newer-before.db"

# Corrupt files: text where a database should be, a database cut short, its pages overwritten.
echo "these are not the chips you are looking for" >"$tmp/text.db"
cp "$tmp/text.db" "$tmp/text-before.db"
expect 2 "E0104.*not a database" -- "$exctl" --db "$tmp/text.db" chips list
expect 2 "E0104.*not a database" -- "$exctl" --db "$tmp/text.db" chips import "$tmp/new"
same "$tmp/text.db" "$tmp/text-before.db"
head -c 6000 "$tmp/before.db" >"$tmp/short.db"
cp "$tmp/short.db" "$tmp/short-before.db"
expect 2 "E0104.*malformed" -- "$exctl" --db "$tmp/short.db" check --all --regime us-2023-10
same "$tmp/short.db" "$tmp/short-before.db"
cp "$tmp/before.db" "$tmp/scribbled.db"
size=$(stat -c %s "$tmp/scribbled.db")
head -c $((size - 4096)) /dev/urandom | dd of="$tmp/scribbled.db" bs=1 seek=4096 conv=notrunc status=none
expect 2 "E0104" -- "$exctl" --db "$tmp/scribbled.db" check --all --regime us-2023-10

[[ $status == 0 ]] && echo "ok: read-only file and folder, full disk, newer schema, corrupt files"
exit $status
