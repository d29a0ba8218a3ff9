chips lint tests/bad_chips/precision_keys_and_units.toml
