chips lint tests/bad_chips/empty_file.toml
