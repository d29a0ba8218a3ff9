#!/usr/bin/env bash
# Performance check: the Google Benchmark binaries, then the whole-process targets
# (README, "Performance"), timed from outside with nothing but bash and coreutils.
#   scripts/bench.sh BUILD_DIR        (make bench runs it on ./build)
# Knobs, for a quick look: EXCTL_BENCH_SPECS (default 100000), EXCTL_BENCH_LIST_RUNS (50,
# also the runs of `check`), EXCTL_BENCH_IMPORT_RUNS (3), EXCTL_BENCH_FILTER (a
# --benchmark_filter regex; "-" skips the Google Benchmark part).
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
    [[ $name == peer_* ]] && continue  # the peers' programs, run by bench/peers/run.sh
    echo "== Google Benchmark: $name"
    "$bin" --benchmark_filter="$filter" --benchmark_out="$tmp/$name.csv" \
      --benchmark_out_format=csv
    echo
  done
fi

# ---- cold starts, whole process ----------------------------------------------------------
# Starting any process has a floor on this machine: /bin/true, timed in turn with each
# command (runs alternate, so that load from elsewhere hits both alike). The target is at
# most 3x that floor. Each figure is for a warm page cache (one run first, not counted).
# cold NAME ARGS...: the median ms of "exctl ARGS" into $NAME_ms, of /bin/true beside it
# into $NAME_floor.
cold() {
  local name=$1 i start end
  shift
  echo "== exctl $*, $list_runs runs"
  "$exctl" "$@" >/dev/null
  : >"$tmp/$name.us"
  : >"$tmp/$name.true.us"
  for ((i = 0; i < list_runs; i++)); do
    start=$(now_us)
    /bin/true
    end=$(now_us)
    echo "$((end - start))" >>"$tmp/$name.true.us"
    start=$(now_us)
    "$exctl" "$@" >/dev/null
    end=$(now_us)
    echo "$((end - start))" >>"$tmp/$name.us"
  done
  printf -v "${name}_ms" '%s' "$(median <"$tmp/$name.us" | awk '{ printf "%.1f", $1 / 1000 }')"
  printf -v "${name}_floor" '%s' "$(median <"$tmp/$name.true.us" | awk '{ printf "%.1f", $1 / 1000 }')"
  local ms_var=${name}_ms floor_var=${name}_floor
  echo "median ${!ms_var} ms (a bare /bin/true beside it: ${!floor_var} ms)"
  echo
}
check_args=(check H20 --regime us-2023-10)
roofline_args=(roofline H100 --model llama-3.1-8b)
cold list chips list
cold check "${check_args[@]}"
cold roofline "${roofline_args[@]}"
floor_ms=$list_floor
times_floor() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
within_3x() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= 3 * b ? "ok" : "MISSED") }'; }

# ---- exctl chips import, whole process ---------------------------------------------------
echo "== exctl chips import --empty of $specs generated specs, $import_runs runs"
# Peak memory from GNU time when it is installed (it adds no measurable time to a run).
peak_cmd=()
: >"$tmp/import.peak"
if [[ -x /usr/bin/time ]]; then
  peak_cmd=(/usr/bin/time -f %M -o "$tmp/import.kb")
fi
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
  if ! "${peak_cmd[@]}" "$exctl" --db "$tmp/fresh.db" chips import --empty "$tmp/specs" \
    >"$tmp/import.out" 2>"$tmp/import.err"; then
    echo "bench.sh: the import failed:" >&2
    head -20 "$tmp/import.err" >&2
    exit 1
  fi
  end=$(now_us)
  ms=$(((end - start) / 1000))
  echo "run $((i + 1)): $ms ms ($(cat "$tmp/import.out"))"
  echo "$ms" >>"$tmp/import.ms"
  [[ -s $tmp/import.kb ]] && tail -n1 "$tmp/import.kb" >>"$tmp/import.peak"
done
import_s=$(median <"$tmp/import.ms" | awk '{ printf "%.2f", $1 / 1000 }')
import_peak="-"
if [[ -s $tmp/import.peak ]]; then
  import_peak=$(median <"$tmp/import.peak" | awk '{ printf "%.0f MiB", $1 / 1024 }')
fi
echo

# ---- summary -----------------------------------------------------------------------------
in_process="-"
floor="-"
if [[ -f $tmp/chip_import_bench.csv ]]; then
  # CSV rows: name,iterations,real_time,cpu_time,time_unit,... with times in milliseconds.
  # Parsing and writing are timed apart; together they are the import without file reads.
  in_process=$(awk -F, -v n="$specs" \
    '$1 ~ "^\"BM_(ParseValidate|ImportChips)/" n "[/\"]" { sum += $3; k++ }
     END { if (k == 2) printf "%.2f s", sum / 1000 }' "$tmp/chip_import_bench.csv")
  [[ -n $in_process ]] || in_process="-"
  # What no import can go below while it parses specs with toml++: toml++ alone plus the
  # database write, spread over every core at once.
  floor=$(awk -F, -v n="$specs" -v cores="$(nproc)" \
    '$1 ~ "^\"BM_(TomlParseOnly|WriteNewDatabase)/" n "[/\"]" { sum += $4; k++ }
     END { if (k == 2) printf "%.2f s (%.2f CPU-s / %d cores)", sum / 1000 / cores, sum / 1000, cores }' \
    "$tmp/chip_import_bench.csv")
  [[ -n $floor ]] || floor="-"
fi
# Other work on the machine moves every figure; the load average says how much there was.
echo "== Summary (medians; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
row() { printf '%-54s %-9s %-12s %s\n' "$@"; }
row "measurement" "target" "measured" "verdict"
row "exctl chips list, built-in db, whole process" "< 20 ms" "$list_ms ms" \
  "$(verdict "$list_ms" 20)"
row "  beside /bin/true ($list_floor ms)" "<= 3x" "$(times_floor "$list_ms" "$list_floor")" \
  "$(within_3x "$list_ms" "$list_floor")"
row "exctl ${check_args[*]}, whole process" "< 15 ms" "$check_ms ms" \
  "$(verdict "$check_ms" 15)"
row "  beside /bin/true ($check_floor ms)" "<= 3x" "$(times_floor "$check_ms" "$check_floor")" \
  "$(within_3x "$check_ms" "$check_floor")"
row "exctl ${roofline_args[*]}, whole process" "" "$roofline_ms ms" ""
row "  beside /bin/true ($roofline_floor ms)" "<= 3x" \
  "$(times_floor "$roofline_ms" "$roofline_floor")" "$(within_3x "$roofline_ms" "$roofline_floor")"
if [[ $specs == 100000 ]]; then
  row "exctl chips import --empty, $specs specs" "< 2 s" "$import_s s" \
    "$(verdict "$import_s" 2)"
else  # the target is for 100,000 specs only
  row "exctl chips import --empty, $specs specs" "-" "$import_s s" ""
fi
row "  its peak memory (GNU time), median" "" "$import_peak" ""
row "  in-process, one thread: parse+validate, import_chips" "" "$in_process" ""
row "  its floor: toml++ alone + the write, on all cores" "" "${floor:--}" ""
row "  process-start floor (/bin/true), median" "" "$floor_ms ms" ""
if [[ -f $tmp/rule_eval_bench.csv ]]; then
  # items_per_second is the 7th CSV column; decisions per second, in millions.
  rate() { awk -F, -v b="$1" '$1 ~ "^\"" b "/" { printf "%.1f", $7 / 1e6 }' "$tmp/rule_eval_bench.csv"; }
  compiled=$(rate BM_Compiled)
  by_hand=$(rate BM_HandWritten)
fi
if [[ -n ${compiled:-} ]]; then  # absent when EXCTL_BENCH_FILTER left the benchmark out
  row "us-2023-10 over 10M chips, compiled, M decisions/s" ">= 50" "$compiled" \
    "$(awk -v m="$compiled" 'BEGIN { print (m >= 50) ? "ok" : "MISSED" }')"
  row "  the same thresholds by hand (the ceiling), M/s" "" "$by_hand" \
    "$(awk -v a="$compiled" -v b="$by_hand" 'BEGIN { if (b > 0) printf "ratio %.2f", a / b }')"
fi
if [[ -f $tmp/loophole_bench.csv ]]; then
  # Exact: milliseconds per regime (CSV column 3, real time); Grid: design points per second.
  exact_ms=$(awk -F, '$1 ~ /^"Exact\/1"/ { printf "%.2f", $3 }' "$tmp/loophole_bench.csv")
  grid_rate=$(awk -F, '$1 ~ /^"Grid\/16"/ { printf "%.1f", $7 / 1e6 }' "$tmp/loophole_bench.csv")
  row "loophole us-2025-04-h20, exact, in-process" "< 1000 ms" "$exact_ms ms" \
    "$(verdict "$exact_ms" 1000)"
  row "loophole grid, M design points/s" ">= 10" "$grid_rate" \
    "$(awk -v m="$grid_rate" 'BEGIN { print (m >= 10) ? "ok" : "MISSED" }')"
fi

# ---- beside the peers (bench/peers/run.sh), into bench/RESULTS.md ------------------------
peers=${EXCTL_BENCH_PEERS:-1000000}
if [[ $peers != 0 ]]; then
  echo
  echo "== exctl beside its peers, $peers chips"
  root=$(cd "$(dirname "$0")/.." && pwd)
  "$root/bench/peers/run.sh" "$build" "$peers" | tee "$tmp/peers.txt"
  {
    echo "# exctl beside its peers"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh, bench/peers/run.sh) on $(date -u +%Y-%m-%d)."
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))," \
      "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr)."
    echo
    sed -n '/chips, us-2023-10/,$p' "$tmp/peers.txt"
  } >"$root/bench/RESULTS.md"
  echo "(written to bench/RESULTS.md)"
fi

# ---- exctl serve under load --------------------------------------------------------------
# 50 clients moving a slider against a server on an ephemeral loopback port; bounded by
# EXCTL_BENCH_SERVE_REQUESTS (default 100,000) and EXCTL_BENCH_SERVE_SECONDS (default 600).
serve_bench=$build/bench-tools/serve_bench
if [[ -x $serve_bench ]]; then
  echo
  echo "== exctl serve: 50 clients moving a slider (/api/evaluate)"
  "$exctl" serve --port 0 >"$tmp/serve.out" 2>&1 &
  serve_pid=$!
  for _ in $(seq 50); do grep -q http "$tmp/serve.out" && break; sleep 0.1; done
  serve_port=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/serve.out" | sed 's/.*://')
  "$serve_bench" "$serve_port" "$serve_pid" --clients 50 \
    --requests "${EXCTL_BENCH_SERVE_REQUESTS:-100000}" --seconds "${EXCTL_BENCH_SERVE_SECONDS:-600}" || true
  kill -INT "$serve_pid"
  wait "$serve_pid" || true
fi
