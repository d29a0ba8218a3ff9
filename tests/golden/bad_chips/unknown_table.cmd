chips lint tests/bad_chips/unknown_table.toml
