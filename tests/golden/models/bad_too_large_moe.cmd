models show --spec tests/bad_models/too_large_moe.toml
