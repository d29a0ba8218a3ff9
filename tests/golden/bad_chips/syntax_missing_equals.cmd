chips lint tests/bad_chips/syntax_missing_equals.toml
