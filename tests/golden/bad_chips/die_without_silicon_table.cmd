chips lint tests/bad_chips/die_without_silicon_table.toml
