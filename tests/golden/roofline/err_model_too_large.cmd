roofline H100 --model tests/bad_models/too_large.toml
