chips lint tests/bad_chips/bad_die_role.toml
