chips lint tests/bad_chips/syntax_bad_table_header.toml
