chips lint tests/bad_chips/identity_after_table.toml
