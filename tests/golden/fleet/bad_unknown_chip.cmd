fleet tests/data/fleet/unknown_chip.toml --date 2025-06-30
