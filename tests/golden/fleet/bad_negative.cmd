fleet tests/data/fleet/negative.toml --date 2025-06-30
