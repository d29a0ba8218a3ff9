chips lint tests/bad_chips/range_not_allowed.toml
