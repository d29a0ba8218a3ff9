envelope show --envelope tests/data/envelope/negative.toml
