chips lint tests/bad_chips/syntax_die_not_array.toml
