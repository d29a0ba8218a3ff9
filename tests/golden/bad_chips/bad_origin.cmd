chips lint tests/bad_chips/bad_origin.toml
