chips lint tests/bad_chips/infinite_number.toml
