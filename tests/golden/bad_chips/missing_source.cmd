chips lint tests/bad_chips/missing_source.toml
