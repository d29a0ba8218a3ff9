chips lint tests/bad_chips/missing_confidence.toml
