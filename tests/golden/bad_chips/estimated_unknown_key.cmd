chips lint tests/bad_chips/estimated_unknown_key.toml
