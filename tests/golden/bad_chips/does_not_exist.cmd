chips lint tests/bad_chips/does-not-exist.toml
