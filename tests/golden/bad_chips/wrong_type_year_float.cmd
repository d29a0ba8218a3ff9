chips lint tests/bad_chips/wrong_type_year_float.toml
