check --spec tests/data/test-hbm3-stack.toml --regime safe-chips-act --to CN --date 2026-01-01 --explain
