chips lint tests/bad_chips/range_unknown_key.toml
