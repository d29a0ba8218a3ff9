chips lint tests/bad_chips/bad_identity_confidence.toml
