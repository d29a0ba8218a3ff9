chips lint tests/bad_chips/syntax_duplicate_key.toml
