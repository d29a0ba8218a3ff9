chips lint tests/bad_chips/number_too_large.toml
