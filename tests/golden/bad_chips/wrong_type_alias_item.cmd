chips lint tests/bad_chips/wrong_type_alias_item.toml
