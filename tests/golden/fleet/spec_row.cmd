fleet tests/data/fleet/spec_row.toml --date 2025-06-30
