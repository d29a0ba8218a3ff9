chips lint tests/bad_chips/missing_year.toml
