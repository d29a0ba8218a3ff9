envelope show --envelope tests/data/envelope/max_below_min.toml
