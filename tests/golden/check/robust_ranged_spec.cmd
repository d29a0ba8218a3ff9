check --spec tests/data/ranged-bandwidth.toml --regime us-2025-04-h20 --to CN --robust --date 2026-06-01
