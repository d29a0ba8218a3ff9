#!/usr/bin/env bash
# Performance check: the Google Benchmark binaries, then the two whole-process targets
# (README, "Performance"), timed from outside with nothing but bash and coreutils.
#   scripts/bench.sh BUILD_DIR        (make bench runs it on ./build)
# Knobs, for a quick look: EXCTL_BENCH_SPECS (default 100000), EXCTL_BENCH_LIST_RUNS (50),
# EXCTL_BENCH_IMPORT_RUNS (3), EXCTL_BENCH_FILTER (a --benchmark_filter regex; "-" skips
# the Google Benchmark part).
set -euo pipefail

build=${1:?usage: scripts/bench.sh BUILD_DIR}
exctl=$build/bin/exctl
bench_bin=$build/bench/chip_import_bench
specs=${EXCTL_BENCH_SPECS:-100000}
list_runs=${EXCTL_BENCH_LIST_RUNS:-50}
import_runs=${EXCTL_BENCH_IMPORT_RUNS:-3}
filter=${EXCTL_BENCH_FILTER:-.}

for bin in "$exctl" "$bench_bin"; do
  if [[ ! -x $bin ]]; then
    echo "bench.sh: $bin is missing; build with -DEXCTL_BUILD_BENCH=ON first" >&2
    exit 2
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exctl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The whole-process figures are about exctl's own database, never one from the caller.
unset EXCTL_DB

# Microseconds, from bash itself: forking `date` would add a process start (several ms on
# a VM) to every sample.
now_us() { echo "${EPOCHREALTIME/./}"; }

# Median of the numbers on stdin, one per line.
median() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# verdict MEASURED TARGET: "ok" when measured < target.
verdict() { awk -v m="$1" -v t="$2" 'BEGIN { print (m < t) ? "ok" : "MISSED" }'; }

# ---- in-process benchmarks -------------------------------------------------------------
if [[ $filter != "-" ]]; then
  for bin in "$build"/bench/*; do
    [[ -f $bin && -x $bin ]] || continue
    name=$(basename "$bin")
    echo "== Google Benchmark: $name"
    "$bin" --benchmark_filter="$filter" --benchmark_out="$tmp/$name.csv" \
      --benchmark_out_format=csv
    echo
  done
fi

# ---- exctl chips list, whole process -----------------------------------------------------
echo "== exctl chips list (built-in database), $list_runs runs"
# Starting any process has a floor on this machine; it is part of the figure, so it is shown
# beside it. Runs of the two alternate, so that load from elsewhere hits both alike.
"$exctl" chips list >/dev/null  # warm-up: the figure is for a warm page cache
: >"$tmp/list.us"
: >"$tmp/true.us"
for ((i = 0; i < list_runs; i++)); do
  start=$(now_us)
  /bin/true
  end=$(now_us)
  echo "$((end - start))" >>"$tmp/true.us"
  start=$(now_us)
  "$exctl" chips list >/dev/null
  end=$(now_us)
  echo "$((end - start))" >>"$tmp/list.us"
done
list_ms=$(median <"$tmp/list.us" | awk '{ printf "%.1f", $1 / 1000 }')
floor_ms=$(median <"$tmp/true.us" | awk '{ printf "%.1f", $1 / 1000 }')
echo "median $list_ms ms (a bare /bin/true: median $floor_ms ms)"
echo

# ---- exctl chips import, whole process ---------------------------------------------------
echo "== exctl chips import --empty of $specs generated specs, $import_runs runs"
start=$(now_us)
"$bench_bin" --write-specs "$tmp/specs" "$specs"
end=$(now_us)
echo "wrote $specs spec files in $(((end - start) / 1000)) ms (not part of the figure)"
: >"$tmp/import.ms"
import_started=$(now_us)
for ((i = 0; i < import_runs; i++)); do
  # Runs take seconds each; on a busy machine stop after a minute so that the whole script
  # stays within a few minutes. The median is then over the runs made.
  if ((i > 0 && $(now_us) - import_started > 60000000)); then
    echo "stopping after $i runs: over a minute spent"
    break
  fi
  rm -f "$tmp/fresh.db"
  start=$(now_us)
  if ! "$exctl" --db "$tmp/fresh.db" chips import --empty "$tmp/specs" >"$tmp/import.out" \
    2>"$tmp/import.err"; then
    echo "bench.sh: the import failed:" >&2
    head -20 "$tmp/import.err" >&2
    exit 1
  fi
  end=$(now_us)
  ms=$(((end - start) / 1000))
  echo "run $((i + 1)): $ms ms ($(cat "$tmp/import.out"))"
  echo "$ms" >>"$tmp/import.ms"
done
import_s=$(median <"$tmp/import.ms" | awk '{ printf "%.2f", $1 / 1000 }')
echo

# ---- summary -----------------------------------------------------------------------------
in_process="-"
if [[ -f $tmp/chip_import_bench.csv ]]; then
  # CSV rows: name,iterations,real_time,cpu_time,time_unit,... with times in milliseconds.
  # Parsing and writing are timed apart; together they are the import without file reads.
  in_process=$(awk -F, -v n="$specs" \
    '$1 ~ "^\"BM_(ParseValidate|ImportChips)/" n "[/\"]" { sum += $3; k++ }
     END { if (k == 2) printf "%.2f s", sum / 1000 }' "$tmp/chip_import_bench.csv")
  [[ -n $in_process ]] || in_process="-"
fi
# Other work on the machine moves every figure; the load average says how much there was.
echo "== Summary (medians; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-46s %-9s %-12s %s\n' "measurement" "target" "measured" "verdict"
printf '%-46s %-9s %-12s %s\n' "exctl chips list, built-in db, whole process" "< 20 ms" \
  "$list_ms ms" "$(verdict "$list_ms" 20)"
if [[ $specs == 100000 ]]; then
  printf '%-46s %-9s %-12s %s\n' "exctl chips import --empty, $specs specs" "< 2 s" \
    "$import_s s" "$(verdict "$import_s" 2)"
else  # the target is for 100,000 specs only
  printf '%-46s %-9s %-12s %s\n' "exctl chips import --empty, $specs specs" "-" "$import_s s" ""
fi
printf '%-46s %-9s %-12s %s\n' "  in-process: parse+validate, import_chips" "" "$in_process" ""
printf '%-46s %-9s %-12s %s\n' "  process-start floor (/bin/true), median" "" "$floor_ms ms" ""
