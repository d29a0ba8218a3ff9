chips lint tests/bad_chips/sparse_unknown_precision.toml
