models show --spec tests/bad_models/missing_keys.toml
