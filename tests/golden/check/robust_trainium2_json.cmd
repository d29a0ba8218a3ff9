check trainium2 --robust --regime us-2026-01 --to CN --date 2026-06-01 --format json
