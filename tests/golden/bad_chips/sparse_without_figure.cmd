chips lint tests/bad_chips/sparse_without_figure.toml
