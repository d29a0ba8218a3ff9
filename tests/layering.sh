#!/usr/bin/env bash
# The layers include one way (docs/architecture.md): each folder may include only itself and
# the folders listed for it. A new include across layers fails here, with the line.
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [engine/base]=""
  [engine/metrics]="engine/base"
  [engine/roofline]="engine/base"
  [engine/syntax]="engine/base"
  [engine/sema]="engine/base engine/metrics engine/syntax"
  [engine/eval]="engine/base engine/metrics engine/syntax engine/sema"
  [engine/draft]="engine/base engine/metrics engine/roofline engine/syntax engine/sema engine/eval"
  [engine/report]="engine/base engine/metrics engine/roofline engine/syntax engine/sema engine/eval engine/draft"
  [chipdb]="engine/base engine/metrics engine/roofline"
  [rules]="engine/base"
  [engine/app]="engine/base engine/metrics engine/roofline engine/syntax engine/sema engine/eval engine/draft engine/report chipdb rules"
  [serve]="engine/base engine/report engine/app"
  [cli]="engine/base engine/report engine/app serve"
  [fuzz]="engine/base engine/metrics engine/syntax engine/sema engine/eval engine/draft engine/app chipdb rules serve"
)
status=0
for layer in "${!allowed[@]}"; do
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$rest")
    dir=$(dirname "$target")
    [ "$dir" = "$layer" ] && continue
    ok=0
    for a in ${allowed[$layer]}; do [ "$dir" = "$a" ] && ok=1; done
    if [ $ok = 0 ]; then
      echo "$file:$line: $layer may not include \"$target\" (allowed: ${allowed[$layer]:-none})"
      status=1
    fi
  done < <(grep -rnE '^#include "' "$layer" --include='*.hpp' --include='*.cpp' | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/')
done
# Nothing outside cli/ may include it: the executable is the top.
if grep -rnE '^#include "cli/' engine chipdb rules bench tests fuzz 2>/dev/null; then
  echo "a library, test or benchmark includes cli/: move what it needs to engine/app"
  status=1
fi
exit $status
