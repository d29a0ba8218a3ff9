chips lint tests/bad_chips/syntax_duplicate_table.toml
