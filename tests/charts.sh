#!/usr/bin/env bash
# Charts and the report as files: every SVG (and every SVG inside the report) parses as
# XML; the same command writes the same bytes twice; chip, regime and source strings that
# are markup come out as text; the report needs nothing from the network; a command that
# fails leaves no file behind, and one that succeeds leaves no temporary file.
set -uo pipefail
exctl=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# An XML parser: xmllint when installed (Debian libxml2-utils), else python3's.
xml_ok() {
  if command -v xmllint >/dev/null; then
    xmllint --noout "$1"
  else
    python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1"
  fi
}

charts=(
  "tpp-pd|plot tpp-pd --regime us-2022-10 --regime us-2023-10 --all --date 2024-06-01"
  "bandwidth|plot bandwidth --regime us-2025-04-h20 --regime us-2026-01-h20 --date 2026-02-01 --to CN"
  "roofline|plot roofline H100,H20,A100,MI300X,B200,Gaudi3,910C --model llama-3.1-70b --batch 8 --tp 2"
  "sweep|plot sweep us-2023-10 --param tpp_a=1000..8000/100 --date 2024-06-01"
  "xss|plot tpp-pd --spec tests/data/xss-test.toml H20 --date 2025-06-30"
)
for entry in "${charts[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  for run in 1 2; do
    # shellcheck disable=SC2086
    "$exctl" $args -o "$work/$name.$run.svg" 2>"$work/$name.err" || { fail "$name: $(cat "$work/$name.err")"; continue 2; }
  done
  xml_ok "$work/$name.1.svg" || fail "$name: not well-formed XML"
  cmp -s "$work/$name.1.svg" "$work/$name.2.svg" || fail "$name: two runs wrote different bytes"
  grep -q '<script' "$work/$name.1.svg" && fail "$name: a <script> element in the SVG"
done
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/xss.1.svg" || fail "xss: the chip's name is not shown as text"

# The report: once with every chip, once with the chip whose strings are markup.
"$exctl" report --to CN --date 2026-02-01 -o "$work/report.html" || fail "report"
"$exctl" report --to CN --date 2026-02-01 -o "$work/report2.html" || fail "report (second run)"
cmp -s "$work/report.html" "$work/report2.html" || fail "report: two runs wrote different bytes"
"$exctl" report --spec tests/data/xss-test.toml --regime us-2023-10 --date 2025-06-30 \
  -o "$work/xss.html" || fail "report --spec xss-test.toml"
# A rule whose title and citation are markup, in the report and on a chart.
"$exctl" --rules tests/data/xss.rules report --spec tests/data/xss-test.toml --regime draft-xss \
  --date 2025-06-30 -o "$work/xss_rule.html" || fail "report --rules xss.rules"
"$exctl" --rules tests/data/xss.rules plot tpp-pd --regime draft-xss --all --date 2025-06-30 \
  -o "$work/xss_rule.svg" || fail "plot --rules xss.rules"
for f in xss_rule.html xss_rule.svg; do
  grep -q '<script>alert(4)\|<img src=x onerror' "$work/$f" && fail "$f: the rule's title or citation is live markup"
  grep -q '&lt;script&gt;alert(4)&lt;/script&gt;' "$work/$f" || fail "$f: the rule's title is missing"
done
grep -q '&lt;img src=x onerror=alert(5)&gt;' "$work/xss_rule.html" || fail "xss_rule.html: the citation is missing"

for f in report xss xss_rule; do
  html=$work/$f.html
  [ "$(grep -o '<script' "$html" | wc -l)" = 1 ] || fail "$f.html: more than the one inline script"
  grep -qiE '(src|href)="(https?:)?//' "$html" && fail "$f.html: a reference to the network"
  grep -qi '<link\|<iframe\|<img' "$html" && fail "$f.html: an external resource element"
  # Each inline SVG on its own is well-formed XML.
  python3 - "$html" "$work/$f" <<'PY' || fail "$f.html: an inline SVG is not well-formed"
import re, sys, xml.etree.ElementTree as E
text = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg .*?</svg>", text, re.S)
assert svgs, "no inline SVG"
for s in svgs:
    E.fromstring(s)
PY
done
grep -q '<script>alert(1)</script>' "$work/xss.html" && fail "xss.html: the chip's name is live markup"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/xss.html" || fail "xss.html: the chip's name is missing"
grep -q 'javascript:alert(3)"' "$work/xss.html" && fail "xss.html: a source string is live markup"
grep -q '&lt;a href=&quot;javascript:alert(3)&quot;&gt;' "$work/xss.html" || fail "xss.html: the source is missing"
grep -q '<img src=x' "$work/xss.html" && fail "xss.html: the vendor string is live markup"

# Failures leave nothing; successes leave no temporary file; an existing file is replaced.
mkdir -p "$work/out"
echo old >"$work/out/chart.svg"
"$exctl" plot tpp-pd H20 -o "$work/out/chart.svg" 2>/dev/null || fail "overwrite an existing file"
grep -q '<svg' "$work/out/chart.svg" || fail "the existing file was not replaced"
"$exctl" plot roofline H100 --model no-such-model -o "$work/out/bad1.svg" 2>/dev/null && fail "unknown model: exit 0"
"$exctl" plot tpp-pd --specs tests/data/plot_empty.csv -o "$work/out/bad2.svg" 2>/dev/null && fail "empty selection: exit 0"
"$exctl" --rules tests/data/plot_bandwidth_only.rules plot tpp-pd --regime t-bandwidth-only \
  -o "$work/out/bad3.svg" 2>/dev/null && fail "no TPP or PD clause: exit 0"
"$exctl" report H100 --model no-such-model -o "$work/out/bad4.html" 2>/dev/null && fail "report, unknown model: exit 0"
"$exctl" plot tpp-pd H20 -o "$work/out/no-such-dir/c.svg" 2>/dev/null && fail "missing directory: exit 0"
"$exctl" plot tpp-pd H20 -o "$work/out" 2>/dev/null && fail "a directory as output: exit 0"
left=$(cd "$work/out" && ls -A | sort | tr '\n' ' ')
[ "$left" = "chart.svg " ] || fail "files left in the output directory: $left"
[ $status = 0 ] && echo "ok"
exit $status
