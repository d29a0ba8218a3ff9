chips lint tests/bad_chips/range_wrong_type.toml
