chips lint tests/bad_chips/negative_number.toml
