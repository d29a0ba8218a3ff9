chips lint tests/bad_chips/range_reversed.toml
