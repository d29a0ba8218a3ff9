fleet tests/data/fleet/both.toml --date 2025-06-30
