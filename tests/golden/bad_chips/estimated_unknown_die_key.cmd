chips lint tests/bad_chips/estimated_unknown_die_key.toml
