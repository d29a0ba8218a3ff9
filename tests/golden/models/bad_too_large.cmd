models show --spec tests/bad_models/too_large.toml
