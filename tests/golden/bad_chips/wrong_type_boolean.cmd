chips lint tests/bad_chips/wrong_type_boolean.toml
