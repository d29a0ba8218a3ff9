fleet tests/data/fleet/missing.toml --date 2025-06-30
