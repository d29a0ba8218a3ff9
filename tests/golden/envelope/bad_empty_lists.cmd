envelope show --envelope tests/data/envelope/empty_lists.toml
