chips lint tests/bad_chips/range_outside_value.toml
