fleet tests/data/fleet/empty.toml --date 2025-06-30
