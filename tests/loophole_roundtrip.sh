#!/usr/bin/env bash
# `loophole --emit` round trip: the spec written lints, and `check --spec` of it under the
# same regime, destination and date meets the goal the search was asked for. Over the
# shipped envelopes' years, goals and regimes, and one --from redesign.
set -uo pipefail
exctl=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
roundtrip() {  # REGIME GOAL DATE [ARGS...]
  local regime=$1 goal=$2 date=$3
  shift 3
  local file=$tmp/loophole-$regime.toml
  local name="$regime --goal $goal $*"
  if ! "$exctl" loophole "$regime" --goal "$goal" --date "$date" --emit "$file" "$@" >/dev/null; then
    echo "$name: loophole --emit failed"; status=1; return
  fi
  "$exctl" chips lint "$file" >/dev/null 2>&1 || { echo "$name: the spec does not lint"; status=1; }
  local to=()
  for ((i = 1; i <= $#; i++)); do [ "${!i}" = --to ] && { j=$((i + 1)); to=(--to "${!j}"); }; done
  local row
  row=$("$exctl" check --spec "$file" --regime "$regime" --date "$date" "${to[@]}" --format csv \
    | sed -n 2p) || { echo "$name: check fails"; status=1; return; }
  # CSV columns: chip,regime,verdict,paragraphs,licence,review_policy,...
  local verdict licence policy
  IFS=, read -r _ _ verdict _ licence policy _ <<<"$row"
  case $goal in
    not-controlled) [[ $verdict = not_controlled || $verdict = excluded ]] ||
      { echo "$name: verdict $verdict"; status=1; } ;;
    no-licence) [ "$licence" = false ] || { echo "$name: licence $licence: $row"; status=1; } ;;
    not-denied) [[ $licence = false || $policy = case_by_case || $policy = presumption_of_approval ]] ||
      { echo "$name: licence $licence, policy $policy: $row"; status=1; } ;;
  esac
}
for year in 2022 2023 2024 2025 2026 2027 2028; do
  roundtrip us-2023-10 not-controlled 2024-06-01 --year "$year"
  roundtrip us-2023-10 not-controlled 2024-06-01 --year "$year" --datacenter yes
  roundtrip us-2025-04-h20 no-licence 2025-06-30 --year "$year" --to CN
  roundtrip us-2026-01 not-denied 2026-06-01 --year "$year" --to CN --datacenter yes
done
roundtrip us-2022-10 not-controlled 2023-06-01 --year 2022
roundtrip us-2023-10 not-controlled 2024-06-01 --from H100
roundtrip us-2025-04-h20 no-licence 2025-06-30 --from H20 --to CN
exit $status
