envelope show --year 2024 --envelope tests/data/envelope/small.toml
