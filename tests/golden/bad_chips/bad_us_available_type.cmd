chips lint tests/bad_chips/bad_us_available_type.toml
