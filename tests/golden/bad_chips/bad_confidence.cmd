chips lint tests/bad_chips/bad_confidence.toml
