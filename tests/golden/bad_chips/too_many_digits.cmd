chips lint tests/bad_chips/too_many_digits.toml
