fleet tests/data/fleet/fractional.toml --date 2025-06-30
