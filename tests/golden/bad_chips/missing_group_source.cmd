chips lint tests/bad_chips/missing_group_source.toml
