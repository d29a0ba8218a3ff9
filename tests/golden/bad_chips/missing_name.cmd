chips lint tests/bad_chips/missing_name.toml
