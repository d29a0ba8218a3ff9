chips lint tests/bad_chips/missing_vendor.toml
