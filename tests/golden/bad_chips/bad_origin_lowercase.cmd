chips lint tests/bad_chips/bad_origin_lowercase.toml
