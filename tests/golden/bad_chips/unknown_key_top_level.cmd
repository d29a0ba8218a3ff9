chips lint tests/bad_chips/unknown_key_top_level.toml
