#!/usr/bin/env bash
# The report and each chart as a person sees them: rendered in headless Chromium, the
# screenshot not blank, no console message, the report's script run to its end, and on the
# TPP x PD chart the H20 outside the 2023 regions and the H100 inside (by the points'
# data attributes and by their coordinates against the region polygons).
# Screenshots stay in BUILD/screenshots. Skipped (exit 77) without chromium or python3.
set -uo pipefail
exctl=$1
build=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || ! command -v python3 >/dev/null; then
  echo "SKIPPED: chromium or python3 is not installed (apt-get install chromium python3; make test installs them)"
  exit 77
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/screenshots"
out=$(cd "$build/screenshots" && pwd)  # absolute, for file:// URLs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
status=0
fail() { echo "FAIL: $*"; status=1; }

"$exctl" plot tpp-pd --regime us-2023-10 --all --date 2025-06-30 -o "$out/tpp-pd.svg" || fail "plot tpp-pd"
"$exctl" plot bandwidth --regime us-2026-01-h20 --date 2026-02-01 -o "$out/bandwidth.svg" || fail "plot bandwidth"
"$exctl" plot roofline H100,H20,A100,MI300X --model llama-3.1-8b --batch 16 -o "$out/roofline.svg" || fail "plot roofline"
"$exctl" plot sweep us-2025-04-h20 --param dram_cap=500GB/s..5TB/s/50GB/s --to CN --date 2025-06-30 \
  -o "$out/sweep.svg" || fail "plot sweep"
"$exctl" report --to CN --date 2026-02-01 -o "$out/report.html" || fail "report"

# Each run its own profile: a second Chromium on a profile in use hands over and prints nothing.
runs=0
chrome() {
  runs=$((runs + 1))
  timeout 120 "$browser" --user-data-dir="$work/profile$runs" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-extensions --hide-scrollbars \
    --enable-logging=stderr --v=0 "$@"
}

for f in tpp-pd.svg bandwidth.svg roofline.svg sweep.svg report.html; do
  name=${f%.*}
  height=1000
  [[ $f == *.svg ]] && height=$(grep -o 'height="[0-9]*"' "$out/$f" | head -1 | tr -dc 0-9)
  chrome --screenshot="$out/$name.png" --window-size=1100,"$height" "file://$out/$f" \
    >/dev/null 2>"$work/$name.shot.log" || fail "$f: chromium exited with an error"
  [ -s "$out/$name.png" ] || { fail "$f: no screenshot"; continue; }
  python3 tests/browser_check.py png "$out/$name.png" 12 || fail "$f: blank screenshot"
  chrome --dump-dom "file://$out/$f" >"$work/$name.dom" 2>"$work/$name.dom.log" ||
    fail "$f: chromium --dump-dom failed"
  # What the browser loaded is the file (an error page would also make a colourful screenshot).
  grep -q 'data-chart="' "$work/$name.dom" || fail "$f: the browser did not show the chart"
  if grep -h "CONSOLE" "$work/$name.shot.log" "$work/$name.dom.log"; then
    fail "$f: the page logged to the console"
  fi
done
python3 tests/browser_check.py tpp-pd "$work/tpp-pd.dom" || fail "tpp-pd: H20 and H100 placement"
python3 tests/browser_check.py report "$work/report.dom" || fail "report: DOM checks"
# The report's own script, clicked: a table sorts by number, both ways, and by text.
python3 tests/browser_check.py sort-page "$out/report.html" "$work/sort.html"
chrome --dump-dom "file://$work/sort.html" >"$work/sort.dom" 2>"$work/sort.log" || fail "sort page"
grep -h "CONSOLE" "$work/sort.log" && fail "sort page: console output"
python3 tests/browser_check.py sort "$work/sort.dom" || fail "report: table sorting"
[ $status = 0 ] && echo "ok: screenshots in $out"
exit $status
