models show --spec tests/bad_models/inconsistent.toml
