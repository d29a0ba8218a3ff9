models show --spec tests/bad_models/wrong_types.toml
