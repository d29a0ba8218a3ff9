envelope show --envelope tests/data/envelope/unknown_key.toml
