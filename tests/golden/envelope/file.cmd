envelope show --envelope tests/data/envelope/small.toml
