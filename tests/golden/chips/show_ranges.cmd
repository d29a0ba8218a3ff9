chips show --spec tests/data/test-ranged.toml
