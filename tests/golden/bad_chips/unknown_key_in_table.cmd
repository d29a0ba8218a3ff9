chips lint tests/bad_chips/unknown_key_in_table.toml
