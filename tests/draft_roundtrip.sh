#!/usr/bin/env bash
# `draft --emit` round trip: the file written passes lint, is fmt-clean, and checked with
# --rules its paragraph holds for every chip to catch and for none to spare. Once for a
# set one metric separates, once for a set only two thresholds do.
set -uo pipefail
exctl=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
roundtrip() {  # NAME "CATCH" "SPARE" [--metric ...]
  local name=$1 catch=$2 spare=$3
  shift 3
  local file=$tmp/$name.rules
  if ! "$exctl" draft --catch "$catch" --spare "$spare" --date 2025-06-30 --to CN --id "$name" \
      --emit "$file" "$@" >/dev/null; then
    echo "$name: draft --emit failed"; status=1; return
  fi
  "$exctl" lint "$file" >/dev/null || { echo "$name: lint fails"; status=1; }
  "$exctl" fmt --check "$file" >/dev/null || { echo "$name: not fmt-clean"; status=1; }
  local csv
  csv=$("$exctl" --rules "$file" check ${catch//,/ } ${spare//,/ } --regime "$name" \
    --date 2025-06-30 --to CN --format csv) || { echo "$name: check fails"; status=1; return; }
  for chip in ${catch//,/ }; do
    id=$("$exctl" chips show "$chip" --format json | grep -m1 '"id"' | sed -E 's/.*: "([^"]+)".*/\1/')
    grep -q "^$id,.*[,;]$name[,;]" <<<"$csv" || { echo "$name: $chip is not caught"; status=1; }
  done
  for chip in ${spare//,/ }; do
    id=$("$exctl" chips show "$chip" --format json | grep -m1 '"id"' | sed -E 's/.*: "([^"]+)".*/\1/')
    grep -q "^$id,.*[,;]$name[,;]" <<<"$csv" && { echo "$name: $chip is caught"; status=1; }
  done
}
roundtrip draft-one "H20,H800,A800" "L20,RTX-4090D,L2"
roundtrip draft-bandwidth "H20,H800,A800" "L20,RTX-4090D,L2" --metric 'memory_bandwidth + interconnect_bandwidth'
roundtrip draft-two "H20,RTX-4090" "H100,L20" --metric tpp --metric memory_bandwidth
exit $status
