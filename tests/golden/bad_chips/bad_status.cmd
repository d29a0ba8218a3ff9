chips lint tests/bad_chips/bad_status.toml
