check --all --robust --matrix --regime us-2023-10 --regime us-2026-01 --to CN --date 2026-06-01
