check --spec tests/data/test-too-large.toml --regime us-2025-04-h20 --to CN --date 2025-06-01
