#!/usr/bin/env bash
# Rewrites every golden expectation from the current build. Review the diff like code.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exctl=${1:-$root/build/bin/exctl}
for case_file in "$root"/tests/golden/*/*.cmd; do
  REFRESH=1 "$root/tests/golden/run.sh" "$exctl" "$case_file"
done
git -C "$root" status --short tests/golden
