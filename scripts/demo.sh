#!/usr/bin/env bash
# `make demo`: the main job on the built-in chip database.
set -euo pipefail
exctl=${1:-build/bin/exctl}
say() { printf '\n== %s\n\n' "$*"; }

say "Every built-in chip: TPP and performance density (computed from the specs)"
"$exctl" chips list

say "The H20: how its TPP and density were derived, and from which sources"
"$exctl" chips show H20

say "Chips at or above the 2023 TPP line of 3A090.a.1 (tpp >= 4800), as Markdown"
"$exctl" --format md chips list --where 'tpp>=4800' --year-from 2023
