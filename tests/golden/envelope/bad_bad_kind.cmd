envelope show --envelope tests/data/envelope/bad_kind.toml
