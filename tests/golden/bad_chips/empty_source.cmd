chips lint tests/bad_chips/empty_source.toml
