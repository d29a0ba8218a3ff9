models show --spec tests/bad_models/mla_with_head_dim.toml
