chips lint tests/bad_chips/bad_id_slug.toml
