#!/usr/bin/env bash
# exctl beside its peers on one shared catalogue, in one run (issue 14's table).
#   bench/peers/run.sh BUILD_DIR [N]        (N chips, default 1,000,000)
# Installs the Node.js peers with npm into BUILD_DIR/peers-node (ignored), generates the
# catalogue (seeded), runs every evaluator, checks that each agrees with exctl on every
# verdict it gives, and prints one table. Whole-process times are the median of 3 runs.
# Needs python3 and node; a peer whose runtime is missing is reported as skipped.
set -euo pipefail
build=${1:?usage: bench/peers/run.sh BUILD_DIR [N]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
exctl=$build/bin/exctl
hand=$build/bench/peer_hand_e2e
eval_bench=$build/bench/rule_eval_bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/exctl-peers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset EXCTL_DB

now_us() { echo "${EPOCHREALTIME/./}"; }
# Median wall time in seconds of 3 runs of "$@" (stdout discarded).
timed() {
  local i s e; : >"$tmp/t"
  for i in 1 2 3; do
    s=$(now_us)
    "$@" >/dev/null || { echo "run.sh: $* failed" >&2; exit 1; }
    e=$(now_us)
    echo $((e - s)) >>"$tmp/t"
  done
  sort -n "$tmp/t" | sed -n 2p | awk '{ printf "%.3f", $1 / 1e6 }'
}
agree() {  # agree EXPECTED ACTUAL: every line of ACTUAL is in EXPECTED (id,verdict)
  local missing
  missing=$(grep -F -x -v -f "$1" "$2" | wc -l)
  [[ $missing == 0 ]] && echo "all $(wc -l <"$2")" || echo "DISAGREE on $missing"
}

echo "== generating $n chips"
python3 "$here/gen_catalogue.py" "$n" "$tmp/cat.csv"
"$exctl" check --specs "$tmp/cat.csv" --regime us-2023-10 --format csv >"$tmp/exctl.csv"
sed 1d "$tmp/exctl.csv" | cut -d, -f1,3 >"$tmp/expected"

declare -a rows
row() { rows+=("$(printf '| %-44s | %14s | %12s | %10s | %s |' "$@")"); }

exctl_s=$(timed "$exctl" check --specs "$tmp/cat.csv" --regime us-2023-10 --format csv)
exctl_jsonl_s=$(timed "$exctl" check --specs "$tmp/cat.csv" --regime us-2023-10 --format json)
"$hand" "$tmp/cat.csv" "$tmp/hand.out"
hand_s=$(timed "$hand" "$tmp/cat.csv" "$tmp/hand.out")
floor_s=$(timed "$hand" "$tmp/cat.csv" "$tmp/floor.out" --floor)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# In memory: the compiled form and the hand-written loop over the same columns.
"$eval_bench" --benchmark_filter='BM_Compiled|BM_HandWritten' --benchmark_format=csv \
  2>/dev/null >"$tmp/eval.csv"
# items_per_second is a column of Google Benchmark's CSV.
# (the name may carry a suffix: "BM_Compiled/min_time:2.000").
ips() { awk -F, -v b="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "items_per_second") c = i }
  { name = $1; gsub(/"/, "", name); sub(/\/.*/, "", name) } name == b && c { printf "%.1f M/s", $c / 1e6 }' "$tmp/eval.csv"; }

row "exctl check --specs --format csv (process)" "-" "${exctl_s} s" "1.00" "$(agree "$tmp/expected" "$tmp/expected")"
row "exctl check --specs --format json (process)" "-" "${exctl_jsonl_s} s" "$(ratio "$exctl_jsonl_s" "$exctl_s")" "same rows"
row "hand-written C++: parse, decide, write" "-" "${hand_s} s" "$(ratio "$hand_s" "$exctl_s")" "$(agree "$tmp/expected" "$tmp/hand.out")"
row "C++ floor: read() and split" "-" "${floor_s} s" "$(ratio "$floor_s" "$exctl_s")" "-"

if command -v python3 >/dev/null; then
  py_s=$(timed python3 "$here/decide.py" "$tmp/cat.csv" "$tmp/py.out")
  py_rate=$(python3 "$here/decide.py" "$tmp/cat.csv" "$tmp/py.out" | grep -oE 'in_memory_per_s=[0-9]+' | cut -d= -f2)
  row "Python (csv.DictReader, float, Counter)" "$(awk -v r="$py_rate" 'BEGIN { printf "%.2f M/s", r / 1e6 }')" "${py_s} s" "$(ratio "$py_s" "$exctl_s")" "$(agree "$tmp/expected" "$tmp/py.out")"
fi
if command -v node >/dev/null && command -v npm >/dev/null; then
  node_dir=$build/peers-node
  if [[ ! -d $node_dir/node_modules/json-rules-engine || ! -d $node_dir/node_modules/@marcbachmann/cel-js ]]; then
    npm install --no-save --no-audit --no-fund --prefix "$node_dir" json-rules-engine @marcbachmann/cel-js >/dev/null
  fi
  cp "$here/peers.mjs" "$node_dir/peers.mjs"
  node "$node_dir/peers.mjs" "$tmp/cat.csv" "$tmp/cel.out" "$tmp/jre.out" >"$tmp/node.txt"
  node_s=$(timed node "$node_dir/peers.mjs" "$tmp/cat.csv" "$tmp/cel.timed" "$tmp/jre.timed" 0)
  cel_rate=$(grep -oE '^cel in_memory_per_s=[0-9]+' "$tmp/node.txt" | cut -d= -f2)
  jre_rate=$(grep -oE '^json-rules-engine in_memory_per_s=[0-9]+' "$tmp/node.txt" | cut -d= -f2)
  row "Node.js + compiled CEL (cel-js)" "$(awk -v r="$cel_rate" 'BEGIN { printf "%.2f M/s", r / 1e6 }')" "${node_s} s" "$(ratio "$node_s" "$exctl_s")" "$(agree "$tmp/expected" "$tmp/cel.out")"
  row "Node.js + json-rules-engine (known rows)" "$(awk -v r="$jre_rate" 'BEGIN { printf "%.1f k/s", r / 1e3 }')" "-" "-" "$(agree "$tmp/expected" "$tmp/jre.out")"
else
  row "Node.js peers" "skipped" "-" "-" "node or npm not found"
fi
row "in memory: exctl compiled form (columns)" "$(ips BM_Compiled)" "-" "-" "checked by the bench"
row "in memory: hand-written C++ loop" "$(ips BM_HandWritten)" "-" "-" "checked by the bench"
# The import of generated spec files, beside a Python tomllib + sqlite3 importer.
specs=${EXCTL_PEERS_SPECS:-100000}
if [[ $specs != 0 ]] && command -v python3 >/dev/null; then
  echo "== writing $specs spec files"
  mkdir -p "$tmp/specs"
  "$build/bench/chip_import_bench" --write-specs "$tmp/specs" "$specs" >/dev/null
  import_s=$(timed bash -c "rm -f '$tmp/i.db'; exec '$exctl' --db '$tmp/i.db' chips import --empty '$tmp/specs'")
  py_import_s=$(timed python3 "$here/import.py" "$tmp/specs" "$tmp/p.db")
  import_row="| import of $specs spec files | exctl ${import_s} s | Python tomllib + sqlite3 ${py_import_s} s | exctl $(ratio "$py_import_s" "$import_s")x faster |"
fi

echo
echo "$n chips, us-2023-10, one run; whole-process times are medians of 3; ratio: time / exctl csv"
printf '| %-44s | %14s | %12s | %10s | %s |\n' "engine" "in memory" "end to end" "ratio" "agrees with exctl"
printf '|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "---------------:" "-------------:" "-----------:" "---"
printf '%s\n' "${rows[@]}"
if [[ -n ${import_row:-} ]]; then
  echo
  echo "$import_row"
fi
