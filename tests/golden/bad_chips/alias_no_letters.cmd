chips lint tests/bad_chips/alias_no_letters.toml
