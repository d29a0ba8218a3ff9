models show --spec tests/bad_models/syntax_error.toml
