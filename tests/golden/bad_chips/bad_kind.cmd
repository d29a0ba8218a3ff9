chips lint tests/bad_chips/bad_kind.toml
