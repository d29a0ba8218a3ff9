chips show --spec tests/bad_chips/negative_number.toml
