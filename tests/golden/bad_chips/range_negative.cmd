chips lint tests/bad_chips/range_negative.toml
