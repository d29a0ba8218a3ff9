check --spec tests/data/test-hbm3-stack.toml --regime current --to CN --date 2024-12-31
