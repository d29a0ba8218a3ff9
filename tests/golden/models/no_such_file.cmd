models show --spec tests/bad_models/nope.toml
