chips lint tests/bad_chips/range_without_value.toml
