#!/usr/bin/env bash
# Hostile and degenerate input, one case per run (ctest runs each): huge, deep, malformed
# and self-referential files give a diagnostic and exit 2 within bounded time, never a
# crash, a hang or a silent default.
# Usage: tests/hostile.sh EXCTL CASE
set -uo pipefail
exctl=$1
case_name=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() {
  echo "FAIL: $*"
  status=1
}
# The built-in database unless a case names one; no user environment leaks in.
unset EXCTL_DB

# run CODE PATTERN ARGS...: exctl ARGS exits CODE within 120 s (sanitized builds are slow),
# and its output (stdout and stderr) matches the extended regex PATTERN.
run() {
  local want=$1 pattern=$2
  shift 2
  timeout 120 "$exctl" "$@" >"$work/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "exctl $(printf '%.80s ' "$*"): exit $got, expected $want"
    head -c 2000 "$work/out"
  elif ! grep -aEq -- "$pattern" "$work/out"; then
    fail "exctl $(printf '%.80s ' "$*"): output does not match /$pattern/"
    head -c 2000 "$work/out"
  fi
}
# repeat N TEXT: TEXT N times.
repeat() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# A valid spec: the shipped H20 under another id, name and aliases.
spec() { # spec ID [ALIASES-LINE]
  sed -e "s/^id = .*/id = \"$1\"/" -e "s/^name = .*/name = \"Chip $1\"/" \
    -e "s/^aliases = .*/${2:-aliases = [\"$1-alias\"]}/" chipdb/chips/nvidia-h20.toml
}

case $case_name in
  big_rule_file)
    # 50 MB of regimes: refused by its size before anything is parsed (checking takes about
    # 100 times a file's size in memory). A file under the limit is read whole.
    block='regime big-N {\n  title "Big"\n  status draft\n  effective 2025-01-01\n  param cap = 1 GB/s\n  control "3A090.a" when tpp >= 4800 or (tpp >= 1600 and performance_density >= 5.92 /mm2) or memory_bandwidth >= cap\n}\n'
    printf "$block" >"$work/one.rules"
    awk -v n=20000 '{ a[NR] = $0 } END { for (i = 0; i < n; i++) for (j = 1; j <= NR; j++) { l = a[j]; sub(/big-N/, "big-" i, l); print l } }' \
      "$work/one.rules" >"$work/under.rules"
    while [ "$(stat -c %s "$work/under.rules")" -lt 52428800 ]; do
      cat "$work/under.rules" "$work/under.rules" >"$work/big.rules"
      mv "$work/big.rules" "$work/under.rules"
    done
    mv "$work/under.rules" "$work/big.rules"
    run 2 "E0302.*more than the 4 MB" lint "$work/big.rules"
    awk -v n=15000 '{ a[NR] = $0 } END { for (i = 0; i < n; i++) for (j = 1; j <= NR; j++) { l = a[j]; sub(/big-N/, "big-" i, l); print l } }' \
      "$work/one.rules" >"$work/under.rules"
    run 0 "ok: 15000 regimes" lint "$work/under.rules"
    ;;
  deep_nesting)
    # 10,000 levels: a diagnostic at the first level too deep, not a stack overflow.
    open=$(repeat 10000 '(') close=$(repeat 10000 ')')
    printf 'regime deep {\n  status draft\n  control "3A090.a" when %stpp >= 1%s\n}\n' "$open" "$close" \
      >"$work/parens.rules"
    run 2 "E0301.*nested more than 256 deep" lint "$work/parens.rules"
    printf 'regime deep {\n  status draft\n  control "3A090.a" when %stpp >= 1\n}\n' \
      "$(repeat 10000 'n' | sed 's/n/not /g')" >"$work/nots.rules"
    run 2 "E0301.*nested more than 256 deep" lint "$work/nots.rules"
    run 2 "E0103.*nested more than 256 deep" chips list --where "${open}tpp>=1${close}"
    run 2 "E0606.*nested more than 256 deep" draft --catch H20 --spare L20 --date 2025-06-30 \
      --metric "${open}tpp${close}"
    printf 'x = %s1%s\n' "$(repeat 10000 '[')" "$(repeat 10000 ']')" >"$work/deep.toml"
    run 2 "E0201.*nested value depth" chips lint "$work/deep.toml"
    run 2 "E0201.*nested value depth" models show --spec "$work/deep.toml"
    printf 'regime = "us-2023-10"\n[[case]]\nname = %s1%s\n' "$(repeat 10000 '[')" \
      "$(repeat 10000 ']')" >"$work/deep.cases.toml"
    run 2 "E0117.*nested value depth" test "$work/deep.cases.toml"
    ;;
  long_identifier)
    # A 1 MB name: an unknown name, reported once, in bounded time.
    id=$(repeat 1000000 'a')
    printf 'regime long {\n  status draft\n  control "3A090.a" when %s >= 1\n}\n' "$id" >"$work/field.rules"
    run 2 "E0404" lint "$work/field.rules"
    printf 'regime %s {\n  status draft\n}\n' "$id" >"$work/id.rules"
    run 0 "ok: 1 regime" lint "$work/id.rules"
    # A command-line argument is at most 128 KB (Linux MAX_ARG_STRLEN).
    run 2 "E0103" chips list --where "${id:0:100000}>=1"
    { printf 'id = "%s"\n' "$id"; spec x1 | sed 1d; } >"$work/long.toml"
    run 0 "W0201" chips lint "$work/long.toml"  # a valid id, warned of as not the file name
    ;;
  invalid_utf8_and_nul)
    # Invalid UTF-8 and a NUL byte in every text input: a diagnostic at the byte.
    printf 'regime bad {\n  title "caf\xe9"\n  status draft\n}\n' >"$work/utf8.rules"
    run 2 "E0301.*invalid UTF-8 \(byte 0xE9\)" lint "$work/utf8.rules"
    printf 'regime bad {\n  title "a\0b"\n  status draft\n}\n' >"$work/nul.rules"
    run 2 "E0301.*control character \(U\+0000\)" lint "$work/nul.rules"
    run 2 "E0103.*invalid UTF-8" chips list --where $'tpp >= 1 and \xff'
    spec x1 | sed 's/^name = .*/name = "X1 \xff"/' >"$work/utf8.toml"
    run 2 "E0201.*invalid utf-8" chips lint "$work/utf8.toml"
    spec x1 | sed 's/^name = .*/name = "X1 \x00"/' >"$work/nul.toml"
    run 2 "E0201.*control characters" chips lint "$work/nul.toml"
    sed 's/^name = .*/name = "Llama \xff"/' chipdb/models/llama-3.1-8b.toml >"$work/utf8-model.toml"
    run 2 "E0201.*invalid utf-8" models show --spec "$work/utf8-model.toml"
    sed 's/^name = .*/name = "Llama \x00"/' chipdb/models/llama-3.1-8b.toml >"$work/nul-model.toml"
    run 2 "E0201.*control characters" models show --spec "$work/nul-model.toml"
    printf 'id,tpp\nbad\xff,4800\nnul\0,4800\nok,4800\n' >"$work/bad.csv"
    run 2 "E0116.*not valid UTF-8" check --specs "$work/bad.csv" --regime us-2023-10
    grep -aq 'E0116.*control character (U+0000)' "$work/out" || fail "a NUL in a CSV row is not reported"
    grep -aq '"chip":"ok"' "$work/out" || fail "the good CSV row after the bad ones was not checked"
    printf '{"id": "bad\xff", "tpp": 4800}\n{"id": "nul\0", "tpp": 4800}\n{"id": "ok", "tpp": 4800}\n' \
      >"$work/bad.jsonl"
    run 2 "E0116.*not valid UTF-8" check --specs "$work/bad.jsonl" --regime us-2023-10
    grep -aqF 'control character U+0000' "$work/out" || fail "a NUL in a JSON line is not reported"
    printf 'regime = "us-2023-10"\n[[case]]\nname = "caf\xe9"\n' >"$work/utf8.cases.toml"
    run 2 "E0117.*invalid utf-8" test "$work/utf8.cases.toml"
    printf 'regime = "us-2023-10"\n[[case]]\nname = "a\0b"\n' >"$work/nul.cases.toml"
    run 2 "E0117.*control characters" test "$work/nul.cases.toml"
    ;;
  crlf_and_bom)
    # Windows line ends and a UTF-8 byte-order mark are read like any other file.
    bom=$'\xef\xbb\xbf'
    { printf '%s' "$bom"; sed 's/$/\r/' examples/draft-bandwidth-cap.rules; } >"$work/crlf.rules"
    run 0 "ok: 1 regime" lint "$work/crlf.rules"
    { printf '%s' "$bom"; spec crlf-chip | sed 's/$/\r/'; } >"$work/crlf.toml"
    run 0 "" chips lint "$work/crlf.toml"
    { printf '%s' "$bom"; sed 's/$/\r/' chipdb/models/llama-3.1-8b.toml; } >"$work/crlf-model.toml"
    run 0 "Llama 3.1 8B" models show --spec "$work/crlf-model.toml"
    { printf '%s' "$bom"; sed 's/$/\r/' tests/data/catalogue.csv; } >"$work/bom.csv"
    run 0 '"chip":"at-the-line"' check --specs "$work/bom.csv" --regime us-2023-10 --date 2024-06-01
    { printf '%s' "$bom"; sed 's/$/\r/' tests/data/catalogue.jsonl; } >"$work/bom.jsonl"
    run 0 '"chip":"at-the-line"' check --specs "$work/bom.jsonl" --regime us-2023-10 --date 2024-06-01
    { printf '%s' "$bom"; sed 's/$/\r/' rules/us-2023-10.cases.toml; } >"$work/crlf.cases.toml"
    run 0 "passed" test "$work/crlf.cases.toml"
    ;;
  overflowing_numbers)
    printf 'regime big {\n  status draft\n  control "3A090.a" when tpp >= 99999999999999999999999999\n}\n' \
      >"$work/big.rules"
    run 2 "E0406" lint "$work/big.rules"
    spec x1 | sed 's/^fp16 = .*/fp16 = 99999999999999999999/' >"$work/int.toml"
    run 2 "E0201|E0206" chips lint "$work/int.toml"
    spec x1 | sed 's/^fp16 = .*/fp16 = 1e400/' >"$work/float.toml"
    run 2 "E0201|E0206" chips lint "$work/float.toml"
    sed 's/^layers = .*/layers = 99999999999999999999/' chipdb/models/llama-3.1-8b.toml >"$work/model.toml"
    run 2 "E020[16]" models show --spec "$work/model.toml"
    run 2 "E0421" check --specs tests/data/catalogue_overflow.csv --regime us-2025-04-h20 --to CN \
      --date 2025-06-01
    run 2 "E0103|E0406" chips list --where "tpp >= 99999999999999999999999999"
    ;;
  nan_and_infinity)
    for v in nan inf -inf +nan; do
      spec x1 | sed "s/^fp16 = .*/fp16 = $v/" >"$work/chip.toml"
      run 2 "E0206.*finite|E0206" chips lint "$work/chip.toml"
      sed "s/^params_billion = .*/params_billion = $v/" chipdb/models/llama-3.1-8b.toml >"$work/model.toml"
      run 2 "E020[1-7]" models show --spec "$work/model.toml"
    done
    ;;
  thousand_aliases)
    aliases=$(seq 1 1000 | sed 's/.*/"many-alias-&"/' | paste -sd, -)
    spec many "aliases = [$aliases]" >"$work/many.toml"
    run 0 "" chips lint "$work/many.toml"
    run 0 "" --db "$work/db" chips import "$work/many.toml"
    run 0 "many" --db "$work/db" chips show many-alias-1000
    ;;
  import_with_one_broken)
    # N specs, the last one broken: nothing is written, to a new file or an existing one.
    count=${EXCTL_HOSTILE_SPECS:-20000}  # 100,000 took 406 s here (generation and two imports)
    mkdir "$work/specs"
    spec "gen-ID" "aliases = [\"gen-ID-alias\"]" >"$work/template.toml"
    awk -v n="$count" -v dir="$work/specs" '
      { t[NR] = $0 }
      END {
        for (i = 0; i < n; i++) {
          f = sprintf("%s/gen-%06d.toml", dir, i)
          for (j = 1; j <= NR; j++) { l = t[j]; gsub(/gen-ID/, "gen-" i, l); print l > f }
          close(f)
        }
      }' "$work/template.toml"
    last=$(printf '%s/gen-%06d.toml' "$work/specs" $((count - 1)))
    echo 'fp16 = "broken' >>"$last"
    run 2 "E0201" --db "$work/new.db" chips import "$work/specs"
    [ -e "$work/new.db" ] && fail "a failed import into a new file left $work/new.db behind"
    ls "$work" | grep -q 'new.db' && fail "a failed import left a temporary file: $(ls "$work")"
    run 0 "" --db "$work/old.db" chips import chipdb/chips/nvidia-h20.toml
    before=$(sha256sum <"$work/old.db")
    run 2 "E0201" --db "$work/old.db" chips import "$work/specs"
    [ "$(sha256sum <"$work/old.db")" = "$before" ] || fail "a failed import changed the database"
    ;;
  extends_itself)
    printf 'regime draft-self extends draft-self {\n  status draft\n}\n' >"$work/self.rules"
    run 2 "E0402" lint "$work/self.rules"
    run 2 "E0402" --rules "$work/self.rules" regimes show draft-self
    ;;
  division_by_zero)
    # A divisor zero for one chip's values: that chip's comparison is unknown because of
    # the division, and says so; the verdict is indeterminate, never "not controlled".
    printf 'regime draft-divide {\n  status draft\n  effective 2025-01-01\n  control "3A090.x" when memory_bandwidth / interconnect_bandwidth >= 2\n}\n' \
      >"$work/divide.rules"
    printf 'id,memory_bandwidth,interconnect_bandwidth\nzero-io,4000 GB/s,0 GB/s\nsome-io,4000 GB/s,900 GB/s\n' \
      >"$work/divide.csv"
    run 0 '"unknown_because":"division by zero"' --rules "$work/divide.rules" check \
      --specs "$work/divide.csv" --regime draft-divide --date 2025-06-30 --explain
    grep -a '"chip":"zero-io"' "$work/out" | grep -q '"verdict":"indeterminate"' ||
      fail "the chip whose divisor is zero is not indeterminate"
    grep -a '"chip":"some-io"' "$work/out" | grep -q '"verdict":"controlled"' ||
      fail "the chip whose divisor is not zero is not decided"
    ;;
  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
exit $status
