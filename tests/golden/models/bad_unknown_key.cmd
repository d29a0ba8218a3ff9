models show --spec tests/bad_models/unknown_key.toml
