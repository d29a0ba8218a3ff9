#!/usr/bin/env bash
# `make demo`: the main job on the built-in chip database and regimes.
set -euo pipefail
exctl=${1:-build/bin/exctl}
say() { printf '\n== %s\n\n' "$*"; }

say "The shipped regimes"
"$exctl" regimes list

say "Every built-in chip under every regime: the controlled paragraphs (export to China, 2026-06-01)"
"$exctl" check --all --matrix --to CN --date 2026-06-01

say "The H20 under the 2023 rule and under the April 2025 requirement, explained"
"$exctl" check H20 --regime us-2023-10 --regime us-2025-04-h20 --to CN --date 2025-06-01 --explain

say "What changed from the 2022 rule to the 2023 rule, chip by chip and why (export to China)"
"$exctl" diff us-2022-10 us-2023-10 A800 H800 H20 L20 RTX-4090 --to CN --date 2024-06-01

say "The H20 letter's memory-bandwidth cap swept from 1 to 4 TB/s: licences to China, and each chip's breakpoint"
"$exctl" sweep us-2025-04-h20 --param dram_cap=1000GB/s..4TB/s/250GB/s --to CN --date 2025-06-30

say "Every chip: TPP and performance density, computed from the specs"
"$exctl" chips list

say "Inference: H20 vs H100 vs H800 vs Ascend 910C on the reference decode workload (ratio to the H100)"
"$exctl" roofline --reference --compare H100,H20,H800,910C

say "The same four chips serving Llama 3.1 70B in BF16 over 8 chips, batch 1 and 64 (docs/roofline.md)"
"$exctl" roofline H100 --compare H20,H800,910C --model llama-3.1-70b --tp 8 --batch 1,64 --input 2048 --output 512

say "The shareable report: every shipped regime and chip, exported to China, in one HTML file"
out=$(dirname "$(dirname "$exctl")")  # the build directory
"$exctl" report --all --to CN --date 2026-06-01 -o "$out/report.html"
"$exctl" plot tpp-pd --regime us-2022-10 --regime us-2023-10 --all --date 2024-06-01 -o "$out/tpp-pd.svg"
echo "Open $(cd "$out" && pwd)/report.html in a browser (no network needed); the TPP x PD chart"
echo "on its own: $(cd "$out" && pwd)/tpp-pd.svg"

say "The loophole: the best datacenter chip each rule leaves open for China in 2025's technology (docs/loophole.md)"
"$exctl" loophole us-2023-10,us-2025-04-h20,us-2026-01 --to CN --goal not-denied --year 2025 --date 2026-06-01 --datacenter yes --format md

say "The vendor's question: the least an H100 must lose to ship to China under the 2023 rule"
"$exctl" loophole us-2023-10 --from H100 --to CN --goal no-licence --date 2024-06-01

say "China's 2024 deliveries (public estimates): H100 equivalents by TPP and by inference, and what each rule covers"
"$exctl" fleet examples/fleet-china-2024.toml --regime us-2023-10,us-2025-04-h20 --to CN --date 2025-06-30
