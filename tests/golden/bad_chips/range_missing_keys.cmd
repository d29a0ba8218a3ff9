chips lint tests/bad_chips/range_missing_keys.toml
