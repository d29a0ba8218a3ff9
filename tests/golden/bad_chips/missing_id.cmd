chips lint tests/bad_chips/missing_id.toml
