#!/usr/bin/env bash
# Runs each libFuzzer target of BUILD (built with -DEXCTL_FUZZ=ON) for SECONDS on its seed
# corpus (fuzz/corpora) plus what earlier runs found (BUILD/corpus/<target>/). Fails on any
# crash, leak, timeout or sanitizer report; the input is left in BUILD/crashes/<target>/:
# copy it into tests/fuzz_regressions/<target>/ so that ctest replays it.
# Usage: scripts/fuzz.sh BUILD SECONDS [TARGET...]
set -uo pipefail
build=$1
seconds=$2
shift 2
cd "$(dirname "$0")/.."
status=0
while read -r target seeds; do
  [[ -z "$target" || "$target" == \#* ]] && continue
  if [ $# -gt 0 ] && [[ ! " $* " == *" $target "* ]]; then continue; fi
  corpus=$build/corpus/$target
  crashes=$build/crashes/$target
  mkdir -p "$corpus" "$crashes"
  # libFuzzer reads folders only: single seed files are copied into one.
  files=$build/seed_files/$target
  rm -rf "$files"
  mkdir -p "$files"
  dirs=("$files")
  for seed in $seeds; do
    if [ -d "$seed" ]; then dirs+=("$seed"); else cp "$seed" "$files/"; fi
  done
  [ -d "tests/fuzz_regressions/$target" ] && dirs+=("tests/fuzz_regressions/$target")
  dict=()
  case $target in
    rules | expression) dict=(-dict=fuzz/exctl.dict) ;;
    serve_api) dict=(-dict=fuzz/serve_api.dict) ;;
  esac
  echo "== fuzz_$target: ${seconds}s"
  # A log per target: libFuzzer prints the stats and any report on stderr.
  log=$build/fuzz_$target.log
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    TMPDIR=${TMPDIR:-/tmp} "$build/bin/fuzz_$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$crashes/" "$corpus" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  grep -E '^(stat::|#[0-9]+[[:space:]]+DONE)' "$log" | tr '\n' ' '
  echo
  if [ $rc -ne 0 ]; then
    echo "fuzz_$target FAILED (exit $rc); the report:" >&2
    grep -E -A40 'ERROR:|runtime error|==[0-9]+==' "$log" | head -60 >&2
    ls "$crashes" >&2
    status=1
  fi
done <fuzz/corpora
exit $status
