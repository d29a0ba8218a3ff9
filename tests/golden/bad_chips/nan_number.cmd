chips lint tests/bad_chips/nan_number.toml
